
import { addPersonFromChat, bindChat, chatsBoundTo, grantRoleFromChat, personIdByOpenId, pointTargetAt, unbindChats } from '../../store/chats';
import { personByOpenId } from '../../store/helpers';
import { findVillageByName, getChat, getVillage, listVillages, type ChatRow, type TownshipRow } from '../../store/township';
import { parseRole, ROLE_NAMES, VILLAGE_ROLES, ROLES } from '../../core/roles';
import { card, md, buttons, type Card } from '../../feishu/card';
import type { Database, } from '../../store/database';
import type { BotContext } from '../context';
import { esc } from '../../feishu/escape';
import { own } from '../../core/lookup';
import type { Bot } from '../bot';
import { bindConfirm, bindCancel } from '../actions/setup';

const CHAT_KINDS: Partial<Record<string, 'leaders' | 'inspectors'>> = { 领导群: 'leaders', 纪委群: 'inspectors' };
export const KIND_NAMES = { village: '村工作群', leaders: '领导群', inspectors: '纪委群' } as const;
type Kind = keyof typeof KIND_NAMES;

interface Target {
  kind: Kind;
  villageId: number | null;
}

/** What binding `chatId` to `target` would change. */
interface BindPlan extends Target {
  chatId: string;
  townshipId: string;
  /** what the chat serves today (null: unbound) */
  from: Target | null;
  /** other chats the target has today; they lose their binding */
  displaced: string[];
}

const sameTarget = (a: Target | null, b: Target | null) => a?.kind === b?.kind && (a?.villageId ?? null) === (b?.villageId ?? null);

async function labelOf(d: Database, t: Target): Promise<string> {
  if (t.kind !== 'village') return KIND_NAMES[t.kind];
  const v = t.villageId ? await getVillage(d, t.villageId) : null;
  return `${v?.name ?? '（已删除的村）'} ${KIND_NAMES.village}`;
}

async function planBind(d: Database, t: TownshipRow, chatId: string, existing: ChatRow | null, target: Target): Promise<BindPlan> {
  const displaced = new Set(await chatsBoundTo(d, t.id, target, chatId));
  if (target.kind === 'village' && target.villageId !== null) {
    const v = await getVillage(d, target.villageId);
    if (v?.chatId && v.chatId !== chatId) displaced.add(v.chatId);
  } else {
    const current = target.kind === 'leaders' ? t.leadersChatId : t.inspectorsChatId;
    if (current && current !== chatId) displaced.add(current);
  }
  const from = existing ? { kind: existing.kind, villageId: existing.villageId } : null;
  return { ...target, chatId, townshipId: t.id, from, displaced: [...displaced].sort() };
}

/** Queues the bind and its audit entries on ctx. */
async function applyBind(ctx: BotContext, plan: BindPlan) {
  const d = ctx.d;
  const now = ctx.now.getTime();
  const target: Target = { kind: plan.kind, villageId: plan.villageId };
  // the old target of this chat loses it
  if (plan.from && !sameTarget(plan.from, target)) ctx.write(pointTargetAt(d, plan.townshipId, plan.from, null, plan.chatId));
  // the chats the target had lose their binding
  if (plan.displaced.length) ctx.write(unbindChats(d, plan.displaced));
  ctx.write(pointTargetAt(d, plan.townshipId, target, plan.chatId));
  const set = { townshipId: plan.townshipId, kind: plan.kind, villageId: plan.villageId, boundBy: ctx.actor.openId, boundAt: now };
  ctx.write(bindChat(d, plan.chatId, set));
  for (const y of plan.displaced) {
    ctx.audit({ action: 'unbind', entity: 'chat', entityId: y, villageId: plan.villageId, before: target, after: null });
  }
  ctx.audit({
    action: 'bind',
    entity: 'chat',
    entityId: plan.chatId,
    villageId: plan.villageId,
    before: plan.from,
    after: { ...target, ...(plan.displaced.length ? { replaces: plan.displaced } : {}) },
  });
}

async function boundText(d: Database, plan: BindPlan) {
  return `已将本群绑定为${plan.kind === 'village' ? ` ${await labelOf(d, plan)}` : KIND_NAMES[plan.kind]}。`;
}

/** The card that shows what a bind would change, with 确认 / 取消. */
async function confirmCard(d: Database, plan: BindPlan): Promise<Card> {
  const to = await labelOf(d, plan);
  const lines = [`本群将绑定为 **${esc(to)}**。确认后会有以下变化：`];
  if (plan.from) {
    const was = await labelOf(d, plan.from);
    const lost = plan.from.kind === 'village' ? `${was.split(' ')[0]}将没有村工作群` : `本乡将没有${KIND_NAMES[plan.from.kind]}`;
    lines.push(esc(`• 本群现在是${plan.from.kind === 'village' ? ` ${was}` : was}；改绑后${lost}，需另行绑定`));
  }
  for (const y of plan.displaced) lines.push(esc(`• ${to}原来的群（${y}）将解除绑定，提醒和卡片改发到本群`));
  lines.push('只有乡扶贫办可以确认；确认前不做任何改动。');
  // no nulls in a button's value: what is absent is left out (sameTarget reads absent as null)
  const target = (x: Target) => (x.villageId === null ? { kind: x.kind } : { kind: x.kind, villageId: x.villageId });
  const value = {
    chat: plan.chatId,
    t: plan.townshipId,
    k: plan.kind,
    ...(plan.villageId === null ? {} : { v: plan.villageId }),
    ...(plan.from ? { from: target(plan.from) } : {}),
    had: plan.displaced,
  };
  return card('确认更改群绑定', [md(lines.join('\n')), buttons(bindConfirm.button('确认', value, 'danger'), bindCancel.button('取消', {}))], 'orange');
}

export const setup = (bot: Bot) =>
  bot
    .command({
      name: '绑定',
      usage: '绑定 <村名> / 绑定 领导群 / 绑定 纪委群',
      summary: '把本群绑定为某村的工作群，或领导群、纪委群',
      roles: ['office'],
      async run(ctx, p) {
        const target = p.args[0];
        const t = ctx.township;
        if (ctx.chatType === 'p2p') {
          return ctx.reply('绑定只能在群里进行：请把机器人拉进要绑定的群，在群里 @机器人 发送：绑定 <村名> / 绑定 领导群 / 绑定 纪委群。');
        }
        if (!target) return ctx.reply('用法：绑定 <村名> / 绑定 领导群 / 绑定 纪委群');
        if (!ctx.chatId) return;
        const existing = await getChat(ctx.d, ctx.chatId);
        if (existing && existing.townshipId !== t.id) return ctx.reply('本群已绑定到其他乡镇，不能重复绑定。');
        const kind: Kind = own(CHAT_KINDS, target) ?? 'village';
        let villageId: number | null = null;
        if (kind === 'village') {
          const v = await findVillageByName(ctx.d, t.id, target);
          if (!v) {
            const all = await listVillages(ctx.d, t.id);
            return ctx.reply(`本乡没有“${target}”。可选：${all.map((x) => x.name).join('、')}`);
          }
          villageId = v.id;
        }
        const plan = await planBind(ctx.d, t, ctx.chatId, existing, { kind, villageId });
        if (sameTarget(plan.from, plan) && plan.displaced.length === 0) {
          return ctx.reply(`本群已经是${await labelOf(ctx.d, plan)}，无需重新绑定。`);
        }
        if (plan.from || plan.displaced.length) return ctx.reply({ card: await confirmCard(ctx.d, plan) });
        await applyBind(ctx, plan);
        ctx.reply(await boundText(ctx.d, plan));
      },
    })
    .action(bindConfirm, async (ctx, { value }) => {
        const chatId = value.chat;
        const t = ctx.township;
        if (value.t !== t.id || (ctx.chatId && ctx.chatId !== chatId)) {
          return ctx.toast('error', '这张卡片已失效，请在要绑定的群里重新发送“绑定”。');
        }
        const kind = value.k;
        const villageId = kind === 'village' ? (value.v ?? null) : null;
        if (kind === 'village' && !(villageId && (await getVillage(ctx.d, villageId))?.townshipId === t.id)) {
          return ctx.toast('error', '这个村已不在本乡，请重新发送“绑定”。');
        }
        const existing = await getChat(ctx.d, chatId);
        if (existing && existing.townshipId !== t.id) return ctx.toast('error', '本群已绑定到其他乡镇，不能重复绑定。');
        const plan = await planBind(ctx.d, t, chatId, existing, { kind, villageId });
        const shown = { from: value.from ? { kind: value.from.kind, villageId: value.from.villageId ?? null } : null, had: value.had };
        if (!sameTarget(plan.from, shown.from) || plan.displaced.join() !== [...shown.had].sort().join()) {
          ctx.answer.card = await confirmCard(ctx.d, plan);
          return ctx.toast('warning', '绑定情况已有变化，请核对后重新确认。');
        }
        if (sameTarget(plan.from, plan) && plan.displaced.length === 0) {
          ctx.answer.card = card('群绑定', [md(esc(`本群已经是${await labelOf(ctx.d, plan)}。`))], 'green');
          return ctx.toast('info', '无需重新绑定。');
        }
        await applyBind(ctx, plan);
        const text = await boundText(ctx.d, plan);
        ctx.answer.card = card('群绑定', [md(esc(text))], 'green');
        ctx.toast('success', text);
      })
    .action(bindCancel, (ctx) => {
        ctx.answer.card = card('群绑定', [md('已取消，绑定没有改动。')], 'grey');
        ctx.toast('info', '已取消。');
      })
    .command({
      name: '角色',
      usage: '角色 @某人 <角色> [村名]',
      summary: '给某人角色（乡扶贫办、包片领导、乡纪委、驻村干部、第一书记、村干部、帮扶责任人）',
      roles: ['office'],
      async run(ctx, p) {
        const t = ctx.township;
        const usage = `用法：角色 @某人 <角色> [村名]。角色可选：${ROLES.map((r) => ROLE_NAMES[r]).join('、')}`;
        const [who, roleText, villageName] = p.args;
        const mention = who ? p.mentions.get(who) : undefined;
        if (!mention) return ctx.reply(`请先 @ 要设置的人。${usage}`);
        const role = roleText ? parseRole(roleText) : null;
        if (!role) return ctx.reply(`没有“${roleText ?? ''}”这个角色。${usage}`);
        let villageId = 0;
        if (VILLAGE_ROLES.has(role) || role === 'leader' || role === 'helper') {
          const v = villageName ? await findVillageByName(ctx.d, t.id, villageName) : ctx.village;
          if (villageName && !v) return ctx.reply(`本乡没有“${villageName}”。`);
          if (!v && VILLAGE_ROLES.has(role)) return ctx.reply(`${ROLE_NAMES[role]}要指定村：角色 @某人 ${ROLE_NAMES[role]} <村名>`);
          villageId = v?.id ?? 0;
        }
        const existing = await personByOpenId(ctx.d, t.id, mention.openId);
        const name = existing?.name ?? (mention.name || mention.openId);
        if (!existing) {
          ctx.write(addPersonFromChat(ctx.d, t.id, name, mention.openId));
          ctx.audit({ action: 'create', entity: 'person', entityId: name, villageId, after: { openId: mention.openId } });
        }
        ctx.write(grantRoleFromChat(ctx.d, t.id, existing ? existing.id : personIdByOpenId(t.id, mention.openId), role, villageId));
        ctx.audit({ action: 'grant', entity: 'role', entityId: `${name}|${role}|${villageId}`, villageId, after: { role, villageId } });
        const where = villageId ? `（${villageName ?? ctx.village?.name}）` : '';
        ctx.reply(`已设置 ${name} 为${ROLE_NAMES[role]}${where}。`);
      },
    });
