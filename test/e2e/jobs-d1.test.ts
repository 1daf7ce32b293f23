// The jobs' reads and writes on D1 (Miniflare's local D1, the engine the Workers deployment
// runs): raw-row reads, chunked key reads, the atomic batch, idempotency.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Miniflare } from 'miniflare';
import type { Database } from '../../src/store/database';
import { loadExample } from '../../src/township/seed';
import { getTownship, getVillage } from '../../src/store/township';
import { planSnapshots } from '../../src/store/progress';
import { villageSnapshots } from '../../src/store/helpers';
import { runJobs } from '../../src/jobs/run';
import { cstMidnightUtc } from '../../src/core/dates';
import { memoryLogger } from '../../src/log';
import { startD1 } from '../support/d1';

let mf: Miniflare;
let d: Database;

beforeAll(async () => {
  ({ mf, d } = await startD1('jobs-test'));
  await loadExample(d);
}, 30_000);
afterAll(async () => mf?.dispose());

const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return new Date(cstMidnightUtc(date).getTime() + (h * 60 + m) * 60_000);
};

describe('scheduled jobs on D1', () => {
  it('planSnapshots reads the same picture as villageSnapshots', async () => {
    const t = (await getTownship(d, 'qingshui'))!;
    const fast = await planSnapshots(d, t);
    const slow = await villageSnapshots(d, t);
    const strip = (vs: typeof slow) => vs.map(({ helpers: _h, ...v }) => ({ ...v, households: v.households.map((h) => ({ ...h, members: h.members?.length })) }));
    expect(strip(fast)).toEqual(strip(slow));
    expect(fast.flatMap((v) => v.households)).toHaveLength(60);
    // filtered by village: narrowed in SQL (a subquery for the members), or after reading
    expect(strip(await villageSnapshots(d, t, [(await getVillage(d, 2))!]))).toEqual(strip([slow[1]!]));
    expect(strip(await planSnapshots(d, t, { villageIds: [1, 3] }))).toEqual(strip([fast[0]!, fast[2]!]));
    expect(strip(await planSnapshots(d, t, { villageIds: [2, ...Array.from({ length: 120 }, (_, i) => 1000 + i)] }))).toEqual(strip([fast[1]!]));
  });

  it('queues a day’s messages once in one batch, and nothing on the second run', async () => {
    const log = memoryLogger();
    const first = await runJobs(d, at('2026-12-11', '19:00'), log);
    // 7 villages late on qualification_review (inspectors + village chat), the leaders' digest and two area leaders'
    expect(first).toMatchObject({ townships: 1, planned: 17, queued: 17, skipped: 0, outboxRows: 17, errors: [] });
    const again = await runJobs(d, at('2026-12-11', '23:00'), log);
    expect(again).toMatchObject({ planned: 17, queued: 0, skipped: 17, errors: [] });
    const binding = await mf.getD1Database('DB');
    const n = async (sql: string) => ((await binding.prepare(sql).first()) as { n: number }).n;
    expect(await n('select count(*) n from outbox')).toBe(17);
    expect(await n('select count(*) n from job_runs')).toBe(17);
    expect(await n('select count(*) n from alerts')).toBe(7);
  });
});
