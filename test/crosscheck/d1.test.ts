// The cross-check and the decisions on D1 (Miniflare's local D1, what the Workers deployment
// runs): the set-based statements go through Database.atomic as one batch, re-runs add nothing,
// the post-campaign flag is recorded once and the 追责 job sends each card once. (Lists are imported by the Node CLI; here they are
// written directly.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Miniflare } from 'miniflare';
import type { Database } from '../../src/store/database';
import { loadExample } from '../../src/township/seed';
import { getTownship } from '../../src/store/township';
import { decideHit, getHit, listHits, planCrosscheck } from '../../src/store/crosscheck';
import { departmentLists, departmentRecords } from '../../db/schema/index';
import { startD1 } from '../support/d1';
import { inspectionIdOf, listInspections, recordInspection } from '../../src/store/inspections';
import { getAccountability, listAccountability, recordAccountability } from '../../src/store/accountability';
import { runJobs } from '../../src/jobs/run';
import { memoryLogger } from '../../src/log';

let mf: Miniflare;
let d: Database;

const CAR_ID = '522630197605047554'; // 01-001 胡学林
const SHOP_ID = '522630198403133379'; // 01-003 谢廷福

beforeAll(async () => {
  ({ mf, d } = await startD1('crosscheck-test'));
  await loadExample(d);
  const now = Date.now();
  const [jg] = await d.db
    .insert(departmentLists)
    .values({ townshipId: 'qingshui', department: '交管', fileName: '交管.csv', rows: 1, importedBy: 'test', importedAt: now })
    .returning();
  const [ga] = await d.db
    .insert(departmentLists)
    .values({ townshipId: 'qingshui', department: '公安', fileName: '公安.csv', rows: 2, importedBy: 'test', importedAt: now })
    .returning();
  await d.db.insert(departmentRecords).values([
    { listId: jg!.id, rowNo: 2, idCard: CAR_ID, name: '胡学林', kind: '汽车', detail: '贵J12345', date: '2020-05-01' },
    { listId: ga!.id, rowNo: 2, idCard: SHOP_ID, name: '谢庭福', kind: '户籍' },
    { listId: ga!.id, rowNo: 3, idCard: CAR_ID, name: '胡学林', kind: '户籍' },
  ]);
}, 30_000);
afterAll(async () => mf?.dispose());

describe('cross-check on D1', () => {
  it('records the hits in one batch, and nothing new on a re-run', async () => {
    const t = (await getTownship(d, 'qingshui'))!;
    const plan = await planCrosscheck(d, t, new Date('2026-12-09T02:00:00Z'));
    expect(plan.newHits).toEqual([
      { exclusion: 'car', department: '交管', n: 1 },
      { exclusion: 'duplicate_id', department: '公安', n: 1 },
      { exclusion: 'duplicate_id', department: '花名册', n: 2 },
    ]);
    await d.atomic(plan.statements);
    expect((await listHits(d, 'qingshui')).total).toBe(4);
    const again = await planCrosscheck(d, t, new Date('2026-12-09T03:00:00Z'));
    expect(again.newHits).toEqual([]);
    await d.atomic(again.statements);
    expect((await listHits(d, 'qingshui')).total).toBe(4);
  });

  it('confirms a hit in one batch', async () => {
    const { hits } = await listHits(d, 'qingshui');
    const car = hits.find((h) => h.department === '交管')!;
    const effects = decideHit(d, (await getHit(d, 'qingshui', car.id))!, 'confirm', '有车', { now: new Date(), decidedBy: 'test' });
    if (typeof effects === 'string') throw new Error(effects);
    await d.atomic(effects.writes);
    const after = (await getHit(d, 'qingshui', car.id))!;
    expect(after.status).toBe('confirmed');
    expect(after.household.status).toBe('removed');
  });

  it('flags a hit found after the campaign once', async () => {
    const binding = await mf.getD1Database('DB');
    await binding.prepare(`insert into department_records (list_id, row_no, id_card, name, kind) values (1, 3, ?, '谢廷福', '机动车')`).bind(SHOP_ID).run();
    const t = (await getTownship(d, 'qingshui'))!;
    const after = new Date('2026-12-21T01:00:00Z');
    const plan = await planCrosscheck(d, t, after);
    expect(plan.postCampaign).toBe(true);
    expect(plan.flags).toHaveLength(1);
    expect(plan.flags[0]!.text).toContain('01-003');
    await d.atomic(plan.statements);
    const again = await planCrosscheck(d, t, after);
    expect(again.flags).toEqual([]);
    // recorded for accountability (its card goes out with the jobs), once
    const n = await binding.prepare(`select count(*) as n from accountability where source = 'hit'`).first<{ n: number }>();
    expect(n!.n).toBe(1);
  });

  it('after the close: an inspection’s finding names its row, and the 追责 job sends every finding’s card and flags the open hits, once', async () => {
    const binding = await mf.getD1Database('DB');
    const h = (await binding.prepare(`select id, village_id from households where number = '01-002'`).first<{ id: number; village_id: number }>())!;
    const at = new Date('2026-12-21T08:00:00+08:00').getTime();
    const row = { townshipId: 'qingshui', villageId: h.village_id, kind: '暗访' as const, householdId: h.id, person: '王磊', finding: '家有小汽车', action: null, wrongIdentification: true, recordedBy: 'ou_test', at };
    await d.atomic([
      recordInspection(d, row),
      recordAccountability(d, { townshipId: 'qingshui', villageId: h.village_id, householdId: h.id, source: 'inspection', sourceId: inspectionIdOf(row), finding: '暗访发现：家有小汽车', identificationOwner: '王磊', foundAt: at }),
    ]);
    const inspection = (await listInspections(d, 'qingshui')).at(-1)!;
    expect(inspection).toMatchObject({ kind: '暗访', householdNumber: '01-002', person: '王磊', wrongIdentification: true });
    const found = await getAccountability(d, 'qingshui', ['inspection'], inspection.id);
    expect(found).toMatchObject({ code: `督查${inspection.id}`, number: '01-002', identificationOwner: '王磊' });
    const open = (await binding
      .prepare(`select count(*) as n from exclusion_hits e join households h on h.id = e.household_id
                 where e.status = 'open' and e.found_at < ? and h.status in ('included', 'county_approved')`)
      .bind(new Date('2026-12-21T00:00:00+08:00').getTime())
      .first<{ n: number }>())!.n;
    expect(open).toBeGreaterThan(0);
    const when = new Date('2026-12-21T09:10:00+08:00');
    const first = await runJobs(d, when, memoryLogger(), { townshipId: 'qingshui', kinds: ['accountability'] });
    expect(first.errors).toEqual([]);
    expect(first.queued).toBe(2 + open); // the hit flagged above, the inspection, each open hit
    const again = await runJobs(d, when, memoryLogger(), { townshipId: 'qingshui', kinds: ['accountability'] });
    expect(again.queued).toBe(0);
    expect((await listAccountability(d, 'qingshui')).map((a) => a.source).sort()).toEqual(['hit', 'inspection', ...Array(open).fill('open_hit')].sort());
  });
});
