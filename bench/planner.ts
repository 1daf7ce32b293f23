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
import { defaultCampaign } from '../src/core/campaign';
import { cstMidnightUtc } from '../src/core/dates';
import { planJobs } from '../src/core/planner';
import { cardsOf, readPlanInput, runJobs } from '../src/jobs/run';
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
const T = 'bench';
const ms = now.getTime();

// ---- data (not timed) ----
const t0 = performance.now();
db.transaction(() => {
  db.prepare(
    'insert into townships (id, name, county, campaign, leaders_chat_id, inspectors_chat_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(T, '基准乡', '某县', JSON.stringify(defaultCampaign(2026)), 'oc_leaders', 'oc_inspectors', ms, ms);
  const village = db.prepare('insert into villages (township_id, name, poor, chat_id, data_filed_at) values (?, ?, ?, ?, ?)');
  const person = db.prepare('insert into people (township_id, name, open_id, party_member) values (?, ?, ?, 1)');
  const role = db.prepare('insert into roles (township_id, person_id, role, village_id) values (?, ?, ?, ?)');
  const chat = db.prepare("insert into chats (chat_id, township_id, kind, village_id, bound_at) values (?, ?, 'village', ?, ?)");
  const hh = db.prepare(
    'insert into households (township_id, village_id, number, head_name, status, applicant, qualification, helper_id, help_card_returned_at, batches, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const member = db.prepare('insert into members (township_id, household_id, name, id_card, relation, batches) values (?, ?, ?, ?, ?, ?)');
  const stage = db.prepare("insert into stage_progress (township_id, village_id, stage, done_at, done_by, source) values (?, ?, ?, ?, 'ou_x', 'bench')");
  const meeting = db.prepare("insert into meetings (township_id, village_id, kind, date, eligible, present, valid, recorded_by, created_at) values (?, ?, ?, '2026-12-12', 100, 80, 1, 'ou_x', ?)");
  const notice = db.prepare("insert into notices (township_id, village_id, start_date, end_date, started_by, created_at) values (?, ?, '2026-12-11', '2026-12-17', 'ou_x', ?)");
  const objection = db.prepare("insert into objections (notice_id, no, household, content, raised_by, raised_at) values (?, 1, '1', '异议', 'ou_x', ?)");
  const hit = db.prepare("insert into exclusion_hits (township_id, household_id, member_id, exclusion, department, evidence_key, found_at) values (?, ?, ?, 'car', '交管', ?, ?)");
  const alert = db.prepare("insert into alerts (township_id, village_id, stage, date, ack_by, ack_at, ack_date) values (?, ?, 'qualification_review', '2026-12-14', 'ou_insp', ?, '2026-12-14')");
  const office = person.run(T, '乡扶贫办主任', 'ou_office').lastInsertRowid;
  role.run(T, office, 'office', 0);
  let hid = 0;
  let mid = 0;
  for (let v = 0; v < VILLAGES; v++) {
    const vid = Number(village.run(T, `基准${v}村`, v % 3 === 0 ? 1 : 0, `oc_v${v}`, v % 2 === 0 ? ms : null).lastInsertRowid);
    chat.run(`oc_v${v}`, T, vid, ms);
    for (const [k, r] of ['village_cadre', 'first_secretary', 'package_cadre'].entries()) {
      role.run(T, Number(person.run(T, `干部${v}-${k}`, `ou_v${v}_${k}`).lastInsertRowid), r, vid);
    }
    if (v % 10 === 0) person.run(T, `包片领导${v / 10}`, `ou_leader${v / 10}`);
    const helpers: number[] = [];
    for (let k = 0; k < 20; k++) helpers.push(Number(person.run(T, `帮扶人${v}-${k}`, null).lastInsertRowid));
    if (v % 2 === 0) stage.run(T, vid, 'qualification_review', ms - 5 * 86_400_000);
    if (v % 6 === 0) stage.run(T, vid, 'village_evaluation', ms - 86_400_000);
    if (v % 3 === 1) {
      for (const k of ['villagers_assembly', 'representatives', 'two_committees']) meeting.run(T, vid, k, ms);
      const nid = Number(notice.run(T, vid, ms).lastInsertRowid);
      objection.run(nid, ms);
    }
    if (v % 2 === 1) alert.run(T, vid, ms);
    for (let h = 0; h < PER_VILLAGE; h++) {
      hid++;
      const applicant = h % 10 === 0;
      const removed = h % 25 === 1;
      const status = removed ? 'removed' : applicant ? (h % 20 === 0 ? 'applied' : 'included') : 'included';
      const batches = JSON.stringify(h % 2 === 0 ? ['medical', 'minimum_living'] : h % 5 === 0 ? [] : ['production_employment']);
      hh.run(T, vid, `${v}-${h}`, `户主${h}`, status, applicant ? 1 : 0, h % 20 === 0 ? null : 'pass', h % 3 === 0 ? null : helpers[h % 20]!, h % 4 === 0 ? ms : null, batches, ms);
      for (let m = 0; m < 3; m++) {
        mid++;
        member.run(T, hid, `成员${m}`, `5226301980${String(mid).padStart(8, '0')}`, m === 0 ? '户主' : '家属', JSON.stringify(m === 2 ? ['education'] : []));
        if (mid % 30 === 0) hit.run(T, hid, mid, `r${mid}`, ms);
      }
    }
  }
})();
// Area leaders: 30 leaders over 10 consecutive villages each.
{
  const leaders = db.prepare("select id from people where name like '包片领导%' order by id").all() as { id: number }[];
  const vids = db.prepare('select id from villages order by id').all() as { id: number }[];
  const role = db.prepare("insert into roles (township_id, person_id, role, village_id) values (?, ?, 'leader', ?)");
  db.transaction(() => vids.forEach((v, i) => role.run(T, leaders[Math.floor(i / 10)]!.id, v.id)))();
}
db.pragma('optimize');
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
for (let i = 0; i < RUNS; i++) {
  const a = performance.now();
  msgs.flatMap((m) => cardsOf(m, t));
  cards.push(performance.now() - a);
}
const built = msgs.flatMap((m) => cardsOf(m, t));
const cardCount = built.length;
const digestBytes = Math.max(...msgs.filter((m) => m.kind === 'digest').flatMap((m) => cardsOf(m, t).map((x) => new TextEncoder().encode(JSON.stringify(x)).length)));
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
