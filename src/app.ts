// The Hono app, runtime-free: Node and Workers entries build it with their store and their
// way of running work after the answer (setImmediate / ctx.waitUntil).
import { Hono, type Context } from 'hono';
import { sql } from 'drizzle-orm';
import { verifyWebhook, type WebhookConfig } from './feishu/webhook';
import { CARD_ACTION, HANDLED_EVENT_TYPES, MESSAGE_RECEIVE, type Envelope } from './feishu/events';
import { acceptEvent, claimEvents, type InboundEvent } from './store/inbox';
import { processPending, runCardAction, type BotDeps } from './bot/dispatch';
import type { CardAnswer } from './bot/context';

export interface AppDeps extends BotDeps {
  webhook: WebhookConfig;
  /** runs work after the response is sent; it must not be lost if it throws */
  defer(work: () => Promise<unknown>): void;
  /** how long a card callback may work before it answers "in progress" (Feishu allows 3 s) */
  cardTimeoutMs?: number;
  /** persists an inbound event (default: one insert; the Node server groups a burst into one commit) */
  accept?: (e: InboundEvent, now: number) => Promise<number | null>;
  /** called for each newly accepted message event (default: defer processing of that row) */
  onAccepted?: (id: number) => void;
}

/**
 * The body, or null when it is over `max` bytes. With a Content-Length (Feishu always sends one)
 * the size is known before reading and the body is read in one piece, the fast path of the Node
 * adapter; without one, the stream is read and abandoned as soon as it passes the limit.
 */
async function readLimited(c: Context, max: number): Promise<Uint8Array | null> {
  const declared = c.req.header('content-length');
  if (declared !== undefined) {
    if (!/^\d+$/.test(declared) || Number(declared) > max) return null;
    const buf = new Uint8Array(await c.req.arrayBuffer());
    return buf.byteLength > max ? null : buf;
  }
  const body = c.req.raw.body;
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    out.set(ch, at);
    at += ch.byteLength;
  }
  return out;
}

function cardResponse(a: CardAnswer) {
  return {
    ...(a.toast ? { toast: a.toast } : {}),
    ...(a.card ? { card: { type: 'raw', data: a.card } } : {}),
  };
}

export function createApp(deps: AppDeps) {
  const app = new Hono();

  app.get('/healthz', async (c) => {
    await deps.d.db.get(sql`select 1`);
    return c.json({ ok: true });
  });

  const feishu = async (c: Context) => {
    const raw = await readLimited(c, deps.webhook.maxBodyBytes);
    if (!raw) return c.json({ error: 'body too large' }, 413);
    const now = Date.now();
    const v = verifyWebhook(raw, (n) => c.req.header(n), deps.webhook, now);
    if (v.kind === 'refused') {
      deps.log.warn('webhook refused', { status: v.status, reason: v.reason });
      return c.json({ error: v.reason }, v.status);
    }
    if (v.kind === 'challenge') return c.json({ challenge: v.challenge });

    const env: Envelope = v.envelope;
    const type = env.header.event_type;
    if (!HANDLED_EVENT_TYPES.has(type)) return c.json({});
    const message = (env.event as { message?: { message_id?: unknown } }).message;
    const messageId = type === MESSAGE_RECEIVE && typeof message?.message_id === 'string' ? message.message_id : null;
    const inbound: InboundEvent = { eventId: env.header.event_id, messageId, eventType: type, payload: v.json };
    const id = await (deps.accept ? deps.accept(inbound, now) : acceptEvent(deps.d, inbound, now));

    if (type === CARD_ACTION) {
      if (id === null) return c.json(cardResponse({ toast: { type: 'info', content: '这次操作已经处理过了。' } }));
      const claimed = await claimEvents(deps.d, now, { id, limit: 1 });
      if (claimed.length === 0) return c.json(cardResponse({ toast: { type: 'info', content: '正在处理，请稍候。' } }));
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
        return c.json(cardResponse({ toast: { type: 'info', content: '正在处理，结果稍后发到群里。' } }));
      }
      return c.json(cardResponse(answer));
    }

    if (id !== null) {
      if (deps.onAccepted) deps.onAccepted(id);
      else deps.defer(() => processPending(deps, id));
    }
    return c.json({});
  };

  app.post('/feishu/events', feishu);
  app.post('/feishu/card', feishu);

  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((e, c) => {
    deps.log.error('request failed', { path: c.req.path, error: e.message });
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}
