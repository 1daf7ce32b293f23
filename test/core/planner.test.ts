import { describe, it, expect } from 'vitest';
import { addDays, cstMidnightUtc, type CalendarDate } from '../../src/core/dates';
import { defaultCampaign, type StageKey } from '../../src/core/campaign';
import {
  digestStats,
  type Acknowledgement,
  type PlanInput,
  type TownshipProgress,
  type VillageProgress,
} from '../../src/core/planner';
import { planJobs, type PlannedMessage } from '../../src/jobs/plan';
import type { HouseholdSnapshot, StageDone } from '../../src/core/stages';

const config = defaultCampaign(2026);

/** The instant of a CST wall-clock time, built without the process time zone. */
const at = (date: CalendarDate, hhmm: string): Date => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return new Date(cstMidnightUtc(date).getTime() + (h * 60 + m) * 60_000);
};

function household(over: Partial<HouseholdSnapshot> & { id: string }): HouseholdSnapshot {
  return {
    number: over.id,
    head: `户主${over.id}`,
    status: 'included',
    isApplicant: false,
    qualificationDecision: 'pass',
    included: true,
    helperId: null,
    batches: [],
    helpCardReturned: false,
    ...over,
  };
}

/** Stages count as done on the days after their completion day (they were done in the evening). */
function doneBy(doneDates: Partial<Record<StageKey, CalendarDate>>, day: CalendarDate): Partial<Record<StageKey, StageDone>> {
  const out: Partial<Record<StageKey, StageDone>> = {};
  for (const [k, d] of Object.entries(doneDates) as [StageKey, CalendarDate][]) if (d < day) out[k] = { doneAt: d, by: 'ou_cadre' };
  return out;
}

function village(id: string, name: string, doneDates: Partial<Record<StageKey, CalendarDate>>, day: CalendarDate): VillageProgress {
  return {
    village: { id, name, poor: true, hasFirstSecretary: true },
    households: [household({ id: `${id}-1`, head: '张三', isApplicant: true, status: 'applied', qualificationDecision: null, included: false })],
    meetings: [],
    notice: null,
    objections: [],
    dataFiled: false,
    stagesDone: doneBy(doneDates, day),
  };
}

const chats = { leaders: 'oc_leaders', inspectors: 'oc_inspectors', villages: { va: 'oc_va', vb: 'oc_vb', vc: 'oc_vc' } };
const responsible = {
  va: [{ openId: 'ou_a', name: '张书记' }],
  vb: [{ openId: 'ou_b', name: '李主任' }],
  vc: [
    { openId: 'ou_c1', name: '王书记' },
    { openId: 'ou_c2', name: '王会计' },
  ],
  township: [{ openId: 'ou_office', name: '刘主任' }],
};
const allAcks: Acknowledgement[] = [
  { villageId: 'vc', stage: 'qualification_review', ackDate: '2026-12-11' },
  { villageId: 'vc', stage: 'qualification_review', ackDate: '2026-12-15' },
  { villageId: 'vc', stage: 'village_evaluation', ackDate: '2026-12-18' },
];

/** Three villages: A on time, B late on village_evaluation, C never reports. */
function scenario(day: CalendarDate, time = '19:00'): PlanInput {
  const township: TownshipProgress = {
    townshipMeetingRecorded: true,
    townshipNoticeStarted: true,
    reportExported: true,
    reportSubmitted: true,
    archived: true,
    stagesDone: doneBy({ township_review: '2026-12-19', county_report: '2026-12-20' }, day),
  };
  return {
    now: at(day, time),
    config,
    villages: [
      village('va', '张家村', { qualification_review: '2026-12-08', village_evaluation: '2026-12-15' }, day),
      village('vb', '李家村', { qualification_review: '2026-12-09', village_evaluation: '2026-12-19' }, day),
      village('vc', '王家村', {}, day),
    ],
    township,
    chats,
    responsible,
    // The inspectors acknowledge on the day; later acknowledgements are not known yet.
    acknowledged: allAcks.filter((a) => a.ackDate <= day),
  };
}

const keys = (msgs: PlannedMessage[]): string[] => msgs.map((m) => m.key).sort();

describe('planJobs across the campaign (fake clock, 19:00 CST each day)', () => {
  const QR = 'qualification_review';
  const VE = 'village_evaluation';
  const digest = (d: string) => `digest:township::${d}`;
  const remind = (v: string, s: string, d: string) => `reminder:${v}:${s}:${d}`;
  const overdue = (v: string, s: string, d: string) => [`overdue:${v}:${s}:${d}`, `overdue:${v}:${s}:${d}:village`];
  const esc = (v: string, s: string, due: string) => `escalation:${v}:${s}:${due}`;

  const expected: Record<string, string[]> = {
    '2026-12-07': [],
    '2026-12-08': [remind('va', QR, '2026-12-08'), remind('vb', QR, '2026-12-08'), remind('vc', QR, '2026-12-08'), digest('2026-12-08')],
    '2026-12-09': [remind('vb', QR, '2026-12-09'), remind('vc', QR, '2026-12-09'), digest('2026-12-09')],
    '2026-12-10': [remind('vc', QR, '2026-12-10'), digest('2026-12-10')],
    '2026-12-11': [...overdue('vc', QR, '2026-12-11'), digest('2026-12-11')],
    '2026-12-12': [...overdue('vc', QR, '2026-12-12'), digest('2026-12-12')],
    '2026-12-13': [...overdue('vc', QR, '2026-12-13'), digest('2026-12-13')],
    '2026-12-14': [...overdue('vc', QR, '2026-12-14'), esc('vc', QR, '2026-12-14'), digest('2026-12-14')],
    // A new acknowledgement on 12-15 restarts the escalation clock (due 12-18).
    '2026-12-15': [remind('va', VE, '2026-12-15'), remind('vb', VE, '2026-12-15'), remind('vc', VE, '2026-12-15'), ...overdue('vc', QR, '2026-12-15'), digest('2026-12-15')],
    '2026-12-16': [remind('vb', VE, '2026-12-16'), remind('vc', VE, '2026-12-16'), ...overdue('vc', QR, '2026-12-16'), digest('2026-12-16')],
    '2026-12-17': [remind('vb', VE, '2026-12-17'), remind('vc', VE, '2026-12-17'), ...overdue('vc', QR, '2026-12-17'), digest('2026-12-17')],
    '2026-12-18': [...overdue('vb', VE, '2026-12-18'), ...overdue('vc', VE, '2026-12-18'), ...overdue('vc', QR, '2026-12-18'), esc('vc', QR, '2026-12-18'), digest('2026-12-18')],
    '2026-12-19': [...overdue('vb', VE, '2026-12-19'), ...overdue('vc', VE, '2026-12-19'), ...overdue('vc', QR, '2026-12-19'), esc('vc', QR, '2026-12-18'), digest('2026-12-19')],
    '2026-12-20': [...overdue('vc', VE, '2026-12-20'), ...overdue('vc', QR, '2026-12-20'), esc('vc', QR, '2026-12-18'), digest('2026-12-20')],
    '2026-12-21': [...overdue('vc', VE, '2026-12-21'), ...overdue('vc', QR, '2026-12-21'), esc('vc', QR, '2026-12-18'), esc('vc', VE, '2026-12-21')],
    '2026-12-22': [...overdue('vc', VE, '2026-12-22'), ...overdue('vc', QR, '2026-12-22'), esc('vc', QR, '2026-12-18'), esc('vc', VE, '2026-12-21')],
  };

  for (const [day, want] of Object.entries(expected)) {
    it(`${day}: ${want.length} messages due`, () => {
      expect(keys(planJobs(scenario(day)))).toEqual([...want].sort());
    });
  }

  it('keys are unique within a day and stable across runs (idempotency)', () => {
    for (let d = '2026-12-07'; d <= '2026-12-22'; d = addDays(d, 1)) {
      const first = keys(planJobs(scenario(d)));
      expect(new Set(first).size).toBe(first.length);
      expect(keys(planJobs(scenario(d, '23:59')))).toEqual(first);
    }
  });

  it('routes each kind to the right chat', () => {
    const msgs = planJobs(scenario('2026-12-21'));
    const chatOf = (key: string) => msgs.find((m) => m.key === key)?.chatId;
    expect(chatOf('overdue:vc:village_evaluation:2026-12-21')).toBe('oc_inspectors');
    expect(chatOf('overdue:vc:village_evaluation:2026-12-21:village')).toBe('oc_vc');
    expect(chatOf('escalation:vc:village_evaluation:2026-12-21')).toBe('oc_inspectors');
    expect(planJobs(scenario('2026-12-08')).find((m) => m.kind === 'digest')?.chatId).toBe('oc_leaders');
    expect(planJobs(scenario('2026-12-08')).find((m) => m.key === 'reminder:vb:qualification_review:2026-12-08')?.chatId).toBe('oc_vb');
  });
});

describe('planJobs: time of day', () => {
  const day = '2026-12-08';
  it('nothing before 09:05 CST, alerts from 09:05, the digest from 18:05', () => {
    expect(planJobs(scenario(day, '09:04'))).toEqual([]);
    expect(planJobs(scenario(day, '09:05')).map((m) => m.kind)).toEqual(['reminder', 'reminder', 'reminder']);
    expect(planJobs(scenario(day, '18:04')).some((m) => m.kind === 'digest')).toBe(false);
    expect(planJobs(scenario(day, '18:05')).filter((m) => m.kind === 'digest')).toHaveLength(1);
  });

  it('23:30 UTC is 07:30 CST the next day: nothing due yet; 01:05 UTC is 09:05 CST', () => {
    expect(planJobs({ ...scenario(day), now: new Date('2026-12-07T23:30:00Z') })).toEqual([]);
    const due = planJobs({ ...scenario(day), now: new Date('2026-12-08T01:05:00Z') });
    expect(keys(due)).toEqual([
      'reminder:va:qualification_review:2026-12-08',
      'reminder:vb:qualification_review:2026-12-08',
      'reminder:vc:qualification_review:2026-12-08',
    ]);
  });

  it('honours configured job times and reminder offsets', () => {
    const custom = defaultCampaign(2026, { jobTimes: { reminder: '08:35', digest: '20:05' }, reminderOffsets: [3] });
    const input = (time: string, d = '2026-12-07') => ({ ...scenario(d, time), config: custom });
    expect(keys(planJobs(input('08:35')))).toEqual([
      'reminder:va:qualification_review:2026-12-07',
      'reminder:vb:qualification_review:2026-12-07',
      'reminder:vc:qualification_review:2026-12-07',
    ]);
    expect(planJobs(input('08:34'))).toEqual([]);
    expect(planJobs(input('19:00', '2026-12-08')).some((m) => m.kind === 'digest')).toBe(false);
    expect(planJobs(input('20:05', '2026-12-08')).map((m) => m.kind)).toEqual(['digest']);
  });
});

describe('planJobs: message content', () => {
  it('a reminder names what is missing, the deadline, @-mentions the responsible people', () => {
    const m = planJobs(scenario('2026-12-08')).find((x) => x.key === 'reminder:vc:qualification_review:2026-12-08');
    expect(m?.text).toBe(
      [
        '【复核提醒】王家村「申请农户资格复审」还剩 2 天截止（12月10日）。',
        '尚缺：',
        '1. 还有 1 户申请未作资格复审：张三。请逐户作出复审结论。',
        '请 <at user_id="ou_c1">王书记</at> <at user_id="ou_c2">王会计</at> 抓紧办理，完成后发送“完成 资格复审”。',
      ].join('\n'),
    );
    expect(m?.kind === 'reminder' && m.data.daysLeft).toBe(2);
    expect(m?.villageId).toBe('vc');
    expect(m?.stage).toBe('qualification_review');
  });

  it('a village_evaluation reminder carries the latest notice start while no notice has started', () => {
    const msgs = planJobs(scenario('2026-12-15'));
    const m = msgs.find((x) => x.key === 'reminder:vc:village_evaluation:2026-12-15');
    expect(m?.kind === 'reminder' && m.data.latestNoticeStart).toBe('2026-12-11');
    expect(m?.text).toContain('村级公示尚未开始：公示须满 7 天，最迟应于 12月11日 开始，现已无法在截止日前期满');
    expect(m?.text).toContain('缺少有效的会议记录：村民大会、村民代表大会、两委会议。');
  });

  it('earlier, the reminder gives the latest start day as still ahead', () => {
    const early = defaultCampaign(2026, { reminderOffsets: [7] });
    const m = planJobs({ ...scenario('2026-12-10'), config: early }).find((x) => x.key === 'reminder:vc:village_evaluation:2026-12-10');
    expect(m?.text).toContain('村级公示尚未开始：公示须满 7 天，最迟 12月11日 开始。');
  });

  it('a reminder for a village whose conditions are all met asks it to confirm', () => {
    const input = scenario('2026-12-10');
    const vc = input.villages[2] as VillageProgress;
    (vc.households[0] as HouseholdSnapshot).qualificationDecision = 'pass';
    const m = planJobs(input).find((x) => x.key === 'reminder:vc:qualification_review:2026-12-10');
    expect(m?.text).toContain('今天截止（12月10日）');
    expect(m?.text).toContain('各项条件已满足，请发送“完成 资格复审”确认。');
    expect(m?.text).not.toContain('尚缺');
  });

  it('overdue flags state the days late and who is responsible', () => {
    const msgs = planJobs(scenario('2026-12-19'));
    const toInspectors = msgs.find((m) => m.key === 'overdue:vb:village_evaluation:2026-12-19');
    const toVillage = msgs.find((m) => m.key === 'overdue:vb:village_evaluation:2026-12-19:village');
    expect(toInspectors?.text.split('\n')[0]).toBe('【逾期通报】李家村「村“两委”评议、审查复核、资料填报、复核公示」已逾期 2 天（截止 12月17日）。责任人：李主任。');
    expect(toVillage?.text.split('\n')[0]).toBe('【逾期】李家村「村“两委”评议、审查复核、资料填报、复核公示」已逾期 2 天（截止 12月17日），已通报乡纪委。');
    expect(toVillage?.text).toContain('请 <at user_id="ou_b">李主任</at> 立即办理，完成后发送“完成 评议公示”。');
    expect(toInspectors?.kind === 'overdue' && toInspectors.data).toMatchObject({ daysLate: 2, audience: 'inspectors', villageName: '李家村' });
  });

  it('an escalation cites the acknowledgement', () => {
    const m = planJobs(scenario('2026-12-22')).find((x) => x.key === 'escalation:vc:village_evaluation:2026-12-21');
    expect(m?.text.split('\n')[0]).toBe(
      '【再次督办】王家村「村“两委”评议、审查复核、资料填报、复核公示」12月18日 督办后 4 天仍未完成，已逾期 5 天（截止 12月17日）。责任人：王书记、王会计。',
    );
    expect(m?.date).toBe('2026-12-21');
    expect(m?.kind === 'escalation' && m.data).toMatchObject({ ackDate: '2026-12-18', daysSinceAck: 4, daysLate: 5 });
  });

  it('the digest text summarises progress and lateness', () => {
    const m = planJobs(scenario('2026-12-18')).find((x) => x.kind === 'digest');
    const lines = m?.text.split('\n') ?? [];
    expect(lines[0]).toBe('【每日进度】12月18日 复核进度（3 个村）');
    expect(lines[1]).toBe('村级：资格复审 完成 2/3 村；评议公示 完成 1/3 村');
    expect(lines[2]).toBe('乡级：乡审核 未完成；上报存档 未完成');
    expect(lines[3]).toBe('逾期：李家村 评议公示 逾期 1 天；王家村 资格复审 逾期 8 天；王家村 评议公示 逾期 1 天');
    expect(m?.kind === 'digest' && m.data.villages.map((r) => r.stages.village_evaluation.state)).toEqual(['done', 'overdue', 'overdue']);
  });
});

describe('planJobs: missing chats and township stages', () => {
  it('an unbound village gets no reminder; its overdue flag goes to the inspectors only; the digest names it', () => {
    const input = { ...scenario('2026-12-11'), chats: { ...chats, villages: { va: 'oc_va', vb: 'oc_vb' } } };
    expect(keys(planJobs(input))).toEqual(['digest:township::2026-12-11', 'overdue:vc:qualification_review:2026-12-11']);
    expect(planJobs({ ...input, now: at('2026-12-08', '19:00') }).map((m) => m.key)).not.toContain('reminder:vc:qualification_review:2026-12-08');
    expect(planJobs(input).find((m) => m.kind === 'digest')?.text).toContain('未绑定工作群的村（收不到提醒）：王家村');
  });

  it('without an inspectors chat the village copy still goes out and escalations go to the leaders', () => {
    const input = { ...scenario('2026-12-21'), chats: { leaders: 'oc_leaders', villages: chats.villages } };
    const msgs = planJobs(input);
    expect(msgs.filter((m) => m.kind === 'overdue').every((m) => m.key.endsWith(':village'))).toBe(true);
    expect(msgs.find((m) => m.key === 'overdue:vc:qualification_review:2026-12-21:village')?.text.split('\n')[0]).not.toContain('已通报乡纪委');
    expect(msgs.find((m) => m.key === 'escalation:vc:village_evaluation:2026-12-21')?.chatId).toBe('oc_leaders');
  });

  it('a late township stage is flagged to the inspectors with what is missing', () => {
    const input = scenario('2026-12-20');
    input.township = { ...input.township, townshipNoticeStarted: false, stagesDone: {} };
    const m = planJobs(input).find((x) => x.key === 'overdue:township:township_review:2026-12-20');
    expect(m?.chatId).toBe('oc_inspectors');
    expect(m?.text).toBe('【逾期通报】乡级「乡政府办公会审核并公示」已逾期 1 天（截止 12月19日）。责任人：刘主任。\n尚缺：\n1. 乡级公示尚未开始。');
    expect(planJobs(input).some((x) => x.key.startsWith('overdue:township:township_review') && x.key.endsWith(':village'))).toBe(false);
  });

  it('an acknowledgement dated in the future is ignored', () => {
    const input = { ...scenario('2026-12-14'), acknowledged: [{ villageId: 'vc', stage: 'qualification_review' as const, ackDate: '2026-12-30' }] };
    expect(planJobs(input).some((m) => m.kind === 'escalation')).toBe(false);
  });
});

describe('digestStats', () => {
  it('counts households, helpers and five batches by household and by person', () => {
    const v1: VillageProgress = {
      ...village('v1', '一村', { qualification_review: '2026-12-01' }, '2026-12-10'),
      openExclusionHits: 2,
      households: [
        household({ id: 'k1', helperId: 'h1', batches: ['medical', 'minimum_living'], helpCardReturned: true, members: [{ batches: [] }, { batches: ['education'] }] }),
        household({ id: 'k2', helperId: 'h1', batches: ['medical'] }),
        household({ id: 'r1', status: 'removed', included: false, qualificationDecision: 'fail', helperId: 'h9' }),
        household({ id: 'n1', isApplicant: true, status: 'included', helperId: 'h1', batches: ['relocation', 'relocation'] }),
        household({ id: 'a1', isApplicant: true, status: 'applied', included: false, qualificationDecision: null }),
      ],
    };
    const v2: VillageProgress = {
      ...village('v2', '二村', {}, '2026-12-10'),
      households: [
        household({ id: 'k3', helperId: 'h1', batches: ['production_employment'], members: [{ batches: [] }] }),
        household({ id: 'k4', helperId: 'h1' }),
        household({ id: 'k5', helperId: 'h1' }),
        household({ id: 'k6', helperId: 'h2', helpCardReturned: true }),
        household({ id: 'k7', helperId: null, qualificationDecision: null }),
      ],
    };
    const s = digestStats([v1, v2], 5);
    expect(s).toMatchObject({
      villages: 2,
      villageStagesDone: { qualification_review: 1, village_evaluation: 0 },
      households: 10,
      reviewed: 8,
      kept: 7,
      removed: 1,
      newlyIncluded: 1,
      openExclusionHits: 2,
      included: 8,
      withHelper: 7,
      withoutHelper: 1,
      helpers: 2,
      helpersOverLimit: [{ helperId: 'h1', households: 6 }],
      classified: 4,
      unclassified: 4,
      batchesByHousehold: { medical: 2, minimum_living: 1, relocation: 1, production_employment: 1 },
      batchesInHouseholds: { medical: 2, minimum_living: 2, production_employment: 1 },
      batchesIndividually: { education: 1 },
      personsCounted: 3,
      householdsWithoutMemberData: 6,
      helpCardsReturned: 2,
      helpCardsMissing: 6,
    });
    // toMatchObject is lenient on nested objects; the batch maps must match exactly.
    expect(s.batchesByHousehold).toEqual({ medical: 2, minimum_living: 1, relocation: 1, production_employment: 1 });
    // 户内人口: k1's two members under both of its batches, k3's one; 逐人分类: only k1's member with education of her own
    expect(s.batchesInHouseholds).toEqual({ medical: 2, minimum_living: 2, production_employment: 1 });
    expect(s.batchesIndividually).toEqual({ education: 1 });
  });

  it('is all zeros for no villages', () => {
    const s = digestStats([]);
    expect(s.households).toBe(0);
    expect(s.helpersOverLimit).toEqual([]);
    expect(s.batchesByHousehold).toEqual({});
  });
});

describe('planJobs: performance', () => {
  it('plans a day for 300 villages × 100 households well under 200 ms', () => {
    const villages: VillageProgress[] = [];
    const villageChats: Record<string, string> = {};
    const people: Record<string, { openId: string; name: string }[]> = {};
    for (let v = 0; v < 300; v++) {
      const id = `v${v}`;
      villageChats[id] = `oc_${id}`;
      people[id] = [{ openId: `ou_${id}`, name: `书记${v}` }];
      const households: HouseholdSnapshot[] = [];
      for (let h = 0; h < 100; h++) {
        households.push(
          household({
            id: `${id}-${h}`,
            isApplicant: h % 10 === 0,
            qualificationDecision: h % 7 === 0 ? null : 'pass',
            helperId: h % 3 === 0 ? null : `helper-${v}-${h % 20}`,
            batches: h % 2 === 0 ? ['medical'] : ['production_employment', 'education'],
            members: [{ batches: [] }, { batches: ['education'] }],
          }),
        );
      }
      villages.push({ ...village(id, `村${v}`, v % 2 === 0 ? { qualification_review: '2026-12-09' } : {}, '2026-12-18'), households });
    }
    const input: PlanInput = {
      ...scenario('2026-12-18'),
      villages,
      chats: { leaders: 'oc_leaders', inspectors: 'oc_inspectors', villages: villageChats },
      responsible: people,
      acknowledged: [],
    };
    planJobs(input); // warm up the JIT
    const t0 = performance.now();
    const msgs = planJobs(input);
    const ms = performance.now() - t0;
    // 150 villages late on qualification + 300 late on evaluation, two copies each, plus the digest.
    expect(msgs).toHaveLength((150 + 300) * 2 + 1);
    expect(ms).toBeLessThan(200);
  });
});
