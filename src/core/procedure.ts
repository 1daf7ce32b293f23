/**
 * Order and dates of the procedure (DESIGN §3.4): which earlier step a village or township step
 * needs, whether a typed date is acceptable, and when an entry is a late entry (后补登记). Pure:
 * the handlers pass what the store knows and today's CST date.
 */
import { daysBetween, formatCn, type CalendarDate } from './dates';
import { MEETING_NAMES, type MeetingKind } from './meetings';

/** Entries more than this many days after the date they describe are late entries, unless configured. */
export const DEFAULT_BACKFILL_DAYS = 2;

export const backfillDaysOf = (config: { backfillDays?: number }): number => config.backfillDays ?? DEFAULT_BACKFILL_DAYS;

/** What a village has recorded so far, as the order needs it. */
export interface VillageFacts {
  /** CST date 资格复审 was completed, null while open */
  qualificationDoneOn: CalendarDate | null;
  meetings: { kind: MeetingKind; valid: boolean; date: CalendarDate }[];
  noticeStart: CalendarDate | null;
}

export type VillageStep = MeetingKind | 'village_notice';

export interface OrderVerdict {
  /** the refusal, naming the missing earlier step; null when the step may be recorded */
  refusal: string | null;
  /** the date the step may not precede, with what it is */
  after: { date: CalendarDate; label: string } | null;
}

const validMeeting = (f: VillageFacts, kind: MeetingKind) =>
  f.meetings.filter((m) => m.kind === kind && m.valid).sort((a, b) => (a.date < b.date ? 1 : -1))[0] ?? null;

const PREVIOUS: Record<VillageStep, MeetingKind | 'qualification_review'> = {
  villagers_assembly: 'qualification_review',
  representatives: 'villagers_assembly',
  two_committees: 'representatives',
  village_notice: 'two_committees',
};

const stepName = (s: VillageStep) => (s === 'village_notice' ? '村级公示' : MEETING_NAMES[s]);

/**
 * May `step` be recorded in this village now? The order is 资格复审 → 村民大会 → 村民代表大会 →
 * 两委会议 → 村级公示; each needs the one before it done (a meeting: recorded and valid).
 */
export function villageOrder(step: VillageStep, f: VillageFacts): OrderVerdict {
  const name = stepName(step);
  if (f.noticeStart !== null) {
    return { refusal: step === 'village_notice' ? null : `村级公示已于 ${formatCn(f.noticeStart)} 开始，不能再登记${name}。`, after: null };
  }
  if (step !== 'village_notice') {
    const done = validMeeting(f, step);
    if (done) return { refusal: `本村已有有效的${name}记录（${formatCn(done.date)}），不必重复登记。`, after: null };
  }
  const prev = PREVIOUS[step];
  if (prev === 'qualification_review') {
    if (f.qualificationDoneOn === null) {
      return { refusal: `还不能登记${name}：上一步“资格复审”尚未完成。请先对每户申请作出结论，再发送“完成 资格复审”。`, after: null };
    }
    return { refusal: null, after: { date: f.qualificationDoneOn, label: '资格复审完成之日' } };
  }
  const m = validMeeting(f, prev);
  if (!m) {
    const pending = f.meetings.some((x) => x.kind === prev);
    const needs =
      prev === 'villagers_assembly'
        ? '须第一书记、驻村干部确认，并有缺席人员意见和决议签字照片'
        : prev === 'two_committees'
          ? '须第一书记、驻村干部确认，驻村干部和乡干部签字'
          : '须第一书记、驻村干部确认';
    const why = pending ? `已登记但尚未有效（${needs}，见会议卡片）` : '尚未登记';
    return { refusal: `还不能${step === 'village_notice' ? '开始' : '登记'}${name}：上一步“${MEETING_NAMES[prev]}”${why}。`, after: null };
  }
  return { refusal: null, after: { date: m.date, label: `${MEETING_NAMES[prev]}（${formatCn(m.date)}）` } };
}

export interface DateRules {
  today: CalendarDate;
  campaign: { startDate: CalendarDate; endDate: CalendarDate };
  after: { date: CalendarDate; label: string } | null;
}

/** A typed date: within the campaign, not in the future, not before the step it follows. */
export function datedEntryProblem(what: string, date: CalendarDate, r: DateRules): string | null {
  if (date > r.today) return `${what}日期 ${formatCn(date)} 还没到，不能预先登记。请在当天或之后登记，并写明实际日期。`;
  if (date < r.campaign.startDate) return `${what}日期 ${formatCn(date)} 早于本次复核开始日 ${formatCn(r.campaign.startDate)}，请核对日期。`;
  if (date > r.campaign.endDate) return `${what}日期 ${formatCn(date)} 晚于本次复核结束日 ${formatCn(r.campaign.endDate)}，请核对日期。`;
  if (r.after && date < r.after.date) return `${what}日期 ${formatCn(date)} 早于${r.after.label}，顺序不对，请核对日期。`;
  return null;
}

/** A late entry (后补登记): entered more than `backfillDays` after the date it describes. */
export const isBackfill = (date: CalendarDate, today: CalendarDate, backfillDays: number): boolean => daysBetween(date, today) > backfillDays;

/** The refusal for a late entry that came without a photo. */
export function backfillNeedsPhoto(what: string, date: CalendarDate, today: CalendarDate, backfillDays: number): string {
  return (
    `${what}日期 ${formatCn(date)}，今天（${formatCn(today)}）才登记，已超过 ${backfillDays} 天，属于后补登记：` +
    '须附佐证照片。请把这条命令和照片放在同一条消息里发送（在输入框粘贴照片后输入命令）。'
  );
}

/** '（后补登记，12月12日登记）' */
export const backfillMark = (enteredOn: CalendarDate): string => `（后补登记，${formatCn(enteredOn)}登记）`;

/** The village order as the progress card states it. */
export const VILLAGE_ORDER_LINE = '顺序：资格复审 → 村民大会 → 村民代表大会 → 两委会议 → 村级公示 → 完成评议公示（每一步须在上一步之后）';

/** The next village step, for the progress card: what to do and the command; null when done. */
export function villageNextStep(
  f: VillageFacts & { evaluationDone: boolean; noticeEnd: CalendarDate | null },
): { step: 'qualification_review' | VillageStep | 'village_evaluation'; text: string } | null {
  if (f.evaluationDone) return null;
  if (f.qualificationDoneOn === null) return { step: 'qualification_review', text: '对每户申请作出资格复审结论，再发送“完成 资格复审”' };
  for (const kind of ['villagers_assembly', 'representatives', 'two_committees'] as const) {
    if (!validMeeting(f, kind)) {
      const pending = f.meetings.some((m) => m.kind === kind);
      return {
        step: kind,
        text: pending
          ? `${MEETING_NAMES[kind]}已登记，待第一书记、驻村干部在会议卡片上确认${kind === 'two_committees' ? '并签字' : ''}`
          : `登记${MEETING_NAMES[kind]}（会议 ${MEETING_NAMES[kind]} 应到N 实到N …，或用下面的表单）`,
      };
    }
  }
  if (f.noticeStart === null) return { step: 'village_notice', text: '开始村级公示（公示 开始 [日期]）' };
  return { step: 'village_evaluation', text: `公示期满（${f.noticeEnd ? formatCn(f.noticeEnd) : ''}）、异议处理完、资料填报后，发送“完成 评议公示”` };
}
