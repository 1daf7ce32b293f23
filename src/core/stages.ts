/**
 * Pure evaluation of stage conditions (DESIGN §2 "done when") from a snapshot of a village
 * or the township. The store builds the snapshot; this module only judges it, so the same
 * rules serve the 完成 command, reminders and the digest.
 */
import { daysBetween, formatCn, type CalendarDate } from './dates';
import { noticeEnd, latestNoticeStart, type CampaignConfig, type StageKey, type TownshipStageKey, type VillageStageKey } from './campaign';
import { MEETING_KINDS, MEETING_NAMES, type MeetingKind } from './meetings';

import type { HouseholdStatus } from './household-flow';
export type { HouseholdStatus } from './household-flow';

/** A help card's step (DESIGN §5): none, filled by the helper, collected by the village (村两委回收), received by the office (乡扶贫办存档). */
export type HelpCardStep = 'none' | 'filled' | 'collected' | 'received';
export const snapshotHelpCardStep = (h: { helpCardStep?: HelpCardStep; helpCardReturned: boolean }): HelpCardStep =>
  h.helpCardStep ?? (h.helpCardReturned ? 'collected' : 'none');


export interface HouseholdSnapshot {
  id: string;
  /** roster number */
  number: string;
  /** head of household's name */
  head: string;
  status: HouseholdStatus;
  isApplicant: boolean;
  qualificationDecision: 'pass' | 'fail' | null;
  included: boolean;
  helperId: string | null;
  /** five-batches keys of the household */
  batches: string[];
  helpCardReturned: boolean;
  /** 帮扶卡 step (filled by the helper, collected by the village, received by the office); absent: from helpCardReturned */
  helpCardStep?: HelpCardStep;
  /** optional per-person classification, for statistics 到人 */
  members?: { batches: string[] }[];
}

export interface StageDone {
  doneAt: string;
  by: string;
  /** days after the stage's deadline it was completed (0 or absent: on time) */
  daysLate?: number;
}

export interface VillageSnapshot {
  village: { id: string; name: string; poor: boolean; hasFirstSecretary: boolean };
  households: HouseholdSnapshot[];
  meetings: { kind: MeetingKind; valid: boolean; date: CalendarDate; backfilled?: boolean; enteredOn?: CalendarDate }[];
  notice: { startDate: CalendarDate; endDate: CalendarDate; backfilled?: boolean; enteredOn?: CalendarDate } | null;
  objections: { no: number; resolved: boolean }[];
  dataFiled: boolean;
  stagesDone: Partial<Record<StageKey, StageDone>>;
}

/** What the township's own gates need (DESIGN §3.4), read by the store. */
export interface TownshipGates {
  /** villages that have not finished 村评议公示 */
  villagesNotDone: string[];
  /** the departments (of the nine) without an active list */
  departmentsMissing: string[];
  /** the latest active department list's import time (ms), null when none */
  lastImportAt: number | null;
  /** the last cross-check run (ms), null when never */
  crosscheckRunAt: number | null;
  openHits: number;
}

export interface TownshipSnapshot {
  townshipMeetingRecorded: boolean;
  townshipNoticeStarted: boolean;
  /** the typed date of the township meeting */
  townshipMeetingDate?: CalendarDate | null;
  townshipNotice?: { startDate: CalendarDate; endDate: CalendarDate } | null;
  gates?: TownshipGates;
  reportExported: boolean;
  reportSubmitted: boolean;
  archived: boolean;
}

export interface StageConditions {
  met: boolean;
  missing: string[];
}

const MAX_NAMES = 5;

/** '张三、李四、王五' or '张三、李四、王五、赵六、钱七 等' when longer. */
function nameList(names: string[]): string {
  const shown = names.slice(0, MAX_NAMES).join('、');
  return names.length > MAX_NAMES ? `${shown} 等` : shown;
}

const result = (missing: string[]): StageConditions => ({ met: missing.length === 0, missing });

function qualificationMissing(s: VillageSnapshot): string[] {
  const open = s.households.filter((h) => h.isApplicant && h.qualificationDecision === null);
  if (open.length === 0) return [];
  return [`还有 ${open.length} 户申请未作资格复审：${nameList(open.map((h) => h.head))}。请逐户作出复审结论。`];
}

function evaluationMissing(s: VillageSnapshot, config: CampaignConfig, today: CalendarDate): string[] {
  const missing: string[] = [];
  if (!s.stagesDone.qualification_review) missing.push('“申请农户资格复审”尚未完成，须先完成资格复审。');
  const validKinds = new Set(s.meetings.filter((m) => m.valid).map((m) => m.kind));
  const absent = MEETING_KINDS.filter((k) => !validKinds.has(k));
  if (absent.length > 0) {
    missing.push(`缺少有效的会议记录：${absent.map((k) => MEETING_NAMES[k]).join('、')}。三个会议均须登记且符合规定。`);
  }
  if (!s.dataFiled) missing.push('复核资料尚未填报，请填报后再完成。');

  const min = config.noticeMinDays;
  if (s.notice === null) {
    const latest = latestNoticeStart(config.deadlines.village_evaluation, min);
    missing.push(
      today <= latest
        ? `村级公示尚未开始：公示须满 ${min} 天，最迟 ${formatCn(latest)} 开始。`
        : `村级公示尚未开始：公示须满 ${min} 天，最迟应于 ${formatCn(latest)} 开始，现已无法在截止日前期满，请立即开始公示并向乡扶贫办说明。`,
    );
  } else {
    const { startDate, endDate } = s.notice;
    const length = daysBetween(startDate, endDate) + 1;
    if (length < min) {
      missing.push(
        `公示期 ${formatCn(startDate)}至${formatCn(endDate)} 仅 ${length} 天，少于规定的 ${min} 天，请延长至 ${formatCn(noticeEnd(startDate, min))}。`,
      );
    } else if (today < endDate) {
      // The notice has run its full period once its last day has come (DESIGN: a notice
      // started on the latest start day "ends by the stage deadline").
      missing.push(`公示期至 ${formatCn(endDate)}，尚未期满，期满当天方可完成。`);
    }
  }

  const open = s.objections.filter((o) => !o.resolved).map((o) => o.no);
  if (open.length > 0) {
    missing.push(`还有 ${open.length} 条公示异议未处理：第 ${open.join('、')} 号。请处理后再完成。`);
  }
  return missing;
}

/** Whether a village stage may be marked done today, and if not, everything that is missing. */
export function villageStageConditions(
  stage: VillageStageKey,
  snapshot: VillageSnapshot,
  config: CampaignConfig,
  today: CalendarDate,
): StageConditions {
  return result(stage === 'qualification_review' ? qualificationMissing(snapshot) : evaluationMissing(snapshot, config, today));
}

/**
 * What the township meeting needs before it may be recorded (DESIGN §3.4): every village's
 * 村评议公示 done, all nine department lists imported, the cross-check run after the last import,
 * no hit left open. Short Chinese, one item each.
 */
export function townshipGateMissing(g: TownshipGates): string[] {
  const missing: string[] = [];
  if (g.villagesNotDone.length) missing.push(`${g.villagesNotDone.length} 个村未完成评议公示（${nameList(g.villagesNotDone)}）`);
  if (g.departmentsMissing.length) missing.push(`缺 ${g.departmentsMissing.length} 个部门名单（${g.departmentsMissing.join('、')}）`);
  else if (g.crosscheckRunAt === null || (g.lastImportAt !== null && g.crosscheckRunAt < g.lastImportAt)) {
    missing.push(g.crosscheckRunAt === null ? '尚未比对（发送“比对”）' : '最近一次导入部门名单后尚未重新比对（发送“比对”）');
  }
  if (g.openHits > 0) missing.push(`${g.openHits} 条比对疑点未处理（发送“核查”）`);
  return missing;
}

export function townshipStageConditions(stage: TownshipStageKey, t: TownshipSnapshot): StageConditions {
  const missing: string[] = [];
  if (stage === 'township_review') {
    if (t.gates) missing.push(...townshipGateMissing(t.gates).map((m) => `${m}。`));
    if (!t.townshipMeetingRecorded) missing.push('乡政府办公会审核尚未登记。');
    if (!t.townshipNoticeStarted) missing.push('乡级公示尚未开始。');
  } else {
    if (!t.reportExported) missing.push('上报县扶贫移民局的报表尚未导出。');
    if (!t.reportSubmitted) missing.push('报表尚未标记为已上报。');
    if (!t.archived) missing.push('乡扶贫办尚未存档。');
  }
  return result(missing);
}

export interface DutyCoverage {
  included: number;
  withHelper: number;
  withoutHelper: number;
  classified: number;
  unclassified: number;
  helpCardsReturned: number;
  helpCardsMissing: number;
  /** included households with a helper, by the step their help card is at */
  helpCardSteps: Record<HelpCardStep, number>;
}

/** A household counts for the duties while it is included and has not been removed. */
export const isCurrentlyIncluded = (h: HouseholdSnapshot): boolean => h.included && h.status !== 'removed';

export function dutyCoverage(snapshot: VillageSnapshot): DutyCoverage {
  const c: DutyCoverage = { included: 0, withHelper: 0, withoutHelper: 0, classified: 0, unclassified: 0, helpCardsReturned: 0, helpCardsMissing: 0, helpCardSteps: { none: 0, filled: 0, collected: 0, received: 0 } };
  for (const h of snapshot.households) {
    if (!isCurrentlyIncluded(h)) continue;
    c.included++;
    if (h.helperId !== null) c.withHelper++;
    else c.withoutHelper++;
    if (h.batches.length > 0) c.classified++;
    else c.unclassified++;
    if (h.helpCardReturned) c.helpCardsReturned++;
    else c.helpCardsMissing++;
    if (h.helperId !== null) c.helpCardSteps[snapshotHelpCardStep(h)]++;
  }
  return c;
}
