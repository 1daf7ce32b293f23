/**
 * The county report's data: the rows the store reads (src/store/report.ts) turned into plain
 * lines, one list per sheet (src/report/sheets/). No spreadsheet types here.
 */
import { BATCHES, batchCounts, sortBatches, type BatchKey } from '../core/batches';
import { cstDate, cstDateTime, daysBetween } from '../core/dates';
import type { CampaignConfig } from '../core/campaign';
import { EXCLUSION_NAMES, describeEvidence, type Exclusion, type HitEvidence } from '../core/exclusions';
import { HELP_CARD_STEP_SHORT } from '../core/duties';
import { statusName } from '../core/household-flow';
import { MEETING_NAMES, type MeetingKind } from '../core/meetings';
import { CATEGORY_NAMES, categoryOf, isIncludedStatus as isIncluded, type Category } from '../core/result';
import { DISABILITY, HEALTH, HOUSING, LABOR, RELATIONS, SCHOOLING, SKILL, WORK, YES_NO, ZONES, labelOf, labelOf as label, labelWithNote } from '../core/roster-values';
import type { Database } from '../store/database';
import { readCountyReportRows, type CountyReportRows, type ReportHousehold } from '../store/report';
import type { CountyReportSummary, HeadCount } from './service';
import { buildRecordLines, nameOf, type RecordLines } from './record';
import { accountabilityLines, inspectionLines, type AccountabilityLine, type InspectionLine } from './accountability';

const batchNames = (list: readonly string[]) => sortBatches(list).map((k) => BATCHES[k].name).join('、');

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
  /** 县批准: the date, as typed, and the document number */
  countyApproval: string;
  countyApprovalDoc: string;
  /** 低保 / 特困 (是/否, '' when not recorded), 人均纯收入 (元/年) */
  minimumLiving: string;
  extremePoverty: string;
  income: number | '';
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
  /** optional roster data: 在校情况, 技能 (+ which), 务工 (+ where) */
  schooling: string;
  skill: string;
  work: string;
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
  eligible: number | '';
  present: number | '';
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
  /** exit plans, visits, help cards, publicity, contacts, cross-check, votes, stages, the township-wide figures */
  record: RecordLines;
  /** 追责 after the close, with the committee's outcomes */
  accountability: AccountabilityLine[];
  /** 督查 (明察暗访) */
  inspections: InspectionLine[];
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
  const rows = await readCountyReportRows(d, townshipId);
  if (!rows) throw new Error(`没有代码为 ${townshipId} 的乡镇。`);
  return buildCountyReport(rows, now);
}

/** The report's lines from the rows the store read. */
export function buildCountyReport(rows: CountyReportRows, now: Date): CountyReport {
  const { township: t, outreach, villages: vs, households: hs, members: ms, people: ps, hits, meetings: mts, notices: ns, stages: sp, assignments: asg, objections: obj } = rows;

  const vName = new Map(vs.map((v) => [v.id, v.name]));
  const person = new Map(ps.map((p) => [p.id, p]));
  const nameByOpenId = new Map(ps.filter((p) => p.openId).map((p) => [p.openId!, p.name]));
  const membersOf = group(ms, (m) => m.householdId);
  const memberById = new Map(ms.map((m) => [m.id, m]));
  const hitsOf = group(hits.filter((x) => x.status === 'confirmed'), (h) => h.householdId);
  const assignmentOf = new Map(asg.map((a) => [a.householdId, a]));
  /** 帮扶卡 by its three steps (DESIGN §5): 已填写 <date>；已回收 <date>；已存档 <date>, or 未填写 */
  const helpCard = (h: ReportHousehold) => {
    const steps = (
      [
        [HELP_CARD_STEP_SHORT.filled, h.helpCardFilledAt],
        [HELP_CARD_STEP_SHORT.collected, h.helpCardReturnedAt],
        [HELP_CARD_STEP_SHORT.received, h.helpCardReceivedAt],
      ] as const
    )
      .filter(([, at]) => at !== null)
      .map(([l, at]) => `${l} ${cstDate(new Date(at!))}`);
    return steps.length ? steps.join('；') : HELP_CARD_STEP_SHORT.none;
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
      status: h.status === 'rejected' && h.rejection ? `未通过：${h.rejection}` : statusName(h.status, h.rejectedStep),
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
      decidedBy: [...new Set(hh.map((x) => nameOf(x.decidedBy)).filter(Boolean))].join('、'),
      decidedAt: [...new Set(hh.map((x) => cstDateTime(x.decidedAt)).filter(Boolean))].join('、'),
      countyApproval: h.countyApprovalDate ?? (h.status === 'county_approved' ? '（未登记日期）' : ''),
      countyApprovalDoc: h.countyApprovalDoc ?? '',
      minimumLiving: labelOf(YES_NO, h.minimumLiving),
      extremePoverty: labelOf(YES_NO, h.extremePoverty),
      income: h.incomePerCapita ?? '',
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
        schooling: label(SCHOOLING, m.schooling),
        skill: labelWithNote(SKILL, m.skill, m.skillNote),
        work: labelWithNote(WORK, m.work, m.workPlace),
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
      recordedBy: nameOf(m.recordedBy),
      recordedAt: cstDateTime(m.createdAt),
    };
  });

  // the township meeting (乡政府办公会审核, 乡会议 <日期>)
  if (t.townshipMeetingDate) {
    meetingLines.push({
      village: `${t.name}（乡级）`,
      kind: '乡政府办公会',
      date: t.townshipMeetingBackfilled ? `${t.townshipMeetingDate}（后补登记，${cstDate(new Date(t.townshipMeetingAt ?? 0))}登记）` : t.townshipMeetingDate,
      eligible: '',
      present: '',
      attendance: '',
      votesFor: '',
      votesAgainst: '',
      votesAbstain: '',
      absentees: '',
      firstSecretary: '',
      packageCadre: '',
      packageCadreSign: '',
      townshipSigners: '',
      valid: '已登记',
      evidenceCount: t.townshipMeetingEvidence.length,
      evidence: t.townshipMeetingEvidence.join('\n'),
      recordedBy: '',
      recordedAt: cstDateTime(t.townshipMeetingAt),
    });
  }

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
      startedBy: nameOf(n.startedBy),
    };
  });
  const noticeById = new Map(ns.map((n) => [n.id, n]));
  const objectionLines: ObjectionLine[] = obj.map((o) => ({
    scope: scope(noticeById.get(o.noticeId)!.villageId),
    no: o.no,
    household: o.household,
    content: o.content,
    raisedBy: nameOf(o.raisedBy),
    raisedAt: cstDateTime(o.raisedAt),
    state: o.resolvedAt !== null ? '已处理' : '未处理',
    resolution: o.resolution ?? '',
    resolvedBy: nameOf(o.resolvedBy),
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
  const count = (list: readonly ReportHousehold[], cat: Category) => {
    const of = list.filter((h) => categoryOf(h) === cat);
    return { households: of.length, persons: of.reduce((n, h) => n + (membersOf.get(h.id)?.length ?? 0), 0) };
  };
  const stageDate = (villageId: number, stage: string) => {
    const s = (spByV.get(villageId) ?? []).find((x) => x.stage === stage);
    if (!s) return '';
    return `${cstDate(new Date(s.doneAt))}${s.daysLate > 0 ? `（逾期 ${s.daysLate} 天）` : ''}`;
  };
  const batchOf = (name: string, list: readonly ReportHousehold[]): BatchLine => {
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
  const batchTotal = batchOf('合计', hs);
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
    batchTotal,
    summary,
    accountability: accountabilityLines(rows.accountability),
    inspections: inspectionLines(rows.inspections),
    record: buildRecordLines(rows, { now, household: (id) => lineById.get(id), batchTotal }),
  };
}

