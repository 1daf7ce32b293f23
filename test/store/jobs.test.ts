// The jobs' store reads: planSnapshots (the planner's fast read) agrees with villageSnapshots;
// responsible people, area leaders, chats, acknowledgements and open exclusion hits.
import { describe, it, expect } from 'vitest';
import { openSqlite } from '../../src/store/sqlite';
import { loadExample } from '../../src/township/seed';
import { getTownship } from '../../src/store/township';
import { villageSnapshots } from '../../src/store/progress';
import {
  acknowledgements,
  areaLeaders,
  chunks,
  existingRunKeys,
  openExclusionHitsByVillage,
  planSnapshots,
  responsiblePeople,
  villageChats,
} from '../../src/store/jobs';
import { jobRuns } from '../../db/schema/index';
import type { VillageSnapshot } from '../../src/core/stages';
import { EX } from '../support/example';

async function example() {
  const d = openSqlite(':memory:');
  await loadExample(d);
  const s = d.sqlite;
  const now = Date.UTC(2026, 11, 12, 2);
  // some of everything the snapshots carry
  s.exec(`
    update members set batches = '["education"]' where id % 4 = 0;
    update members set batches = '["medical","education"]' where id % 9 = 0;
    update households set batches = '["medical"]', helper_id = (select min(id) from people), help_card_returned_at = ${now} where id % 3 = 0;
    update households set status = 'removed' where id % 17 = 0;
    update households set qualification = 'fail' where id % 5 = 0;
    update villages set data_filed_at = ${now} where id = 2;
    insert into meetings (township_id, village_id, kind, date, eligible, present, valid, recorded_by, created_at) values
      ('qingshui', 1, 'villagers_assembly', '2026-12-11', 100, 80, 1, 'ou_x', ${now}),
      ('qingshui', 1, 'representatives', '2026-12-12', 30, 20, 0, 'ou_x', ${now});
    insert into notices (township_id, village_id, start_date, end_date, started_by, created_at) values
      ('qingshui', 1, '2026-12-11', '2026-12-17', 'ou_x', ${now}), ('qingshui', 0, '2026-12-18', '2026-12-24', 'ou_x', ${now});
    insert into objections (notice_id, no, household, content, raised_by, raised_at, resolved_at) values
      (1, 1, '01-001', 'a', 'ou_x', ${now}, null), (1, 2, '01-002', 'b', 'ou_x', ${now}, ${now});
    insert into stage_progress (township_id, village_id, stage, done_at, done_by, source) values
      ('qingshui', 3, 'qualification_review', ${now}, 'ou_x', 'test'), ('qingshui', 0, 'township_review', ${now}, 'ou_x', 'test');
  `);
  return { d, t: (await getTownship(d, 'qingshui'))! };
}

/** Comparable: without the progress card's extras, members in a fixed order. */
const normal = (vs: (VillageSnapshot & { helpers?: unknown })[]) =>
  vs.map(({ helpers: _h, ...v }) => ({
    ...v,
    households: [...v.households]
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((h) => ({ ...h, members: (h.members ?? []).map((m) => JSON.stringify(m.batches)).sort() })),
  }));

describe('planSnapshots', () => {
  it('gives the same picture as villageSnapshots', async () => {
    const { d, t } = await example();
    const fast = await planSnapshots(d, t);
    const slow = await villageSnapshots(d, t);
    expect(fast).toHaveLength(7);
    expect(normal(fast)).toEqual(normal(slow));
    // the test data reaches every branch
    const all = fast.flatMap((v) => v.households);
    expect(all.some((h) => h.members!.some((m) => m.batches.length === 2))).toBe(true);
    expect(all.some((h) => h.members!.some((m) => m.batches.length === 0))).toBe(true);
    expect(fast[0]!.objections).toEqual(expect.arrayContaining([{ no: 1, resolved: false }, { no: 2, resolved: true }]));
    expect(fast[0]!.meetings).toHaveLength(2);
    expect(fast[2]!.stagesDone.qualification_review?.by).toBe('ou_x');
    d.close?.();
  });
});

describe('the other reads', () => {
  it('responsible people per village (and the office for the township), area leaders, chats', async () => {
    const { d, t } = await example();
    const resp = await responsiblePeople(d, t.id);
    const shimen = resp['1']!.map((p) => p.openId);
    expect(shimen).toEqual(expect.arrayContaining([EX.shimen.cadre, EX.shimen.firstSecretary, EX.shimen.packageCadre]));
    // village cadres first, then the first secretary, then the package cadre
    expect(shimen.indexOf(EX.shimen.cadre)).toBeLessThan(shimen.indexOf(EX.shimen.firstSecretary));
    expect(shimen.indexOf(EX.shimen.firstSecretary)).toBeLessThan(shimen.indexOf(EX.shimen.packageCadre));
    expect(resp.township!.map((p) => p.openId)).toContain(EX.office);
    expect(Object.keys(await responsiblePeople(d, t.id, 1))).toEqual(['1']);
    const leaders = await areaLeaders(d, t.id);
    expect(leaders.find((l) => l.person.openId === EX.leader)?.villageIds).toEqual(['1', '2', '4', '5']);
    expect((await villageChats(d, t.id))['1']).toBe(EX.shimen.chat);
    d.close?.();
  });

  it('acknowledgements, open exclusion hits, existing run keys (read in chunks)', async () => {
    const { d, t } = await example();
    d.sqlite.exec(`
      insert into alerts (township_id, village_id, stage, date, ack_by, ack_at, ack_date) values
        ('qingshui', 3, 'qualification_review', '2026-12-11', 'ou_i', 1, '2026-12-11'),
        ('qingshui', 0, 'county_report', '2026-12-21', 'ou_i', 1, '2026-12-22'),
        ('qingshui', 4, 'qualification_review', '2026-12-11', null, null, null);
      insert into exclusion_hits (township_id, household_id, member_id, exclusion, department, evidence_key, status, found_at) values
        ('qingshui', 1, 1, 'car', '交管', 'a', 'open', 1), ('qingshui', 1, 2, 'car', '交管', 'b', 'open', 1),
        ('qingshui', 1, 3, 'car', '交管', 'c', 'dismissed', 1);
    `);
    const acks = await acknowledgements(d, t.id);
    expect(acks).toHaveLength(2);
    expect(acks).toEqual(
      expect.arrayContaining([
        { villageId: '3', stage: 'qualification_review', ackDate: '2026-12-11' },
        { villageId: 'township', stage: 'county_report', ackDate: '2026-12-22' },
      ]),
    );
    expect([...(await openExclusionHitsByVillage(d, t.id))]).toEqual([[1, 2]]);
    const keys = Array.from({ length: 250 }, (_, i) => `k${i}`);
    await d.atomic(keys.filter((_, i) => i % 2 === 0).map((key) => d.db.insert(jobRuns).values({ key, townshipId: t.id, ranAt: 1 })));
    expect((await existingRunKeys(d, keys)).size).toBe(125);
    expect(chunks(keys).map((c) => c.length)).toEqual([90, 90, 70]);
    d.close?.();
  });
});
