// Workers + D1 at county scale (issue 20 §4): the county data set of the Node benchmarks
// (bench/county-data.ts: 300 villages, 30,000 households, 100,200 members) loaded into the
// worker's D1 in workerd (Miniflare), the worker built exactly as `npm run deploy` builds it,
// Feishu faked on 127.0.0.1. Measures, each beside the same work on Node (better-sqlite3, same
// process, same data):
//   1. 进度 for the township in the leaders' chat: webhook POST → card at the fake Feishu;
//   2. the 18:05 jobs run for 300 villages: cron invocations, statements, time, and the drain
//      of what it queued through the one OutboxObject (max per 1 s / 60 s for the app, per 1 s
//      per chat, as the fake Feishu received them);
//   3. a webhook flood: every village's cadre sends 进度 at once (300 requests, 50 in flight, or argv[2]):
//      answer latency, and the 300 replies drained within Feishu's limits, each once.
//   npx tsx bench/workers-county.ts [inFlight=50]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../src/store/sqlite';
import { cstMidnightUtc } from '../src/core/dates';
import { runJobs } from '../src/jobs/run';
import { runMessage } from '../src/bot/dispatch';
import { createBot } from '../src/bot/index';
import { memoryLogger } from '../src/log';
import { generateCounty } from './county-data';
import { buildWorker, removeBuild, startWorker } from '../test/support/worker';
import { messageEnvelope, nextId } from '../test/support/events';
import { maxInWindow } from '../test/support/windows';

const dir = mkdtempSync(join(tmpdir(), 'fupin-bench-wcounty-'));
const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1);
  return { n: s.length, min: q(0), median: q(0.5), p95: q(0.95), max: q(1) };
};
const note = (s: string) => process.stderr.write(`${new Date().toISOString()} ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- the data set, in SQLite (also the Node baseline) -------------------------------------
const digestAt = new Date(cstMidnightUtc('2026-12-15').getTime() + 18 * 3600_000 + 5 * 60_000); // 18:05 CST
const d = openSqlite(join(dir, 'county.sqlite'));
generateCounty(d, digestAt, { villages: 300, perVillage: 100, fourth: true });
const counts = d.sqlite.prepare('select (select count(*) from villages) v, (select count(*) from households) h, (select count(*) from members) m').get();

// --- Node: the same work ------------------------------------------------------------------
const log = memoryLogger();
const deps = { d, bot: createBot(), log, botOpenId: 'ou_bot000000000000000000000000000', now: () => digestAt };
const nodeProgress: number[] = [];
for (let i = 0; i < 6; i++) {
  const env = messageEnvelope({ text: '进度', openId: 'ou_office', chatId: 'oc_leaders' });
  const a = performance.now();
  await runMessage(deps, env as never, null);
  if (i > 0) nodeProgress.push(performance.now() - a);
}
// every village's cadre asks 进度 in the village chat, one after another (the flood's work on Node)
const nodeVillages = performance.now();
for (let v = 0; v < 300; v++) await runMessage(deps, messageEnvelope({ text: '进度', openId: `ou_v${v}_0`, chatId: `oc_v${v}` }) as never, null);
const nodeVillageCardsMs = performance.now() - nodeVillages;
const nj = performance.now();
const nodeJobs = await runJobs(d, digestAt, log);
const nodeJobsMs = performance.now() - nj;

note('node done');
// --- the worker, with the same rows in its D1 ---------------------------------------------
const built = await buildWorker();
const w = await startWorker(built, { env: { SEED_EXAMPLE: 'never' } });
const binding = await w.mf.getD1Database('DB');
const l0 = performance.now();
{
  const tables = d.sqlite
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' and name not in ('outbox', 'job_runs', 'alerts_sent') order by name <> 'townships', rowid")
    .all() as { name: string }[];
  const lit = (v: unknown) => (v === null ? 'null' : typeof v === 'number' || typeof v === 'bigint' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
  let statements: string[] = [];
  const flush = async () => {
    if (statements.length) await binding.batch(['pragma defer_foreign_keys = on', ...statements].map((s) => binding.prepare(s)));
    statements = [];
  };
  for (const { name } of tables) {
    const cols = (d.sqlite.prepare(`pragma table_info("${name}")`).all() as { name: string }[]).map((c) => `"${c.name}"`);
    const rows = d.sqlite.prepare(`select * from "${name}"`).raw().all() as unknown[][];
    for (let i = 0; i < rows.length; i += 200) {
      statements.push(`insert into "${name}" (${cols.join(',')}) values ${rows.slice(i, i + 200).map((r) => `(${r.map(lit).join(',')})`).join(',')}`);
      if (statements.length >= 25) await flush();
    }
  }
  await flush();
}
// the Node jobs run above queued into SQLite only; D1 starts with an empty outbox
const loadMs = performance.now() - l0;

note('d1 loaded');
/** The chat each message we posted came from: replies are addressed by message id. */
const chatOfMessage = new Map<string, string>();
const chatOf = (m: { receiveId: string; replyTo: string | null }) => (m.replyTo ? (chatOfMessage.get(m.replyTo) ?? m.replyTo) : m.receiveId);
const post = (text: string, openId: string, chatId: string, prefix: string) => {
  const messageId = nextId(prefix);
  chatOfMessage.set(messageId, chatId);
  return { messageId, res: w.post(messageEnvelope({ text, openId, chatId, messageId })) };
};
const answered = (messageId: string) => w.fake.messages.some((m) => m.replyTo === messageId);
async function until(cond: () => boolean, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out\n${w.logs.slice(-15).join('\n')}`);
    await sleep(10);
  }
}

// 1. 进度 for the township, end to end
const workerProgress: number[] = [];
const workerProgressAck: number[] = [];
for (let i = 0; i < 6; i++) {
  const a = performance.now();
  const { messageId, res } = post('进度', 'ou_office', 'oc_leaders', 'om_wp');
  const r = await res;
  const ack = performance.now() - a;
  if (r.status !== 200) throw new Error(`进度: ${r.status}`);
  await until(() => answered(messageId), 30_000);
  if (i > 0) {
    workerProgress.push(performance.now() - a);
    workerProgressAck.push(ack);
  }
}
// (no w.settle() polling here: Miniflare's synchronous proxy can mix up answers when Node
// polls D1 hundreds of times under load; the fake Feishu's own counts say when sends are done)

note('progress done');
// 2. the 18:05 jobs run: ticks until nothing more is queued, then the drain
const sentBefore = w.fake.messages.length;
const ticks: { cron: string; ms: number; queued: number }[] = [];
const outboxRows = async () => Number((await binding.prepare('select count(*) n from outbox').first<{ n: number }>())?.n ?? 0);
let rows = await outboxRows();
const jobsStart = performance.now();
for (let k = 0; k < 20; k++) {
  // the 18:05 trigger, then the */5 ticks after it (each resumes the run where it stopped)
  const cron = k === 0 ? '5 10 * * *' : '*/5 * * * *';
  const at = new Date(digestAt.getTime() + k * 5 * 60_000);
  const a = performance.now();
  const out = await w.scheduled(cron, at);
  if (out.outcome !== 'ok') throw new Error(`tick ${k}: ${out.outcome}`);
  const now = await outboxRows();
  ticks.push({ cron, ms: Math.round(performance.now() - a), queued: now - rows });
  if (k > 0 && now === rows) break;
  rows = now;
}
note('ticks done');
const jobsQueued = ticks.reduce((s, t) => s + t.queued, 0);
await until(() => w.fake.messages.length - sentBefore >= jobsQueued, 300_000);
const drainMs = performance.now() - jobsStart;
const jobMsgs = w.fake.messages.slice(sentBefore);
const perChat = new Map<string, number[]>();
for (const m of jobMsgs) perChat.set(chatOf(m), [...(perChat.get(chatOf(m)) ?? []), m.at]);
const jobsDrain = {
  sent: jobMsgs.length,
  uniqueUuids: new Set(jobMsgs.map((m) => m.uuid)).size,
  maxPer1s: maxInWindow(jobMsgs.map((m) => m.at), 1000),
  maxPer60s: maxInWindow(jobMsgs.map((m) => m.at), 60_000),
  maxPerChatPer1s: Math.max(...[...perChat.values()].map((t) => maxInWindow(t, 1000))),
  firstToLastMs: jobMsgs.length ? Math.max(...jobMsgs.map((m) => m.at)) - Math.min(...jobMsgs.map((m) => m.at)) : 0,
};

note('drain done');
// 3. the flood: every village's cadre asks 进度 at once, IN_FLIGHT requests in flight
const IN_FLIGHT = Number(process.argv[2] ?? 50);
const floodBefore = w.fake.messages.length;
const acks: number[] = [];
const statuses = new Map<number, number>();
const queue = Array.from({ length: 300 }, (_, v) => v);
const f0 = performance.now();
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    for (let v = queue.shift(); v !== undefined; v = queue.shift()) {
      const a = performance.now();
      const r = await post('进度', `ou_v${v}_0`, `oc_v${v}`, 'om_wf').res;
      acks.push(performance.now() - a);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
  }),
);
note('flood answered');
const floodAnsweredMs = performance.now() - f0;
await until(() => w.fake.messages.length - floodBefore >= 300, 300_000);
const floodMs = performance.now() - f0;
const flood = w.fake.messages.slice(floodBefore);
const floodChats = new Map<string, number[]>();
for (const m of flood) floodChats.set(chatOf(m), [...(floodChats.get(chatOf(m)) ?? []), m.at]);
const sendRounds = w.logs.filter((l) => l.includes('outbox object: sent')).map((l) => Number(/"sent":(\d+)/.exec(l)?.[1] ?? 0));

console.log(
  JSON.stringify(
    {
      machine: { cpus: cpus().length, loadavg: loadavg().map((x) => +x.toFixed(2)), node: process.version },
      data: counts,
      d1LoadMs: Math.round(loadMs),
      progressCard: { nodeMs: stat(nodeProgress), workerEndToEndMs: stat(workerProgress), workerAnswerMs: stat(workerProgressAck) },
      jobsRun1805: {
        node: { ms: Math.round(nodeJobsMs), planned: nodeJobs.planned, queued: nodeJobs.queued },
        worker: { ticks, invocations: ticks.filter((t) => t.queued > 0).length, queued: jobsQueued, untilDrainedMs: Math.round(drainMs), drain: jobsDrain },
      },
      flood: {
        requests: 300,
        inFlight: IN_FLIGHT,
        nodeSameCardsSequentialMs: Math.round(nodeVillageCardsMs),
        statuses: Object.fromEntries(statuses),
        answerMs: stat(acks),
        allAnsweredMs: Math.round(floodAnsweredMs),
        repliesReceived: flood.length,
        uniqueUuids: new Set(flood.map((m) => m.uuid)).size,
        maxPer1s: maxInWindow(flood.map((m) => m.at), 1000),
        maxPer60s: maxInWindow(flood.map((m) => m.at), 60_000),
        maxPerChatPer1s: Math.max(...[...floodChats.values()].map((t) => maxInWindow(t, 1000))),
        untilAllSentMs: Math.round(floodMs),
      },
      outboxObjectRounds: { rounds: sendRounds.length, maxSentPerInvocation: Math.max(0, ...sendRounds) },
    },
    null,
    2,
  ),
);
await w.close();
removeBuild(built);
d.sqlite.close();
rmSync(dir, { recursive: true, force: true });
