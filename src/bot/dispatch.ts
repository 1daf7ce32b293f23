// From an inbox row or a card callback to a handler run: find the township, chat, village and
// person; run the bot inside an error boundary; commit its effects with the inbox row in one
// atomic write.
import type { Database } from '../store/database';
import { claimEvents, markEventDone, markEventError, markEventUnreadable, type InboxRow } from '../store/inbox';
import { getChat, getTownship, getVillage, grantsOf, peopleByOpenId, type PersonRow, type TownshipRow } from '../store/township';
import {
  CARD_ACTION,
  CHAT_EVENT_TYPES,
  MESSAGE_RECEIVE,
  cardActionSchema,
  chatEventSchema,
  messageEventSchema,
  schemaReason,
  type Envelope,
} from '../feishu/events';
import type { Logger } from '../log';
import type { FeishuApi } from '../feishu/client';
import type { ReportService } from '../report/service';
import type { Bot } from './bot';
import { BotContext, type Actor, type CardAnswer } from './context';
import { mentionsBot, parseText, readMessage } from './parse';

export interface BotDeps {
  d: Database;
  bot: Bot;
  log: Logger;
  /** the bot's own open_id, when configured (FEISHU_BOT_OPEN_ID) */
  botOpenId?: string;
  /** learns the bot's open_id from Feishu when it is not configured; undefined when it cannot */
  identify?: () => Promise<string | undefined>;
  now?: () => Date;
  /** called after new outbox rows are committed, to wake the sender */
  onOutbox?: () => void;
  /** the Feishu API for handlers that must call it before answering (file upload); null offline */
  api?: FeishuApi | null;
  /** Node-only: builds the county report workbook (src/report/node.ts); absent on Workers */
  reports?: ReportService | null;
  /** wakes the chat import's runner (src/chat-import/run.ts) */
  imports?: { kick(): void } | null;
}

/** Hands the handler what the deployment provides beyond the store. */
function equip(deps: BotDeps, ctx: BotContext): BotContext {
  ctx.api = deps.api ?? null;
  ctx.reports = deps.reports ?? null;
  ctx.imports = deps.imports ?? null;
  return ctx;
}

const MEDIA_TYPES = new Set(['image', 'file', 'media']);
/** Kinds never answered: Feishu's own notices in a chat. */
const SILENT_TYPES = new Set(['system']);

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

/**
 * An acknowledged event that cannot be understood: kept on its inbox row with the reason, and
 * logged with the event's id and type (never its content or anyone's ID).
 */
async function unreadable(deps: BotDeps, envelope: Envelope, rowId: number | null, reason: string, now: Date) {
  deps.log.warn('event not understood', { eventId: envelope.header.event_id, eventType: envelope.header.event_type, reason });
  if (rowId !== null) await deps.d.atomic([markEventUnreadable(deps.d, rowId, reason, now.getTime())]);
}

const botOpenIdOf = async (deps: BotDeps) => deps.botOpenId ?? (await deps.identify?.().catch(() => undefined));

export async function runMessage(deps: BotDeps, envelope: Envelope, rowId: number | null): Promise<BotContext | null> {
  const parsed = messageEventSchema.safeParse(envelope.event);
  const now = deps.now?.() ?? new Date();
  if (!parsed.success) {
    await unreadable(deps, envelope, rowId, schemaReason(parsed.error, 'event'), now);
    return null;
  }
  const { sender, message } = parsed.data;
  const where = await resolve(deps.d, sender.sender_id.open_id, message.chat_id);
  const ctx = equip(deps, new BotContext(
    deps.d, now, `message:${message.message_id}`, where.actor, where.township, where.chat, message.chat_id, where.village, message.message_id,
  ));
  ctx.chatType = message.chat_type;
  ctx.parentId = message.parent_id ?? null;
  const botOpenId = await botOpenIdOf(deps);
  const type = message.message_type;
  const body = readMessage(type, message.content);
  const addressed = message.chat_type === 'p2p' || mentionsBot(message.mentions, botOpenId);
  const media = (items: { messageType: string; content: string }[], text?: string) =>
    message.parent_id ? deps.bot.onMedia(ctx, { items, messageId: message.message_id, parentId: message.parent_id, text }) : false;
  if (sender.sender_type === 'app') {
    // the bot's own messages and other bots': nothing to do
  } else if (body.text !== null) {
    const p = parseText(body.text, message.mentions, message.chat_type, botOpenId, body.attachments);
    // A post with pictures replying to a card or a visit: the pictures are its evidence, the text a caption.
    const taken = p.attachments.length > 0 && (await media(p.attachments, p.rest ? `${p.command} ${p.rest}` : p.command));
    if (!taken && p.addressed) await deps.bot.onMessage(ctx, p);
  } else if (MEDIA_TYPES.has(type)) {
    if (!(await media([{ messageType: type, content: message.content }])) && addressed) deps.bot.onOtherKind(ctx, type);
  } else if (addressed && !SILENT_TYPES.has(type)) {
    deps.bot.onOtherKind(ctx, type);
  }
  await commit(deps, ctx, rowId);
  return ctx;
}

export async function runCardAction(deps: BotDeps, envelope: Envelope, rowId: number | null): Promise<CardAnswer> {
  const parsed = cardActionSchema.safeParse(envelope.event);
  const now = deps.now?.() ?? new Date();
  if (!parsed.success) {
    await unreadable(deps, envelope, rowId, schemaReason(parsed.error, 'event'), now);
    return { toast: { type: 'error', content: '无法处理这次操作，请发送“进度”获取新卡片后再试。' } };
  }
  const ev = parsed.data;
  const chatId = ev.context.open_chat_id ?? null;
  const where = await resolve(deps.d, ev.operator.open_id, chatId);
  const ctx = equip(deps, new BotContext(
    deps.d, now, `card:${envelope.header.event_id}`, where.actor, where.township, where.chat, chatId, where.village, null,
  ));
  await deps.bot.onAction(ctx, { value: ev.action.value, form: ev.action.form_value ?? {} });
  await commit(deps, ctx, rowId);
  return ctx.answer;
}

/** The bot added to a group, removed from one, or a group dissolved. */
export async function runChatEvent(deps: BotDeps, envelope: Envelope, rowId: number | null): Promise<BotContext | null> {
  const parsed = chatEventSchema.safeParse(envelope.event);
  const now = deps.now?.() ?? new Date();
  if (!parsed.success) {
    await unreadable(deps, envelope, rowId, schemaReason(parsed.error, 'event'), now);
    return null;
  }
  const ev = parsed.data;
  const operator = ev.operator_id.open_id ?? null;
  const where = await resolve(deps.d, operator ?? '', ev.chat_id);
  // Messages to this chat are sent as new messages (there is nothing to reply to).
  const ctx = equip(deps, new BotContext(
    deps.d, now, `chat:${envelope.header.event_id}`, where.actor, where.township, where.chat, ev.chat_id, where.village, null,
  ));
  await deps.bot.onChatEvent(ctx, { type: envelope.header.event_type, chatId: ev.chat_id, name: ev.name ?? null, operatorOpenId: operator });
  await commit(deps, ctx, rowId);
  return ctx;
}

type Runner = (deps: BotDeps, envelope: Envelope, rowId: number | null) => Promise<unknown>;
const RUNNERS = new Map<string, Runner>([
  [MESSAGE_RECEIVE, runMessage],
  [CARD_ACTION, runCardAction],
  ...[...CHAT_EVENT_TYPES].map((t): [string, Runner] => [t, runChatEvent]),
]);

/** Runs one inbox row; a failing handler leaves nothing behind but the error on the row. */
export async function processRow(deps: BotDeps, row: InboxRow): Promise<void> {
  try {
    const envelope = JSON.parse(row.payload) as Envelope;
    const run = RUNNERS.get(row.eventType);
    if (run) await run(deps, envelope, row.id);
    else await unreadable(deps, envelope, row.id, 'event type not handled', new Date());
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    deps.log.error('event handler failed', { inbox: row.id, eventType: row.eventType, attempt: row.attempts, error: msg, stack: (e as Error).stack });
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
