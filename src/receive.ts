// The one way an event enters the bot, whichever receiver brought it: the webhook routes
// (src/app.ts, after verifyWebhook) and the long connection (src/feishu/long-connection.ts) are
// two receivers of the same app. Each hands over a verified schema 2.0 envelope; here it is
// deduplicated (event_id and message_id) by the inbox write, and only when that row is committed
// does the returned answer go back to Feishu. Processing runs after, its replies through the outbox.
// A card callback is run at once (Feishu shows its toast / card) within `cardTimeoutMs`.
import { CARD_ACTION, HANDLED_EVENT_TYPES, MESSAGE_RECEIVE, type Envelope } from './feishu/events';
import { acceptEvent, claimEvents, type InboundEvent } from './store/inbox';
import { processPending, runCardAction, type BotDeps } from './bot/dispatch';
import type { CardAnswer } from './bot/context';

export interface ReceiveDeps extends BotDeps {
  /** runs work after the answer is sent; it must not be lost if it throws */
  defer(work: () => Promise<unknown>): void;
  /** how long a card callback may work before it answers "in progress" (Feishu allows 3 s) */
  cardTimeoutMs?: number;
  /** persists an inbound event (default: one insert; the Node server groups a burst into one commit) */
  accept?: (e: InboundEvent, now: number) => Promise<number | null>;
  /** called for each newly accepted message event (default: defer processing of that row) */
  onAccepted?: (id: number) => void;
}

/** What a card callback answers: a toast and / or a new card. */
export interface CardResponse {
  toast?: CardAnswer['toast'];
  card?: { type: 'raw'; data: Record<string, unknown> };
}

/**
 * The answer to send once the event is safely stored: null for an ordinary event (a plain
 * acknowledgement), a card response for a card callback. Throws when the inbox write fails,
 * so the receiver answers with an error and Feishu delivers the event again.
 */
export type Received = CardResponse | null;

export function cardResponse(a: CardAnswer): CardResponse {
  return {
    ...(a.toast ? { toast: a.toast } : {}),
    ...(a.card ? { card: { type: 'raw' as const, data: a.card } } : {}),
  };
}

const toast = (type: NonNullable<CardAnswer['toast']>['type'], content: string): CardResponse => ({ toast: { type, content } });

/** `json`: the envelope's JSON text as received (decrypted), stored in the inbox row. */
export async function receiveEvent(deps: ReceiveDeps, env: Envelope, json: string, now: number): Promise<Received> {
  const type = env.header.event_type;
  if (!HANDLED_EVENT_TYPES.has(type)) return null;
  const message = (env.event as { message?: { message_id?: unknown } }).message;
  const messageId = type === MESSAGE_RECEIVE && typeof message?.message_id === 'string' ? message.message_id : null;
  const inbound: InboundEvent = { eventId: env.header.event_id, messageId, eventType: type, payload: json };
  const id = await (deps.accept ? deps.accept(inbound, now) : acceptEvent(deps.d, inbound, now));

  if (type === CARD_ACTION) {
    if (id === null) return toast('info', '这次操作已经处理过了。');
    const claimed = await claimEvents(deps.d, now, { id, limit: 1 });
    if (claimed.length === 0) return toast('info', '正在处理，请稍候。');
    const work = runCardAction(deps, env, id);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), deps.cardTimeoutMs ?? 2500)));
    const answer = await Promise.race([work, late]).catch((e: Error) => {
      deps.log.error('card action failed', { inbox: id, error: e.message });
      return { toast: { type: 'error' as const, content: '处理失败，请稍后再试；如仍不行请联系乡扶贫办。' } };
    });
    clearTimeout(timer);
    if (answer === null) {
      deps.defer(() => work.catch((e: Error) => deps.log.error('card action failed', { inbox: id, error: e.message })));
      return toast('info', '正在处理，结果稍后发到群里。');
    }
    return cardResponse(answer);
  }

  if (id !== null) {
    if (deps.onAccepted) deps.onAccepted(id);
    else deps.defer(() => processPending(deps, id));
  }
  return null;
}
