// One way in for every event, whichever receiver got it (the webhook, the long connection):
// read it, persist it in the inbox, then answer. A message is acknowledged once its inbox row is
// written and processed after; a card action is run at once (its answer is the toast and card);
// an event that cannot be understood is acknowledged too, kept failed with the reason, and
// logged (id, type, reason: never its content), so nothing vanishes in silence.
import { createHash } from 'node:crypto';
import { CARD_ACTION, HANDLED_EVENT_TYPES, MESSAGE_RECEIVE, type ReadEvent } from './feishu/events';
import { acceptEvent, acceptUnreadable, claimEvents, markEventError, markEventFailed, type InboundEvent } from './store/inbox';
import { processPending, runCardAction, type BotDeps } from './bot/dispatch';
import type { CardAnswer } from './bot/context';

export interface IngestDeps extends BotDeps {
  /** runs work after the answer is sent; it must not be lost if it throws */
  defer(work: () => Promise<unknown>): void;
  /** how long a card callback may work before it answers "in progress" (Feishu allows 3 s) */
  cardTimeoutMs?: number;
  /** persists an inbound event (default: one insert; the Node server groups a burst into one commit) */
  accept?: (e: InboundEvent, now: number) => Promise<number | null>;
  /** called for each newly accepted event that is processed later (default: defer processing of that row) */
  onAccepted?: (id: number) => void;
}

/** What to answer Feishu: an empty 200, or a card callback's toast and card. */
export type Ingested = { kind: 'ack' } | { kind: 'card'; answer: CardAnswer };

const ACK: Ingested = { kind: 'ack' };
const card = (answer: CardAnswer): Ingested => ({ kind: 'card', answer });

const actionName = (env: { event: unknown }) => {
  const a = (env.event as { action?: { value?: { a?: unknown } } } | null)?.action?.value?.a;
  return typeof a === 'string' ? a.slice(0, 40) : null;
};

export async function ingestEvent(deps: IngestDeps, event: ReadEvent, json: string, now: number): Promise<Ingested> {
  if (!event.ok) {
    const eventId = event.eventId ?? `unreadable:${createHash('sha256').update(json).digest('hex').slice(0, 40)}`;
    deps.log.warn('event not understood', { eventId, eventType: event.eventType, reason: event.reason });
    await acceptUnreadable(deps.d, { eventId, eventType: event.eventType, payload: json }, event.reason, now);
    return ACK;
  }
  const env = event.envelope;
  const type = env.header.event_type;
  if (!HANDLED_EVENT_TYPES.has(type)) {
    // subscribed in the console but not used by the bot: logged, not kept
    deps.log.info('event type not handled', { eventId: env.header.event_id, eventType: type });
    return ACK;
  }
  const message = (env.event as { message?: { message_id?: unknown } }).message;
  const messageId = type === MESSAGE_RECEIVE && typeof message?.message_id === 'string' ? message.message_id : null;
  const inbound: InboundEvent = { eventId: env.header.event_id, messageId, eventType: type, payload: json };
  const id = await (deps.accept ? deps.accept(inbound, now) : acceptEvent(deps.d, inbound, now));

  if (type === CARD_ACTION) {
    if (id === null) return card({ toast: { type: 'info', content: '这次操作已经处理过了。' } });
    const claimed = await claimEvents(deps.d, now, { id, limit: 1 });
    if (claimed.length === 0) return card({ toast: { type: 'info', content: '正在处理，请稍候。' } });
    const row = claimed[0]!;
    const work = runCardAction(deps, env, id);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), deps.cardTimeoutMs ?? 2500)));
    const failure = (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      deps.log.error('card action failed', { inbox: id, eventId: env.header.event_id, action: actionName(env), error: err.message, stack: err.stack });
      return err;
    };
    const answer = await Promise.race([work, late]).catch(async (e: unknown) => {
      // the operator is told it failed: recorded on the row and never run again by the sweep
      await markEventFailed(deps.d, id, failure(e).message, Date.now());
      return { toast: { type: 'error' as const, content: '处理失败，没有保存。请稍后再点一次；如仍不行请联系乡扶贫办。' } };
    });
    clearTimeout(timer);
    if (answer === null) {
      // told "稍后": a failure after that is retried like a message's (its results go to the chat)
      deps.defer(() => work.catch((e: unknown) => markEventError(deps.d, row, failure(e).message, Date.now())));
      return card({ toast: { type: 'info', content: '正在处理，结果稍后发到群里。' } });
    }
    return card(answer);
  }

  if (id !== null) {
    if (deps.onAccepted) deps.onAccepted(id);
    else deps.defer(() => processPending(deps, id));
  }
  return ACK;
}
