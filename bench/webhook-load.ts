// Webhook load on loopback (issue 10 §1). Three servers in their own processes, one at a time,
// driven by autocannon from this process with pre-signed, distinct, encrypted message events:
//   bare  — Hono reading the body and answering 200 (the ceiling)
//   sdk   — the Lark SDK's adaptDefault + EventDispatcher (verifies, decrypts, stores nothing)
//   ours  — src/node.ts: verifies, decrypts, persists to the SQLite inbox, answers, then processes
// Run: npx tsx bench/webhook-load.ts [maxSeconds=10] [fixedRate=1000] [fixedSeconds=30]
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { messageEnvelope, signedRequest, ENCRYPT_KEY, VERIFICATION_TOKEN, BOT_OPEN_ID } from '../test/support/events';

const maxSeconds = Number(process.argv[2] ?? 10);
const fixedRate = Number(process.argv[3] ?? 1000);
const fixedSeconds = Number(process.argv[4] ?? 30);
const connections = 32;
const fixedConnections = 8;

interface Target {
  name: string;
  script: string;
  env?: Record<string, string>;
}

async function startServer(t: Target, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', t.script], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', FEISHU_ENCRYPT_KEY: ENCRYPT_KEY, FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN, ...t.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/feishu/events`, { method: 'POST', body: '{}' });
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${t.name} did not start`);
}

let seq = 0;
function makeBodies(n: number) {
  const out: { body: string; headers: Record<string, string> }[] = [];
  for (let i = 0; i < n; i++) {
    const r = signedRequest(messageEnvelope({ text: '帮助', openId: 'ou_load', chatId: `oc_load_${i % 100}`, messageId: `om_load_${seq}`, eventId: `ev_load_${seq++}` }));
    out.push({ body: r.body, headers: r.headers });
  }
  return out;
}

function run(port: number, bodies: { body: string; headers: Record<string, string> }[], opts: { duration: number; overallRate?: number; connections?: number }) {
  let i = 0;
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: opts.connections ?? connections,
        duration: opts.duration,
        ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
        requests: [
          {
            method: 'POST',
            path: '/feishu/events',
            setupRequest: (req) => {
              const b = bodies[i++ % bodies.length]!;
              return { ...req, body: b.body, headers: { ...req.headers, ...b.headers } };
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}

const summary = (r: autocannon.Result) => ({
  requests: r.requests.total,
  perSecond: Math.round(r.requests.total / r.duration),
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
  p50ms: r.latency.p50,
  p99ms: r.latency.p99,
  maxMs: r.latency.max,
});

const dir = mkdtempSync(join(tmpdir(), 'fupin-load-'));
const oursEnv = (db: string) => ({ DATABASE_PATH: db, SEED_EXAMPLE: 'never', FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_BOT_OPEN_ID: BOT_OPEN_ID, LOG_LEVEL: 'error' });
const targets: Target[] = [
  { name: 'bare', script: 'bench/servers/bare.ts' },
  { name: 'sdk', script: 'bench/servers/sdk.ts' },
  { name: 'ours', script: 'src/node.ts', env: oursEnv(join(dir, 'max.sqlite')) },
];

const results: Record<string, ReturnType<typeof summary>> = {};
let port = 4700 + Math.floor(Math.random() * 200);
for (const t of targets) {
  const child = await startServer(t, ++port);
  const bodies = makeBodies(Math.max(20_000, maxSeconds * 20_000));
  await run(port, bodies.slice(0, 2000), { duration: 2 }); // warm-up
  results[t.name] = summary(await run(port, bodies.slice(2000), { duration: maxSeconds }));
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

// Fixed rate: every event acknowledged, then every one processed exactly once.
const fixedDb = join(dir, 'fixed.sqlite');
const child = await startServer({ name: 'ours-fixed', script: 'src/node.ts', env: oursEnv(fixedDb) }, ++port);
const fixedBodies = makeBodies(fixedRate * fixedSeconds + 1000);
// Fewer connections at a fixed rate: autocannon paces each connection with its own timer, and
// 32 of them bunch requests on the client (the SDK's own handler shows p99 ≈ 50 ms that way).
const fixed = summary(await run(port, fixedBodies, { duration: fixedSeconds, overallRate: fixedRate, connections: fixedConnections }));
// wait for processing to finish
const db = new BetterSqlite3(fixedDb, { readonly: true });
let pending = -1;
const t0 = Date.now();
for (let i = 0; i < 600; i++) {
  pending = (db.prepare("select count(*) n from inbox where status = 'pending'").get() as { n: number }).n;
  if (pending === 0) break;
  await new Promise((r) => setTimeout(r, 100));
}
const drainMs = Date.now() - t0;
const counts = db.prepare('select status, count(*) n from inbox group by status').all();
const replies = (db.prepare("select count(*) n, count(distinct uuid) u from outbox").get() as { n: number; u: number });
child.kill('SIGTERM');

console.log(JSON.stringify({ machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, connections, maxSeconds, results, ratio: { oursToSdk: +(results.ours!.perSecond / results.sdk!.perSecond).toFixed(2), oursToBare: +(results.ours!.perSecond / results.bare!.perSecond).toFixed(2) }, fixed: { rate: fixedRate, seconds: fixedSeconds, connections: fixedConnections, ...fixed, processedAfterMs: drainMs, inbox: counts, outboxRows: replies.n, distinctUuids: replies.u } }, null, 2));
