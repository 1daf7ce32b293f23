/**
 * The township's review result for the county (上报县扶贫移民局): gathered from the store as plain
 * rows (gatherCountyReport), then written as an .xlsx workbook (writeCountyReport). The CLI
 * (`export report`, `archive`) and the chat (报表, on the Node server) use the same two functions.
 *
 * The workbook carries full ID numbers: it is for the county, never for a chat's text.
 * Node-only (exceljs): the Workers bundle must not import this module (see src/report/service.ts).
 */
import { readOutreach } from '../store/outreach';
import { and, eq, isNull } from 'drizzle-orm';
import {
  exclusionHits,
  helperAssignments,
  households,
  meetings,
  members,
  notices,
  objections,
  people,
  stageProgress,
  townships,
  villages,
} from '../../db/schema/index';
import type { Database } from '../store/database';
import { BATCHES, BATCH_KEYS, batchCounts, sortBatches, type BatchKey } from '../core/batches';
import { EXCLUSION_NAMES, describeEvidence, type Exclusion, type HitEvidence } from '../core/exclusions';
import { MEETING_NAMES, type MeetingKind } from '../core/meetings';
import { cstDate, daysBetween } from '../core/dates';
import type { CampaignConfig } from '../core/campaign';
import { DISABILITY, HEALTH, HOUSING, LABOR, RELATIONS, ZONES, labelOf as label } from '../core/roster-values';
import { col, sheet, writeWorkbook, type Column, type Sheet } from '../sheet/write';
import { countyReportFileName, type CountyReportFile, type CountyReportSummary, type HeadCount } from './service';

// ---------------------------------------------------------------------------
// Categories and labels

/** Where a household stands in this year's result. */
export type Category = 'kept' | 'removed' | 'new_pending' | 'new_awaiting' | 'new_approved' | 'rejected';

export const CATEGORY_NAMES: Record<Category, string> = {
  kept: '保留',
  removed: '清退',
  new_pending: '新申请·审核中',
  new_awaiting: '新纳入·待县审批',
  new_approved: '新纳入·县已批准',
  rejected: '申请未通过',
};

export const STATUS_NAMES: Record<string, string> = {
  applied: '已申请',
  qualified: '资格复审通过',
  assembly_passed: '村民大会表决通过',
  representatives_passed: '村民代表大会表决通过',
  rejected: '资格复审未通过',
  evaluated: '已评议',
  on_notice: '村级公示中',
  passed_notice: '村级公示期满',
  township_approved: '乡审核通过，待县审批',
  county_approved: '县已批准纳入',
  included: '在册',
  removed: '已清退',
};

export function categoryOf(h: { status: string; applicant: boolean }): Category {
  if (h.status === 'removed') return 'removed';
  if (!h.applicant) return 'kept';
  if (h.status === 'county_approved' || h.status === 'included') return 'new_approved';
  if (h.status === 'township_approved') return 'new_awaiting';
  if (h.status === 'rejected') return 'rejected';
  return 'new_pending';
}

/** Counted in the five batches, helper and help-card figures (DESIGN §2 duties). */
const isIncluded = (status: string) => status === 'included' || status === 'county_approved';

const batchNames = (list: readonly string[]) => sortBatches(list).map((k) => BATCHES[k].name).join('、');

/** 2026-12-20 09:30 (China Standard Time) */
export const cstDateTime = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '' : new Date(ms + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 16);

// ---------------------------------------------------------------------------
// Plain rows

export interface HouseholdLine {
  id: number;
  village: string;
  number: string;
  head: string;
  /** full ID number of the head ('' when the household has no member rows yet) */
  headIdCard: string;
  persons: number;
  /** entered through an application this campaign */
  applicant: boolean;
  category: Category;
  categoryName: string;
  status: string;
  povertyCause: string;
  housing: string;
  zone: string;
  /** five batches of the household, official names */
  batches: string;
  helper: string;
  helpCard: string;
  identificationOwner: string;
  phone: string;
  applicationNote: string;
  qualification: string;
  removalReason: string;
  /** confirmed exclusion hits (清退依据) */
  exclusions: string;
  departments: string;
  evidence: string;
  decidedBy: string;
  decidedAt: string;
}

export interface PersonLine {
  village: string;
  number: string;
  head: string;
  categoryName: string;
  name: string;
  relation: string;
  idCard: string;
  labour: string;
  health: string;
  disability: string;
  disabilityCert: string;
  /** 逐人分类: the person's own batches only (empty when the person is not classified on their own) */
  batches: string;
}

export interface VillageLine {
  village: string;
  poor: string;
  households: number;
  keptHouseholds: number;
  keptPersons: number;
  removedHouseholds: number;
  removedPersons: number;
  awaitingHouseholds: number;
  awaitingPersons: number;
  approvedHouseholds: number;
  approvedPersons: number;
  pendingHouseholds: number;
  rejectedHouseholds: number;
  includedHouseholds: number;
  includedPersons: number;
  withHelper: number;
  classified: number;
  helpCardsReturned: number;
  helpCardsFilled: number;
  helpCardsReceived: number;
  /** 政策宣讲: activities, people reached; all-away households and those contacted */
  publicityActivities: number;
  publicityReached: number;
  allAway: number;
  allAwayContacted: number;
  validMeetings: number;
  notice: string;
  objections: number;
  objectionsResolved: number;
  qualificationDone: string;
  evaluationDone: string;
}

export interface MeetingLine {
  village: string;
  kind: string;
  date: string;
  eligible: number;
  present: number;
  attendance: string;
  votesFor: number | '';
  votesAgainst: number | '';
  votesAbstain: number | '';
  absentees: string;
  firstSecretary: string;
  packageCadre: string;
  packageCadreSign: string;
  /** township cadres (besides the package cadre) who signed the two-committees minutes */
  townshipSigners: string;
  valid: string;
  evidenceCount: number;
  evidence: string;
  recordedBy: string;
  recordedAt: string;
}

export interface NoticeLine {
  scope: string;
  startDate: string;
  endDate: string;
  days: number;
  objections: number;
  resolved: number;
  startedBy: string;
}

export interface ObjectionLine {
  scope: string;
  no: number;
  household: string;
  content: string;
  raisedBy: string;
  raisedAt: string;
  state: string;
  resolution: string;
  resolvedBy: string;
  resolvedAt: string;
}

export interface HelperLine {
  helper: string;
  department: string;
  partyMember: string;
  /** current households of this helper (all villages) */
  load: number;
  village: string;
  number: string;
  head: string;
  categoryName: string;
  assignedAt: string;
  overrideReason: string;
  flag: string;
  helpCard: string;
}

export interface BatchLine {
  village: string;
  households: number;
  persons: number;
  classifiedHouseholds: number;
  byHousehold: Record<BatchKey, number>;
  /** 户内人口 */
  inHouseholds: Record<BatchKey, number>;
  /** 逐人分类 */
  individually: Record<BatchKey, number>;
}

export interface CountyReport {
  township: { id: string; name: string; county: string; year: number | null };
  generatedAt: Date;
  villages: VillageLine[];
  /** the 合计 row of the villages */
  total: VillageLine;
  households: HouseholdLine[];
  persons: PersonLine[];
  meetings: MeetingLine[];
  notices: NoticeLine[];
  objections: ObjectionLine[];
  helpers: HelperLine[];
  batches: BatchLine[];
  batchTotal: BatchLine;
  summary: CountyReportSummary;
}

// ---------------------------------------------------------------------------
// Gathering

const group = <T, K>(rows: readonly T[], key: (r: T) => K) => {
  const map = new Map<K, T[]>();
  for (const r of rows) {
    const list = map.get(key(r));
    if (list) list.push(r);
    else map.set(key(r), [r]);
  }
  return map;
};

/** Reads everything the county report shows, as plain rows (no spreadsheet types). */
export async function gatherCountyReport(d: Database, townshipId: string, now: Date): Promise<CountyReport> {
  const [t] = await d.db.select().from(townships).where(eq(townships.id, townshipId));
  if (!t) throw new Error(`没有代码为 ${townshipId} 的乡镇。`);
  const outreach = await readOutreach(d, townshipId);
  const [vs, hs, ms, ps, hits, mts, ns, sp, asg, obj] = await Promise.all([
    d.db.select().from(villages).where(eq(villages.townshipId, townshipId)).orderBy(villages.id),
    d.db.select().from(households).where(eq(households.townshipId, townshipId)).orderBy(households.villageId, households.number),
    d.db.select().from(members).where(eq(members.townshipId, townshipId)).orderBy(members.id),
    d.db.select().from(people).where(eq(people.townshipId, townshipId)),
    d.db.select().from(exclusionHits).where(and(eq(exclusionHits.townshipId, townshipId), eq(exclusionHits.status, 'confirmed'))).orderBy(exclusionHits.id),
    d.db.select().from(meetings).where(eq(meetings.townshipId, townshipId)).orderBy(meetings.villageId, meetings.date, meetings.id),
    d.db.select().from(notices).where(eq(notices.townshipId, townshipId)).orderBy(notices.villageId),
    d.db.select().from(stageProgress).where(eq(stageProgress.townshipId, townshipId)),
    d.db.select().from(helperAssignments).where(and(eq(helperAssignments.townshipId, townshipId), isNull(helperAssignments.endedAt))),
    // by the township's notices in one join (no list of notice ids: D1 binds at most 100 parameters)
    d.db
      .select({ o: objections })
      .from(objections)
      .innerJoin(notices, eq(notices.id, objections.noticeId))
      .where(eq(notices.townshipId, townshipId))
      .orderBy(objections.noticeId, objections.no)
      .then((rows) => rows.map((r) => r.o)),
  ]);

  const vName = new Map(vs.map((v) => [v.id, v.name]));
  const person = new Map(ps.map((p) => [p.id, p]));
  const nameByOpenId = new Map(ps.filter((p) => p.openId).map((p) => [p.openId!, p.name]));
  const membersOf = group(ms, (m) => m.householdId);
  const memberById = new Map(ms.map((m) => [m.id, m]));
  const hitsOf = group(hits, (h) => h.householdId);
  const assignmentOf = new Map(asg.map((a) => [a.householdId, a]));
  /** 帮扶卡 by its three steps (DESIGN §5): 已填写 <date>；已回收 <date>；已存档 <date>, or 未填写 */
  const helpCard = (h: (typeof hs)[number]) => {
    const steps = (
      [
        ['已填写', h.helpCardFilledAt],
        ['已回收', h.helpCardReturnedAt],
        ['已存档', h.helpCardReceivedAt],
      ] as const
    )
      .filter(([, at]) => at !== null)
      .map(([l, at]) => `${l} ${cstDate(new Date(at!))}`);
    return steps.length ? steps.join('；') : '未填写';
  };

  // households
  const lines: HouseholdLine[] = hs.map((h) => {
    const mem = membersOf.get(h.id) ?? [];
    const head = mem.find((m) => m.relation === 'head') ?? mem.find((m) => m.name === h.headName);
    const category = categoryOf(h);
    const hh = hitsOf.get(h.id) ?? [];
    const helper = h.helperId !== null ? person.get(h.helperId) : undefined;
    return {
      id: h.id,
      village: vName.get(h.villageId) ?? '',
      number: h.number,
      head: h.headName,
      headIdCard: head?.idCard ?? '',
      persons: mem.length,
      applicant: h.applicant,
      category,
      categoryName: CATEGORY_NAMES[category],
      status: h.status === 'rejected' && h.rejection ? `未通过：${h.rejection}` : (STATUS_NAMES[h.status] ?? h.status),
      povertyCause: h.povertyCause ?? '',
      housing: label(HOUSING, h.housing),
      zone: label(ZONES, h.zone),
      batches: batchNames(h.batches),
      helper: helper ? `${helper.name}${helper.department ? `（${helper.department}）` : ''}` : '',
      helpCard: isIncluded(h.status) ? helpCard(h) : '',
      identificationOwner: h.identificationOwner ?? '',
      phone: h.phone ?? '',
      applicationNote: h.applicationNote ?? '',
      qualification: h.qualification === 'pass' ? '通过' : h.qualification === 'fail' ? `不通过（${h.qualificationReason ?? ''}）` : '',
      removalReason: h.status === 'removed' ? (h.removalReason ?? (hh.length ? '' : '花名册导入时已为清退状态')) : '',
      exclusions: [...new Set(hh.map((x) => EXCLUSION_NAMES[x.exclusion as Exclusion] ?? x.exclusion))].join('、'),
      departments: [...new Set(hh.map((x) => x.department))].join('、'),
      evidence: hh
        .map((x) => {
          const m = memberById.get(x.memberId);
          const ev = x.evidence ? describeEvidence(x.department, x.evidence as HitEvidence) : x.evidenceKey;
          return `线索#${x.id}${m ? ` ${m.name}` : ''}：${ev}${x.reason ? `；确认理由：${x.reason}` : ''}`;
        })
        .join('\n'),
      decidedBy: [...new Set(hh.map((x) => x.decidedBy).filter(Boolean))].join('、'),
      decidedAt: [...new Set(hh.map((x) => cstDateTime(x.decidedAt)).filter(Boolean))].join('、'),
    };
  });
  const lineById = new Map(lines.map((l) => [l.id, l]));

  // persons
  const personLines: PersonLine[] = [];
  for (const h of hs) {
    const l = lineById.get(h.id)!;
    for (const m of membersOf.get(h.id) ?? []) {
      const own = sortBatches(m.batches);
      personLines.push({
        village: l.village,
        number: h.number,
        head: h.headName,
        categoryName: l.categoryName,
        name: m.name,
        relation: label(RELATIONS, m.relation),
        idCard: m.idCard,
        labour: label(LABOR, m.labour),
        health: label(HEALTH, m.health),
        disability: label(DISABILITY, m.disability),
        disabilityCert: m.disabilityCert ?? '',
        batches: own.length ? batchNames(own) : '',
      });
    }
  }

  // meetings
  const who = (openId: string | undefined) => (openId ? (nameByOpenId.get(openId) ?? openId) : '');
  const meetingLines: MeetingLine[] = mts.map((m) => {
    const votes = (m.votes ?? null) as { for?: number; against?: number; abstain?: number } | null;
    const c = m.confirmations ?? {};
    return {
      village: vName.get(m.villageId) ?? '',
      kind: MEETING_NAMES[m.kind as MeetingKind] ?? m.kind,
      // 后补登记: entered more than backfillDays after it was held (DESIGN §3.4)
      date: m.backfilled ? `${m.date}（后补登记，${cstDate(new Date(m.createdAt))}登记）` : m.date,
      eligible: m.eligible,
      present: m.present,
      attendance: m.eligible > 0 ? `${Math.round((m.present / m.eligible) * 1000) / 10}%` : '',
      votesFor: typeof votes?.for === 'number' ? votes.for : '',
      votesAgainst: typeof votes?.against === 'number' ? votes.against : '',
      votesAbstain: typeof votes?.abstain === 'number' ? votes.abstain : '',
      absentees: m.absenteeOpinions ?? '',
      firstSecretary: who(c.first_secretary),
      packageCadre: who(c.package_cadre),
      packageCadreSign: who(c.package_cadre_sign),
      townshipSigners: Object.entries(c)
        .filter(([k]) => k.startsWith('township_sign:'))
        .map(([, name]) => name)
        .join('、'),
      valid: m.valid ? '有效' : '未生效（待确认）',
      evidenceCount: m.evidence.length,
      evidence: m.evidence.join('\n'),
      recordedBy: m.recordedBy,
      recordedAt: cstDateTime(m.createdAt),
    };
  });

  // notices and objections
  const scope = (villageId: number) => (villageId === 0 ? `${t.name}（乡级）` : (vName.get(villageId) ?? String(villageId)));
  const objOf = group(obj, (o) => o.noticeId);
  const noticeLines: NoticeLine[] = ns.map((n) => {
    const list = objOf.get(n.id) ?? [];
    return {
      scope: scope(n.villageId),
      startDate: n.startDate,
      endDate: n.endDate,
      days: daysBetween(n.startDate, n.endDate) + 1,
      objections: list.length,
      resolved: list.filter((o) => o.resolvedAt !== null).length,
      startedBy: n.startedBy,
    };
  });
  const noticeById = new Map(ns.map((n) => [n.id, n]));
  const objectionLines: ObjectionLine[] = obj.map((o) => ({
    scope: scope(noticeById.get(o.noticeId)!.villageId),
    no: o.no,
    household: o.household,
    content: o.content,
    raisedBy: o.raisedBy,
    raisedAt: cstDateTime(o.raisedAt),
    state: o.resolvedAt !== null ? '已处理' : '未处理',
    resolution: o.resolution ?? '',
    resolvedBy: o.resolvedBy ?? '',
    resolvedAt: cstDateTime(o.resolvedAt),
  }));

  // helpers: every current assignment (households.helperId), then included households without one
  const withHelper = hs.filter((h) => h.helperId !== null && h.status !== 'removed' && h.status !== 'rejected');
  const load = new Map<number, number>();
  for (const h of withHelper) if (isIncluded(h.status)) load.set(h.helperId!, (load.get(h.helperId!) ?? 0) + 1);
  const helperLines: HelperLine[] = withHelper
    .map((h) => {
      const p = person.get(h.helperId!);
      const a = assignmentOf.get(h.id);
      const l = lineById.get(h.id)!;
      return {
        helper: p?.name ?? `#${h.helperId}`,
        department: p?.department ?? '',
        partyMember: p?.partyMember ? '是' : '否',
        load: load.get(h.helperId!) ?? 0,
        village: l.village,
        number: h.number,
        head: h.headName,
        categoryName: l.categoryName,
        assignedAt: a ? cstDate(new Date(a.assignedAt)) : '',
        overrideReason: a?.overrideReason ?? '',
        flag: a?.flag ?? '',
        helpCard: helpCard(h),
      };
    })
    .sort((a, b) => a.helper.localeCompare(b.helper, 'zh-CN') || a.village.localeCompare(b.village, 'zh-CN') || a.number.localeCompare(b.number));
  for (const h of hs) {
    if (!isIncluded(h.status) || h.helperId !== null) continue;
    const l = lineById.get(h.id)!;
    helperLines.push({
      helper: '（未安排）',
      department: '',
      partyMember: '',
      load: 0,
      village: l.village,
      number: h.number,
      head: h.headName,
      categoryName: l.categoryName,
      assignedAt: '',
      overrideReason: '',
      flag: '',
      helpCard: helpCard(h),
    });
  }

  // per village
  const hsByV = group(hs, (h) => h.villageId);
  const mtsByV = group(mts, (m) => m.villageId);
  const noticeByV = new Map(ns.map((n) => [n.villageId, n]));
  const spByV = group(sp, (s) => s.villageId);
  const count = (list: typeof hs, cat: Category) => {
    const of = list.filter((h) => categoryOf(h) === cat);
    return { households: of.length, persons: of.reduce((n, h) => n + (membersOf.get(h.id)?.length ?? 0), 0) };
  };
  const stageDate = (villageId: number, stage: string) => {
    const s = (spByV.get(villageId) ?? []).find((x) => x.stage === stage);
    if (!s) return '';
    return `${cstDate(new Date(s.doneAt))}${s.daysLate > 0 ? `（逾期 ${s.daysLate} 天）` : ''}`;
  };
  const batchOf = (name: string, list: typeof hs): BatchLine => {
    const included = list.filter((h) => isIncluded(h.status));
    const c = batchCounts(included.map((h) => ({ batches: h.batches, members: membersOf.get(h.id) ?? [] })));
    return { village: name, households: c.households, persons: c.persons, classifiedHouseholds: c.classifiedHouseholds, byHousehold: c.byHousehold, inHouseholds: c.inHouseholds, individually: c.individually };
  };

  const villageLines: VillageLine[] = vs.map((v) => {
    const list = hsByV.get(v.id) ?? [];
    const kept = count(list, 'kept');
    const removed = count(list, 'removed');
    const awaiting = count(list, 'new_awaiting');
    const approved = count(list, 'new_approved');
    const included = list.filter((h) => isIncluded(h.status));
    const n = noticeByV.get(v.id);
    const no = n ? (objOf.get(n.id) ?? []) : [];
    return {
      village: v.name,
      poor: v.poor ? '是' : '否',
      households: list.length,
      keptHouseholds: kept.households,
      keptPersons: kept.persons,
      removedHouseholds: removed.households,
      removedPersons: removed.persons,
      awaitingHouseholds: awaiting.households,
      awaitingPersons: awaiting.persons,
      approvedHouseholds: approved.households,
      approvedPersons: approved.persons,
      pendingHouseholds: count(list, 'new_pending').households,
      rejectedHouseholds: count(list, 'rejected').households,
      includedHouseholds: included.length,
      includedPersons: included.reduce((s, h) => s + (membersOf.get(h.id)?.length ?? 0), 0),
      withHelper: included.filter((h) => h.helperId !== null).length,
      classified: included.filter((h) => h.batches.length > 0).length,
      helpCardsReturned: included.filter((h) => h.helpCardReturnedAt !== null).length,
      helpCardsFilled: included.filter((h) => h.helpCardFilledAt !== null).length,
      helpCardsReceived: included.filter((h) => h.helpCardReceivedAt !== null).length,
      publicityActivities: Object.values(outreach[String(v.id)]?.byMethod ?? {}).reduce((s, m) => s + m.activities, 0),
      publicityReached: Object.values(outreach[String(v.id)]?.byMethod ?? {}).reduce((s, m) => s + m.reached, 0),
      allAway: outreach[String(v.id)]?.away ?? 0,
      allAwayContacted: outreach[String(v.id)]?.contacted ?? 0,
      validMeetings: (mtsByV.get(v.id) ?? []).filter((m) => m.valid).length,
      notice: n ? `${n.startDate} 至 ${n.endDate}${n.backfilled ? `（后补登记，${cstDate(new Date(n.createdAt))}登记）` : ''}` : '未公示',
      objections: no.length,
      objectionsResolved: no.filter((o) => o.resolvedAt !== null).length,
      qualificationDone: stageDate(v.id, 'qualification_review'),
      evaluationDone: stageDate(v.id, 'village_evaluation'),
    };
  });
  const sum = (k: keyof VillageLine) => villageLines.reduce((s, v) => s + (v[k] as number), 0);
  const total: VillageLine = {
    village: '合计',
    poor: `${villageLines.filter((v) => v.poor === '是').length} 个贫困村`,
    households: sum('households'),
    keptHouseholds: sum('keptHouseholds'),
    keptPersons: sum('keptPersons'),
    removedHouseholds: sum('removedHouseholds'),
    removedPersons: sum('removedPersons'),
    awaitingHouseholds: sum('awaitingHouseholds'),
    awaitingPersons: sum('awaitingPersons'),
    approvedHouseholds: sum('approvedHouseholds'),
    approvedPersons: sum('approvedPersons'),
    pendingHouseholds: sum('pendingHouseholds'),
    rejectedHouseholds: sum('rejectedHouseholds'),
    includedHouseholds: sum('includedHouseholds'),
    includedPersons: sum('includedPersons'),
    withHelper: sum('withHelper'),
    classified: sum('classified'),
    helpCardsReturned: sum('helpCardsReturned'),
    helpCardsFilled: sum('helpCardsFilled'),
    helpCardsReceived: sum('helpCardsReceived'),
    publicityActivities: sum('publicityActivities'),
    publicityReached: sum('publicityReached'),
    allAway: sum('allAway'),
    allAwayContacted: sum('allAwayContacted'),
    validMeetings: sum('validMeetings'),
    notice: noticeByV.get(0) ? `乡级 ${noticeByV.get(0)!.startDate} 至 ${noticeByV.get(0)!.endDate}` : '',
    objections: sum('objections'),
    objectionsResolved: sum('objectionsResolved'),
    qualificationDone: `${villageLines.filter((v) => v.qualificationDone).length}/${vs.length} 村完成`,
    evaluationDone: `${villageLines.filter((v) => v.evaluationDone).length}/${vs.length} 村完成`,
  };

  const all = count(hs, 'kept');
  const hc = (c: { households: number; persons: number }): HeadCount => ({ households: c.households, persons: c.persons });
  const summary: CountyReportSummary = {
    kept: hc(all),
    removed: hc(count(hs, 'removed')),
    awaitingCounty: hc(count(hs, 'new_awaiting')),
    countyApproved: hc(count(hs, 'new_approved')),
    pending: hc(count(hs, 'new_pending')),
    rejected: hc(count(hs, 'rejected')),
    villages: vs.length,
    meetings: mts.length,
    objections: obj.length,
    helpers: new Set(withHelper.map((h) => h.helperId)).size,
  };

  const campaign = t.campaign as Partial<CampaignConfig> | null;
  return {
    township: { id: t.id, name: t.name, county: t.county, year: typeof campaign?.year === 'number' ? campaign.year : null },
    generatedAt: now,
    villages: villageLines,
    total,
    households: lines,
    persons: personLines,
    meetings: meetingLines,
    notices: noticeLines,
    objections: objectionLines,
    helpers: helperLines,
    batches: vs.map((v) => batchOf(v.name, hsByV.get(v.id) ?? [])),
    batchTotal: batchOf('合计', hs),
    summary,
  };
}

// ---------------------------------------------------------------------------
// The workbook

// the layout of every sheet (title, headers, widths, frozen rows, text columns): src/sheet/write.ts

/** The sheets in order, with their headers: the county's template and the tests rely on them. */
export const SHEETS = {
  summary: '汇总',
  kept: '保留户',
  removed: '清退户',
  added: '新纳入户',
  rejected: '申请未通过',
  persons: '人员明细',
  meetings: '会议记录',
  notices: '公示',
  objections: '公示异议',
  helpers: '帮扶责任人',
  batches: '五个一批统计',
} as const;

const householdBase: Column<HouseholdLine>[] = [
  col('村', 10, (r) => r.village),
  col('户编号', 14, (r) => r.number, { text: true }),
  col('户主姓名', 10, (r) => r.head),
  col('户主身份证号', 21, (r) => r.headIdCard, { text: true }),
  col('家庭人口', 10, (r) => r.persons),
];

// biome-ignore lint/suspicious/noExplicitAny: one list holds sheets of different row types
type AnySheet = Sheet<any>;

/** The sheets of the county report, in order. */
export function countySheets(r: CountyReport): AnySheet[] {
  const t = r.township;
  const year = t.year ? `${t.year}年度` : '';
  const when = cstDateTime(r.generatedAt.getTime());
  const out: AnySheet[] = [];
  const title = (what: string) => `${t.county}${t.name}${year}建档立卡扶贫对象复核 — ${what}（导出 ${when}）`;

  out.push(sheet<VillageLine>(
    SHEETS.summary,
    title('分村汇总（报县扶贫移民局）'),
    [
      col('村', 10, (v) => v.village),
      col('贫困村', 8, (v) => v.poor),
      col('复核户数', 10, (v) => v.households),
      col('保留户数', 10, (v) => v.keptHouseholds),
      col('保留人数', 10, (v) => v.keptPersons),
      col('清退户数', 10, (v) => v.removedHouseholds),
      col('清退人数', 10, (v) => v.removedPersons),
      col('新纳入待县审批户数', 11, (v) => v.awaitingHouseholds),
      col('新纳入待县审批人数', 11, (v) => v.awaitingPersons),
      col('新纳入县已批准户数', 11, (v) => v.approvedHouseholds),
      col('新纳入县已批准人数', 11, (v) => v.approvedPersons),
      col('申请审核中户数', 10, (v) => v.pendingHouseholds),
      col('申请未通过户数', 10, (v) => v.rejectedHouseholds),
      col('现纳入户数', 10, (v) => v.includedHouseholds),
      col('现纳入人数', 10, (v) => v.includedPersons),
      col('已落实帮扶户数', 10, (v) => v.withHelper),
      col('五个一批已分类户数', 11, (v) => v.classified),
      col('帮扶卡已填写户数', 10, (v) => v.helpCardsFilled),
      col('帮扶卡已回收户数', 10, (v) => v.helpCardsReturned),
      col('帮扶卡已存档户数', 10, (v) => v.helpCardsReceived),
      col('政策宣讲次数', 10, (v) => v.publicityActivities),
      col('宣讲覆盖人数', 10, (v) => v.publicityReached),
      col('全家外出户数', 10, (v) => v.allAway),
      col('全家外出已联系户数', 11, (v) => v.allAwayContacted),
      col('有效会议数', 10, (v) => v.validMeetings),
      col('公示期', 24, (v) => v.notice),
      col('公示异议', 10, (v) => v.objections),
      col('异议已处理', 10, (v) => v.objectionsResolved),
      col('资格复审完成', 12, (v) => v.qualificationDone),
      col('评议公示完成', 12, (v) => v.evaluationDone),
    ],
    r.villages,
    r.total,
  ));

  const by = (c: Category | Category[]) => r.households.filter((h) => (Array.isArray(c) ? c.includes(h.category) : h.category === c));
  out.push(sheet<HouseholdLine>(
    SHEETS.kept,
    title('保留户'),
    [
      ...householdBase,
      col('致贫原因', 14, (h) => h.povertyCause),
      col('住房情况', 10, (h) => h.housing),
      col('所在区域', 10, (h) => h.zone),
      col('五个一批（到户）', 36, (h) => h.batches, { wrap: true }),
      col('帮扶责任人', 18, (h) => h.helper),
      col('帮扶卡', 40, (h) => h.helpCard),
      col('识别责任人', 10, (h) => h.identificationOwner),
      col('联系电话', 14, (h) => h.phone, { text: true }),
    ],
    by('kept'),
  ));
  out.push(sheet<HouseholdLine>(
    SHEETS.removed,
    title('清退户'),
    [
      ...householdBase,
      col('原身份', 8, (h) => (h.applicant ? '申请户' : '在册户')),
      col('清退原因', 40, (h) => h.removalReason, { wrap: true }),
      col('六个不纳入', 22, (h) => h.exclusions, { wrap: true }),
      col('比对部门', 12, (h) => h.departments),
      col('比对证据', 60, (h) => h.evidence, { wrap: true }),
      col('确认人', 10, (h) => h.decidedBy),
      col('确认时间', 17, (h) => h.decidedAt),
      col('识别责任人', 10, (h) => h.identificationOwner),
    ],
    by('removed'),
  ));
  out.push(sheet<HouseholdLine>(
    SHEETS.added,
    title('新纳入户（含待县审批）'),
    [
      ...householdBase,
      col('类别', 16, (h) => h.categoryName),
      col('当前环节', 20, (h) => h.status),
      col('申请说明', 30, (h) => h.applicationNote, { wrap: true }),
      col('资格复审', 16, (h) => h.qualification),
      col('五个一批（到户）', 36, (h) => h.batches, { wrap: true }),
      col('帮扶责任人', 18, (h) => h.helper),
      col('识别责任人', 10, (h) => h.identificationOwner),
    ],
    by(['new_awaiting', 'new_approved', 'new_pending']).sort((a, b) => a.category.localeCompare(b.category) || a.village.localeCompare(b.village, 'zh-CN')),
  ));
  out.push(sheet<HouseholdLine>(
    SHEETS.rejected,
    title('申请未通过'),
    [...householdBase, col('申请说明', 30, (h) => h.applicationNote, { wrap: true }), col('资格复审结论', 40, (h) => h.qualification, { wrap: true })],
    by('rejected'),
  ));
  out.push(sheet<PersonLine>(
    SHEETS.persons,
    title('人员明细（统计到人）'),
    [
      col('村', 10, (p) => p.village),
      col('户编号', 14, (p) => p.number, { text: true }),
      col('户主姓名', 10, (p) => p.head),
      col('类别', 16, (p) => p.categoryName),
      col('姓名', 10, (p) => p.name),
      col('与户主关系', 11, (p) => p.relation),
      col('身份证号', 21, (p) => p.idCard, { text: true }),
      col('劳动能力', 10, (p) => p.labour),
      col('健康状况', 11, (p) => p.health),
      col('残疾情况', 10, (p) => p.disability),
      col('残疾证号', 22, (p) => p.disabilityCert, { text: true }),
      col('五个一批（逐人分类）', 36, (p) => p.batches, { wrap: true }),
    ],
    r.persons,
  ));
  out.push(sheet<MeetingLine>(
    SHEETS.meetings,
    title('村级评议会议'),
    [
      col('村', 10, (m) => m.village),
      col('会议', 13, (m) => m.kind),
      col('日期', 11, (m) => m.date),
      col('应到人数', 10, (m) => m.eligible),
      col('实到人数', 10, (m) => m.present),
      col('到会率', 8, (m) => m.attendance),
      col('同意', 7, (m) => m.votesFor),
      col('反对', 7, (m) => m.votesAgainst),
      col('弃权', 7, (m) => m.votesAbstain),
      col('缺席人员意见', 24, (m) => m.absentees, { wrap: true }),
      col('第一书记到场确认', 12, (m) => m.firstSecretary),
      col('驻村干部到场确认', 12, (m) => m.packageCadre),
      col('驻村干部签署意见', 12, (m) => m.packageCadreSign),
      col('乡干部签署意见', 16, (m) => m.townshipSigners),
      col('是否有效', 14, (m) => m.valid),
      col('佐证份数', 8, (m) => m.evidenceCount),
      col('佐证', 30, (m) => m.evidence, { wrap: true }),
      col('登记人', 10, (m) => m.recordedBy),
      col('登记时间', 17, (m) => m.recordedAt),
    ],
    r.meetings,
  ));
  out.push(sheet<NoticeLine>(
    SHEETS.notices,
    title('公示'),
    [
      col('公示范围', 16, (n) => n.scope),
      col('开始日期', 11, (n) => n.startDate),
      col('期满日期', 11, (n) => n.endDate),
      col('公示天数', 10, (n) => n.days),
      col('异议条数', 10, (n) => n.objections),
      col('已处理', 8, (n) => n.resolved),
      col('发起人', 10, (n) => n.startedBy),
    ],
    r.notices,
  ));
  out.push(sheet<ObjectionLine>(
    SHEETS.objections,
    title('公示异议及处理'),
    [
      col('公示范围', 16, (o) => o.scope),
      col('编号', 6, (o) => o.no),
      col('涉及户', 16, (o) => o.household),
      col('异议内容', 36, (o) => o.content, { wrap: true }),
      col('登记人', 10, (o) => o.raisedBy),
      col('登记时间', 17, (o) => o.raisedAt),
      col('状态', 8, (o) => o.state),
      col('处理结果', 36, (o) => o.resolution, { wrap: true }),
      col('处理人', 10, (o) => o.resolvedBy),
      col('处理时间', 17, (o) => o.resolvedAt),
    ],
    r.objections,
  ));
  out.push(sheet<HelperLine>(
    SHEETS.helpers,
    title('帮扶责任人及帮扶户'),
    [
      col('帮扶责任人', 12, (x) => x.helper),
      col('单位', 20, (x) => x.department),
      col('党员', 6, (x) => x.partyMember),
      col('帮扶户数', 10, (x) => x.load),
      col('村', 10, (x) => x.village),
      col('户编号', 14, (x) => x.number, { text: true }),
      col('户主姓名', 10, (x) => x.head),
      col('类别', 16, (x) => x.categoryName),
      col('安排日期', 11, (x) => x.assignedAt),
      col('超限理由', 24, (x) => x.overrideReason, { wrap: true }),
      col('标记', 24, (x) => x.flag, { wrap: true }),
      col('帮扶卡', 40, (x) => x.helpCard),
    ],
    r.helpers,
  ));
  out.push(sheet<BatchLine>(
    SHEETS.batches,
    title('五个一批分类统计（到户到人）'),
    [
      col('村', 10, (b) => b.village),
      col('纳入户数', 10, (b) => b.households),
      col('纳入人数', 10, (b) => b.persons),
      col('已分类户数', 10, (b) => b.classifiedHouseholds),
      ...BATCH_KEYS.flatMap((k) => [
        col<BatchLine>(`${BATCHES[k].name}（户数）`, 14, (b) => b.byHousehold[k]),
        col<BatchLine>(`${BATCHES[k].name}（户内人口）`, 16, (b) => b.inHouseholds[k]),
        col<BatchLine>(`${BATCHES[k].name}（逐人分类）`, 16, (b) => b.individually[k]),
      ]),
    ],
    r.batches,
    r.batchTotal,
  ));
  return out;
}

/** The workbook's bytes. */
export async function writeCountyReport(r: CountyReport): Promise<Uint8Array> {
  return writeWorkbook(countySheets(r), { created: r.generatedAt });
}

/** Gathers and writes in one go: what the chat command and the CLI hand out. */
export async function countyReportFile(d: Database, townshipId: string, now: Date): Promise<CountyReportFile & { report: CountyReport }> {
  const report = await gatherCountyReport(d, townshipId, now);
  const bytes = await writeCountyReport(report);
  return { fileName: countyReportFileName(report.township.name, cstDate(now)), bytes, summary: report.summary, report };
}
