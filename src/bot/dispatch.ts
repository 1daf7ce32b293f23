// From an inbox row or a card callback to a handler run: find the township, chat, village and
// person; run the bot inside an error boundary; commit its effects with the inbox row in one
// atomic write.
import type { Database } from '../store/database';
import { claimEvents, markEventDone, markEventError, type InboxRow } from '../store/inbox';
import { getChat, getTownship, getVillage, grantsOf, peopleByOpenId, type PersonRow, type TownshipRow } from '../store/township';
import { CARD_ACTION, MESSAGE_RECEIVE, cardActionSchema, messageEventSchema, type Envelope } from '../feishu/events';
import type { Logger } from '../log';
import type { FeishuApi } from '../feishu/client';
import type { ReportService } from '../report/service';
import type { Bot } from './bot';
import { BotContext, type Actor, type CardAnswer } from './context';
import { messageText, parseText } from './parse';

export interface BotDeps {
  d: Database;
  bot: Bot;
  log: Logger;
  botOpenId?: string;
  now?: () => Date;
  /** called after new outbox rows are committed, to wake the sender */
  onOutbox?: () => void;
  /** the Feishu API for handlers that must call it before answering (file upload); null offline */
  api?: FeishuApi | null;
  /** Node-only: builds the county report workbook (src/report/node.ts); absent on Workers */
  reports?: ReportService | null;
}

/** Hands the handler what the deployment provides beyond the store. */
function equip(deps: BotDeps, ctx: BotContext): BotContext {
  ctx.api = deps.api ?? null;
  ctx.reports = deps.reports ?? null;
  return ctx;
}

const MEDIA_TYPES = new Set(['image', 'file', 'media']);

async function resolve(d: Database, openId: string, chatId: string | null) {
  const chat = chatId ? await getChat(d, chatId) : null;
  const rows = await peopleByOpenId(d, openId);
  let person: PersonRow | null = null;
  let township: TownshipRow | null = null;
  if (chat) {
    township = await getTownship(d, chat.townshipId);
    person = rows.find((r) => r.townshipId === chat.townshipId) ?? null;
  } else if (rows.length >= 1) {
    // p2p or an unbound chat: the person's own township (the first, if they serve several)
    person = rows[0]!;
    township = await getTownship(d, person.townshipId);
  }
  const grants = person ? await grantsOf(d, [person.id]) : [];
  const village = chat?.villageId ? await getVillage(d, chat.villageId) : null;
  const actor: Actor = { openId, person, grants };
  return { chat, township, village, actor };
}

async function commit(deps: BotDeps, ctx: BotContext, rowId: number | null) {
  const effects = ctx.effects();
  if (rowId !== null) effects.push(markEventDone(deps.d, rowId, ctx.now.getTime()));
  await deps.d.atomic(effects);
  if (ctx.outgoing.length) deps.onOutbox?.();
  for (const work of ctx.afterCommit) await work();
}

export async function runMessage(deps: BotDeps, envelope: Envelope, rowId: number | null): Promise<BotContext | null> {
  const parsed = messageEventSchema.safeParse(envelope.event);
  const now = deps.now?.() ?? new Date();
  if (!parsed.success) {
    if (rowId !== null) await deps.d.atomic([markEventDone(deps.d, rowId, now.getTime())]);
    return null;
  }
  const { sender, message } = parsed.data;
  const where = await resolve(deps.d, sender.sender_id.open_id, message.chat_id);
  const ctx = equip(deps, new BotContext(
    deps.d, now, `message:${message.message_id}`, where.actor, where.township, where.chat, message.chat_id, where.village, message.message_id,
  ));
  ctx.chatType = message.chat_type;
  const text = messageText(message.message_type, message.content);
  if (sender.sender_type === 'app') {
    // the bot's own messages and other bots': nothing to do
  } else if (text !== null) {
    const p = parseText(text, message.mentions, message.chat_type, deps.botOpenId);
    if (p.addressed) await deps.bot.onMessage(ctx, p);
  } else if (MEDIA_TYPES.has(message.message_type) && message.parent_id) {
    await deps.bot.onMedia(ctx, { messageType: message.message_type, content: message.content, messageId: message.message_id, parentId: message.parent_id });
  }
  await commit(deps, ctx, rowId);
  return ctx;
}

export async function runCardAction(deps: BotDeps, envelope: Envelope, rowId: number | null): Promise<CardAnswer> {
  const parsed = cardActionSchema.safeParse(envelope.event);
  const now = deps.now?.() ?? new Date();
  if (!parsed.success) {
    if (rowId !== null) await deps.d.atomic([markEventDone(deps.d, rowId, now.getTime())]);
    return { toast: { type: 'error', content: '无法识别的操作。' } };
  }
  const ev = parsed.data;
  const chatId = ev.context.open_chat_id ?? null;
  const where = await resolve(deps.d, ev.operator.open_id, chatId);
  const ctx = equip(deps, new BotContext(
    deps.d, now, `card:${envelope.header.event_id}`, where.actor, where.township, where.chat, chatId, where.village, null,
  ));
  await deps.bot.onAction(ctx, { value: ev.action.value ?? {}, form: ev.action.form_value ?? {} });
  await commit(deps, ctx, rowId);
  return ctx.answer;
}

/** Runs one inbox row; a failing handler leaves nothing behind but the error on the row. */
export async function processRow(deps: BotDeps, row: InboxRow): Promise<void> {
  try {
    const envelope = JSON.parse(row.payload) as Envelope;
    if (row.eventType === MESSAGE_RECEIVE) await runMessage(deps, envelope, row.id);
    else if (row.eventType === CARD_ACTION) await runCardAction(deps, envelope, row.id);
    else await deps.d.atomic([markEventDone(deps.d, row.id, Date.now())]);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    deps.log.error('event handler failed', { inbox: row.id, eventType: row.eventType, error: msg });
    await markEventError(deps.d, row, msg, Date.now());
  }
}

/** Processes pending inbox rows (all of them, or the one with `id`). Returns how many ran. */
export async function processPending(deps: BotDeps, id?: number): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await claimEvents(deps.d, Date.now(), id === undefined ? {} : { id, limit: 1 });
    if (rows.length === 0) return total;
    for (const row of rows) await processRow(deps, row);
    total += rows.length;
    if (id !== undefined) return total;
  }
}
