/**
 * Scheduled jobs (DESIGN §7) as a pure planner: given the clock and the current state it
 * returns every message that is due *today* (CST). It keeps no memory; idempotency comes
 * from the message keys, which the outbox stores once. Running it every few minutes, or
 * again after a restart, therefore sends nothing twice and catches up on the day's jobs.
 */
import { cstTime, daysBetween, type CalendarDate } from './dates';
import {
  TOWNSHIP_STAGES,
  VILLAGE_STAGES,
  isCampaignDay,
  stageName,
  type CampaignConfig,
  type StageKey,
  type TownshipStageKey,
  type VillageStageKey,
} from './campaign';
import {
  isCurrentlyIncluded,
  townshipStageConditions,
  villageStageConditions,
  type DutyCoverage,
  type StageDone,
  type TownshipSnapshot,
  type VillageSnapshot,
} from './stages';

/** The id used in keys and data for township-scope messages. */
export const TOWNSHIP_ID = 'township';

/** Five batches and the two more (DESIGN §4). */
export const BATCH_NAMES: Record<string, string> = {
  production_employment: '扶持生产和就业发展一批',
  relocation: '移民搬迁安置一批',
  medical: '医疗救助扶持一批',
  minimum_living: '低保政策兜底一批',
  disaster_reconstruction: '灾后重建帮扶一批',
  ecological_compensation: '生态补偿脱贫一批',
  education: '发展教育脱贫一批',
};

export type VillageProgress = VillageSnapshot & { openExclusionHits?: number };
export type TownshipProgress = TownshipSnapshot & { stagesDone: Partial<Record<StageKey, StageDone>> };
export interface Person {
  openId: string;
  name: string;
}
/** A person with role 'leader' for some villages: gets the digest privately for those. */
export interface AreaLeader {
  person: Person;
  villageIds: string[];
}
export interface Acknowledgement {
  villageId: string;
  stage: StageKey;
  ackDate: CalendarDate;
}

export interface PlanInput {
  now: Date;
  config: CampaignConfig;
  villages: VillageProgress[];
  township: TownshipProgress;
  chats: { leaders?: string; inspectors?: string; villages: Record<string, string> };
  /** per village id (and TOWNSHIP_ID for the township stages) */
  responsible: Record<string, Person[]>;
  acknowledged: Acknowledgement[];
  /** area leaders (包片领导): each gets a private digest of his villages */
  areaLeaders?: AreaLeader[];
}

/** What every planned message carries; each job kind (src/jobs/kinds/) adds its `kind` and `data`. */
export interface MessageBase {
  /** `${kind}:${villageId|township}:${stage|''}:${date}`; the village copy of an overdue flag adds ':village',
   * an area leader's private digest adds ':leader:<open_id>', a helper's private message ':helper:<open_id>' */
  key: string;
  /** a chat_id, or the person's open_id when receiveIdType is 'open_id' (a private message) */
  chatId: string;
  receiveIdType?: 'chat_id' | 'open_id';
  villageId?: string;
  stage?: StageKey;
  /** the day the message belongs to (for an escalation: its due day, ack + N) */
  date: CalendarDate;
  /** readable text, for the offline log and as the card body */
  text: string;
}

export interface StageAlertData {
  villageId: string;
  villageName: string;
  stage: StageKey;
  stageName: string;
  deadline: CalendarDate;
  missing: string[];
  responsible: Person[];
}
export interface ReminderData extends StageAlertData {
  daysLeft: number;
  /** only for village_evaluation while no notice has started */
  latestNoticeStart?: CalendarDate;
}
export interface OverdueData extends StageAlertData {
  daysLate: number;
  audience: 'inspectors' | 'village';
}
export interface EscalationData extends StageAlertData {
  daysLate: number;
  ackDate: CalendarDate;
  daysSinceAck: number;
}

export type StageState = { state: 'done'; daysLate?: number } | { state: 'open'; daysLeft: number } | { state: 'overdue'; daysLate: number };
export interface VillageDigestRow {
  villageId: string;
  name: string;
  stages: Record<VillageStageKey, StageState>;
  coverage: DutyCoverage;
  hasChat: boolean;
  /** 后补登记 of the village (meetings, notice), as the progress card shows them */
  backfilled?: string[];
}
export interface DigestData {
  date: CalendarDate;
  stats: DigestStats;
  villages: VillageDigestRow[];
  township: Record<TownshipStageKey, StageState>;
  /** set for an area leader's private digest of his villages */
  leader?: Person;
  /** 政策宣讲 by method and the all-away households contacted, over the digest's villages */
  outreach?: OutreachTotals;
}

export interface OutreachTotals {
  byMethod: Record<string, { activities: number; reached: number }>;
  away: number;
  contacted: number;
}

export const PUBLICITY_METHODS = ['群众会', '入户', '资料', '专栏'] as const;

/** The outreach of `villageIds` added up (records per village id). */
export function outreachTotals(records: Record<string, OutreachTotals>, villageIds: readonly string[]): OutreachTotals {
  const t: OutreachTotals = { byMethod: {}, away: 0, contacted: 0 };
  for (const id of villageIds) {
    const r = records[id];
    if (!r) continue;
    t.away += r.away;
    t.contacted += r.contacted;
    for (const [m, x] of Object.entries(r.byMethod)) {
      const acc = (t.byMethod[m] ??= { activities: 0, reached: 0 });
      acc.activities += x.activities;
      acc.reached += x.reached;
    }
  }
  return t;
}

/** 群众会 2 次 130 人、入户 1 次 12 人；全家外出户已联系 1/3 户，未联系 2 户 */
export function outreachLine(o: OutreachTotals): string {
  const methods = [...PUBLICITY_METHODS, ...Object.keys(o.byMethod).filter((m) => !(PUBLICITY_METHODS as readonly string[]).includes(m))]
    .filter((m) => o.byMethod[m])
    .map((m) => `${m} ${o.byMethod[m]!.activities} 次 ${o.byMethod[m]!.reached} 人`);
  const away = o.away === 0 ? '无全家外出户' : `全家外出户已联系 ${o.contacted}/${o.away} 户${o.away > o.contacted ? `，未联系 ${o.away - o.contacted} 户` : ''}`;
  return `${methods.length ? methods.join('、') : '尚无登记'}；${away}`;
}

export interface DigestStats {
  villages: number;
  villageStagesDone: Record<VillageStageKey, number>;
  households: number;
  /** households with a qualification decision, or removed */
  reviewed: number;
  /** previously included households still included */
  kept: number;
  removed: number;
  /** applicants now included */
  newlyIncluded: number;
  openExclusionHits: number;
  included: number;
  withHelper: number;
  withoutHelper: number;
  helpers: number;
  helpersOverLimit: { helperId: string; households: number }[];
  classified: number;
  unclassified: number;
  batchesByHousehold: Record<string, number>;
  /** 户内人口: all members of the households in each batch, over included households that carry member data */
  batchesInHouseholds: Record<string, number>;
  /** 逐人分类: members classified in each batch on their own */
  batchesIndividually: Record<string, number>;
  personsCounted: number;
  householdsWithoutMemberData: number;
  helpCardsReturned: number;
  helpCardsMissing: number;
}

const bump = (rec: Record<string, number>, key: string): void => {
  rec[key] = (rec[key] ?? 0) + 1;
};

/**
 * Township totals for the digest. A helper's households are counted across villages, since
 * the per-helper limit is personal. Per batch three figures, never mixed (DESIGN §4): 户数,
 * 户内人口 (every member of the batch's households) and 逐人分类 (members with that label of their own).
 */
export function digestStats(villages: VillageProgress[], helperMaxHouseholds = 5): DigestStats {
  const s: DigestStats = {
    villages: villages.length,
    villageStagesDone: { qualification_review: 0, village_evaluation: 0 },
    households: 0, reviewed: 0, kept: 0, removed: 0, newlyIncluded: 0, openExclusionHits: 0,
    included: 0, withHelper: 0, withoutHelper: 0, helpers: 0, helpersOverLimit: [],
    classified: 0, unclassified: 0, batchesByHousehold: {}, batchesInHouseholds: {}, batchesIndividually: {},
    personsCounted: 0, householdsWithoutMemberData: 0, helpCardsReturned: 0, helpCardsMissing: 0,
  };
  const perHelper = new Map<string, number>();
  for (const v of villages) {
    for (const stage of VILLAGE_STAGES) if (v.stagesDone[stage]) s.villageStagesDone[stage]++;
    s.openExclusionHits += v.openExclusionHits ?? 0;
    for (const h of v.households) {
      s.households++;
      if (h.status === 'removed') s.removed++;
      if (h.qualificationDecision !== null || h.status === 'removed') s.reviewed++;
      if (!isCurrentlyIncluded(h)) continue;
      s.included++;
      if (h.isApplicant) s.newlyIncluded++;
      else s.kept++;
      if (h.helperId !== null) {
        s.withHelper++;
        perHelper.set(h.helperId, (perHelper.get(h.helperId) ?? 0) + 1);
      } else s.withoutHelper++;
      if (h.helpCardReturned) s.helpCardsReturned++;
      else s.helpCardsMissing++;
      if (h.batches.length > 0) s.classified++;
      else s.unclassified++;
      for (const b of new Set(h.batches)) bump(s.batchesByHousehold, b);
      if (h.members === undefined) {
        s.householdsWithoutMemberData++;
        continue;
      }
      for (const b of new Set(h.batches)) s.batchesInHouseholds[b] = (s.batchesInHouseholds[b] ?? 0) + h.members.length;
      for (const m of h.members) {
        s.personsCounted++;
        for (const b of new Set(m.batches)) bump(s.batchesIndividually, b);
      }
    }
  }
  s.helpers = perHelper.size;
  for (const [helperId, households] of perHelper) {
    if (households > helperMaxHouseholds) s.helpersOverLimit.push({ helperId, households });
  }
  s.helpersOverLimit.sort((a, b) => b.households - a.households || a.helperId.localeCompare(b.helperId));
  return s;
}

function minutesOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new RangeError(`invalid job time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Which of the day's jobs are due at `now` (CST wall clock against the configured job times). */
export function jobsDue(config: CampaignConfig, now: Date): { today: CalendarDate; alerts: boolean; digest: boolean } {
  const { date: today, hour, minute } = cstTime(now);
  const clock = hour * 60 + minute;
  return {
    today,
    alerts: clock >= minutesOf(config.jobTimes.reminder),
    digest: clock >= minutesOf(config.jobTimes.digest) && isCampaignDay(config, today),
  };
}


export type JobsDue = ReturnType<typeof jobsDue>;

/** An @-mention in a text message. */
export const mention = (p: Person): string => `<at user_id="${p.openId}">${p.name}</at>`;
export const missingBlock = (missing: string[]): string =>
  missing.length === 0 ? '' : `\n尚缺：\n${missing.map((m, i) => `${i + 1}. ${m}`).join('\n')}`;
export const namesOf = (people: Person[]): string => (people.length > 0 ? people.map((p) => p.name).join('、') : '未指定');

/** `done`: the stage's completion (with the days it was late), or whether it is done. */
export function stageState(done: boolean | { daysLate?: number } | undefined, today: CalendarDate, deadline: CalendarDate): StageState {
  if (done) return typeof done === 'object' && done.daysLate ? { state: 'done', daysLate: done.daysLate } : { state: 'done' };
  const left = daysBetween(today, deadline);
  return left >= 0 ? { state: 'open', daysLeft: left } : { state: 'overdue', daysLate: -left };
}

/** One open stage of a village (or of the township) as the alert builders need it. */
export interface OpenStage {
  id: string;
  name: string;
  stage: StageKey;
  deadline: CalendarDate;
  /** days to the deadline: 0 on the deadline day, negative once late */
  daysLeft: number;
  missing: string[];
  people: Person[];
  villageChat: string | undefined;
  /** village stages: whether the village notice has started */
  noticeStarted: boolean;
}

export const alertData = (o: OpenStage): StageAlertData => ({
  villageId: o.id,
  villageName: o.name,
  stage: o.stage,
  stageName: stageName(o.stage),
  deadline: o.deadline,
  missing: o.missing,
  responsible: o.people,
});

/**
 * The stages not done today that `want` selects, village stages first (village by village),
 * then the township stages — which are the office's own and only ever listed once late. What
 * is missing is judged only for the stages selected.
 */
export function openStages(
  input: PlanInput,
  today: CalendarDate,
  want: (s: { id: string; stage: StageKey; daysLeft: number; villageChat: string | undefined }) => boolean,
): OpenStage[] {
  const { config, villages, township, chats, responsible } = input;
  const out: OpenStage[] = [];
  for (const v of villages) {
    const id = v.village.id;
    const villageChat = chats.villages[id];
    for (const stage of VILLAGE_STAGES) {
      if (v.stagesDone[stage]) continue;
      const deadline = config.deadlines[stage];
      const daysLeft = daysBetween(today, deadline);
      if (!want({ id, stage, daysLeft, villageChat })) continue;
      const { missing } = villageStageConditions(stage, v, config, today);
      out.push({ id, name: v.village.name, stage, deadline, daysLeft, missing, people: responsible[id] ?? [], villageChat, noticeStarted: v.notice !== null });
    }
  }
  for (const stage of TOWNSHIP_STAGES) {
    const deadline = config.deadlines[stage];
    const daysLeft = daysBetween(today, deadline);
    if (township.stagesDone[stage] || daysLeft >= 0 || !want({ id: TOWNSHIP_ID, stage, daysLeft, villageChat: undefined })) continue;
    const { missing } = townshipStageConditions(stage, township);
    out.push({ id: TOWNSHIP_ID, name: '乡级', stage, deadline, daysLeft, missing, people: responsible[TOWNSHIP_ID] ?? [], villageChat: undefined, noticeStarted: false });
  }
  return out;
}
