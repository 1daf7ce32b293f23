// Workers entry: the same Hono app as src/node.ts, with the store on D1. Work after the answer
// runs under ctx.waitUntil; cron triggers run services.tick (jobs, inbox sweep, outbox drain).
// Nothing Node-only may be imported from here (better-sqlite3, node:fs, @hono/node-server,
// node-cron): test/worker checks the bundle's inputs.
import type { D1Database, DurableObjectNamespace, ExecutionContext, ScheduledController } from '@cloudflare/workers-types';
import { loadConfig, isOnline, type Config } from './config';
import { openD1 } from './store/d1';
import { buildServices, type Services } from './server';
import { consoleLogger, type Logger } from './log';
import { SendPacer } from './core/ratelimit';

export { OutboxObject } from './workers/outbox-object';
export { ImportObject } from './workers/import-object';

/** Bindings: the D1 database, [vars] from wrangler.toml, and secrets from `wrangler secret put`. */
export interface Env {
  DB: D1Database;
  /** the one sender of the app (src/workers/outbox-object.ts); without it each isolate drains on its own */
  OUTBOX?: DurableObjectNamespace;
  OUTBOX_SENDS_PER_INVOCATION?: string;
  /** statements one jobs run may write (default 800, under D1's 1,000 queries per invocation) */
  JOBS_STATEMENTS_PER_INVOCATION?: string;
  /** the chat imports' runner (src/workers/import-object.ts): a bounded piece per alarm */
  IMPORTS?: DurableObjectNamespace;
  /** statements one piece of a chat import may write (default 800) */
  IMPORT_STATEMENTS_PER_INVOCATION?: string;
  FEISHU_APP_ID?: string;
  FEISHU_APP_SECRET?: string;
  FEISHU_VERIFICATION_TOKEN?: string;
  FEISHU_ENCRYPT_KEY?: string;
  FEISHU_DOMAIN?: string;
  FEISHU_CONNECTION?: string;
  FEISHU_BOT_OPEN_ID?: string;
  FEISHU_MAX_SKEW_SECONDS?: string;
  FEISHU_MAX_FUTURE_SECONDS?: string;
  DEDUP_RETENTION_HOURS?: string;
  [name: string]: unknown;
}

const log: Logger = consoleLogger();

/** A Worker runs per request and cannot hold Feishu's long connection open. */
const NO_LONG_CONNECTION =
  'FEISHU_CONNECTION=websocket 在 Workers 上不可用（Worker 不能一直连着飞书）：请去掉这项，在开发者后台选“将事件发送至开发者服务器”，请求地址填 https://<你的 worker>/feishu/events；要用长连接，请在自己的服务器上运行 Node 版（npm start）。';
const noLongConnection = () => ({ ok: false, connection: 'websocket', connected: false, error: NO_LONG_CONNECTION });
/** Only used when no OUTBOX object is bound: Feishu's limits booked per isolate. */
const pacer = new SendPacer();

/**
 * Hands sending to the app's one outbox object (all isolates poke the same one, by name), so
 * Feishu's per-app and per-chat limits hold however many isolates queue messages.
 */
function pokeOutbox(ns: DurableObjectNamespace, wait = false): Promise<unknown> {
  const stub = ns.get(ns.idFromName('outbox'));
  return stub.fetch(`https://outbox.internal/drain${wait ? '?wait=1' : ''}`, { method: 'POST' }).then((r) => r.text());
}

/** Hands chat import work to the imports object, which runs it from its alarm, a piece per invocation. */
function pokeImports(ns: DurableObjectNamespace): Promise<unknown> {
  const stub = ns.get(ns.idFromName('imports'));
  return stub.fetch('https://imports.internal/run', { method: 'POST' }).then((r) => r.text());
}

// The env object is the same for every request an isolate serves: parse it once.
const configs = new WeakMap<object, Config>();
function configOf(env: Env): Config {
  let c = configs.get(env);
  if (!c) {
    const vars: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(env)) if (typeof v === 'string') vars[k] = v;
    c = loadConfig(vars);
    if (!isOnline(c)) log.warn('FEISHU_APP_ID / FEISHU_APP_SECRET not set: messages are written to the log, not sent');
    if (c.FEISHU_CONNECTION === 'websocket') log.error(NO_LONG_CONNECTION);
    configs.set(env, c);
  }
  return c;
}

/**
 * Services for one invocation. Built per request (cheap: the Lark SDK keeps the tenant token
 * in a module-level cache, so it survives across requests in an isolate) so that `defer`
 * hands work to this invocation's ctx.waitUntil.
 */
function servicesFor(env: Env, ctx: ExecutionContext): { services: Services; afterResponse(): void } {
  const pending: Promise<unknown>[] = [];
  const defer = (work: () => Promise<unknown>) => {
    const p = Promise.resolve()
      .then(work)
      .catch((e: Error) => log.error('deferred work failed', { error: e.message }));
    pending.push(p);
    ctx.waitUntil(p);
  };
  const config = configOf(env);
  // Configured for the long connection: /healthz says it is not available here (the webhook
  // routes keep working, for a console still set to send events to the request URL).
  const health = config.FEISHU_CONNECTION === 'websocket' ? noLongConnection : undefined;
  const ns = env.OUTBOX;
  // A cron tick waits for one round of sending (it has time); a webhook answer only pokes.
  const drain = ns ? () => pokeOutbox(ns) : undefined;
  const imports = env.IMPORTS;
  const importBudget = Number(env.IMPORT_STATEMENTS_PER_INVOCATION ?? 800) || 800;
  const services = buildServices(config, openD1(env.DB), log, defer, {
    pacer,
    health,
    drain: ns ? () => pokeOutbox(ns, true) : undefined,
    jobs: { statementBudget: Number(env.JOBS_STATEMENTS_PER_INVOCATION ?? 800) || 800, chunkStatements: 100 },
    // Without the imports object, a piece runs in this invocation's waitUntil and the cron tick goes on.
    imports: { statementBudget: importBudget },
    kickImports: imports ? () => defer(() => pokeImports(imports)) : undefined,
  });
  return {
    services,
    // After the answer: finish the acknowledged events, then send what they queued (and
    // anything else due). Several isolates may drain at once: rows are claimed by lease.
    afterResponse() {
      ctx.waitUntil(
        Promise.allSettled(pending)
          .then(() => (drain ? drain() : services.sender.drainAll()))
          .catch((e: Error) => log.error('outbox drain failed', { error: e.message })),
      );
    },
  };
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const { services, afterResponse } = servicesFor(env, ctx);
    const response = await services.app.fetch(request);
    if (request.method === 'POST' && response.ok) afterResponse();
    return response;
  },

  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    const { services } = servicesFor(env, ctx);
    await services.tick(new Date(controller.scheduledTime));
  },
};
