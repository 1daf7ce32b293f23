// The area leaders' private digests (包片领导: role 'leader' for some villages).
import { describe, it, expect } from 'vitest';
import { cstMidnightUtc, type CalendarDate } from '../../src/core/dates';
import { defaultCampaign } from '../../src/core/campaign';
import { jobsDue, type PlanInput, type VillageProgress } from '../../src/core/planner';
import { planJobs } from '../../src/jobs/plan';
import type { DigestMessage } from '../../src/jobs/kinds/digest';
import type { HouseholdSnapshot } from '../../src/core/stages';

const config = defaultCampaign(2026);
const at = (date: CalendarDate, hhmm: string): Date => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return new Date(cstMidnightUtc(date).getTime() + (h * 60 + m) * 60_000);
};

const household = (id: string, helperId: string | null): HouseholdSnapshot => ({
  id,
  number: id,
  head: `户主${id}`,
  status: 'included',
  isApplicant: false,
  qualificationDecision: 'pass',
  included: true,
  helperId,
  batches: ['medical'],
  helpCardReturned: false,
});

function village(id: string, name: string, households: HouseholdSnapshot[], qrDone = false): VillageProgress {
  return {
    village: { id, name, poor: false, hasFirstSecretary: false },
    households,
    meetings: [],
    notice: null,
    objections: [],
    dataFiled: false,
    stagesDone: qrDone ? { qualification_review: { doneAt: '2026-12-09', by: 'ou_x' } } : {},
  };
}

// helper h1 has 4 households in va and 2 in vc: 6 in all, over the limit of 5
const input = (now: Date, leaders = true): PlanInput => ({
  now,
  config,
  villages: [
    village('va', '张家村', [1, 2, 3, 4].map((i) => household(`a${i}`, 'h1')), true),
    village('vb', '李家村', [household('b1', 'h2')]),
    village('vc', '王家村', [household('c1', 'h1'), household('c2', 'h1')]),
  ],
  township: { townshipMeetingRecorded: false, townshipNoticeStarted: false, reportExported: false, reportSubmitted: false, archived: false, stagesDone: {} },
  chats: { ...(leaders ? { leaders: 'oc_leaders' } : {}), inspectors: 'oc_insp', villages: { va: 'oc_va', vb: 'oc_vb', vc: 'oc_vc' } },
  responsible: {},
  acknowledged: [],
  areaLeaders: [
    { person: { openId: 'ou_yang', name: '杨国平' }, villageIds: ['va', 'vb'] },
    { person: { openId: 'ou_luo', name: '罗文军' }, villageIds: ['vc'] },
    { person: { openId: 'ou_none', name: '无村' }, villageIds: [] },
  ],
});

const digests = (now: Date, leaders = true) => planJobs(input(now, leaders)).filter((m): m is DigestMessage => m.kind === 'digest');

describe('area leaders’ digests', () => {
  it('each area leader gets his villages privately, besides the leaders’ chat', () => {
    const ds = digests(at('2026-12-11', '18:05'));
    expect(ds.map((d) => [d.key, d.chatId, d.receiveIdType ?? 'chat_id'])).toEqual([
      ['digest:township::2026-12-11', 'oc_leaders', 'chat_id'],
      ['digest:township::2026-12-11:leader:ou_yang', 'ou_yang', 'open_id'],
      ['digest:township::2026-12-11:leader:ou_luo', 'ou_luo', 'open_id'],
    ]);
    const yang = ds[1]!;
    expect(yang.data.leader).toEqual({ openId: 'ou_yang', name: '杨国平' });
    expect(yang.data.villages.map((v) => v.name)).toEqual(['张家村', '李家村']);
    expect(yang.data.stats).toMatchObject({ villages: 2, households: 5, villageStagesDone: { qualification_review: 1, village_evaluation: 0 } });
    expect(yang.text.split('\n')[0]).toBe('【每日进度】12月11日 杨国平 包片村复核进度（2 个村）');
    expect(ds[2]!.data.villages.map((v) => v.name)).toEqual(['王家村']);
  });

  it('judges the helper limit township-wide: a helper over it shows for every area he serves', () => {
    const [all, yang, luo] = digests(at('2026-12-11', '18:05'));
    expect(all!.data.stats.helpersOverLimit).toEqual([{ helperId: 'h1', households: 6 }]);
    expect(yang!.data.stats.helpersOverLimit).toEqual([{ helperId: 'h1', households: 6 }]);
    expect(luo!.data.stats.helpersOverLimit).toEqual([{ helperId: 'h1', households: 6 }]);
  });

  it('go out without a leaders’ chat, only at digest time on campaign days', () => {
    expect(digests(at('2026-12-11', '18:05'), false).map((d) => d.chatId)).toEqual(['ou_yang', 'ou_luo']);
    expect(digests(at('2026-12-11', '18:04'))).toEqual([]);
    expect(digests(at('2026-12-21', '18:05'))).toEqual([]);
  });

  it('jobsDue tells which jobs can be due, so a run before 09:05 CST reads nothing', () => {
    expect(jobsDue(config, at('2026-12-11', '09:04'))).toEqual({ today: '2026-12-11', alerts: false, digest: false });
    expect(jobsDue(config, at('2026-12-11', '09:05'))).toEqual({ today: '2026-12-11', alerts: true, digest: false });
    expect(jobsDue(config, at('2026-12-11', '18:05'))).toEqual({ today: '2026-12-11', alerts: true, digest: true });
    expect(jobsDue(config, at('2026-12-21', '18:05'))).toEqual({ today: '2026-12-21', alerts: true, digest: false });
  });
});
