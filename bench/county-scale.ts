// County scale (issue 10 §5): 300 villages, 30,000 households, 100,000 members. Times the
// township 进度 card (the whole chat path: resolve the person, read, build the card, commit the
// reply), the daily digest (a whole jobs run at 18:05 on a campaign day: read, plan, cards, one
// atomic write) and the county report export (gather + write the xlsx).
//   npx tsx bench/county-scale.ts [runs=5]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../src/store/sqlite';
import { cstMidnightUtc } from '../src/core/dates';
import { runJobs } from '../src/jobs/run';
import { runMessage } from '../src/bot/dispatch';
import { createBot } from '../src/bot/index';
import { memoryLogger } from '../src/log';
import { gatherCountyReport, writeCountyReport } from '../src/report/county';
import { generateCounty, T } from './county-data';
import { messageEnvelope } from '../test/support/events';
import { cardBytes } from '../src/feishu/card';

const RUNS = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'fupin-bench-county-'));
const d = openSqlite(join(dir, 'county.sqlite'));
const now = new Date(cstMidnightUtc('2026-12-15').getTime() + 18 * 3600_000 + 6 * 60_000); // 18:06 CST
const t0 = performance.now();
generateCounty(d, now, { villages: 300, perVillage: 100, fourth: true });
const setupMs = performance.now() - t0;
const counts = d.sqlite.prepare('select (select count(*) from villages) v, (select count(*) from households) h, (select count(*) from members) m').get();

const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: +s[0]!.toFixed(1), median: +s[Math.floor(s.length / 2)]!.toFixed(1), max: +s[s.length - 1]!.toFixed(1) };
};
const log = memoryLogger();
const deps = { d, bot: createBot(), log, botOpenId: 'ou_bot000000000000000000000000000', now: () => now };

// 进度 in the leaders' chat by the office: the township card
const progress: number[] = [];
let progressBytes = 0;
for (let i = 0; i < RUNS + 1; i++) {
  const env = messageEnvelope({ text: '进度', openId: 'ou_office', chatId: 'oc_leaders' });
  const a = performance.now();
  const ctx = await runMessage(deps, env as never, null);
  if (i > 0) progress.push(performance.now() - a);
  progressBytes = ctx!.outgoing[0]!.content.length;
}

// the daily digest: a whole jobs run (first run of the day writes everything; a repeat finds it done)
const jobs: number[] = [];
const a = performance.now();
const first = await runJobs(d, now, log);
jobs.push(performance.now() - a);
const b = performance.now();
await runJobs(d, now, log);
const repeatMs = performance.now() - b;
const digestCards = d.sqlite.prepare("select content from outbox where msg_type = 'interactive'").all() as { content: string }[];

// the county report
const report: number[] = [];
let reportBytes = 0;
for (let i = 0; i < Math.max(1, Math.floor(RUNS / 2)); i++) {
  const c = performance.now();
  const r = await gatherCountyReport(d, T, now);
  const bytes = await writeCountyReport(r);
  report.push(performance.now() - c);
  reportBytes = bytes.length;
}

console.log(
  JSON.stringify(
    {
      machine: { cpus: cpus().length, loadavg: loadavg().map((x) => +x.toFixed(2)), node: process.version },
      data: counts,
      setupMs: Math.round(setupMs),
      progressCardMs: stat(progress),
      progressCardBytes: progressBytes,
      digestJobsRunMs: +jobs[0]!.toFixed(1),
      jobsResult: { planned: first.planned, queued: first.queued, skipped: first.skipped },
      repeatJobsRunMs: +repeatMs.toFixed(1),
      largestCardBytes: Math.max(0, ...digestCards.map((c) => Buffer.byteLength(c.content))),
      reportExportMs: stat(report),
      reportBytes,
    },
    null,
    2,
  ),
);
d.close?.();
rmSync(dir, { recursive: true, force: true });
void cardBytes;
