// The bot added to a group, removed from one, or a group dissolved. Added: one line of greeting,
// and the exact 绑定 command when the office added it. Removed from a bound chat or the chat
// dissolved: the binding is marked gone (sends there fail at once), the office is told privately,
// or the leaders' chat when no office person is known.
import { BOT_ADDED, BOT_DELETED, CHAT_DISBANDED } from '../../feishu/events';
import { goneChat, markChatBack, markChatGone, type GoneReason } from '../../store/gone-chats';
import { getVillage, holdersOf, listVillages } from '../../store/township';
import type { Bot, ChatEventInput } from '../bot';
import type { BotContext } from '../context';
import { KIND_NAMES } from './setup';

const GREETING = '大家好，我是扶贫复核助手。@我 发送“帮助”查看可用命令。';

/** What to send after @bot to bind a chat called `name`: the village (or chat kind) its name points to. */
async function bindCommandFor(ctx: BotContext, name: string | null): Promise<string> {
  const villages = ctx.township ? await listVillages(ctx.d, ctx.township.id) : [];
  const match = name ? villages.filter((v) => name.includes(v.name)).sort((a, b) => b.name.length - a.name.length)[0] : undefined;
  if (match) return `“绑定 ${match.name}”，把本群设为${match.name}的村工作群`;
  if (name?.includes('领导')) return '“绑定 领导群”，把本群设为领导群';
  if (name?.includes('纪委')) return '“绑定 纪委群”，把本群设为纪委群';
  const choices = villages.length ? `（村名可选：${villages.map((v) => v.name).join('、')}）` : '';
  return `“绑定 <村名>”${choices}，或“绑定 领导群”“绑定 纪委群”`;
}

/** `石门村村工作群` / `领导群` and the 绑定 argument that makes a new chat the same. */
async function bindingOf(ctx: BotContext): Promise<{ what: string; bindArg: string } | null> {
  const chat = ctx.chat;
  if (!chat) return null;
  if (chat.kind !== 'village') return { what: KIND_NAMES[chat.kind], bindArg: KIND_NAMES[chat.kind] };
  const v = ctx.village ?? (chat.villageId ? await getVillage(ctx.d, chat.villageId) : null);
  return { what: `${v?.name ?? ''}${KIND_NAMES.village}`, bindArg: v?.name ?? '<村名>' };
}

async function added(ctx: BotContext, e: ChatEventInput) {
  const wasGone = await goneChat(ctx.d, e.chatId);
  if (wasGone) ctx.write(markChatBack(ctx.d, e.chatId));
  const binding = await bindingOf(ctx);
  if (binding) {
    ctx.reply(`大家好，我是扶贫复核助手，本群已绑定为${binding.what}${wasGone ? '，提醒和通知恢复发送' : ''}。@我 发送“帮助”查看可用命令。`);
    return;
  }
  const byOffice = ctx.actor.grants.some((g) => g.role === 'office');
  const how = await bindCommandFor(ctx, e.name);
  ctx.reply(byOffice ? `${GREETING}\n乡扶贫办：请在本群 @我 发送${how}。` : `${GREETING}\n本群还没有绑定，请乡扶贫办在本群 @我 发送${how}。`);
}

async function gone(ctx: BotContext, e: ChatEventInput, reason: GoneReason) {
  const now = ctx.now.getTime();
  ctx.write(markChatGone(ctx.d, e.chatId, reason, e.operatorOpenId, now));
  const binding = await bindingOf(ctx);
  const t = ctx.township;
  if (!binding || !t || !ctx.chat) return; // an unbound chat: nobody to tell
  ctx.audit({ action: reason === 'removed' ? 'bot_removed' : 'chat_disbanded', entity: 'chat', entityId: e.chatId, villageId: ctx.chat.villageId, before: { kind: ctx.chat.kind, villageId: ctx.chat.villageId }, after: { gone: reason } });
  const group = e.name ? `“${e.name}”（${binding.what}）` : binding.what;
  const by = ctx.actor.person ? `（操作人：${ctx.actor.person.name}）` : '';
  const text =
    reason === 'removed'
      ? `机器人已被移出${group}${by}，该群收不到提醒和通知了。请把机器人重新拉进该群；如改用新群，请把机器人拉进新群后 @机器人 发送：绑定 ${binding.bindArg}`
      : `${group}已解散${by}，该群收不到提醒和通知了。请建新群并拉入机器人，然后 @机器人 发送：绑定 ${binding.bindArg}`;
  const office = (await holdersOf(ctx.d, t.id, 'office', 0)).filter((p) => p.openId);
  if (office.length) for (const p of office) ctx.send({ openId: p.openId! }, text);
  else if (t.leadersChatId && t.leadersChatId !== e.chatId && !(await goneChat(ctx.d, t.leadersChatId))) ctx.send({ chatId: t.leadersChatId }, text);
}

export const membership = (bot: Bot) =>
  bot
    .chatEvent({ type: BOT_ADDED, run: added })
    .chatEvent({ type: BOT_DELETED, run: (ctx, e) => gone(ctx, e, 'removed') })
    .chatEvent({ type: CHAT_DISBANDED, run: (ctx, e) => gone(ctx, e, 'disbanded') });
