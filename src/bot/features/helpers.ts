
import type { Bot } from '../bot';
import type { BotContext } from '../context';
import type { TownshipContext } from '../action';
import type { PersonRow, VillageRow } from '../../store/township';
import { findVillageByName } from '../../store/township';
import {
  currentAssignment,
  getPerson,
  helperActivity,
  helperCoverage,
  helperLoads,
  helpCardStepOf,
  helperMaxOf,
  householdsOfHelper,
  isCurrentHousehold,
  membersOf,
  personByOpenId,
  visitsOf,
  type HouseholdRow,
  addAssignment,
  endAssignment,
  helperPool,
  updateHousehold,
  villageRolesOf,
} from '../../store/helpers';
import { grantRoleFromChat } from '../../store/chats';
import { actorLabel, actorName, householdFromValue, householdLabel, householdSummary, householdWithVillage, mayActIn } from '../household-info';
import { assignCard, helperActivityCard, unassignedCard, type HelperCandidate } from '../cards/helpers';
import { allows, roleList } from '../../core/roles';
import { batchShortNames } from '../../core/batches';
import { cstDate, formatCn } from '../../core/dates';
import { tooLong } from '../../core/limits';
import { HELP_CARD_STEP_NAMES } from '../../core/duties';
import { helperPick, helperAssign, ASSIGNERS } from '../actions/helpers';

const USAGE = '帮扶 <户> @某人 [超限理由：…]';
/** Roles that make someone one of "the village's cadres" for the poor-village rule. */
const VILLAGE_CADRE_ROLES = ['village_cadre', 'first_secretary'];

const norm = (s: string | null | undefined) => (s ?? '').normalize('NFKC').replace(/\s+/g, '');
/** '县交通局' matches '县交通局' and '交通局'. */
export function sameDepartment(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = norm(a);
  const y = norm(b);
  if (!x || !y) return false;
  return x === y || (x.length >= 2 && y.includes(x)) || (y.length >= 2 && x.includes(y));
}

/** In a poor village, the flag for a helper from outside the assisting department and the village cadres. */
async function flagFor(ctx: BotContext, v: VillageRow, helper: PersonRow): Promise<string | null> {
  if (!v.poor) return null;
  if (sameDepartment(helper.department, v.assistingDepartment)) return null;
  const rs = await villageRolesOf(ctx.d, [helper.id], v.id);
  if (rs.some((r) => VILLAGE_CADRE_ROLES.includes(r.role))) return null;
  return `非帮扶部门（${v.assistingDepartment ?? '未登记'}）或本村干部`;
}

export interface AssignResult {
  ok: boolean;
  text: string;
}

/**
 * Assigns (or changes) the helper of a household, with every rule of DESIGN §5. Queues the
 * writes, the audit entry and the private notices; returns the answer for the chat.
 */
export async function assignHelper(ctx: TownshipContext, h: HouseholdRow, v: VillageRow, helper: PersonRow, reasonText: string | null): Promise<AssignResult> {
  const t = ctx.township;
  const refuse = (text: string): AssignResult => ({ ok: false, text });
  const label = householdLabel(h, v);
  if (!mayActIn(ctx, ASSIGNERS, v.id)) return refuse(`只有${roleList(ASSIGNERS)}（${v.name}）可以安排帮扶责任人。`);
  if (!isCurrentHousehold(h)) {
    return refuse(`${label} 不是已纳入的贫困户，只有已纳入的户才安排帮扶责任人。`);
  }
  if (!helper.partyMember) {
    return refuse(`${helper.name} 未登记为党员，帮扶责任人须为党员干部，请另选。如登记有误，请乡扶贫办在 township.json 中更正后运行 init。`);
  }
  if (h.helperId === helper.id) return refuse(`${helper.name} 已是 ${label} 的帮扶责任人，无需重复安排。`);

  const max = helperMaxOf(t);
  const load = (await helperLoads(ctx.d, t.id)).get(helper.id) ?? 0;
  const isOffice = allows(ctx.actor.grants, ['office'], v.id);
  const reason = reasonText?.trim() || null;
  const long = tooLong('reason', '超限理由', reason);
  if (long) return refuse(long);
  let overrideReason: string | null = null;
  if (load >= max) {
    if (!isOffice) {
      return refuse(`${helper.name} 已帮扶 ${load} 户，达到上限 ${max} 户。只有乡扶贫办可以超限安排（须注明理由），请另选帮扶责任人。`);
    }
    if (!reason) {
      return refuse(`${helper.name} 已帮扶 ${load} 户，达到上限 ${max} 户。确需超限的，请注明理由：帮扶 ${h.number} @${helper.name} 超限理由：…`);
    }
    overrideReason = reason;
  }
  const flag = await flagFor(ctx, v, helper);
  const previous = h.helperId !== null ? await getPerson(ctx.d, t.id, h.helperId) : null;
  const open = await currentAssignment(ctx.d, h.id);
  const now = ctx.now.getTime();

  if (open) ctx.write(endAssignment(ctx.d, h.id, now));
  ctx.write(
    addAssignment(ctx.d, {
      townshipId: t.id,
      householdId: h.id,
      helperId: helper.id,
      assignedBy: actorLabel(ctx),
      assignedAt: now,
      overrideReason,
      flag,
      source: ctx.source,
    }),
  );
  ctx.write(updateHousehold(ctx.d, h.id, { helperId: helper.id, updatedAt: now }));
  ctx.audit({
    action: previous ? 'reassign' : 'assign',
    entity: 'household_helper',
    entityId: h.number,
    villageId: v.id,
    before: previous ? { helperId: previous.id, helper: previous.name } : null,
    after: { helperId: helper.id, helper: helper.name, load: load + 1, overrideReason, flag },
  });
  // The helper role for the village, so 走访 / 分类 / 我的帮扶 are open to them.
  const grants = await villageRolesOf(ctx.d, [helper.id], v.id);
  if (!grants.some((g) => g.role === 'helper')) {
    ctx.write(grantRoleFromChat(ctx.d, t.id, helper.id, 'helper', v.id));
    ctx.audit({ action: 'grant', entity: 'role', entityId: `${helper.name}|helper|${v.id}`, villageId: v.id, after: { role: 'helper', villageId: v.id } });
  }

  const ms = await membersOf(ctx.d, h.id);
  const by = actorName(ctx);
  if (helper.openId) {
    ctx.send(
      { openId: helper.openId },
      `【帮扶任务】${by} 安排你为以下农户的帮扶责任人：\n${householdSummary(h, v, ms)}\n` +
        `你现帮扶 ${load + 1} 户。请尽快入户走访、填写帮扶卡；走访后发送：走访 ${h.number} <内容>`,
    );
  }
  if (previous?.openId) {
    ctx.send({ openId: previous.openId }, `【帮扶调整】${label} 的帮扶责任人已由 ${by} 改为 ${helper.name}，你不再帮扶该户。请把帮扶资料交给 ${helper.name}。`);
  }
  const lines = [
    previous
      ? `已将 ${label} 的帮扶责任人由 ${previous.name} 改为 ${helper.name}（现帮扶 ${load + 1} 户）。`
      : `已安排 ${helper.name} 帮扶 ${label}（现帮扶 ${load + 1} 户）。`,
  ];
  if (overrideReason) lines.push(`超过上限 ${max} 户，理由已记录：${overrideReason}`);
  if (flag) lines.push(`⚠️ ${v.name}是贫困村，帮扶责任人原则上来自帮扶部门（${v.assistingDepartment ?? '未登记'}）或本村干部；${helper.name}（${helper.department ?? '单位未填'}）已标记，请乡扶贫办留意。`);
  if (!helper.openId) lines.push(`${helper.name} 尚未关联飞书，无法私信通知，请当面告知。`);
  else lines.push(`已私信通知 ${helper.name}${previous?.openId ? ` 和 ${previous.name}` : ''}。`);
  return { ok: true, text: lines.join('\n') };
}

/** People who may be chosen on the card: party members with Feishu, serving here or helpers anywhere. */
async function candidatesFor(ctx: TownshipContext, v: VillageRow): Promise<HelperCandidate[]> {
  const t = ctx.township;
  const max = helperMaxOf(t);
  const { people: ps, roles: rs } = await helperPool(ctx.d, t.id);
  const loads = await helperLoads(ctx.d, t.id);
  const out: (HelperCandidate & { here: boolean })[] = [];
  for (const p of ps) {
    const mine = rs.filter((r) => r.personId === p.id);
    const here = mine.some((r) => r.villageId === v.id);
    const dept = sameDepartment(p.department, v.assistingDepartment);
    if (!here && !dept && !mine.some((r) => r.role === 'helper')) continue;
    const cadre = mine.some((r) => r.villageId === v.id && VILLAGE_CADRE_ROLES.includes(r.role));
    out.push({ id: p.id, name: p.name, department: p.department, load: loads.get(p.id) ?? 0, flagged: v.poor && !dept && !cadre, here });
  }
  return out
    .sort((a, b) => Number(a.flagged) - Number(b.flagged) || Number(b.here) - Number(a.here) || Number(a.load >= max) - Number(b.load >= max) || a.load - b.load || a.name.localeCompare(b.name, 'zh'))
    .map(({ here: _here, ...c }) => c);
}

async function assignCardFor(ctx: TownshipContext, h: HouseholdRow, v: VillageRow) {
  const t = ctx.township;
  const helper = h.helperId !== null ? await getPerson(ctx.d, t.id, h.helperId) : null;
  return assignCard(h, v, await membersOf(ctx.d, h.id), helper?.name ?? null, await candidatesFor(ctx, v), helperMaxOf(t));
}

/** `超限理由：…` (or `理由：…`) at the end of the text. */
const reasonIn = (rest: string) => /(?:超限)?理由\s*[:：]?\s*(.+)$/s.exec(rest)?.[1]?.trim() || null;

export const helpers = (bot: Bot) =>
  bot
    .command({
      name: '帮扶',
      usage: USAGE,
      summary: '安排或更换某户的帮扶责任人（不写 @某人 则发卡片选择）',
      roles: ASSIGNERS,
      async run(ctx, p) {
        const [ref] = p.args;
        if (!ref) {
          if (!ctx.village) return ctx.reply(`用法：${USAGE}`);
          const cov = (await helperCoverage(ctx.d, ctx.township, [ctx.village.id])).get(ctx.village.id)!;
          return ctx.reply({ card: unassignedCard(ctx.village, cov.withoutHelper, cov.included) });
        }
        const found = await householdWithVillage(ctx, ref);
        if (!found.ok) return ctx.reply(found.message);
        const { household: h, village: v } = found;
        if (!mayActIn(ctx, ASSIGNERS, v.id)) return ctx.reply(`只有${roleList(ASSIGNERS)}（${v.name}）可以安排帮扶责任人。`);
        const key = p.args.slice(1).find((a) => p.mentions.has(a));
        const mention = key ? p.mentions.get(key) : [...p.mentions.values()][0];
        if (!mention) {
          if (!isCurrentHousehold(h)) return ctx.reply(`${householdLabel(h, v)} 不是已纳入的贫困户，只有已纳入的户才安排帮扶责任人。`);
          return ctx.reply({ card: await assignCardFor(ctx, h, v) });
        }
        const helper = await personByOpenId(ctx.d, ctx.township.id, mention.openId);
        if (!helper) {
          const name = mention.name || '此人';
          return ctx.reply(`${name} 不在本乡人员名单里，不能担任帮扶责任人。请乡扶贫办先登记：角色 @${name} 帮扶责任人`);
        }
        const r = await assignHelper(ctx, h, v, helper, reasonIn(p.rest));
        ctx.reply(r.text);
      },
    })
    .action(helperPick, async (ctx, { value }) => {
        const found = await householdFromValue(ctx, value);
        if (!found.ok) return ctx.toast('error', found.message);
        const { household: h, village: v } = found;
        if (!mayActIn(ctx, ASSIGNERS, v.id)) return ctx.toast('error', `只有${roleList(ASSIGNERS)}（${v.name}）可以安排帮扶责任人。`);
        // a new card in the chat, so the list stays for the next household
        ctx.reply({ card: await assignCardFor(ctx, h, v) });
        ctx.toast('info', `已发出 ${householdLabel(h, v)} 的帮扶安排卡片。`);
      })
    .action(helperAssign, async (ctx, { value, form }) => {
        const found = await householdFromValue(ctx, value);
        if (!found.ok) return ctx.toast('error', found.message);
        const { household: h, village: v } = found;
        const id = Number(form.helper);
        const helper = Number.isInteger(id) && id > 0 ? await getPerson(ctx.d, ctx.township.id, id) : null;
        if (!helper) return ctx.toast('error', '请先选择帮扶责任人。');
        const r = await assignHelper(ctx, h, v, helper, form.reason || null);
        if (!r.ok) return ctx.toast('error', r.text);
        ctx.reply(r.text);
        ctx.toast('success', r.text.split('\n')[0]!);
        ctx.whenCommitted(async () => {
          const fresh = await householdFromValue(ctx, value);
          if (fresh.ok) ctx.answer.card = await assignCardFor(ctx, fresh.household, fresh.village);
        });
      })
    .command({
      name: '我的帮扶',
      usage: '我的帮扶',
      summary: '查看我帮扶的户、分类、帮扶卡和走访情况',
      roles: ['helper'],
      async run(ctx) {
        const t = ctx.township;
        const me = ctx.actor.person!;
        const mine = await householdsOfHelper(ctx.d, t.id, me.id);
        const max = helperMaxOf(t);
        if (mine.length === 0) return ctx.reply(`${me.name}，你目前没有帮扶户。帮扶责任人由乡扶贫办或驻村干部安排。`);
        const lines = [`${me.name}，你帮扶 ${mine.length} 户（上限 ${max} 户）：`];
        for (const h of mine) {
          const vs = await visitsOf(ctx.d, h.id);
          const last = vs.at(-1)?.date;
          lines.push(
            `• ${h.villageName} ${h.number} ${h.headName}：${batchShortNames(h.batches)}；帮扶卡${HELP_CARD_STEP_NAMES[helpCardStepOf(h)]}；` +
              `走访 ${vs.length} 次${last ? `（最近 ${formatCn(last)}）` : ''}`,
          );
        }
        lines.push('帮扶卡：帮扶卡 <户>（填写表单或发纸质卡照片）');
        lines.push('走访后发送：走访 <户> <内容>；分类：分类 <户>；脱贫规划：规划 <户>');
        ctx.reply(lines.join('\n'));
      },
    })
    .command({
      name: '帮扶情况',
      usage: '帮扶情况 [村名]',
      summary: '各帮扶责任人的帮扶户数、近 30 天走访和未走访的户',
      roles: ['office', 'inspector'],
      async run(ctx, p) {
        const t = ctx.township;
        let village = ctx.village;
        if (p.args[0]) {
          village = await findVillageByName(ctx.d, t.id, p.args[0]);
          if (!village) return ctx.reply(`本乡没有“${p.args[0]}”。用法：帮扶情况 [村名]`);
        }
        const today = cstDate(ctx.now);
        const rows = await helperActivity(ctx.d, t, today, village ? { villageId: village.id } : {});
        ctx.reply({ card: helperActivityCard(`${village ? village.name : t.name} 帮扶情况`, rows, helperMaxOf(t), today) });
      },
    });
