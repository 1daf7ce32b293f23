/**
 * Scheduled jobs (DESIGN §7) as a pure planner: given the clock and the current state it
 * returns every message that is due *today* (CST). It keeps no memory; idempotency comes
 * from the message keys, which the outbox stores once. Running it every few minutes, or
 * again after a restart, therefore sends nothing twice and catches up on the day's jobs.
 */
import { addDays, cstTime, daysBetween, formatCn, type CalendarDate } from './dates';
import {
  TOWNSHIP_STAGES,
  VILLAGE_STAGES,
  deadlinePhrase,
  isCampaignDay,
  latestNoticeStart,
  stageName,
  stageShortName,
  type CampaignConfig,
  type StageKey,
  type TownshipStageKey,
  type VillageStageKey,
} from './campaign';
import {
  dutyCoverage,
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

interface MessageBase {
  /** `${kind}:${villageId|township}:${stage|''}:${date}`; the village copy of an overdue flag adds ':village',
   * an area leader's private digest adds ':leader:<open_id>' */
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

export type StageState = { state: 'done' } | { state: 'open'; daysLeft: number } | { state: 'overdue'; daysLate: number };
export interface VillageDigestRow {
  villageId: string;
  name: string;
  stages: Record<VillageStageKey, StageState>;
  coverage: DutyCoverage;
  hasChat: boolean;
}
export interface DigestData {
  date: CalendarDate;
  stats: DigestStats;
  villages: VillageDigestRow[];
  township: Record<TownshipStageKey, StageState>;
  /** set for an area leader's private digest of his villages */
  leader?: Person;
}

export interface ReminderMessage extends MessageBase {
  kind: 'reminder';
  villageId: string;
  stage: VillageStageKey;
  data: ReminderData;
}
export interface OverdueMessage extends MessageBase {
  kind: 'overdue';
  villageId: string;
  stage: StageKey;
  data: OverdueData;
}
export interface EscalationMessage extends MessageBase {
  kind: 'escalation';
  villageId: string;
  stage: StageKey;
  data: EscalationData;
}
export interface DigestMessage extends MessageBase {
  kind: 'digest';
  data: DigestData;
}
export type PlannedMessage = ReminderMessage | OverdueMessage | EscalationMessage | DigestMessage;

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
  /** per person, over included households that carry member data */
  batchesByPerson: Record<string, number>;
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
 * the per-helper limit is personal. A member without a classification of their own counts
 * under the household's batches (the household classification applies to every member).
 */
export function digestStats(villages: VillageProgress[], helperMaxHouseholds = 5): DigestStats {
  const s: DigestStats = {
    villages: villages.length,
    villageStagesDone: { qualification_review: 0, village_evaluation: 0 },
    households: 0, reviewed: 0, kept: 0, removed: 0, newlyIncluded: 0, openExclusionHits: 0,
    included: 0, withHelper: 0, withoutHelper: 0, helpers: 0, helpersOverLimit: [],
    classified: 0, unclassified: 0, batchesByHousehold: {}, batchesByPerson: {},
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
      for (const m of h.members) {
        s.personsCounted++;
        for (const b of new Set(m.batches.length > 0 ? m.batches : h.batches)) bump(s.batchesByPerson, b);
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

const mention = (p: Person): string => `<at user_id="${p.openId}">${p.name}</at>`;
const missingBlock = (missing: string[]): string =>
  missing.length === 0 ? '' : `\n尚缺：\n${missing.map((m, i) => `${i + 1}. ${m}`).join('\n')}`;
const namesOf = (people: Person[]): string => (people.length > 0 ? people.map((p) => p.name).join('、') : '未指定');

function stageState(done: boolean, today: CalendarDate, deadline: CalendarDate): StageState {
  if (done) return { state: 'done' };
  const left = daysBetween(today, deadline);
  return left >= 0 ? { state: 'open', daysLeft: left } : { state: 'overdue', daysLate: -left };
}

/** One open stage of a village (or of the township) as the alert builders need it. */
interface OpenStage {
  id: string;
  name: string;
  stage: StageKey;
  deadline: CalendarDate;
  missing: string[];
  people: Person[];
  villageChat: string | undefined;
}

const alertData = (o: OpenStage): StageAlertData => ({
  villageId: o.id,
  villageName: o.name,
  stage: o.stage,
  stageName: stageName(o.stage),
  deadline: o.deadline,
  missing: o.missing,
  responsible: o.people,
});

function reminder(
  o: OpenStage & { stage: VillageStageKey },
  chatId: string,
  today: CalendarDate,
  config: CampaignConfig,
  noticeStarted: boolean,
): ReminderMessage {
  const daysLeft = daysBetween(today, o.deadline);
  const data: ReminderData = { ...alertData(o), daysLeft };
  if (o.stage === 'village_evaluation' && !noticeStarted) data.latestNoticeStart = latestNoticeStart(o.deadline, config.noticeMinDays);
  const action =
    o.missing.length === 0 ? `各项条件已满足，请发送“完成 ${stageShortName(o.stage)}”确认。` : `完成后发送“完成 ${stageShortName(o.stage)}”。`;
  const who = o.people.length > 0 ? `请 ${o.people.map(mention).join(' ')} 抓紧办理，${action}` : `本村尚未指定责任人，请乡扶贫办指定。${action}`;
  const text = `【复核提醒】${o.name}「${stageName(o.stage)}」${deadlinePhrase(today, o.deadline)}。${missingBlock(o.missing)}\n${who}`;
  return { key: `reminder:${o.id}:${o.stage}:${today}`, kind: 'reminder', chatId, villageId: o.id, stage: o.stage, date: today, text, data };
}

function overdueFlags(o: OpenStage, today: CalendarDate, inspectors: string | undefined): OverdueMessage[] {
  const daysLate = daysBetween(o.deadline, today);
  const key = `overdue:${o.id}:${o.stage}:${today}`;
  const head = `「${stageName(o.stage)}」${deadlinePhrase(today, o.deadline)}`;
  const out: OverdueMessage[] = [];
  if (inspectors !== undefined) {
    const text = `【逾期通报】${o.name}${head}。责任人：${namesOf(o.people)}。${missingBlock(o.missing)}`;
    out.push({ key, kind: 'overdue', chatId: inspectors, villageId: o.id, stage: o.stage, date: today, text, data: { ...alertData(o), daysLate, audience: 'inspectors' } });
  }
  if (o.villageChat !== undefined) {
    const reported = inspectors !== undefined ? '，已通报乡纪委' : '';
    const who = o.people.length > 0 ? `请 ${o.people.map(mention).join(' ')} 立即办理` : '本村尚未指定责任人，请乡扶贫办指定';
    const text = `【逾期】${o.name}${head}${reported}。${missingBlock(o.missing)}\n${who}，完成后发送“完成 ${stageShortName(o.stage)}”。`;
    out.push({ key: `${key}:village`, kind: 'overdue', chatId: o.villageChat, villageId: o.id, stage: o.stage, date: today, text, data: { ...alertData(o), daysLate, audience: 'village' } });
  }
  return out;
}

function escalation(o: OpenStage, today: CalendarDate, ackDate: CalendarDate, dueDate: CalendarDate, chatId: string): EscalationMessage {
  const daysLate = daysBetween(o.deadline, today);
  const daysSinceAck = daysBetween(ackDate, today);
  const text = `【再次督办】${o.name}「${stageName(o.stage)}」${formatCn(ackDate)} 督办后 ${daysSinceAck} 天仍未完成，${deadlinePhrase(today, o.deadline)}。责任人：${namesOf(o.people)}。${missingBlock(o.missing)}`;
  return {
    key: `escalation:${o.id}:${o.stage}:${dueDate}`,
    kind: 'escalation',
    chatId,
    villageId: o.id,
    stage: o.stage,
    date: dueDate,
    text,
    data: { ...alertData(o), daysLate, ackDate, daysSinceAck },
  };
}

function digestText(
  today: CalendarDate,
  stats: DigestStats,
  rows: VillageDigestRow[],
  township: DigestData['township'],
  helperMax: number,
  leader?: Person,
): string {
  const stageLine = VILLAGE_STAGES.map((k) => `${stageShortName(k)} 完成 ${stats.villageStagesDone[k]}/${stats.villages} 村`).join('；');
  const late: string[] = [];
  for (const r of rows) {
    for (const k of VILLAGE_STAGES) {
      const st = r.stages[k];
      if (st.state === 'overdue') late.push(`${r.name} ${stageShortName(k)} 逾期 ${st.daysLate} 天`);
    }
  }
  const townshipLine = TOWNSHIP_STAGES.map((k) => {
    const st = township[k];
    return `${stageShortName(k)} ${st.state === 'done' ? '已完成' : st.state === 'overdue' ? `逾期 ${st.daysLate} 天` : '未完成'}`;
  }).join('；');
  const batches = (rec: Record<string, number>, unit: string): string =>
    Object.entries(rec).map(([k, n]) => `${BATCH_NAMES[k] ?? k} ${n} ${unit}`).join('、') || '无';
  const lines = [
    `【每日进度】${formatCn(today)} ${leader ? `${leader.name} 包片村` : ''}复核进度（${stats.villages} 个村）`,
    `村级：${stageLine}`,
    `乡级：${townshipLine}`,
    `逾期：${late.length > 0 ? late.join('；') : '无'}`,
    `农户：已复审 ${stats.reviewed} 户，保留 ${stats.kept} 户，清退 ${stats.removed} 户，新纳入 ${stats.newlyIncluded} 户；比对疑点待处理 ${stats.openExclusionHits} 条`,
    `帮扶：已落实 ${stats.withHelper}/${stats.included} 户，超过 ${helperMax} 户的帮扶人 ${stats.helpersOverLimit.length} 名；帮扶卡已回收 ${stats.helpCardsReturned}/${stats.included} 户`,
    `五个一批（到户）：${batches(stats.batchesByHousehold, '户')}`,
  ];
  if (stats.personsCounted > 0) lines.push(`五个一批（到人）：${batches(stats.batchesByPerson, '人')}`);
  const unbound = rows.filter((r) => !r.hasChat).map((r) => r.name);
  if (unbound.length > 0) lines.push(`未绑定工作群的村（收不到提醒）：${unbound.join('、')}`);
  return lines.join('\n');
}

/** Every message due at `now`: today's reminders, overdue flags and escalations after the
 * reminder time, and the digest after the digest time on campaign days. */
export function planJobs(input: PlanInput): PlannedMessage[] {
  const { now, config, villages, township, chats, responsible } = input;
  const due = jobsDue(config, now);
  const today = due.today;
  const alertsDue = due.alerts;
  const areaLeaders = (input.areaLeaders ?? []).filter((a) => a.villageIds.length > 0);
  const digestDue = due.digest && (chats.leaders !== undefined || areaLeaders.length > 0);
  const out: PlannedMessage[] = [];
  if (!alertsDue && !digestDue) return out;

  // Latest acknowledgement per village and stage; a later one restarts the escalation clock.
  const acks = new Map<string, CalendarDate>();
  for (const a of input.acknowledged) {
    const k = `${a.villageId}:${a.stage}`;
    const prev = acks.get(k);
    if (a.ackDate <= today && (prev === undefined || a.ackDate > prev)) acks.set(k, a.ackDate);
  }
  const escalationChat = chats.inspectors ?? chats.leaders;

  const lateAlerts = (o: OpenStage): void => {
    out.push(...overdueFlags(o, today, chats.inspectors));
    const ack = acks.get(`${o.id}:${o.stage}`);
    if (ack === undefined || escalationChat === undefined) return;
    const due = addDays(ack, config.escalateAfterDays);
    // From its due day on, with the same key, so a day missed while down is caught up.
    if (today >= due) out.push(escalation(o, today, ack, due, escalationChat));
  };

  if (alertsDue) {
    for (const v of villages) {
      const id = v.village.id;
      const villageChat = chats.villages[id];
      for (const stage of VILLAGE_STAGES) {
        if (v.stagesDone[stage]) continue;
        const deadline = config.deadlines[stage];
        const left = daysBetween(today, deadline);
        const remind = left >= 0 && config.reminderOffsets.includes(left);
        // Reminders need the village chat; an unbound village shows up in the digest instead.
        if (left >= 0 && (!remind || villageChat === undefined)) continue;
        const { missing } = villageStageConditions(stage, v, config, today);
        const o = { id, name: v.village.name, stage, deadline, missing, people: responsible[id] ?? [], villageChat };
        if (left >= 0 && villageChat !== undefined) out.push(reminder(o, villageChat, today, config, v.notice !== null));
        else lateAlerts(o);
      }
    }
    // The township stages are the office's own: they are only flagged once late.
    for (const stage of TOWNSHIP_STAGES) {
      const deadline = config.deadlines[stage];
      if (township.stagesDone[stage] || today <= deadline) continue;
      const { missing } = townshipStageConditions(stage, township);
      lateAlerts({ id: TOWNSHIP_ID, name: '乡级', stage, deadline, missing, people: responsible[TOWNSHIP_ID] ?? [], villageChat: undefined });
    }
  }

  if (digestDue) {
    const rows: VillageDigestRow[] = villages.map((v) => ({
      villageId: v.village.id,
      name: v.village.name,
      stages: {
        qualification_review: stageState(Boolean(v.stagesDone.qualification_review), today, config.deadlines.qualification_review),
        village_evaluation: stageState(Boolean(v.stagesDone.village_evaluation), today, config.deadlines.village_evaluation),
      },
      coverage: dutyCoverage(v),
      hasChat: chats.villages[v.village.id] !== undefined,
    }));
    const townshipStates = {
      township_review: stageState(Boolean(township.stagesDone.township_review), today, config.deadlines.township_review),
      county_report: stageState(Boolean(township.stagesDone.county_report), today, config.deadlines.county_report),
    };
    const stats = digestStats(villages, config.helperMaxHouseholds);
    if (chats.leaders !== undefined) {
      out.push({
        key: `digest:${TOWNSHIP_ID}::${today}`,
        kind: 'digest',
        chatId: chats.leaders,
        date: today,
        text: digestText(today, stats, rows, townshipStates, config.helperMaxHouseholds),
        data: { date: today, stats, villages: rows, township: townshipStates },
      });
    }
    // Each area leader privately, for his villages. The helper limit is personal, so helpers
    // over it are judged township-wide and listed when they serve one of his villages.
    for (const a of areaLeaders) {
      const ids = new Set(a.villageIds);
      const mine = villages.filter((v) => ids.has(v.village.id));
      if (mine.length === 0) continue;
      const myStats = digestStats(mine, config.helperMaxHouseholds);
      const myHelpers = new Set(mine.flatMap((v) => v.households.map((h) => h.helperId)));
      myStats.helpersOverLimit = stats.helpersOverLimit.filter((x) => myHelpers.has(x.helperId));
      const myRows = rows.filter((r) => ids.has(r.villageId));
      out.push({
        key: `digest:${TOWNSHIP_ID}::${today}:leader:${a.person.openId}`,
        kind: 'digest',
        chatId: a.person.openId,
        receiveIdType: 'open_id',
        date: today,
        text: digestText(today, myStats, myRows, townshipStates, config.helperMaxHouseholds, a.person),
        data: { date: today, stats: myStats, villages: myRows, township: townshipStates, leader: a.person },
      });
    }
  }
  return out;
}
