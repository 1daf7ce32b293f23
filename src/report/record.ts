/**
 * The rest of the township's record in the county report (DESIGN §2–§5): exit plans, helper
 * visits, help cards by step, publicity by method, contacts with all-away households, the
 * cross-check's coverage and every hit with its decision, per-applicant votes, stages with
 * their deadlines and lateness, and the township-wide 汇总. Plain lines from the store's rows.
 */
import { BATCHES, BATCH_FIGURES, BATCH_KEYS, type BatchKey } from '../core/batches';
import { STAGES, STAGE_KEYS, isVillageStage, type CampaignConfig, type StageKey } from '../core/campaign';
import { cstDate, cstDateTime } from '../core/dates';
import { HELP_CARD_STEP_NAMES, HELP_CARD_STEP_SHORT, type HelpCardStep } from '../core/duties';
import { DEPARTMENTS, EXCLUSIONS, EXCLUSION_NAMES, ROSTER_SOURCE, describeEvidence, type Exclusion, type HitEvidence } from '../core/exclusions';
import { maskIdCard } from '../core/idcard';
import { MEETING_NAMES, householdVotes, type MeetingKind } from '../core/meetings';
import { CATEGORIES, CATEGORY_NAMES, categoryOf, isIncludedStatus } from '../core/result';
import type { CountyReportRows, ReportHousehold } from '../store/report';

export interface ExitPlanLine {
  village: string;
  number: string;
  head: string;
  categoryName: string;
  helper: string;
  state: string;
  measures: string;
  owner: string;
  startDate: string;
  endDate: string;
  updatedBy: string;
  updatedAt: string;
}

export interface VisitLine {
  helper: string;
  village: string;
  number: string;
  head: string;
  date: string;
  content: string;
  evidenceCount: number;
  evidence: string;
  recordedAt: string;
}

export interface HelpCardLine {
  village: string;
  number: string;
  head: string;
  categoryName: string;
  helper: string;
  step: HelpCardStep;
  stepName: string;
  filledBy: string;
  filledAt: string;
  returnedBy: string;
  returnedAt: string;
  receivedBy: string;
  receivedAt: string;
  situation: string;
  causes: string;
  measures: string;
  contact: string;
  photos: number;
}

export interface PublicityLine {
  village: string;
  method: string;
  activities: number;
  reached: number;
  first: string;
  last: string;
}

export interface ContactLine {
  village: string;
  number: string;
  head: string;
  categoryName: string;
  state: string;
  contacts: number;
  last: string;
  details: string;
}

export interface CoverageLine {
  department: string;
  state: string;
  fileName: string;
  rows: number | '';
  importedAt: string;
  importedBy: string;
  imports: number;
  /** the cross-check ran after this list was imported */
  checked: string;
  hits: number;
  confirmed: number;
  dismissed: number;
  open: number;
}

export interface HitLine {
  id: number;
  village: string;
  number: string;
  head: string;
  member: string;
  /** masked: first 6 + last 4 */
  memberIdCard: string;
  exclusion: string;
  department: string;
  evidence: string;
  state: string;
  reason: string;
  decidedBy: string;
  decidedAt: string;
  foundAt: string;
}

export interface VoteLine {
  village: string;
  meeting: string;
  date: string;
  number: string;
  head: string;
  present: number;
  votesFor: number;
  votesAgainst: number;
  votesAbstain: number | '';
  result: string;
  objection: string;
}

export interface StageLine {
  scope: string;
  stage: string;
  deadline: string;
  doneAt: string;
  doneBy: string;
  /** 0: on time, or not yet due */
  daysLate: number;
  state: string;
}

/** One figure of the township-wide 汇总: its group, what it counts, the number and its unit. */
export interface FigureLine {
  group: string;
  item: string;
  value: number;
  unit: string;
  note: string;
}

export interface RecordLines {
  exitPlans: ExitPlanLine[];
  visits: VisitLine[];
  helpCards: HelpCardLine[];
  publicity: PublicityLine[];
  publicityTotal: PublicityLine;
  contacts: ContactLine[];
  coverage: CoverageLine[];
  coverageTotal: CoverageLine;
  hits: HitLine[];
  votes: VoteLine[];
  stages: StageLine[];
  figures: FigureLine[];
}

const HIT_STATE: Record<string, string> = { open: '待核实', confirmed: '已确认（清退）', dismissed: '已排除' };

const group = <T, K>(rows: readonly T[], key: (r: T) => K) => {
  const map = new Map<K, T[]>();
  for (const r of rows) {
    const list = map.get(key(r));
    if (list) list.push(r);
    else map.set(key(r), [r]);
  }
  return map;
};

/** A person as rows record them — a name, or `name(open_id)` (actorLabel) — shown by the name only. */
export const nameOf = (by: string | null | undefined): string => (by ?? '').replace(/\(o[un]_[^)]*\)$/, '');

const day = (ms: number | null | undefined) => (ms === null || ms === undefined ? '' : cstDate(new Date(ms)));

export const helpCardStepOf = (h: Pick<ReportHousehold, 'helpCardFilledAt' | 'helpCardReturnedAt' | 'helpCardReceivedAt'>): HelpCardStep =>
  h.helpCardReceivedAt !== null ? 'received' : h.helpCardReturnedAt !== null ? 'collected' : h.helpCardFilledAt !== null ? 'filled' : 'none';

export interface RecordContext {
  now: Date;
  /** household id → its village, category and helper as the report shows them */
  household: (id: number) => { village: string; number: string; head: string; categoryName: string; helper: string } | undefined;
  /** the batches' figures of the township (the 合计 of 五个一批统计) */
  batchTotal: { households: number; persons: number; byHousehold: Record<BatchKey, number>; inHouseholds: Record<BatchKey, number>; individually: Record<BatchKey, number> };
}

export function buildRecordLines(rows: CountyReportRows, c: RecordContext): RecordLines {
  const { township: t, villages: vs, households: hs, members: ms, people: ps } = rows;
  const vName = new Map(vs.map((v) => [v.id, v.name]));
  const person = new Map(ps.map((p) => [p.id, p]));
  const memberById = new Map(ms.map((m) => [m.id, m]));
  const membersOf = group(ms, (m) => m.householdId);
  const included = hs.filter((h) => isIncludedStatus(h.status));
  const none = { village: '', number: '', head: '', categoryName: '', helper: '' };
  // the household's columns are copied field by field below, never spread: spreading the
  // household line into 30,000 rows made building them 20 times slower at county scale
  const hh = (id: number) => c.household(id) ?? none;


  // exit plans: every included household, with its plan or 未制定
  const planOf = new Map(rows.exitPlans.map((p) => [p.householdId, p]));
  const exitPlans: ExitPlanLine[] = included.map((h) => {
    const p = planOf.get(h.id);
    const l = hh(h.id);
    return {
      village: l.village,
      number: l.number,
      head: l.head,
      categoryName: l.categoryName,
      helper: l.helper,
      state: p ? '已制定' : '未制定',
      measures: p?.measures ?? '',
      owner: p?.owner ?? '',
      startDate: p?.startDate ?? '',
      endDate: p?.endDate ?? '',
      updatedBy: nameOf(p?.updatedBy),
      updatedAt: p ? cstDateTime(p.updatedAt) : '',
    };
  });

  const visits: VisitLine[] = rows.visits
    .map((v) => {
      const l = hh(v.householdId);
      return {
        helper: person.get(v.helperId)?.name ?? `#${v.helperId}`,
        village: l.village,
        number: l.number,
        head: l.head,
        date: v.date,
        content: v.content,
        evidenceCount: v.evidence.length,
        evidence: v.evidence.join('\n'),
        recordedAt: cstDateTime(v.at),
      };
    })
    .sort((a, b) => a.helper.localeCompare(b.helper, 'zh-CN') || a.date.localeCompare(b.date));

  const cardOf = new Map(rows.helpCards.map((x) => [x.householdId, x]));
  const helpCards: HelpCardLine[] = included.map((h) => {
    const card = cardOf.get(h.id);
    const step = helpCardStepOf(h);
    const l = hh(h.id);
    return {
      village: l.village,
      number: l.number,
      head: l.head,
      categoryName: l.categoryName,
      helper: l.helper,
      step,
      stepName: HELP_CARD_STEP_NAMES[step],
      filledBy: nameOf(h.helpCardFilledBy),
      filledAt: cstDateTime(h.helpCardFilledAt),
      returnedBy: nameOf(h.helpCardReturnedBy),
      returnedAt: cstDateTime(h.helpCardReturnedAt),
      receivedBy: nameOf(h.helpCardReceivedBy),
      receivedAt: cstDateTime(h.helpCardReceivedAt),
      situation: card?.situation ?? '',
      causes: card?.causes ?? '',
      measures: card?.measures ?? '',
      contact: card?.contact ?? '',
      photos: card?.photos.length ?? 0,
    };
  });

  // publicity by village and method
  const publicity: PublicityLine[] = [];
  const pubByV = group(rows.publicity, (p) => p.villageId);
  for (const v of vs) {
    for (const [method, list] of group(pubByV.get(v.id) ?? [], (p) => p.method)) {
      const dates = list.map((p) => day(p.at)).sort();
      publicity.push({ village: v.name, method, activities: list.length, reached: list.reduce((s, p) => s + p.reached, 0), first: dates[0] ?? '', last: dates.at(-1) ?? '' });
    }
  }
  const allDates = rows.publicity.map((p) => day(p.at)).sort();
  const publicityTotal: PublicityLine = {
    village: '合计',
    method: [...new Set(rows.publicity.map((p) => p.method))].join('、'),
    activities: rows.publicity.length,
    reached: rows.publicity.reduce((s, p) => s + p.reached, 0),
    first: allDates[0] ?? '',
    last: allDates.at(-1) ?? '',
  };

  // all-away households under review (not removed, not rejected) and their contacts
  const contactsOf = group(rows.contacts, (x) => x.householdId);
  const contacts: ContactLine[] = hs
    .filter((h) => h.allAway && h.status !== 'removed' && h.status !== 'rejected')
    .map((h) => {
      const list = contactsOf.get(h.id) ?? [];
      const l = hh(h.id);
      return {
        village: l.village,
        number: l.number,
        head: l.head,
        categoryName: l.categoryName,
        state: list.length ? '已联系' : '未联系',
        contacts: list.length,
        last: list.length ? day(list.at(-1)!.at) : '',
        details: list.map((x) => `${day(x.at)} ${x.method}（${nameOf(x.recordedBy)}）${x.note ? `：${x.note}` : ''}`).join('\n'),
      };
    });

  // cross-check coverage: the nine departments (and the roster's own duplicates)
  const runAt = t.crosscheckRunAt;
  const listsOf = group(rows.departmentLists, (l) => l.department);
  const hitsOf = group(rows.hits, (x) => x.department);
  const coverageOf = (department: string): CoverageLine => {
    const lists = listsOf.get(department) ?? [];
    const active = lists.filter((l) => l.active).at(-1);
    const hits = hitsOf.get(department) ?? [];
    const n = (s: string) => hits.filter((x) => x.status === s).length;
    return {
      department,
      state: department === ROSTER_SOURCE ? '花名册内查重' : active ? '已导入' : '未导入',
      fileName: active?.fileName ?? '',
      rows: active ? active.rows : '',
      importedAt: active ? cstDateTime(active.importedAt) : '',
      importedBy: nameOf(active?.importedBy),
      imports: lists.length,
      checked: department === ROSTER_SOURCE ? (runAt !== null ? '是' : '否') : active ? (runAt !== null && runAt >= active.importedAt ? '是' : '否（导入后未比对）') : '',
      hits: hits.length,
      confirmed: n('confirmed'),
      dismissed: n('dismissed'),
      open: n('open'),
    };
  };
  const coverage = [...DEPARTMENTS, ROSTER_SOURCE].map(coverageOf);
  const imported = coverage.filter((x) => x.state === '已导入').length;
  const sumCov = (k: 'hits' | 'confirmed' | 'dismissed' | 'open' | 'imports') => coverage.reduce((s, x) => s + x[k], 0);
  const coverageTotal: CoverageLine = {
    department: '合计',
    state: `${imported}/${DEPARTMENTS.length} 个部门已导入`,
    fileName: '',
    rows: coverage.reduce((s, x) => s + (x.rows === '' ? 0 : x.rows), 0),
    importedAt: '',
    importedBy: '',
    imports: sumCov('imports'),
    checked: runAt !== null ? `最近比对 ${cstDateTime(runAt)}` : '未比对',
    hits: sumCov('hits'),
    confirmed: sumCov('confirmed'),
    dismissed: sumCov('dismissed'),
    open: sumCov('open'),
  };

  // every hit with its decision
  const hits: HitLine[] = rows.hits.map((x) => {
    const l = hh(x.householdId);
    const m = memberById.get(x.memberId);
    return {
      id: x.id,
      village: l.village,
      number: l.number,
      head: l.head,
      member: m?.name ?? '',
      memberIdCard: m ? maskIdCard(m.idCard) : '',
      exclusion: EXCLUSION_NAMES[x.exclusion as Exclusion] ?? x.exclusion,
      department: x.department,
      evidence: x.evidence ? describeEvidence(x.department, x.evidence as HitEvidence) : x.evidenceKey,
      state: HIT_STATE[x.status] ?? x.status,
      reason: x.reason ?? '',
      decidedBy: nameOf(x.decidedBy),
      decidedAt: cstDateTime(x.decidedAt),
      foundAt: cstDateTime(x.foundAt),
    };
  });

  // per-applicant votes of the 村民大会 and 村民代表大会
  const votes: VoteLine[] = [];
  for (const m of rows.meetings) {
    for (const v of householdVotes(m.votes)) {
      votes.push({
        village: vName.get(m.villageId) ?? '',
        meeting: MEETING_NAMES[m.kind as MeetingKind] ?? m.kind,
        date: m.date,
        number: v.number,
        head: v.head,
        present: m.present,
        votesFor: v.for,
        votesAgainst: v.against,
        votesAbstain: v.abstain ?? '',
        result: v.passed ? '通过' : '未通过',
        objection: v.objection ?? '',
      });
    }
  }

  // stages: each village's and the township's, with the deadline and lateness
  const campaign = t.campaign as Partial<CampaignConfig> | null;
  const deadlines = (campaign?.deadlines ?? {}) as Partial<Record<StageKey, string>>;
  const today = cstDate(c.now);
  const done = new Map(rows.stages.map((s) => [`${s.villageId}:${s.stage}`, s]));
  const stages: StageLine[] = [];
  const stageLine = (scope: string, villageId: number, key: StageKey) => {
    const s = done.get(`${villageId}:${key}`);
    const deadline = deadlines[key] ?? '';
    const overdue = !s && deadline !== '' && today > deadline ? Math.round((Date.parse(today) - Date.parse(deadline)) / 86400_000) : 0;
    stages.push({
      scope,
      stage: STAGES[key].name,
      deadline,
      doneAt: s ? day(s.doneAt) : '',
      doneBy: nameOf(s?.doneBy),
      daysLate: s ? s.daysLate : overdue,
      state: s ? (s.daysLate > 0 ? `逾期 ${s.daysLate} 天完成` : '按期完成') : overdue > 0 ? `未完成，已逾期 ${overdue} 天` : '未完成',
    });
  };
  for (const v of vs) for (const key of STAGE_KEYS) if (isVillageStage(key)) stageLine(v.name, v.id, key);
  for (const key of STAGE_KEYS) if (!isVillageStage(key)) stageLine(`${t.name}（乡级）`, 0, key);

  // the township-wide 汇总
  const figures: FigureLine[] = [];
  const fig = (g: string, item: string, value: number, unit: string, note = '') => figures.push({ group: g, item, value, unit, note });
  const persons = (list: readonly ReportHousehold[]) => list.reduce((s, h) => s + (membersOf.get(h.id)?.length ?? 0), 0);
  fig('复核', '复核户数', hs.length, '户', '花名册在册户与本年度申请户');
  fig('复核', '复核人数', persons(hs), '人');
  for (const k of CATEGORIES) {
    const list = hs.filter((h) => categoryOf(h) === k);
    fig('复核结果', `${CATEGORY_NAMES[k]}户数`, list.length, '户');
    fig('复核结果', `${CATEGORY_NAMES[k]}人数`, persons(list), '人');
  }
  fig('复核结果', '现纳入户数', included.length, '户', '在册保留与县已批准新纳入');
  fig('复核结果', '现纳入人数', persons(included), '人');
  for (const e of EXCLUSIONS) {
    const of = rows.hits.filter((x) => x.exclusion === e);
    if (of.length) fig('比对线索（按六个不纳入）', EXCLUSION_NAMES[e], of.length, '条', `已确认 ${of.filter((x) => x.status === 'confirmed').length}，已排除 ${of.filter((x) => x.status === 'dismissed').length}，待核实 ${of.filter((x) => x.status === 'open').length}`);
  }
  for (const x of coverage) if (x.hits) fig('比对线索（按部门）', x.department, x.hits, '条', `已确认 ${x.confirmed}，已排除 ${x.dismissed}，待核实 ${x.open}`);
  fig('比对线索', '线索总数', rows.hits.length, '条');
  fig('比对线索', '已确认（清退）', coverageTotal.confirmed, '条');
  fig('比对线索', '已排除', coverageTotal.dismissed, '条', '排除理由见“比对线索”表');
  fig('比对线索', '待核实', coverageTotal.open, '条');
  fig('比对覆盖', '已导入部门', imported, '个', `共 ${DEPARTMENTS.length} 个部门；${coverageTotal.checked}`);
  const helpers = new Set(included.filter((h) => h.helperId !== null).map((h) => h.helperId));
  const withHelper = included.filter((h) => h.helperId !== null).length;
  const max = typeof campaign?.helperMaxHouseholds === 'number' ? campaign.helperMaxHouseholds : 5;
  const load = new Map<number, number>();
  for (const h of included) if (h.helperId !== null) load.set(h.helperId, (load.get(h.helperId) ?? 0) + 1);
  fig('帮扶', '帮扶责任人', helpers.size, '人');
  fig('帮扶', '已落实帮扶户数', withHelper, '户', included.length ? `覆盖率 ${Math.round((withHelper / included.length) * 1000) / 10}%` : '');
  fig('帮扶', '未落实帮扶户数', included.length - withHelper, '户');
  fig('帮扶', `帮扶超过 ${max} 户的责任人`, [...load.values()].filter((n) => n > max).length, '人');
  fig('帮扶', '走访次数', rows.visits.length, '次');
  fig('帮扶', '已制定脱贫规划户数', exitPlans.filter((p) => p.state === '已制定').length, '户');
  const steps = (['none', 'filled', 'collected', 'received'] as const).map((s) => [s, helpCards.filter((x) => x.step === s).length] as const);
  for (const [s, n] of steps) fig('帮扶卡（按步骤）', HELP_CARD_STEP_SHORT[s], n, '户', HELP_CARD_STEP_NAMES[s]);
  for (const k of BATCH_KEYS) {
    fig('五个一批', `${BATCHES[k].name}（${BATCH_FIGURES.households}）`, c.batchTotal.byHousehold[k], '户');
    fig('五个一批', `${BATCHES[k].name}（${BATCH_FIGURES.inHouseholds}）`, c.batchTotal.inHouseholds[k], '人', '该批各户的全部家庭成员');
    fig('五个一批', `${BATCHES[k].name}（${BATCH_FIGURES.individually}）`, c.batchTotal.individually[k], '人', '本人单独分类的成员');
  }
  fig('政策宣讲', '宣讲次数', publicityTotal.activities, '次');
  fig('政策宣讲', '覆盖人数', publicityTotal.reached, '人');
  fig('全家外出', '全家外出户数', contacts.length, '户');
  fig('全家外出', '已联系户数', contacts.filter((x) => x.state === '已联系').length, '户');
  const late = stages.filter((s) => s.daysLate > 0);
  fig('环节', '逾期环节', late.length, '个', late.map((s) => `${s.scope} ${s.stage}：${s.state}`).join('；'));
  return { exitPlans, visits, helpCards, publicity, publicityTotal, contacts, coverage, coverageTotal, hits, votes, stages, figures };
}
