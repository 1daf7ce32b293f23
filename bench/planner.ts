// Scheduled jobs at township scale (issue 7): one day's plan (reminders, overdue flags,
// escalations and the digest's figures) for 300 villages and 30,000 households, with the
// planner's input read from a real SQLite file. The DB read (readPlanInput: snapshots, people,
// chats, acknowledgements, open exclusion hits) and the pure planning (planJobs) are timed
// separately; the cards (cardsOf) and a whole first run (runJobs: read, plan, cards, one atomic
// write of job_runs + outbox + alerts) are shown beside them.
//
//   npx tsx bench/planner.ts [runs=30]
//
// Data (deterministic, generated into a fresh temp file, deleted after): 300 villages (a chat
// each, 3 responsible people with open_ids, 30 area leaders over 10 villages each), 30,000
// households (100 a village, 10% applicants, 4% removed, helpers for 2/3, five-batches
// classifications), 90,000 members, meetings, notices and objections for a third of the
// villages, stages done for half, 3,000 open exclusion hits, 300 acknowledged alerts.
// Clock: 2026-12-18 19:00 CST, when every kind of job is due.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../src/store/sqlite';
import { generateCounty, T } from './county-data';
import { cstMidnightUtc } from '../src/core/dates';
import { cardsOf, planJobs, readPlanInput, runJobs } from '../src/jobs/run';
import type { CampaignConfig } from '../src/core/campaign';
import { getTownship } from '../src/store/township';
import { memoryLogger } from '../src/log';

const VILLAGES = 300;
const PER_VILLAGE = 100;
const RUNS = Number(process.argv[2] ?? 30);
const TARGET_MS = 200;

const dir = mkdtempSync(join(tmpdir(), 'fupin-bench-planner-'));
const d = openSqlite(join(dir, 'bench.sqlite'));
const db = d.sqlite;
const now = new Date(cstMidnightUtc('2026-12-18').getTime() + 19 * 3600_000);

// ---- data (not timed) ----
const t0 = performance.now();
generateCounty(d, now, { villages: VILLAGES, perVillage: PER_VILLAGE });
const setupMs = performance.now() - t0;
const counts = db.prepare('select (select count(*) from villages) v, (select count(*) from households) h, (select count(*) from members) m, (select count(*) from exclusion_hits) x').get() as Record<string, number>;

// ---- measurement ----
const t = (await getTownship(d, T))!;
const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { min: s[0]!, median: q(0.5), p95: q(0.95), max: s[s.length - 1]! };
};
const fmt = (x: number) => `${x.toFixed(1)} ms`;

// warm-up
for (let i = 0; i < 3; i++) planJobs(await readPlanInput(d, t, now));

const read: number[] = [];
const plan: number[] = [];
const cards: number[] = [];
let planned = 0;
for (let i = 0; i < RUNS; i++) {
  const a = performance.now();
  const input = await readPlanInput(d, t, now);
  const b = performance.now();
  const msgs = planJobs(input);
  const c = performance.now();
  read.push(b - a);
  plan.push(c - b);
  planned = msgs.length;
}
const msgs = planJobs(await readPlanInput(d, t, now));
const ctx = { township: t, config: t.campaign as CampaignConfig, names: {} };
for (let i = 0; i < RUNS; i++) {
  const a = performance.now();
  msgs.flatMap((m) => cardsOf(m, ctx));
  cards.push(performance.now() - a);
}
const built = msgs.flatMap((m) => cardsOf(m, ctx));
const cardCount = built.length;
const digestBytes = Math.max(...msgs.filter((m) => m.kind === 'digest').flatMap((m) => cardsOf(m, ctx).map((x) => new TextEncoder().encode(JSON.stringify(x)).length)));
const total = read.map((r, i) => r + plan[i]!);

const log = memoryLogger();
const f0 = performance.now();
const first = await runJobs(d, now, log);
const firstMs = performance.now() - f0;
const s0 = performance.now();
const second = await runJobs(d, now, log);
const secondMs = performance.now() - s0;

const byKind: Record<string, number> = {};
for (const m of msgs) byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;

console.log(`planner bench — ${cpus().length} cores, Node ${process.version}, ${RUNS} runs after 3 warm-ups (data set-up ${(setupMs / 1000).toFixed(1)} s, not timed)`);
console.log(`data: ${counts.v} villages, ${counts.h} households, ${counts.m} members, ${counts.x} open exclusion hits`);
console.log(`planned: ${planned} messages (${Object.entries(byKind).map(([k, n]) => `${k} ${n}`).join(', ')}) → ${cardCount} cards; largest digest card ${digestBytes} bytes`);
for (const [name, xs] of [
  ['DB read (readPlanInput)', read],
  ['planning (planJobs)', plan],
  ['read + plan', total],
  ['cards (cardsOf)', cards],
] as const) {
  const s = stat(xs);
  console.log(`${name.padEnd(26)} min ${fmt(s.min)}  median ${fmt(s.median)}  p95 ${fmt(s.p95)}  max ${fmt(s.max)}`);
}
console.log(`first runJobs (read, plan, cards, write ${first.outboxRows} outbox rows): ${fmt(firstMs)}; second run (all ${second.skipped} skipped): ${fmt(secondMs)}`);
const ok = stat(total).median < TARGET_MS;
console.log(`load average while running: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(ok ? `OK: read + plan median under ${TARGET_MS} ms` : `OVER TARGET: read + plan median ${fmt(stat(total).median)} ≥ ${TARGET_MS} ms`);
d.close?.();
if (process.env.KEEP) console.log(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
process.exitCode = ok ? 0 : 1;
