/**
 * The annual re-review campaign (复核工作): its stages, the configurable dates and the
 * date arithmetic derived from them (DESIGN §2). Deadlines are configuration, not code.
 */
import { z } from 'zod';
import { addDays, cstDate, daysBetween, formatCn, isValidCalendarDate, type CalendarDate } from './dates';

export const STAGE_KEYS = ['qualification_review', 'village_evaluation', 'township_review', 'county_report'] as const;
export type StageKey = (typeof STAGE_KEYS)[number];
export type VillageStageKey = 'qualification_review' | 'village_evaluation';
export type TownshipStageKey = 'township_review' | 'county_report';
export const VILLAGE_STAGES: readonly VillageStageKey[] = ['qualification_review', 'village_evaluation'];
export const TOWNSHIP_STAGES: readonly TownshipStageKey[] = ['township_review', 'county_report'];

export interface StageInfo {
  key: StageKey;
  /** the official name, as in the township's plan */
  name: string;
  /** what users type after 完成 */
  shortName: string;
  scope: 'village' | 'township';
}

export const STAGES: Record<StageKey, StageInfo> = {
  qualification_review: { key: 'qualification_review', name: '申请农户资格复审', shortName: '资格复审', scope: 'village' },
  village_evaluation: {
    key: 'village_evaluation',
    name: '村“两委”评议、审查复核、资料填报、复核公示',
    shortName: '评议公示',
    scope: 'village',
  },
  township_review: { key: 'township_review', name: '乡政府办公会审核并公示', shortName: '乡审核', scope: 'township' },
  county_report: { key: 'county_report', name: '上报县扶贫移民局，乡扶贫办存档', shortName: '上报存档', scope: 'township' },
};

export const stageName = (key: StageKey): string => STAGES[key].name;
export const stageShortName = (key: StageKey): string => STAGES[key].shortName;
export const isVillageStage = (key: StageKey): key is VillageStageKey => STAGES[key].scope === 'village';

// Every spelling of a stage (a Map: a typed word is never an inherited property).
const STAGE_WORDS: ReadonlyMap<string, StageKey> = new Map<string, StageKey>([
  ...STAGE_KEYS.flatMap((k): [string, StageKey][] => [
    [k, k],
    [STAGES[k].name.replace(/[“”]/g, ''), k],
    [STAGES[k].shortName, k],
  ]),
  ['资格审查', 'qualification_review'],
  ['申请复审', 'qualification_review'],
  ['评议', 'village_evaluation'],
  ['村级公示', 'village_evaluation'],
  ['复核公示', 'village_evaluation'],
  ['乡级审核', 'township_review'],
  ['乡审核公示', 'township_review'],
  ['上报', 'county_report'],
  ['存档', 'county_report'],
]);

/** Accepts the key, the official name, the short name or a common alias; null otherwise. */
export function parseStageKey(text: string): StageKey | null {
  const t = text.trim().replace(/[“”"'\s]/g, '');
  return STAGE_WORDS.get(t) ?? null;
}

export interface JobTimes {
  /** 'HH:MM' CST; reminders, overdue flags and escalations */
  reminder: string;
  /** 'HH:MM' CST; the leaders' daily digest */
  digest: string;
}

export interface CampaignConfig {
  year: number;
  startDate: CalendarDate;
  endDate: CalendarDate;
  deadlines: Record<StageKey, CalendarDate>;
  /** minimum notice period, whole calendar days including the start day */
  noticeMinDays: number;
  helperMaxHouseholds: number;
  /**
   * township cadres (besides the package cadre) who must sign their opinion in the two-committees
   * minutes for the meeting to count; absent in configs stored before it existed (read with
   * townshipSignersRequired in src/core/meetings.ts, default 1)
   */
  twoCommitteesTownshipSigners?: number;
  /** days before a deadline on which to remind; 0 is the deadline day */
  reminderOffsets: number[];
  /** an acknowledged overdue alert is raised again this many days after the acknowledgement */
  escalateAfterDays: number;
  /** an entry more than this many days after the date it describes is a late entry (后补登记) and needs a
   * photo of the evidence (absent in configs stored before it existed: read it with backfillDaysOf) */
  backfillDays?: number;
  /** ongoing duties' due dates (visits and exit plans absent in configs stored before they existed:
   * read them with dutyDueDate in src/core/duties.ts) */
  dutyDueDates: { helpers: CalendarDate; classification: CalendarDate; helpCards: CalendarDate; visits?: CalendarDate; exitPlans?: CalendarDate };
  /** off the hour on purpose: Feishu throttles bursts at :00 and :30 */
  jobTimes: JobTimes;
}

const dateSchema = z
  .string()
  .refine(isValidCalendarDate, { message: '日期须为 YYYY-MM-DD 格式的有效日期，如 2026-12-08' });
const timeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '时间须为 HH:MM 格式，如 09:05' });

/** Deadlines of consecutive stages must not go backwards. Returns Chinese problems. */
function deadlineOrderProblems(deadlines: Partial<Record<StageKey, CalendarDate | undefined>>): string[] {
  const given = STAGE_KEYS.filter((k) => deadlines[k] !== undefined);
  const problems: string[] = [];
  for (let i = 1; i < given.length; i++) {
    const prev = given[i - 1] as StageKey;
    const cur = given[i] as StageKey;
    const a = deadlines[prev] as CalendarDate;
    const b = deadlines[cur] as CalendarDate;
    if (isValidCalendarDate(a) && isValidCalendarDate(b) && b < a) {
      problems.push(
        `阶段截止日期顺序不对：「${stageShortName(cur)}」截止 ${b} 早于上一阶段「${stageShortName(prev)}」截止 ${a}，请调整。`,
      );
    }
  }
  return problems;
}

/** Partial overrides of the default template, e.g. from township.json. Unknown keys are refused. */
export const campaignOverridesSchema = z
  .strictObject({
    startDate: dateSchema.optional(),
    endDate: dateSchema.optional(),
    deadlines: z
      .strictObject({
        qualification_review: dateSchema.optional(),
        village_evaluation: dateSchema.optional(),
        township_review: dateSchema.optional(),
        county_report: dateSchema.optional(),
      })
      .optional(),
    noticeMinDays: z.number().int().min(1).max(60).optional(),
    helperMaxHouseholds: z.number().int().min(1).max(100).optional(),
    twoCommitteesTownshipSigners: z.number().int().min(0).max(10).optional(),
    reminderOffsets: z.array(z.number().int().min(0).max(60)).optional(),
    escalateAfterDays: z.number().int().min(1).max(60).optional(),
    backfillDays: z.number().int().min(0).max(30).optional(),
    dutyDueDates: z
      .strictObject({
        helpers: dateSchema.optional(),
        classification: dateSchema.optional(),
        helpCards: dateSchema.optional(),
        visits: dateSchema.optional(),
        exitPlans: dateSchema.optional(),
      })
      .optional(),
    jobTimes: z.strictObject({ reminder: timeSchema.optional(), digest: timeSchema.optional() }).optional(),
  })
  .superRefine((o, ctx) => {
    for (const message of deadlineOrderProblems(o.deadlines ?? {})) ctx.addIssue({ code: 'custom', message, path: ['deadlines'] });
    if (o.startDate && o.endDate && isValidCalendarDate(o.startDate) && isValidCalendarDate(o.endDate) && o.endDate < o.startDate) {
      ctx.addIssue({ code: 'custom', message: `结束日期 ${o.endDate} 早于开始日期 ${o.startDate}，请调整。`, path: ['endDate'] });
    }
  });

export type CampaignOverrides = z.infer<typeof campaignOverridesSchema>;

/** Problems of a complete config (after merging overrides), in Chinese; empty when valid. */
export function campaignProblems(c: CampaignConfig): string[] {
  const problems = deadlineOrderProblems(c.deadlines);
  if (c.endDate < c.startDate) problems.push(`结束日期 ${c.endDate} 早于开始日期 ${c.startDate}，请调整。`);
  return problems;
}

/**
 * The DESIGN §2 template for a year (12-08 to 12-20), with optional overrides.
 * Throws with the Chinese problems when the merged result is inconsistent.
 */
export function defaultCampaign(year: number, overrides: CampaignOverrides = {}): CampaignConfig {
  if (!Number.isInteger(year) || year < 2000 || year > 2999) throw new RangeError(`年份不正确：${year}`);
  const o = campaignOverridesSchema.parse(overrides);
  const day = (md: string): CalendarDate => `${year}-${md}`;
  const deadlines: Record<StageKey, CalendarDate> = {
    qualification_review: o.deadlines?.qualification_review ?? day('12-10'),
    village_evaluation: o.deadlines?.village_evaluation ?? day('12-17'),
    township_review: o.deadlines?.township_review ?? day('12-19'),
    county_report: o.deadlines?.county_report ?? day('12-20'),
  };
  // Duties default to the (last) village stage's deadline, as DESIGN §2 says.
  const villageDue = deadlines.village_evaluation;
  const config: CampaignConfig = {
    year,
    startDate: o.startDate ?? day('12-08'),
    endDate: o.endDate ?? day('12-20'),
    deadlines,
    noticeMinDays: o.noticeMinDays ?? 7,
    helperMaxHouseholds: o.helperMaxHouseholds ?? 5,
    twoCommitteesTownshipSigners: o.twoCommitteesTownshipSigners ?? 1,
    reminderOffsets: o.reminderOffsets ?? [2, 1, 0],
    escalateAfterDays: o.escalateAfterDays ?? 3,
    backfillDays: o.backfillDays ?? 2,
    dutyDueDates: {
      helpers: o.dutyDueDates?.helpers ?? villageDue,
      classification: o.dutyDueDates?.classification ?? villageDue,
      helpCards: o.dutyDueDates?.helpCards ?? villageDue,
      visits: o.dutyDueDates?.visits ?? villageDue,
      exitPlans: o.dutyDueDates?.exitPlans ?? villageDue,
    },
    jobTimes: { reminder: o.jobTimes?.reminder ?? '09:05', digest: o.jobTimes?.digest ?? '18:05' },
  };
  const problems = campaignProblems(config);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return config;
}

export const stageDeadline = (config: CampaignConfig, key: StageKey): CalendarDate => config.deadlines[key];

/** Last day of a notice started on `start` that lasts `minDays` calendar days, start day included. */
export function noticeEnd(start: CalendarDate, minDays: number): CalendarDate {
  return addDays(start, minDays - 1);
}

/** Latest start day such that a `minDays` notice still ends on the deadline day. */
export function latestNoticeStart(deadline: CalendarDate, minDays: number): CalendarDate {
  return addDays(deadline, -(minDays - 1));
}

/** Whole days from today (CST) to the deadline: 0 on the deadline day, negative once late. */
export function daysLeft(now: Date, deadline: CalendarDate): number {
  return daysBetween(cstDate(now), deadline);
}

export const isCampaignDay = (config: CampaignConfig, d: CalendarDate): boolean =>
  d >= config.startDate && d <= config.endDate;

/** '还剩 2 天截止（12月10日）' / '今天截止（12月10日）' / '已逾期 1 天（截止 12月10日）' */
export function deadlinePhrase(today: CalendarDate, deadline: CalendarDate): string {
  const left = daysBetween(today, deadline);
  if (left > 0) return `还剩 ${left} 天截止（${formatCn(deadline)}）`;
  if (left === 0) return `今天截止（${formatCn(deadline)}）`;
  return `已逾期 ${-left} 天（截止 ${formatCn(deadline)}）`;
}
