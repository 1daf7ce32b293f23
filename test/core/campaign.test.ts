import { describe, it, expect } from 'vitest';
import {
  STAGE_KEYS,
  STAGES,
  campaignOverridesSchema,
  daysLeft,
  deadlinePhrase,
  defaultCampaign,
  isCampaignDay,
  latestNoticeStart,
  noticeEnd,
  parseStageKey,
  stageDeadline,
  stageName,
} from '../../src/core/campaign';

describe('stages', () => {
  it('has the four DESIGN stages in order with their scope', () => {
    expect(STAGE_KEYS).toEqual(['qualification_review', 'village_evaluation', 'township_review', 'county_report']);
    expect(stageName('qualification_review')).toBe('申请农户资格复审');
    expect(stageName('village_evaluation')).toBe('村“两委”评议、审查复核、资料填报、复核公示');
    expect(stageName('township_review')).toBe('乡政府办公会审核并公示');
    expect(stageName('county_report')).toBe('上报县扶贫移民局，乡扶贫办存档');
    expect(STAGE_KEYS.map((k) => STAGES[k].scope)).toEqual(['village', 'village', 'township', 'township']);
  });

  it('parses what users type after 完成', () => {
    expect(parseStageKey('资格复审')).toBe('qualification_review');
    expect(parseStageKey('申请农户资格复审')).toBe('qualification_review');
    expect(parseStageKey('评议公示')).toBe('village_evaluation');
    expect(parseStageKey('村“两委”评议、审查复核、资料填报、复核公示')).toBe('village_evaluation');
    expect(parseStageKey(' 乡审核 ')).toBe('township_review');
    expect(parseStageKey('county_report')).toBe('county_report');
    expect(parseStageKey('吃饭')).toBeNull();
  });
});

describe('defaultCampaign', () => {
  it('builds the DESIGN template for a year', () => {
    const c = defaultCampaign(2026);
    expect(c.startDate).toBe('2026-12-08');
    expect(c.endDate).toBe('2026-12-20');
    expect(c.deadlines).toEqual({
      qualification_review: '2026-12-10',
      village_evaluation: '2026-12-17',
      township_review: '2026-12-19',
      county_report: '2026-12-20',
    });
    expect(c.noticeMinDays).toBe(7);
    expect(c.helperMaxHouseholds).toBe(5);
    expect(c.reminderOffsets).toEqual([2, 1, 0]);
    expect(c.escalateAfterDays).toBe(3);
    expect(c.dutyDueDates).toEqual({ helpers: '2026-12-17', classification: '2026-12-17', helpCards: '2026-12-17', visits: '2026-12-17', exitPlans: '2026-12-17' });
    expect(c.jobTimes).toEqual({ reminder: '09:05', digest: '18:05' });
    expect(stageDeadline(c, 'township_review')).toBe('2026-12-19');
  });

  it('applies overrides, and duties follow an overridden village deadline', () => {
    const c = defaultCampaign(2027, {
      deadlines: { village_evaluation: '2027-12-16' },
      noticeMinDays: 5,
      reminderOffsets: [3, 0],
      jobTimes: { digest: '17:35' },
    });
    expect(c.deadlines.village_evaluation).toBe('2027-12-16');
    expect(c.deadlines.qualification_review).toBe('2027-12-10');
    expect(c.dutyDueDates.helpers).toBe('2027-12-16');
    expect(c.noticeMinDays).toBe(5);
    expect(c.reminderOffsets).toEqual([3, 0]);
    expect(c.jobTimes).toEqual({ reminder: '09:05', digest: '17:35' });
  });

  it('refuses a merged config whose deadlines go backwards, naming both stages', () => {
    expect(() => defaultCampaign(2026, { deadlines: { county_report: '2026-12-18' } })).toThrow(
      '阶段截止日期顺序不对：「上报存档」截止 2026-12-18 早于上一阶段「乡审核」截止 2026-12-19，请调整。',
    );
  });

  it('refuses a bad year', () => {
    expect(() => defaultCampaign(26)).toThrow(RangeError);
    expect(() => defaultCampaign(2026.5)).toThrow(RangeError);
  });
});

describe('campaignOverridesSchema', () => {
  it('accepts an empty and a full valid override', () => {
    expect(campaignOverridesSchema.safeParse({}).success).toBe(true);
    const r = campaignOverridesSchema.safeParse({
      startDate: '2026-12-01',
      endDate: '2026-12-31',
      deadlines: {
        qualification_review: '2026-12-05',
        village_evaluation: '2026-12-15',
        township_review: '2026-12-15',
        county_report: '2026-12-30',
      },
      escalateAfterDays: 2,
      dutyDueDates: { helpCards: '2026-12-25' },
    });
    expect(r.success).toBe(true);
  });

  it('rejects impossible dates with a Chinese message', () => {
    const r = campaignOverridesSchema.safeParse({ startDate: '2026-02-30' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('日期须为 YYYY-MM-DD 格式的有效日期，如 2026-12-08');
    expect(campaignOverridesSchema.safeParse({ deadlines: { county_report: '12-20' } }).success).toBe(false);
  });

  it('rejects out-of-order deadlines among those given', () => {
    const r = campaignOverridesSchema.safeParse({
      deadlines: { qualification_review: '2026-12-12', township_review: '2026-12-11' },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toEqual([
      '阶段截止日期顺序不对：「乡审核」截止 2026-12-11 早于上一阶段「资格复审」截止 2026-12-12，请调整。',
    ]);
  });

  it('rejects end before start, unknown keys, bad numbers and bad times', () => {
    expect(campaignOverridesSchema.safeParse({ startDate: '2026-12-10', endDate: '2026-12-09' }).success).toBe(false);
    expect(campaignOverridesSchema.safeParse({ noticeDays: 7 }).success).toBe(false);
    expect(campaignOverridesSchema.safeParse({ noticeMinDays: 0 }).success).toBe(false);
    expect(campaignOverridesSchema.safeParse({ helperMaxHouseholds: 2.5 }).success).toBe(false);
    expect(campaignOverridesSchema.safeParse({ reminderOffsets: [-1] }).success).toBe(false);
    expect(campaignOverridesSchema.safeParse({ jobTimes: { reminder: '9:05' } }).success).toBe(false);
    expect(campaignOverridesSchema.safeParse({ jobTimes: { reminder: '24:00' } }).success).toBe(false);
  });
});

describe('notice arithmetic', () => {
  it('counts whole calendar days including the start day', () => {
    expect(noticeEnd('2026-12-08', 7)).toBe('2026-12-14');
    expect(noticeEnd('2026-12-08', 1)).toBe('2026-12-08');
    expect(latestNoticeStart('2026-12-17', 7)).toBe('2026-12-11');
    expect(noticeEnd(latestNoticeStart('2026-12-17', 7), 7)).toBe('2026-12-17');
  });

  it('crosses the month end', () => {
    expect(noticeEnd('2026-11-27', 7)).toBe('2026-12-03');
    expect(latestNoticeStart('2026-12-03', 7)).toBe('2026-11-27');
    expect(noticeEnd('2026-12-28', 7)).toBe('2027-01-03');
    expect(latestNoticeStart('2028-03-02', 7)).toBe('2028-02-25');
    expect(noticeEnd('2028-02-25', 7)).toBe('2028-03-02');
  });
});

describe('daysLeft / deadlinePhrase / isCampaignDay', () => {
  it('counts from the CST date of now', () => {
    // 23:30 UTC on 12-09 is 07:30 on 12-10 in China: deadline day, 0 days left.
    expect(daysLeft(new Date('2026-12-09T23:30:00Z'), '2026-12-10')).toBe(0);
    expect(daysLeft(new Date('2026-12-09T15:00:00Z'), '2026-12-10')).toBe(1);
    expect(daysLeft(new Date('2026-12-12T02:00:00Z'), '2026-12-10')).toBe(-2);
  });

  it('phrases the deadline for messages', () => {
    expect(deadlinePhrase('2026-12-08', '2026-12-10')).toBe('还剩 2 天截止（12月10日）');
    expect(deadlinePhrase('2026-12-10', '2026-12-10')).toBe('今天截止（12月10日）');
    expect(deadlinePhrase('2026-12-13', '2026-12-10')).toBe('已逾期 3 天（截止 12月10日）');
  });

  it('knows the campaign days, both ends included', () => {
    const c = defaultCampaign(2026);
    expect(isCampaignDay(c, '2026-12-07')).toBe(false);
    expect(isCampaignDay(c, '2026-12-08')).toBe(true);
    expect(isCampaignDay(c, '2026-12-20')).toBe(true);
    expect(isCampaignDay(c, '2026-12-21')).toBe(false);
  });
});
