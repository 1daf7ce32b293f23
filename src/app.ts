// The Hono app, runtime-free: Node and Workers entries build it with their store and their
// way of running work after the answer (setImmediate / ctx.waitUntil). The webhook routes are
// one receiver of events (src/ingest.ts); the long connection, on Node, is the other.
import { Hono, type Context } from 'hono';
import { sql } from 'drizzle-orm';
import { verifyWebhook, type WebhookConfig } from './feishu/webhook';
import { ingestEvent, type IngestDeps } from './ingest';
import type { CardAnswer } from './bot/context';

/** What /healthz adds about how events arrive (absent: the webhook, `{"ok":true}`); ok false answers 503. */
export type ConnectionHealth = { ok: boolean; connection: string } & Record<string, unknown>;

export interface AppDeps extends IngestDeps {
  webhook: WebhookConfig;
  /** the long connection's state for /healthz (src/feishu/long-connection.ts) */
  health?: () => ConnectionHealth;
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
  for (const ch of chunks) out.set(ch, (at += ch.byteLength) - ch.byteLength);
  return out;
}

export function cardResponse(a: CardAnswer) {
  return {
    ...(a.toast ? { toast: a.toast } : {}),
    ...(a.card ? { card: { type: 'raw', data: a.card } } : {}),
  };
}

export function createApp(deps: AppDeps) {
  const app = new Hono();

  app.get('/healthz', async (c) => {
    await deps.d.db.get(sql`select 1`);
    const h = deps.health?.();
    return h ? c.json(h, h.ok ? 200 : 503) : c.json({ ok: true });
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
    if (v.kind === 'ignored') {
      // never an error for the person who pressed: Feishu gets its 200, the log says why
      deps.log.warn('webhook request acknowledged but not processed', { reason: v.reason });
      return c.json({});
    }

    const done = await ingestEvent(deps, v.event, v.json, now);
    if (done.kind !== 'card') return c.json({});
    // An old-style callback is answered with the toast alone: its body would be read as an old-style card.
    return c.json(v.legacy ? cardResponse({ toast: done.answer.toast }) : cardResponse(done.answer));
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
