// 帮扶卡 (DESIGN §5): the helper fills a help card per household; the village collects it and
// the office records it as returned. `帮扶卡` alone lists the missing ones with buttons.
import { eq } from 'drizzle-orm';
import { households } from '../../../db/schema/index';
import type { Bot } from '../bot';
import type { BotContext } from '../context';
import type { VillageRow } from '../../store/township';
import { getPerson, helperCoverage, isCurrentHousehold, type HouseholdRow } from '../../store/helpers';
import { actorLabel, householdFromValue, householdLabel, householdWithVillage, mayActIn } from '../household-info';
import { helpCardsCard } from '../cards/helpers';
import { roleList, type Role } from '../../core/roles';
import { formatCn, cstDate } from '../../core/dates';

const COLLECTORS = ['village_cadre', 'office'] as const satisfies readonly Role[];
const USAGE = '帮扶卡 <户> 已回收（撤销：帮扶卡 <户> 未回收）';

/** Records the card as returned (or, with `returned` false, undoes it). Returns [ok, text]. */
async function setReturned(ctx: BotContext, h: HouseholdRow, v: VillageRow, returned: boolean): Promise<[boolean, string]> {
  const label = householdLabel(h, v);
  if (!mayActIn(ctx, COLLECTORS, v.id)) return [false, `只有${roleList(COLLECTORS)}（${v.name}）可以登记帮扶卡回收。`];
  if (!isCurrentHousehold(h)) return [false, `${label} 不是已纳入的贫困户，没有帮扶卡。`];
  if (returned) {
    if (h.helperId === null) return [false, `${label} 还没有帮扶责任人，无从回收帮扶卡。请先安排：帮扶 ${h.number} @某人`];
    if (h.helpCardReturnedAt !== null) {
      return [false, `${label} 的帮扶卡已于 ${formatCn(cstDate(new Date(h.helpCardReturnedAt)))} 登记回收，无需重复登记。`];
    }
  } else if (h.helpCardReturnedAt === null) {
    return [false, `${label} 的帮扶卡本来就未登记回收。`];
  }
  const at = returned ? ctx.now.getTime() : null;
  const by = returned ? actorLabel(ctx) : null;
  ctx.write(ctx.d.db.update(households).set({ helpCardReturnedAt: at, helpCardReturnedBy: by, updatedAt: ctx.now.getTime() }).where(eq(households.id, h.id)));
  ctx.audit({
    action: returned ? 'return' : 'unreturn',
    entity: 'help_card',
    entityId: h.number,
    villageId: v.id,
    before: { returnedAt: h.helpCardReturnedAt, by: h.helpCardReturnedBy },
    after: { returnedAt: at, by },
  });
  const helper = h.helperId !== null ? await getPerson(ctx.d, v.townshipId, h.helperId) : null;
  const cov = (await helperCoverage(ctx.d, ctx.township!, [v.id])).get(v.id)!;
  // the coverage was read before this write: adjust by one
  const n = cov.helpCardsReturned + (returned ? 1 : -1);
  return [
    true,
    returned
      ? `已登记 ${label} 的帮扶卡已回收${helper ? `（帮扶人 ${helper.name}）` : ''}。${v.name}帮扶卡已回收 ${n}/${cov.included} 户。`
      : `已撤销 ${label} 的帮扶卡回收登记。${v.name}帮扶卡已回收 ${n}/${cov.included} 户。`,
  ];
}

async function listCard(ctx: BotContext, v: VillageRow) {
  const cov = (await helperCoverage(ctx.d, ctx.township!, [v.id])).get(v.id)!;
  const rows = await ctx.d.db.select({ id: households.id, helperId: households.helperId }).from(households).where(eq(households.villageId, v.id));
  const helperOf = new Map(rows.map((r) => [r.id, r.helperId]));
  const names = new Map<number, string>();
  for (const id of new Set([...helperOf.values()].filter((x): x is number => x !== null))) {
    const p = await getPerson(ctx.d, v.townshipId, id);
    if (p) names.set(id, p.name);
  }
  const missing = cov.helpCardsMissing.map((h) => {
    const hid = helperOf.get(h.id) ?? null;
    return { ...h, helper: hid !== null ? (names.get(hid) ?? null) : null };
  });
  return helpCardsCard(v, missing, cov.included);
}

export const helpcards = (bot: Bot) =>
  bot
    .command({
      name: '帮扶卡',
      usage: '帮扶卡 <户> 已回收',
      summary: '登记帮扶卡已回收；只写“帮扶卡”查看本村未回收的户',
      roles: COLLECTORS,
      async run(ctx, p) {
        const [ref, state] = p.args;
        if (!ref) {
          if (!ctx.village) return ctx.reply(`用法：${USAGE}`);
          return ctx.reply({ card: await listCard(ctx, ctx.village) });
        }
        if (state !== '已回收' && state !== '未回收') return ctx.reply(`请写明“已回收”。用法：${USAGE}`);
        const found = await householdWithVillage(ctx, ref);
        if (!found.ok) return ctx.reply(found.message);
        const [, text] = await setReturned(ctx, found.household, found.village, state === '已回收');
        ctx.reply(text);
      },
    })
    .action({
      name: 'helpcard.return',
      roles: COLLECTORS,
      async run(ctx, { value }) {
        const found = await householdFromValue(ctx, value);
        if (!found.ok) return ctx.toast('error', found.message);
        const [ok, text] = await setReturned(ctx, found.household, found.village, true);
        ctx.toast(ok ? 'success' : 'error', text);
        if (ok) ctx.whenCommitted(async () => {
            ctx.answer.card = await listCard(ctx, found.village);
          });
      },
    });
