/**
 * The household state machine of the re-review (DESIGN §3.3, §3.4): every status a household
 * may have and every allowed move, in one table. Handlers never write households.status
 * themselves: they ask `move` (or `movesFrom` for a bulk update) for the status an event leads
 * to, and a move the table does not allow is refused.
 *
 * An applicant: applied → qualified (or rejected at the qualification review) → assembly_passed
 * (村民大会) → representatives_passed (村民代表大会) → evaluated (两委会议) → on_notice (village
 * notice) → passed_notice (村评议公示 done) → township_approved (乡审核 done) → county_approved
 * (县批准). A registered household: included → kept (not removed by the close) or removed.
 * Any applicant still in the procedure → rejected, with the step that rejected it.
 */

export const HOUSEHOLD_STATUSES = [
  'applied',
  'qualified',
  'assembly_passed',
  'representatives_passed',
  'evaluated',
  'on_notice',
  'passed_notice',
  'township_approved',
  'county_approved',
  'included',
  'removed',
  'rejected',
] as const;
export type HouseholdStatus = (typeof HOUSEHOLD_STATUSES)[number];

export const isHouseholdStatus = (s: string): s is HouseholdStatus => (HOUSEHOLD_STATUSES as readonly string[]).includes(s);

/** The steps of the procedure, in order (DESIGN §3.4); the first five per village. */
export const STEPS = [
  'qualification_review',
  'villagers_assembly',
  'representatives',
  'two_committees',
  'village_notice',
  'village_evaluation',
  'township_review',
  'county_approval',
] as const;
export type Step = (typeof STEPS)[number];

export const STEP_NAMES: Record<Step, string> = {
  qualification_review: '资格复审',
  villagers_assembly: '村民大会',
  representatives: '村民代表大会',
  two_committees: '两委会议',
  village_notice: '村级公示',
  village_evaluation: '村评议公示完成',
  township_review: '乡审核',
  county_approval: '县批准',
};

/** Steps that can turn an applicant away (rejected_step). */
export const REJECTING_STEPS = ['qualification_review', 'villagers_assembly', 'representatives', 'village_notice', 'crosscheck', 'office'] as const;
export type RejectingStep = (typeof REJECTING_STEPS)[number];
export const REJECTING_STEP_NAMES: Record<RejectingStep, string> = {
  qualification_review: '资格复审',
  villagers_assembly: '村民大会',
  representatives: '村民代表大会',
  village_notice: '村级公示',
  crosscheck: '六个不纳入比对',
  office: '乡扶贫办',
};

export type FlowEvent =
  | 'qualify_pass'
  | 'qualify_fail'
  | 'assembly_pass'
  | 'representatives_pass'
  | 'two_committees_pass'
  | 'notice_start'
  | 'village_done'
  | 'township_done'
  | 'county_approve'
  | 'remove'
  | 'reject';

export interface StatusInfo {
  /** shown to people */
  name: string;
  /** the step that moves the household on; null when the status is final */
  waitsFor: Step | null;
  /** event → the status it leads to */
  next: Partial<Record<FlowEvent, HouseholdStatus>>;
}

/** Statuses of an applicant still in the procedure: each may be rejected. */
const IN_PROCEDURE = ['applied', 'qualified', 'assembly_passed', 'representatives_passed', 'evaluated', 'on_notice', 'passed_notice', 'township_approved'] as const;

export const FLOW: Record<HouseholdStatus, StatusInfo> = {
  applied: { name: '已申请，待资格复审', waitsFor: 'qualification_review', next: { qualify_pass: 'qualified', qualify_fail: 'rejected', reject: 'rejected' } },
  qualified: { name: '资格复审通过，待村民大会', waitsFor: 'villagers_assembly', next: { assembly_pass: 'assembly_passed', qualify_fail: 'rejected', reject: 'rejected' } },
  assembly_passed: { name: '村民大会通过，待村民代表大会', waitsFor: 'representatives', next: { representatives_pass: 'representatives_passed', reject: 'rejected' } },
  representatives_passed: { name: '村民代表大会通过，待两委会议', waitsFor: 'two_committees', next: { two_committees_pass: 'evaluated', reject: 'rejected' } },
  evaluated: { name: '两委评议通过，待村级公示', waitsFor: 'village_notice', next: { notice_start: 'on_notice', reject: 'rejected' } },
  on_notice: { name: '村级公示中', waitsFor: 'village_evaluation', next: { village_done: 'passed_notice', reject: 'rejected' } },
  passed_notice: { name: '村级公示期满，待乡审核', waitsFor: 'township_review', next: { township_done: 'township_approved', reject: 'rejected' } },
  township_approved: { name: '乡审核通过，待县审批', waitsFor: 'county_approval', next: { county_approve: 'county_approved', reject: 'rejected' } },
  county_approved: { name: '县已批准纳入', waitsFor: null, next: { remove: 'removed' } },
  included: { name: '在册', waitsFor: null, next: { remove: 'removed' } },
  removed: { name: '已清退', waitsFor: null, next: {} },
  // a qualification refusal may be reversed while the qualification review is open
  rejected: { name: '未通过', waitsFor: null, next: { qualify_pass: 'qualified' } },
};

/** The status `event` leads to from `from`, or null when the table does not allow it. */
export function move(from: string, event: FlowEvent): HouseholdStatus | null {
  if (!isHouseholdStatus(from)) return null;
  return FLOW[from].next[event] ?? null;
}

/** Every status from which `event` leads to `to`: the `where` of a bulk update. */
export function movesFrom(event: FlowEvent): { from: HouseholdStatus[]; to: HouseholdStatus } {
  const from = HOUSEHOLD_STATUSES.filter((s) => FLOW[s].next[event] !== undefined);
  const tos = new Set(from.map((s) => FLOW[s].next[event]!));
  if (tos.size !== 1) throw new Error(`event ${event} has no single target`);
  return { from, to: [...tos][0]! };
}

/** The single status `event` moves households from (for events of one source status). */
export function singleSource(event: Exclude<FlowEvent, 'reject' | 'remove' | 'qualify_pass' | 'qualify_fail'>): { from: HouseholdStatus; to: HouseholdStatus } {
  const m = movesFrom(event);
  if (m.from.length !== 1) throw new Error(`event ${event} has ${m.from.length} sources`);
  return { from: m.from[0]!, to: m.to };
}

/** Statuses an applicant may be rejected from. */
export const REJECTABLE: readonly HouseholdStatus[] = IN_PROCEDURE;

/** Statuses a household may have when it first enters (roster import, 申请). */
export const ENTRY_STATUSES: readonly HouseholdStatus[] = ['applied', 'included', 'removed'];

export const statusName = (s: string, rejectedStep?: string | null): string => {
  if (s === 'rejected') {
    const step = (rejectedStep ?? 'qualification_review') as RejectingStep;
    return `未通过（${REJECTING_STEP_NAMES[step] ?? step}）`;
  }
  return isHouseholdStatus(s) ? FLOW[s].name : s;
};

/** What the procedure has reached, per village (and the township's part). */
export type StepsTaken = Partial<Record<Step, boolean>>;

/**
 * A household is stranded when the step it waits for has already been taken (or a later one
 * has): nothing will ever move it. Null when it is not.
 */
export function strandedBy(status: string, taken: StepsTaken): Step | null {
  if (!isHouseholdStatus(status)) return null;
  const waits = FLOW[status].waitsFor;
  if (!waits || waits === 'county_approval') return null;
  const i = STEPS.indexOf(waits);
  // the qualification review waits for its completion; the others for their own step
  for (const s of STEPS.slice(i)) {
    if (s === 'county_approval') break;
    if (taken[s]) return s;
  }
  return null;
}
