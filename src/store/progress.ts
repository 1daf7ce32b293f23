// Builds the core's snapshots (VillageSnapshot, TownshipSnapshot) from the store, so the pure
// rules in src/core judge stages, reminders and the digest from one picture of the data:
// planSnapshots reads it, for the scheduler, the township card and (with a village filter and
// the helper duties added) villageSnapshots.
import { and, eq, inArray, ne, sql, type Column, type SQL } from 'drizzle-orm';
import { departmentLists, exclusionHits, households, meetings, members, notices, objections, roles, stageProgress, villages } from '../../db/schema/index';
import { DEPARTMENTS } from '../core/exclusions';
import { CHUNK, type Database } from './database';
import type { TownshipRow } from './township';
import type { HelpCardStep, HouseholdStatus, StageDone, TownshipSnapshot, VillageSnapshot } from '../core/stages';
import type { StageKey } from '../core/campaign';
import { cstDate } from '../core/dates';
import type { VillageFacts } from '../core/procedure';

/** Statuses of an included household: counted in the helper duties, five batches and help cards. */
const STEPS: HelpCardStep[] = ['none', 'filled', 'collected', 'received'];

export const INCLUDED_STATUSES = ['included', 'county_approved'] as const;
export const isIncludedStatus = (s: string): boolean => (INCLUDED_STATUSES as readonly string[]).includes(s);

function stagesDoneOf(rows: { stage: string; doneAt: number; doneBy: string; daysLate: number }[]): Partial<Record<StageKey, StageDone>> {
  const out: Partial<Record<StageKey, StageDone>> = {};
  for (const r of rows) out[r.stage as StageKey] = { doneAt: cstDate(new Date(r.doneAt)), by: r.doneBy, ...(r.daysLate > 0 ? { daysLate: r.daysLate } : {}) };
  return out;
}

/**
 * `column` (a household id) in the households of `villageIds`, as a subquery; undefined (which
 * `and` leaves out) when `villageIds` is null.
 */
export const villageHouseholds = (d: Database, townshipId: string, villageIds: number[] | null, column: Column): SQL | undefined =>
  villageIds
    ? inArray(
        column,
        d.db
          .select({ id: households.id })
          .from(households)
          .where(and(eq(households.townshipId, townshipId), inArray(households.villageId, villageIds))),
      )
    : undefined;

export interface SnapshotOptions {
  /**
   * Members (the five batches by person: the digest and the helper duties) are the largest
   * read; `false` leaves `households[].members` undefined.
   */
  members?: boolean;
  /** Only these villages (ordered by id); all of the township's when absent. */
  villageIds?: readonly number[];
}

/**
 * The villages' snapshots: the one read of the rules' picture. Lean at township scale: only
 * the columns the rules need, raw rows, the JSON batches parsed once per distinct value,
 * members read as counts plus those classified on their own. Every query is by township; a
 * village filter of up to CHUNK ids narrows the queries to those villages (one village's card
 * reads one village), a longer one is applied in JS (D1 caps a query at 100 parameters).
 */
export async function planSnapshots(d: Database, t: TownshipRow, opts: SnapshotOptions = {}): Promise<VillageSnapshot[]> {
  const tid = t.id;
  const withMembers = opts.members ?? true;
  const ids = opts.villageIds;
  if (ids && ids.length === 0) return [];
  const narrow = ids !== undefined && ids.length <= CHUNK ? [...ids] : null;
  /** the village filter in SQL (undefined, which `and` leaves out, when not narrowed) */
  const inVillages = (column: Column) => (narrow ? inArray(column, narrow) : undefined);
  /** rows of the filter's households (by household id) */
  const inVillageHouseholds = (column: Column) => villageHouseholds(d, tid, narrow, column);
  const [vs, hs, memberCounts, classifiedMembers, mts, ns, os, sp, fs] = await Promise.all([
    d.db
      .select({ id: villages.id, name: villages.name, poor: villages.poor, dataFiledAt: villages.dataFiledAt })
      .from(villages)
      .where(and(eq(villages.townshipId, tid), inVillages(villages.id)))
      .orderBy(villages.id),
    // raw rows (arrays): at 30,000 households, building row objects is most of the read's cost
    d.db
      .select({
        id: households.id,
        villageId: households.villageId,
        number: households.number,
        headName: households.headName,
        status: households.status,
        applicant: sql<number>`${households.applicant}`,
        qualification: households.qualification,
        helperId: households.helperId,
        helpCardReturned: sql<number>`${households.helpCardReturnedAt} is not null`,
        helpCardStep: sql<number>`case when ${households.helpCardReceivedAt} is not null then 3 when ${households.helpCardReturnedAt} is not null then 2 when ${households.helpCardFilledAt} is not null then 1 else 0 end`,
        batches: sql<string>`${households.batches}`,
      })
      .from(households)
      .where(and(eq(households.townshipId, tid), inVillages(households.villageId)))
      .values() as Promise<[number, number, string, string, string, number, 'pass' | 'fail' | null, number | null, number, number, string][]>,
    // members: how many per household, and those classified on their own (the others count
    // under the household's classification)
    !withMembers
      ? []
      : (d.db
          .select({ householdId: members.householdId, n: sql<number>`count(*)` })
          .from(members)
          .where(and(eq(members.townshipId, tid), inVillageHouseholds(members.householdId)))
          .groupBy(members.householdId)
          .values() as Promise<[number, number][]>),
    !withMembers
      ? []
      : (d.db
          .select({ householdId: members.householdId, batches: sql<string>`${members.batches}` })
          .from(members)
          .where(and(eq(members.townshipId, tid), ne(members.batches, sql`'[]'`), inVillageHouseholds(members.householdId)))
          .values() as Promise<[number, string][]>),
    d.db
      .select({ villageId: meetings.villageId, kind: meetings.kind, valid: meetings.valid, date: meetings.date, backfilled: meetings.backfilled, createdAt: meetings.createdAt })
      .from(meetings)
      .where(and(eq(meetings.townshipId, tid), inVillages(meetings.villageId))),
    d.db
      .select({ id: notices.id, villageId: notices.villageId, startDate: notices.startDate, endDate: notices.endDate, backfilled: notices.backfilled, createdAt: notices.createdAt })
      .from(notices)
      .where(and(eq(notices.townshipId, tid), ne(notices.villageId, 0), inVillages(notices.villageId))),
    d.db
      .select({ noticeId: objections.noticeId, no: objections.no, resolvedAt: objections.resolvedAt })
      .from(objections)
      .innerJoin(notices, eq(notices.id, objections.noticeId))
      .where(and(eq(notices.townshipId, tid), ne(notices.villageId, 0), inVillages(notices.villageId))),
    d.db
      .select({ villageId: stageProgress.villageId, stage: stageProgress.stage, doneAt: stageProgress.doneAt, doneBy: stageProgress.doneBy, daysLate: stageProgress.daysLate })
      .from(stageProgress)
      .where(and(eq(stageProgress.townshipId, tid), ne(stageProgress.villageId, 0), inVillages(stageProgress.villageId))),
    d.db
      .select({ villageId: roles.villageId })
      .from(roles)
      .where(and(eq(roles.townshipId, tid), eq(roles.role, 'first_secretary'), inVillages(roles.villageId))),
  ]);
  const parsed = new Map<string, string[]>();
  const batchesOf = (json: string): string[] => {
    let b = parsed.get(json);
    if (b === undefined) {
      b = JSON.parse(json) as string[];
      parsed.set(json, b);
    }
    return b;
  };
  const push = <K, T>(map: Map<K, T[]>, key: K, item: T) => {
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  };
  const membersOf = new Map<number, { batches: string[] }[]>();
  for (const [householdId, batches] of classifiedMembers) push(membersOf, householdId, { batches: batchesOf(batches) });
  const unclassified = { batches: [] as string[] };
  for (const [householdId, n] of memberCounts) {
    for (let i = membersOf.get(householdId)?.length ?? 0; i < Number(n); i++) push(membersOf, householdId, unclassified);
  }
  const hByV = new Map<number, VillageSnapshot['households']>();
  for (const [id, villageId, number, head, status, applicant, qualification, helperId, helpCardReturned, step, batches] of hs) {
    push(hByV, villageId, {
      id: String(id),
      number,
      head,
      status: status as HouseholdStatus,
      isApplicant: Boolean(applicant),
      qualificationDecision: qualification ?? null,
      included: isIncludedStatus(status),
      helperId: helperId === null ? null : String(helperId),
      batches: batchesOf(batches),
      helpCardReturned: Boolean(helpCardReturned),
      helpCardStep: STEPS[Number(step)] ?? 'none',
      members: withMembers ? (membersOf.get(id) ?? []) : undefined,
    });
  }
  const mByV = new Map<number, VillageSnapshot['meetings']>();
  for (const m of mts) {
    push(mByV, m.villageId, { kind: m.kind, valid: m.valid, date: m.date, ...(m.backfilled ? { backfilled: true, enteredOn: cstDate(new Date(m.createdAt)) } : {}) });
  }
  const nByV = new Map(ns.map((n) => [n.villageId, n]));
  const oByN = new Map<number, VillageSnapshot['objections']>();
  for (const o of os) push(oByN, o.noticeId, { no: o.no, resolved: o.resolvedAt !== null });
  const spByV = new Map<number, { stage: string; doneAt: number; doneBy: string; daysLate: number }[]>();
  for (const r of sp) push(spByV, r.villageId, r);
  const fsV = new Set(fs.map((f) => f.villageId));
  const wanted = ids && !narrow ? new Set(ids) : null;
  return (wanted ? vs.filter((v) => wanted.has(v.id)) : vs).map((v) => {
    const notice = nByV.get(v.id) ?? null;
    return {
      village: { id: String(v.id), name: v.name, poor: v.poor, hasFirstSecretary: fsV.has(v.id) },
      households: hByV.get(v.id) ?? [],
      meetings: mByV.get(v.id) ?? [],
      notice: notice
        ? { startDate: notice.startDate, endDate: notice.endDate, ...(notice.backfilled ? { backfilled: true, enteredOn: cstDate(new Date(notice.createdAt)) } : {}) }
        : null,
      objections: notice ? (oByN.get(notice.id) ?? []) : [],
      dataFiled: v.dataFiledAt !== null,
      stagesDone: stagesDoneOf(spByV.get(v.id) ?? []),
    };
  });
}

export async function townshipSnapshot(d: Database, t: TownshipRow): Promise<TownshipSnapshot & { stagesDone: Partial<Record<StageKey, StageDone>> }> {
  const [[notice], sp, vs, done, lists, [hits]] = await Promise.all([
    d.db.select().from(notices).where(and(eq(notices.townshipId, t.id), eq(notices.villageId, 0))),
    d.db.select().from(stageProgress).where(and(eq(stageProgress.townshipId, t.id), eq(stageProgress.villageId, 0))),
    d.db.select({ id: villages.id, name: villages.name }).from(villages).where(eq(villages.townshipId, t.id)).orderBy(villages.id),
    d.db
      .select({ villageId: stageProgress.villageId })
      .from(stageProgress)
      .where(and(eq(stageProgress.townshipId, t.id), eq(stageProgress.stage, 'village_evaluation'), ne(stageProgress.villageId, 0))),
    d.db
      .select({ department: departmentLists.department, importedAt: departmentLists.importedAt })
      .from(departmentLists)
      .where(and(eq(departmentLists.townshipId, t.id), eq(departmentLists.active, true))),
    d.db.select({ n: sql<number>`count(*)` }).from(exclusionHits).where(and(eq(exclusionHits.townshipId, t.id), eq(exclusionHits.status, 'open'))),
  ]);
  const doneIds = new Set(done.map((r) => r.villageId));
  const have = new Set(lists.map((l) => l.department));
  return {
    townshipMeetingRecorded: t.townshipMeetingAt !== null,
    townshipMeetingDate: t.townshipMeetingDate ?? (t.townshipMeetingAt !== null ? cstDate(new Date(t.townshipMeetingAt)) : null),
    townshipNoticeStarted: Boolean(notice),
    townshipNotice: notice ? { startDate: notice.startDate, endDate: notice.endDate } : null,
    gates: {
      villagesNotDone: vs.filter((v) => !doneIds.has(v.id)).map((v) => v.name),
      departmentsMissing: DEPARTMENTS.filter((x) => !have.has(x)),
      lastImportAt: lists.length ? Math.max(...lists.map((l) => l.importedAt)) : null,
      crosscheckRunAt: t.crosscheckRunAt,
      openHits: Number(hits?.n ?? 0),
    },
    reportExported: t.reportExportedAt !== null,
    reportSubmitted: t.reportSubmittedAt !== null,
    archived: t.archivedAt !== null,
    stagesDone: stagesDoneOf(sp),
  };
}

/** What the order of the village steps needs (src/core/procedure.ts). */
export async function villageFacts(d: Database, townshipId: string, villageId: number): Promise<VillageFacts> {
  const [ms, [n], [q]] = await Promise.all([
    d.db
      .select({ kind: meetings.kind, valid: meetings.valid, date: meetings.date })
      .from(meetings)
      .where(and(eq(meetings.townshipId, townshipId), eq(meetings.villageId, villageId))),
    d.db
      .select({ startDate: notices.startDate })
      .from(notices)
      .where(and(eq(notices.townshipId, townshipId), eq(notices.villageId, villageId))),
    d.db
      .select({ doneAt: stageProgress.doneAt })
      .from(stageProgress)
      .where(and(eq(stageProgress.townshipId, townshipId), eq(stageProgress.villageId, villageId), eq(stageProgress.stage, 'qualification_review'))),
  ]);
  return {
    qualificationDoneOn: q ? cstDate(new Date(q.doneAt)) : null,
    meetings: ms.map((m) => ({ kind: m.kind, valid: m.valid, date: m.date })),
    noticeStart: n?.startDate ?? null,
  };
}
