// Node entry: embedded SQLite (migrated on start), the HTTP server, the outbox sender,
// and the inbox sweep that finishes events acknowledged before a crash.
import { serve, type ServerType } from '@hono/node-server';
import { existsSync } from 'node:fs';
import { loadConfig, isOnline, type Config } from './config';
import { openSqlite, type SqliteDatabase } from './store/sqlite';
import { buildServices, type Services } from './server';
import { consoleLogger, type Logger } from './log';
import { seedIfEmpty } from './township/seed';
import { pruneInbox, releaseLeases } from './store/inbox';
import { InboxWriter } from './store/inbox-writer';
import { InboxLoop } from './bot/inbox-loop';
import { schedule, type ScheduledTask } from 'node-cron';
import type { SendPacer } from './core/ratelimit';
import { nodeReportService, reportsDirFor } from './report/node';
import { longConnectionProblem, startLongConnection, type LongConnection } from './feishu/long-connection';

/** The scheduled jobs' cron (Asia/Shanghai): every 5 minutes, so a job is at most 5 minutes late
 * after its configured time (default 09:05 / 18:05), whatever time each township configures. */
export const JOBS_CRON = '*/5 * * * *';

export interface NodeServer extends Services {
  d: SqliteDatabase;
  server: ServerType;
  port: number;
  /** the long connection, when FEISHU_CONNECTION=websocket */
  connection: LongConnection | null;
  close(): Promise<void>;
}

export async function startNodeServer(
  config: Config,
  log: Logger = consoleLogger(),
  /** cron: the jobs' schedule, or false for none (the start-up run still happens); pacer: Feishu's send limits */
  opts: { now?: () => Date; cron?: string | false; pacer?: SendPacer } = {},
): Promise<NodeServer> {
  const websocket = config.FEISHU_CONNECTION === 'websocket';
  if (websocket) {
    const problem = longConnectionProblem(config);
    if (problem) throw new Error(problem);
  }
  const d = openSqlite(config.DATABASE_PATH);
  log.info(`数据库 ${config.DATABASE_PATH} 已就绪（WAL，已迁移）`);
  if (!isOnline(config)) {
    log.info('未配置 FEISHU_APP_ID / FEISHU_APP_SECRET：离线运行，要发送的消息写入日志。');
    if (config.SEED_EXAMPLE === 'auto') await seedIfEmpty(d, log);
  }

  const pending = new Set<Promise<unknown>>();
  const defer = (work: () => Promise<unknown>) => {
    const p = new Promise((r) => setImmediate(r))
      .then(work)
      .catch((e: Error) => log.error('deferred work failed', { error: e.message }))
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  // Acknowledge fast: a burst of events is written in one commit, processing runs after.
  const writer = new InboxWriter(d.sqlite);
  let loop: InboxLoop | null = null;
  let connection: LongConnection | null = null;
  const services = buildServices(config, d, log, defer, {
    now: opts.now,
    pacer: opts.pacer,
    reports: nodeReportService(reportsDirFor(config.DATABASE_PATH)),
    accept: (e, at) => writer.accept(e, at),
    onAccepted: () => loop?.kick(),
    health: websocket ? () => connection?.health() ?? { ok: true, connection: 'websocket', connected: false } : undefined,
    pause: () => new Promise<void>((r) => setImmediate(r)),
  });
  loop = new InboxLoop(services.deps);
  // Learn the bot's own open_id before the first event when it is not configured (online only).
  await services.deps.identify?.();
  // WAL checkpoints write the database file and sync it: do them in quiet moments, not inside
  // the commit of whichever request happens to cross the threshold (unless the WAL grows large).
  d.sqlite.pragma('wal_autocheckpoint = 0');
  const checkpointTimer = setInterval(() => d.sqlite.pragma('wal_checkpoint(PASSIVE)'), 60_000);
  checkpointTimer.unref();
  const quietCheckpoint = setInterval(() => {
    if (loop?.quietFor(200)) d.sqlite.pragma('wal_checkpoint(PASSIVE)');
  }, 1000);
  quietCheckpoint.unref();

  // Events acknowledged before the last stop but not processed: do them now.
  await releaseLeases(d);
  const recovered = await services.sweep();
  if (recovered) log.info(`启动时补处理了 ${recovered} 条未处理的事件`);
  services.sender.start();
  // Chat imports the last stop left half-way go on from where they stopped (src/chat-import/run.ts).
  services.deps.imports?.kick();
  // Retries and leftovers go through the same yielding loop; the sweep never blocks acks.
  const sweepTimer = setInterval(() => {
    loop?.kick();
    // a chat import waiting to retry its download (src/chat-import/run.ts) goes on when its wait is over
    services.deps.imports?.kick();
    void pruneInbox(d, Date.now(), config.DEDUP_RETENTION_HOURS * 3600_000).catch((e: Error) => log.error('prune failed', { error: e.message }));
  }, 5000);

  // Scheduled jobs (DESIGN §7). The start-up run catches up, once, on today's jobs missed while
  // the server was down (the planner plans today only: a day missed entirely is not replayed).
  const clock = opts.now ?? (() => new Date());
  let jobsRunning: Promise<void> = Promise.resolve();
  const runJobsNow = (why: string) =>
    (jobsRunning = services.jobs(clock()).then(
      () => undefined,
      (e: Error) => log.error('scheduled jobs failed', { why, error: e.message }),
    ));
  await runJobsNow('start');
  const cronTask: ScheduledTask | null =
    opts.cron === false ? null : schedule(opts.cron ?? JOBS_CRON, () => runJobsNow('cron'), { timezone: 'Asia/Shanghai', name: 'fupin-jobs', noOverlap: true });

  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: services.app.fetch, port: config.PORT, hostname: config.HOST }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  log.info(`扶贫复核助手已启动：http://localhost:${port}  (POST /feishu/events, POST /feishu/card, GET /healthz)`);
  // The long connection: events arrive over it (the same receiver path as the webhook's);
  // POST /feishu/card stays for callbacks configured as a request URL.
  if (websocket) {
    connection = startLongConnection({
      appId: config.FEISHU_APP_ID!,
      appSecret: config.FEISHU_APP_SECRET!,
      domain: config.FEISHU_DOMAIN,
      encryptKey: config.FEISHU_ENCRYPT_KEY,
      log,
      receive: services.receive,
    });
    log.info(`事件从飞书长连接接收（${config.FEISHU_DOMAIN}），无需公网地址`);
  }

  return {
    ...services,
    d,
    server,
    port,
    connection,
    async close() {
      connection?.close();
      clearInterval(sweepTimer);
      clearInterval(checkpointTimer);
      clearInterval(quietCheckpoint);
      await cronTask?.destroy();
      await jobsRunning;
      await new Promise<void>((r) => {
        server.close(() => r());
        // Idle keep-alive sockets would hold close() open; a request still running gets 1 s.
        const http = server as unknown as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
        http.closeIdleConnections?.();
        setTimeout(() => http.closeAllConnections?.(), 1000).unref();
      });
      await Promise.allSettled([...pending]);
      await loop?.idle();
      await services.sender.stop();
      d.close?.();
    },
  };
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isMain) {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const log = consoleLogger();
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
  let s: NodeServer;
  try {
    s = await startNodeServer(config, log);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
  const stop = async () => {
    log.info('正在停止…');
    await s.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
