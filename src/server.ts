// Wires one running bot from its parts: store, Feishu client, bot, app, sender, sweeps.
// Runtime-free except for timers; the Node and Workers entries call it with their store.
import { createApp, type AppDeps } from './app';
import { createBot } from './bot/index';
import { processPending, type BotDeps } from './bot/dispatch';
import { createFeishuClient, type FeishuApi } from './feishu/client';
import { OutboxSender } from './feishu/sender';
import type { SendPacer } from './core/ratelimit';
import { isOnline, webhookConfig, type Config } from './config';
import { pruneInbox } from './store/inbox';
import type { Database } from './store/database';
import type { Logger } from './log';
import { runJobs, type JobsOptions, type JobsResult } from './jobs/run';
import type { ReportService } from './report/service';
import { receiveEvent, type Received } from './receive';
import type { Envelope } from './feishu/events';
import { runChatImports, type ImportRunOptions, type ImportRunResult } from './chat-import/run';

export interface Services {
  app: ReturnType<typeof createApp>;
  deps: BotDeps;
  sender: OutboxSender;
  api: FeishuApi | null;
  /** the receivers' shared path (src/receive.ts): the long connection hands its events here */
  receive(env: Envelope, json: string, now: number): Promise<Received>;
  /** processes what is pending in the inbox and prunes old dedup keys */
  sweep(): Promise<number>;
  /** the scheduled work of one cron tick at `now`: sweep, due jobs, drain the outbox */
  tick(now: Date): Promise<void>;
  /** plans and queues the scheduled jobs due at `now` (DESIGN §7); runs in this process one at a time */
  jobs(now: Date): Promise<JobsResult>;
  /** the chat imports' pieces (src/chat-import/run.ts): runs what has work, one run at a time in this process */
  imports(): Promise<ImportRunResult>;
}

/** What the bot learned about itself from Feishu, per app; module-level so that Workers, which build services per request, ask once per isolate. */
const identities = new Map<string, { openId?: string; asked: number; pending?: Promise<string | undefined> }>();
const IDENTITY_RETRY_MS = 60_000;

/**
 * The bot's open_id from GET /open-apis/bot/v3/info, asked once and kept; after a failure asked
 * again at most once a minute. Undefined until known: then a leading @mention is taken as the bot.
 */
function learnIdentity(api: FeishuApi, key: string, log: Logger): () => Promise<string | undefined> {
  return async () => {
    let s = identities.get(key);
    if (!s) identities.set(key, (s = { asked: 0 }));
    if (s.openId) return s.openId;
    if (s.pending) return s.pending;
    if (s.asked && Date.now() - s.asked < IDENTITY_RETRY_MS) return undefined;
    s.asked = Date.now();
    const state = s;
    state.pending = api
      .botInfo()
      .then(
        (bot) => {
          state.openId = bot.openId;
          log.info(`机器人的 open_id 已从飞书获取（${bot.name || '未命名'}）：${bot.openId}`);
          return bot.openId;
        },
        (e: Error) => {
          log.warn('could not learn the bot open_id from Feishu; a leading @mention is taken as the bot until then', { error: e.message });
          return undefined;
        },
      )
      .finally(() => (state.pending = undefined));
    return state.pending;
  };
}

export function buildServices(
  config: Config,
  d: Database,
  log: Logger,
  defer: (work: () => Promise<unknown>) => void,
  /** pacer: share one across invocations (the Workers entry builds services per request) */
  /** now: the clock handlers see (tests move it through a campaign) */
  /** reports: Node-only report building (src/report/node.ts); Workers pass none */
  opts: {
    pacer?: SendPacer;
    now?: () => Date;
    reports?: ReportService;
    /** Node: group-commit inbox writer and the inbox loop's wake-up */
    accept?: AppDeps['accept'];
    onAccepted?: AppDeps['onAccepted'];
    /** how a tick sends what is queued: Workers hand it to the one outbox object; default this process's sender */
    drain?: () => Promise<unknown>;
    /** Workers: the statement budget of one jobs run (the rest is queued by the next tick) */
    jobs?: Pick<JobsOptions, 'statementBudget' | 'chunkStatements'>;
    /** /healthz's report on the event connection (the long connection's state) */
    health?: AppDeps['health'];
    /** the chat imports' limits per run (Workers: a statement budget per invocation) */
    imports?: Pick<ImportRunOptions, 'statementBudget' | 'maxBytes'>;
    /** how new import work is started: Workers hand it to the imports object; default a deferred run here */
    kickImports?: () => void;
    /** Node: gives the event loop a turn between staged batches of an import (acknowledgements first) */
    pause?: () => Promise<void>;
  } = {},
): Services {
  const api = isOnline(config)
    ? createFeishuClient({ appId: config.FEISHU_APP_ID!, appSecret: config.FEISHU_APP_SECRET!, domain: config.FEISHU_DOMAIN })
    : null;
  const sender = new OutboxSender({ d, api, log, pacer: opts.pacer });
  const identify = api && !config.FEISHU_BOT_OPEN_ID ? learnIdentity(api, `${config.FEISHU_DOMAIN} ${config.FEISHU_APP_ID}`, log) : undefined;
  let importsRunning: Promise<ImportRunResult> | null = null;
  let importsAgain = false;
  const imports = (): Promise<ImportRunResult> => {
    if (importsRunning) {
      importsAgain = true;
      return importsRunning;
    }
    importsRunning = (async () => {
      let r: ImportRunResult;
      do {
        importsAgain = false;
        r = await runChatImports({ d, api, log, onOutbox: () => sender.kick(), pause: opts.pause }, opts.imports);
      } while (importsAgain && !r.more);
      return r;
    })().finally(() => (importsRunning = null));
    return importsRunning;
  };
  const kickImports = opts.kickImports ?? (() => defer(imports));
  const deps: BotDeps = {
    d,
    bot: createBot(),
    log,
    botOpenId: config.FEISHU_BOT_OPEN_ID,
    identify,
    onOutbox: () => sender.kick(),
    now: opts.now,
    api,
    reports: opts.reports ?? null,
    imports: { kick: kickImports },
  };
  const appDeps: AppDeps = { ...deps, webhook: webhookConfig(config), defer, accept: opts.accept, onAccepted: opts.onAccepted, health: opts.health };
  const app = createApp(appDeps);
  const receive = (env: Envelope, json: string, now: number) => receiveEvent(appDeps, env, json, now);
  const sweep = async () => {
    const n = await processPending(deps);
    await pruneInbox(d, Date.now(), config.DEDUP_RETENTION_HOURS * 3600_000);
    return n;
  };
  let jobsChain: Promise<unknown> = Promise.resolve();
  const jobs = (now: Date): Promise<JobsResult> => {
    const run = jobsChain.then(() => runJobs(d, now, log, opts.jobs));
    jobsChain = run.catch(() => undefined);
    return run.then((r) => {
      if (r.queued > 0) sender.kick();
      return r;
    });
  };
  const tick = async (now: Date) => {
    await sweep();
    // A failing job run must not keep the outbox from draining; it is reported after.
    const failure = await jobs(now).then(
      () => null,
      (e: Error) => e,
    );
    // chat imports left half-way (a restart, an invocation that ended) go on
    if (opts.kickImports) opts.kickImports();
    else await imports().catch((e: Error) => log.error('chat imports failed', { error: e.message }));
    await (opts.drain ? opts.drain() : sender.drainAll());
    if (failure) throw failure;
  };
  return { app, deps, sender, api, receive, sweep, tick, jobs, imports };
}
