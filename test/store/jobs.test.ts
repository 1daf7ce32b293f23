// The jobs' store reads: planSnapshots (the one read of the rules' picture) agrees with the
// database read plainly, whole or filtered by village, and villageSnapshots adds the helper
// duties to it; responsible people, area leaders, chats, acknowledgements and open exclusion hits.
import { describe, it, expect } from 'vitest';
import { openSqlite } from '../../src/store/sqlite';
import { loadExample } from '../../src/township/seed';
import { getTownship, getVillage } from '../../src/store/township';
import { planSnapshots } from '../../src/store/progress';
import { helperCoverage, villageSnapshots } from '../../src/store/helpers';
import { acknowledgements, areaLeaders, chunks, existingRunKeys, openExclusionHitsByVillage, responsiblePeople, villageChats } from '../../src/store/jobs';
import type { SqliteDatabase } from '../../src/store/sqlite';
import { cstDate } from '../../src/core/dates';
import { jobRuns } from '../../db/schema/index';
import type { HouseholdStatus, VillageSnapshot } from '../../src/core/stages';
import type { MeetingKind } from '../../src/core/meetings';
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
    meetings: [...v.meetings].sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind)),
    objections: [...v.objections].sort((a, b) => a.no - b.no),
  }));

/** The snapshots read plainly, row by row with SQL: what planSnapshots must agree with. */
function plainSnapshots(d: SqliteDatabase): VillageSnapshot[] {
  const all = <T>(q: string, ...a: unknown[]) => d.sqlite.prepare(q).all(...a) as T[];
  type H = { id: number; village_id: number; number: string; head_name: string; status: string; applicant: number; qualification: 'pass' | 'fail' | null; helper_id: number | null; help_card_filled_at: number | null; help_card_returned_at: number | null; help_card_received_at: number | null; batches: string };
  const notices = all<{ id: number; village_id: number; start_date: string; end_date: string }>("select * from notices where township_id = 'qingshui'");
  return all<{ id: number; name: string; poor: number; data_filed_at: number | null }>("select * from villages where township_id = 'qingshui' order by id").map((v) => {
    const notice = notices.find((n) => n.village_id === v.id) ?? null;
    const stages = all<{ stage: string; done_at: number; done_by: string }>('select * from stage_progress where village_id = ?', v.id);
    return {
      village: { id: String(v.id), name: v.name, poor: Boolean(v.poor), hasFirstSecretary: all("select 1 from roles where role = 'first_secretary' and village_id = ?", v.id).length > 0 },
      households: all<H>('select * from households where village_id = ?', v.id).map((h) => ({
        id: String(h.id),
        number: h.number,
        head: h.head_name,
        status: h.status as HouseholdStatus,
        isApplicant: Boolean(h.applicant),
        qualificationDecision: h.qualification,
        included: h.status === 'included' || h.status === 'county_approved',
        helperId: h.helper_id === null ? null : String(h.helper_id),
        batches: JSON.parse(h.batches) as string[],
        helpCardReturned: h.help_card_returned_at !== null,
        helpCardStep: h.help_card_received_at !== null ? 'received' : h.help_card_returned_at !== null ? 'collected' : h.help_card_filled_at !== null ? 'filled' : 'none',
        members: all<{ batches: string }>('select batches from members where household_id = ?', h.id).map((m) => ({ batches: JSON.parse(m.batches) as string[] })),
      })),
      meetings: all<{ kind: MeetingKind; valid: number; date: string }>('select * from meetings where village_id = ?', v.id).map((m) => ({ kind: m.kind, valid: Boolean(m.valid), date: m.date })),
      notice: notice ? { startDate: notice.start_date, endDate: notice.end_date } : null,
      objections: notice ? all<{ no: number; resolved_at: number | null }>('select * from objections where notice_id = ?', notice.id).map((o) => ({ no: o.no, resolved: o.resolved_at !== null })) : [],
      dataFiled: v.data_filed_at !== null,
      stagesDone: Object.fromEntries(stages.map((r) => [r.stage, { doneAt: cstDate(new Date(r.done_at)), by: r.done_by }])),
    };
  });
}

describe('planSnapshots', () => {
  it('gives the picture the database holds, whole or filtered by village', async () => {
    const { d, t } = await example();
    const whole = await planSnapshots(d, t);
    expect(whole).toHaveLength(7);
    expect(normal(whole)).toEqual(normal(plainSnapshots(d)));
    // the test data reaches every branch
    const all = whole.flatMap((v) => v.households);
    expect(all.some((h) => h.members!.some((m) => m.batches.length === 2))).toBe(true);
    expect(all.some((h) => h.members!.some((m) => m.batches.length === 0))).toBe(true);
    expect(whole[0]!.objections).toEqual(expect.arrayContaining([{ no: 1, resolved: false }, { no: 2, resolved: true }]));
    expect(whole[0]!.meetings).toHaveLength(2);
    expect(whole[2]!.stagesDone.qualification_review?.by).toBe('ou_x');
    // one village, a few (narrowed in SQL), more than a query's parameters allow (filtered after reading)
    expect(normal(await planSnapshots(d, t, { villageIds: [1] }))).toEqual(normal([whole[0]!]));
    expect(normal(await planSnapshots(d, t, { villageIds: [2, 3, 5] }))).toEqual(normal([whole[1]!, whole[2]!, whole[4]!]));
    const many = [3, 4, ...Array.from({ length: 150 }, (_, i) => 1000 + i)];
    expect(normal(await planSnapshots(d, t, { villageIds: many }))).toEqual(normal([whole[2]!, whole[3]!]));
    expect(await planSnapshots(d, t, { villageIds: [] })).toEqual([]);
    // without members
    const lean = await planSnapshots(d, t, { members: false });
    expect(lean.flatMap((v) => v.households).every((h) => h.members === undefined)).toBe(true);
    expect(normal(lean.map((v) => ({ ...v, households: v.households.map((h) => ({ ...h, members: whole.flatMap((w) => w.households).find((x) => x.id === h.id)!.members })) })))).toEqual(
      normal(whole),
    );
    d.close?.();
  });

  it('villageSnapshots is that picture with the helper duties of each village', async () => {
    const { d, t } = await example();
    const whole = await planSnapshots(d, t);
    const withHelpers = await villageSnapshots(d, t);
    expect(normal(withHelpers)).toEqual(normal(whole));
    const coverage = await helperCoverage(d, t);
    for (const v of withHelpers) {
      const included = v.households.filter((h) => h.included);
      expect(v.helpers).toEqual(coverage.get(Number(v.village.id)));
      expect(v.helpers).toMatchObject({ included: included.length, helpCardsReturned: included.filter((h) => h.helpCardReturned).length });
      expect(v.helpers!.withoutHelper.map((h) => h.id).sort()).toEqual(included.filter((h) => h.helperId === null).map((h) => Number(h.id)).sort());
    }
    const [shimen] = await villageSnapshots(d, t, [(await getVillage(d, 1))!]);
    expect(normal([shimen!])).toEqual(normal([withHelpers[0]!]));
    expect(shimen!.helpers).toEqual(withHelpers[0]!.helpers);
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
