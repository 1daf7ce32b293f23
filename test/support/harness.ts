// A real bot for tests: the Node server on 127.0.0.1 with a real SQLite file, the real Lark SDK
// talking to the fake Feishu server.
import { mkdtempSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { startNodeServer, type NodeServer } from '../../src/node';
import { memoryLogger } from '../../src/log';
import { countInbox } from '../../src/store/inbox';
import { outboxCounts } from '../../src/store/outbox';
import { importsPending } from '../../src/store/chat-imports';
import { startFakeFeishu, type FakeFeishu } from './fake-feishu';
import { startFakeGateway, type ClientConfig, type FakeGateway } from './fake-gateway';
import { BOT_OPEN_ID, ENCRYPT_KEY, LC_APP_ID, VERIFICATION_TOKEN, signedRequest } from './events';

export const tempDbPath = () => join(mkdtempSync(join(tmpdir(), 'fupin-')), 'test.sqlite');

export interface Harness {
  fake: FakeFeishu;
  /** the fake long-connection gateway, when started with `gateway` (FEISHU_CONNECTION=websocket) */
  gateway: FakeGateway | null;
  server: NodeServer;
  config: Config;
  log: ReturnType<typeof memoryLogger>;
  url: string;
  post(payload: unknown, path?: string): Promise<Response>;
  /** waits until every pending event is processed and every due message is sent */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  opts: {
    dbPath?: string;
    online?: boolean;
    env?: Record<string, string>;
    now?: () => Date;
    /** what the fake's GET /open-apis/bot/v3/info answers (null: it fails) */
    fakeBotOpenId?: string | null;
    /** events over the long connection: the fake gateway (with these client settings) and FEISHU_CONNECTION=websocket */
    gateway?: Partial<ClientConfig> | true;
  } = {},
): Promise<Harness> {
  const fake = await startFakeFeishu({ botOpenId: opts.fakeBotOpenId });
  const gateway = opts.gateway ? await startFakeGateway(fake, opts.gateway === true ? {} : opts.gateway) : null;
  const online = opts.online ?? true;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_PATH: opts.dbPath ?? tempDbPath(),
    FEISHU_DOMAIN: fake.url,
    FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
    FEISHU_BOT_OPEN_ID: BOT_OPEN_ID,
    SEED_EXAMPLE: 'never',
    ...(online ? { FEISHU_APP_ID: gateway ? LC_APP_ID : 'cli_test', FEISHU_APP_SECRET: 'secret' } : {}),
    ...(gateway ? { FEISHU_CONNECTION: 'websocket' } : {}),
    ...opts.env,
  });
  const log = memoryLogger();
  // no cron in tests: jobs run when a test asks (the start-up run still happens, on `now`)
  const server = await startNodeServer(config, log, { now: opts.now, cron: false }).catch(async (e: unknown) => {
    await gateway?.close();
    await fake.close();
    throw e;
  });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    fake,
    gateway,
    server,
    config,
    log,
    url,
    post: (payload, path = '/feishu/events') => fetch(url + path, signedRequest(payload)),
    async settle() {
      // Settled when nothing is pending. The background sender may hold a claimed batch and pace it
      // (5/s, one per 200 ms into one chat: a day's 20 alerts to the committee take 5 s), so the
      // limit is on time without progress, not on the number of rounds.
      let done = -1;
      let idleSince = Date.now();
      while (Date.now() - idleSince < 4000) {
        await server.sweep();
        // chat imports run after the acknowledgement, in pieces (src/chat-import/run.ts)
        const imported = (await importsPending(server.d)) ? await server.imports() : { statements: 0 };
        await server.sender.drainAll();
        const inbox = await countInbox(server.d);
        const out = await outboxCounts(server.d);
        if (inbox.pending === 0 && out.pending === 0 && !(await importsPending(server.d))) return;
        const failed = log.lines.find((l) => l.includes('event handler failed'));
        if (failed) throw new Error(failed);
        const handled = inbox.done + inbox.failed + out.sent + out.failed + out.offline + imported.statements;
        if (handled !== done) {
          done = handled;
          idleSince = Date.now();
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      const stuck = server.d.sqlite.prepare("select receive_id, attempts, last_error, next_attempt_at, lease_until, ? - created_at age from outbox where status = 'pending' limit 3").all(Date.now());
      const imports = server.d.sqlite.prepare("select state, cursor, attempts, lease_until, error from chat_imports where state in ('downloading', 'validating', 'importing', 'cancelling') limit 3").all();
      throw new Error(`harness did not settle: ${JSON.stringify(stuck)} ${imports.length ? `chat imports: ${JSON.stringify(imports)}` : ''}`);
    },
    async close() {
      await server.close();
      await gateway?.close();
      await fake.close();
    },
  };
}

/** Runs `read` on a read-only connection to the SQLite file at `path`, then closes it. */
export function readSqlite<T>(path: string, read: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(path, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}
