// The Workers deployment under test: the bundle `wrangler deploy --dry-run` builds from
// wrangler.toml, run in workerd by Miniflare with a local D1 (migrated from db/migrations), its
// FEISHU_DOMAIN pointing at the fake Feishu server on 127.0.0.1. Offline: nothing leaves loopback.
import { beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Readable } from 'node:stream';
import { Miniflare } from 'miniflare';
import type { D1Database } from '@cloudflare/workers-types';
import { openD1 } from '../../src/store/d1';
import type { Database } from '../../src/store/database';
import { countInbox } from '../../src/store/inbox';
import { outboxCounts } from '../../src/store/outbox';
import { startFakeFeishu, type FakeFeishu } from './fake-feishu';
import { BOT_OPEN_ID, ENCRYPT_KEY, VERIFICATION_TOKEN, signedRequest } from './events';

const ROOT = resolve(import.meta.dirname, '../..');
const WRANGLER = join(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const QUIET_WRANGLER = { WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', NO_COLOR: '1', CI: 'true' };

export interface BuiltWorker {
  dir: string;
  script: string;
  /** esbuild's metafile: every input of the bundle and what it imports */
  meta: { inputs: Record<string, { bytes: number; imports: { path: string; external?: boolean }[] }> };
  compatibilityDate: string;
  compatibilityFlags: string[];
  bytes: number;
}

/** The settings in wrangler.toml that the local runtime must share with the bundle. */
export function wranglerToml() {
  const text = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(text)?.[1];
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(text)?.[1];
  const crons = /^crons\s*=\s*\[([^\]]*)\]/m.exec(text)?.[1];
  const strings = (s: string | undefined) => [...(s ?? '').matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  if (!date) throw new Error('wrangler.toml has no compatibility_date');
  return { text, compatibilityDate: date, compatibilityFlags: strings(flags), crons: strings(crons) };
}

const NODE_ONLY = [
  /(^|\/)node_modules\/(better-sqlite3|@hono\/node-server|node-cron)\//,
  /^src\/(node\.ts|store\/sqlite\.ts|cli\/|import\/(roster|department)\.ts|sheet\/file\.ts)/,
];

/**
 * What in the Workers import graph is Node-only, as "importer → import" lines: Node-only
 * packages and entries, and file-system imports from our own code (src/, db/). The Lark SDK's
 * own `fs` import is served by nodejs_compat and is not listed.
 */
export function nodeOnlyImports(meta: BuiltWorker['meta']): string[] {
  const out: string[] = [];
  const nodeOnly = (path: string) => NODE_ONLY.some((re) => re.test(path));
  for (const [file, v] of Object.entries(meta.inputs)) {
    if (nodeOnly(file)) continue; // name the way in, not everything behind it
    for (const i of v.imports) {
      const ours = file.startsWith('src/') || file.startsWith('db/');
      if (nodeOnly(i.path) || (ours && /^(node:)?fs(\/|$)/.test(i.path))) out.push(`${file} → ${i.path}`);
    }
  }
  if (out.length === 0) for (const file of Object.keys(meta.inputs)) if (nodeOnly(file)) out.push(`(bundled) ${file}`);
  return [...new Set(out)];
}

/** Bundles src/worker.ts exactly as `npm run deploy` would, without uploading. */
export async function buildWorker(): Promise<BuiltWorker> {
  const dir = mkdtempSync(join(tmpdir(), 'fupin-worker-'));
  try {
    return await build(dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

async function build(dir: string): Promise<BuiltWorker> {
  await promisify(execFile)(
    process.execPath,
    [WRANGLER, 'deploy', '--dry-run', '--outdir', dir, '--metafile', join(dir, 'meta.json')],
    { cwd: ROOT, env: { ...process.env, ...QUIET_WRANGLER }, maxBuffer: 16 * 1024 * 1024 },
  );
  const toml = wranglerToml();
  const script = join(dir, 'worker.js');
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as BuiltWorker['meta'];
  // Fail here, with the culprit named, rather than with workerd refusing to start.
  const bad = nodeOnlyImports(meta);
  if (bad.length) throw new Error(`Node-only code in the Workers bundle:\n  ${bad.join('\n  ')}`);
  return {
    dir,
    script,
    meta,
    compatibilityDate: toml.compatibilityDate,
    compatibilityFlags: toml.compatibilityFlags,
    bytes: readFileSync(script).byteLength,
  };
}

export function removeBuild(built: BuiltWorker) {
  rmSync(built.dir, { recursive: true, force: true });
}

/** The drizzle-kit migrations, in order, split into statements as D1 takes them. */
export function migrationStatements(): string[] {
  const dir = join(ROOT, 'db/migrations');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('--> statement-breakpoint'))
    .map((s) => s.trim())
    .filter(Boolean);
}

type MfResponse = Awaited<ReturnType<Miniflare['dispatchFetch']>>;

export interface WorkerHarness {
  mf: Miniflare;
  fake: FakeFeishu;
  /** the worker's D1, from Node: the same store functions the app uses, over Miniflare's binding */
  d: Database;
  /** what the worker wrote to stdout / stderr (its log lines) */
  logs: string[];
  /** ms the first request took (isolate start included) */
  coldStartMs: number;
  fetch(path: string, init?: Parameters<Miniflare['dispatchFetch']>[1]): Promise<MfResponse>;
  /** a signed, encrypted POST as Feishu sends it */
  post(payload: unknown, path?: string): Promise<MfResponse>;
  /** fires the worker's scheduled() handler as a cron trigger would */
  scheduled(cron?: string, at?: Date): Promise<{ outcome: string }>;
  /** waits, without helping, until no inbox event and no outbox message is pending */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWorker(
  built: BuiltWorker,
  /** healthStatus: what the first /healthz must answer (default 200) */
  opts: { online?: boolean; env?: Record<string, string>; healthStatus?: number } = {},
): Promise<WorkerHarness> {
  const fake = await startFakeFeishu();
  const online = opts.online ?? true;
  const logs: string[] = [];
  const collect = (stream: Readable) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      logs.push(...lines);
    });
  };
  const mf = new Miniflare({
    modules: true,
    modulesRoot: built.dir,
    scriptPath: built.script,
    compatibilityDate: built.compatibilityDate,
    compatibilityFlags: built.compatibilityFlags,
    d1Databases: { DB: 'fupin-review-test' },
    d1Persist: false, // in memory
    // wrangler.toml's Durable Object: the app's one outbox sender
    // and the chat imports' runner
    durableObjects: { OUTBOX: 'OutboxObject', IMPORTS: 'ImportObject' },
    durableObjectsPersist: false,
    cf: false, // never fetch workers.cloudflare.com/cf.json
    bindings: {
      FEISHU_DOMAIN: fake.url,
      FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
      FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
      FEISHU_BOT_OPEN_ID: BOT_OPEN_ID,
      SEED_EXAMPLE: 'never',
      ...(online ? { FEISHU_APP_ID: 'cli_test', FEISHU_APP_SECRET: 'secret' } : {}),
      ...opts.env,
    },
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      collect(stdout);
      collect(stderr);
    },
  });
  let d: Database;
  let coldStartMs: number;
  const base = 'http://fupin.test';
  try {
    const binding = await mf.getD1Database('DB');
    await binding.batch(migrationStatements().map((s) => binding.prepare(s)));
    d = openD1(binding as unknown as D1Database);

    const t0 = performance.now();
    const health = await mf.dispatchFetch(`${base}/healthz`);
    coldStartMs = performance.now() - t0;
    if (health.status !== (opts.healthStatus ?? 200)) throw new Error(`worker unhealthy: ${health.status} ${await health.text()}`);
  } catch (e) {
    await mf.dispose().catch(() => undefined);
    await fake.close();
    throw e;
  }

  return {
    mf,
    fake,
    d,
    logs,
    coldStartMs,
    fetch: (path, init) => mf.dispatchFetch(base + path, init),
    post: (payload, path = '/feishu/events') => mf.dispatchFetch(base + path, signedRequest(payload)),
    async scheduled(cron = '*/5 * * * *', at = new Date()) {
      const worker = await mf.getWorker();
      return worker.scheduled({ cron, scheduledTime: at });
    },
    async settle(timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const inbox = await countInbox(d);
        const out = await outboxCounts(d);
        if (inbox.pending === 0 && out.pending === 0) return;
        if (Date.now() > until) throw new Error(`worker did not settle: inbox ${JSON.stringify(inbox)}, outbox ${JSON.stringify(out)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await mf.dispose();
      await fake.close();
    },
  };
}

/** Builds the worker and starts it in workerd for one test file; `get()` gives the running harness. */
export function useWorker(opts: Parameters<typeof startWorker>[1] = {}, after?: (w: WorkerHarness) => Promise<void>) {
  let built: BuiltWorker | undefined;
  let w: WorkerHarness | undefined;
  beforeAll(async () => {
    built = await buildWorker();
    w = await startWorker(built, opts);
    await after?.(w);
  }, 90_000);
  afterAll(async () => {
    await w?.close();
    if (built) removeBuild(built);
  });
  return { get: () => w!, built: () => built! };
}
