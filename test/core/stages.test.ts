import { describe, it, expect } from 'vitest';
import { defaultCampaign } from '../../src/core/campaign';
import {
  dutyCoverage,
  townshipStageConditions,
  villageStageConditions,
  type HouseholdSnapshot,
  type VillageSnapshot,
} from '../../src/core/stages';

const config = defaultCampaign(2026);

function household(over: Partial<HouseholdSnapshot> & { id: string }): HouseholdSnapshot {
  return {
    number: over.id,
    head: `户主${over.id}`,
    status: 'included',
    isApplicant: false,
    qualificationDecision: null,
    included: true,
    helperId: null,
    batches: [],
    helpCardReturned: false,
    ...over,
  };
}

/** A village that satisfies every condition of both village stages on 12-17. */
function readyVillage(): VillageSnapshot {
  return {
    village: { id: 'v1', name: '张家村', poor: true, hasFirstSecretary: true },
    households: [
      household({ id: '1', head: '张三', isApplicant: true, status: 'qualified', qualificationDecision: 'pass', included: false }),
      household({ id: '2', head: '李四', helperId: 'h1', batches: ['medical'], helpCardReturned: true }),
    ],
    meetings: [
      { kind: 'villagers_assembly', valid: true, date: '2026-12-09' },
      { kind: 'representatives', valid: true, date: '2026-12-09' },
      { kind: 'two_committees', valid: true, date: '2026-12-10' },
    ],
    notice: { startDate: '2026-12-11', endDate: '2026-12-17' },
    objections: [{ no: 1, resolved: true }],
    dataFiled: true,
    // the order: the evaluation follows the completed qualification review
    stagesDone: { qualification_review: { doneAt: '2026-12-08', by: '张主任' } },
  };
}

describe('order', () => {
  it('does not complete the evaluation before the qualification review is done', () => {
    const s = { ...readyVillage(), stagesDone: {} };
    expect(villageStageConditions('village_evaluation', s, config, '2026-12-17')).toEqual({ met: false, missing: ['“申请农户资格复审”尚未完成，须先完成资格复审。'] });
  });
});

describe('qualification_review', () => {
  it('is met when every applicant has a decision (non-applicants do not count)', () => {
    expect(villageStageConditions('qualification_review', readyVillage(), config, '2026-12-09')).toEqual({ met: true, missing: [] });
  });

  it('is vacuously met with no applicants', () => {
    const s = { ...readyVillage(), households: [household({ id: '9' })] };
    expect(villageStageConditions('qualification_review', s, config, '2026-12-09').met).toBe(true);
  });

  it('names the applicants still waiting', () => {
    const s = readyVillage();
    s.households.push(
      household({ id: '3', head: '王五', isApplicant: true, status: 'applied', included: false }),
      household({ id: '4', head: '赵六', isApplicant: true, status: 'applied', included: false }),
      household({ id: '5', head: '孙七', isApplicant: true, status: 'rejected', qualificationDecision: 'fail', included: false }),
    );
    expect(villageStageConditions('qualification_review', s, config, '2026-12-09')).toEqual({
      met: false,
      missing: ['还有 2 户申请未作资格复审：王五、赵六。请逐户作出复审结论。'],
    });
  });

  it('shortens a long list with 等', () => {
    const s = readyVillage();
    for (let i = 0; i < 7; i++) s.households.push(household({ id: `a${i}`, head: `申请人${i}`, isApplicant: true, status: 'applied' }));
    const r = villageStageConditions('qualification_review', s, config, '2026-12-09');
    expect(r.missing).toEqual(['还有 7 户申请未作资格复审：申请人0、申请人1、申请人2、申请人3、申请人4 等。请逐户作出复审结论。']);
  });
});

describe('village_evaluation', () => {
  it('is met on the notice end day itself (the notice ran its full period)', () => {
    expect(villageStageConditions('village_evaluation', readyVillage(), config, '2026-12-17')).toEqual({ met: true, missing: [] });
  });

  it('is not met the day before the notice ends', () => {
    expect(villageStageConditions('village_evaluation', readyVillage(), config, '2026-12-16')).toEqual({
      met: false,
      missing: ['公示期至 12月17日，尚未期满，期满当天方可完成。'],
    });
  });

  it('refuses a notice shorter than the minimum, saying until when to extend', () => {
    const s = { ...readyVillage(), notice: { startDate: '2026-11-28', endDate: '2026-12-02' } };
    expect(villageStageConditions('village_evaluation', s, config, '2026-12-17').missing).toEqual([
      '公示期 11月28日至12月2日 仅 5 天，少于规定的 7 天，请延长至 12月4日。',
    ]);
  });

  it('accepts a 7-day notice crossing the month end', () => {
    const s = { ...readyVillage(), notice: { startDate: '2026-11-28', endDate: '2026-12-04' } };
    expect(villageStageConditions('village_evaluation', s, config, '2026-12-04').met).toBe(true);
  });

  it('gives the latest start day when no notice has started, and says when it is too late', () => {
    const s = { ...readyVillage(), notice: null };
    expect(villageStageConditions('village_evaluation', s, config, '2026-12-11').missing).toEqual([
      '村级公示尚未开始：公示须满 7 天，最迟 12月11日 开始。',
    ]);
    expect(villageStageConditions('village_evaluation', s, config, '2026-12-12').missing).toEqual([
      '村级公示尚未开始：公示须满 7 天，最迟应于 12月11日 开始，现已无法在截止日前期满，请立即开始公示并向乡扶贫办说明。',
    ]);
  });

  it('lists every missing condition: meetings, data, objections', () => {
    const s = readyVillage();
    s.meetings = [
      { kind: 'villagers_assembly', valid: false, date: '2026-12-09' },
      { kind: 'representatives', valid: true, date: '2026-12-09' },
    ];
    s.dataFiled = false;
    s.objections = [
      { no: 1, resolved: true },
      { no: 2, resolved: false },
      { no: 3, resolved: false },
    ];
    expect(villageStageConditions('village_evaluation', s, config, '2026-12-17')).toEqual({
      met: false,
      missing: [
        '缺少有效的会议记录：村民大会、两委会议。三个会议均须登记且符合规定。',
        '复核资料尚未填报，请填报后再完成。',
        '还有 2 条公示异议未处理：第 2、3 号。请处理后再完成。',
      ],
    });
  });

  it('a valid record counts even when an earlier one of the same kind was invalid', () => {
    const s = readyVillage();
    s.meetings.push({ kind: 'villagers_assembly', valid: false, date: '2026-12-08' });
    expect(villageStageConditions('village_evaluation', s, config, '2026-12-17').met).toBe(true);
  });
});

describe('townshipStageConditions', () => {
  const none = { townshipMeetingRecorded: false, townshipNoticeStarted: false, reportExported: false, reportSubmitted: false, archived: false };

  it('township_review needs the office meeting and the township notice', () => {
    expect(townshipStageConditions('township_review', none)).toEqual({
      met: false,
      missing: ['乡政府办公会审核尚未登记。', '乡级公示尚未开始。'],
    });
    expect(townshipStageConditions('township_review', { ...none, townshipMeetingRecorded: true, townshipNoticeStarted: true })).toEqual({
      met: true,
      missing: [],
    });
  });

  it('county_report needs export, submission and archive', () => {
    expect(townshipStageConditions('county_report', { ...none, reportExported: true }).missing).toEqual([
      '报表尚未标记为已上报。',
      '乡扶贫办尚未存档。',
    ]);
    expect(townshipStageConditions('county_report', { ...none, reportExported: true, reportSubmitted: true, archived: true }).met).toBe(true);
  });
});

describe('dutyCoverage', () => {
  it('counts only households currently included', () => {
    const s = readyVillage();
    s.households.push(
      household({ id: '3', helperId: null, batches: [], helpCardReturned: false }),
      household({ id: '4', helperId: 'h2', batches: ['minimum_living', 'medical'], helpCardReturned: false }),
      household({ id: '5', status: 'removed', helperId: 'h1', batches: ['medical'], helpCardReturned: true }),
    );
    expect(dutyCoverage(s)).toEqual({
      included: 3,
      withHelper: 2,
      withoutHelper: 1,
      classified: 2,
      unclassified: 1,
      helpCardsReturned: 1,
      helpCardsMissing: 2,
      // with a helper: household 1's card collected, household 4's not filled
      helpCardSteps: { none: 1, filled: 0, collected: 1, received: 0 },
    });
  });
});
