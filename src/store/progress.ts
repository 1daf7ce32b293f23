// Builds the core's snapshots (VillageSnapshot, TownshipSnapshot) from the store, so the pure
// rules in src/core judge stages, reminders and the digest from one picture of the data.
import { and, eq, inArray } from 'drizzle-orm';
import { households, meetings, members, notices, objections, roles, stageProgress, villages } from '../../db/schema/index';
import type { Database } from './database';
import type { TownshipRow, VillageRow } from './township';
import type { HouseholdSnapshot, HouseholdStatus, StageDone, TownshipSnapshot, VillageSnapshot } from '../core/stages';
import type { StageKey } from '../core/campaign';
import type { MeetingKind } from '../core/meetings';
import { cstDate } from '../core/dates';
import { helperCoverage, type HelperCoverage } from './helpers';

export const isIncludedStatus = (s: string) => s === 'included' || s === 'county_approved';

function stagesDoneOf(rows: (typeof stageProgress.$inferSelect)[]): Partial<Record<StageKey, StageDone>> {
  const out: Partial<Record<StageKey, StageDone>> = {};
  for (const r of rows) out[r.stage as StageKey] = { doneAt: cstDate(new Date(r.doneAt)), by: r.doneBy };
  return out;
}

/** Snapshots of many villages at once (a handful of queries whatever the number of villages). */
export async function villageSnapshots(
  d: Database,
  township: TownshipRow,
  only?: VillageRow[],
): Promise<(VillageSnapshot & { helpers?: HelperCoverage })[]> {
  const tid = township.id;
  const vs = only ?? (await d.db.select().from(villages).where(eq(villages.townshipId, tid)).orderBy(villages.id));
  if (vs.length === 0) return [];
  const ids = vs.map((v) => v.id);
  const [hs, ms, mts, ns, sp, fs] = await Promise.all([
    d.db.select().from(households).where(and(eq(households.townshipId, tid), inArray(households.villageId, ids))),
    d.db
      .select({ householdId: members.householdId, batches: members.batches })
      .from(members)
      .innerJoin(households, eq(households.id, members.householdId))
      .where(and(eq(members.townshipId, tid), inArray(households.villageId, ids))),
    d.db.select().from(meetings).where(and(eq(meetings.townshipId, tid), inArray(meetings.villageId, ids))),
    d.db.select().from(notices).where(and(eq(notices.townshipId, tid), inArray(notices.villageId, ids))),
    d.db.select().from(stageProgress).where(and(eq(stageProgress.townshipId, tid), inArray(stageProgress.villageId, ids))),
    d.db.select().from(roles).where(and(eq(roles.townshipId, tid), eq(roles.role, 'first_secretary'), inArray(roles.villageId, ids))),
  ]);
  const os = ns.length
    ? await d.db.select().from(objections).where(inArray(objections.noticeId, ns.map((n) => n.id)))
    : [];
  const membersOf = new Map<number, { batches: string[] }[]>();
  for (const m of ms) {
    const list = membersOf.get(m.householdId) ?? [];
    list.push({ batches: m.batches });
    membersOf.set(m.householdId, list);
  }
  const group = <T, K>(rows: T[], key: (r: T) => K) => {
    const map = new Map<K, T[]>();
    for (const r of rows) map.set(key(r), [...(map.get(key(r)) ?? []), r]);
    return map;
  };
  const hByV = group(hs, (h) => h.villageId);
  const mByV = group(mts, (m) => m.villageId);
  const nByV = new Map(ns.map((n) => [n.villageId, n]));
  const oByN = group(os, (o) => o.noticeId);
  const spByV = group(sp, (s) => s.villageId);
  const fsV = new Set(fs.map((f) => f.villageId));

  // helper duties per village (src/store/helpers.ts): for the progress card and the digest
  const helpers = await helperCoverage(d, township, ids);
  return vs.map((v) => {
    const notice = nByV.get(v.id) ?? null;
    return {
      village: { id: String(v.id), name: v.name, poor: v.poor, hasFirstSecretary: fsV.has(v.id) },
      households: (hByV.get(v.id) ?? []).map(
        (h): HouseholdSnapshot => ({
          id: String(h.id),
          number: h.number,
          head: h.headName,
          status: h.status as HouseholdStatus,
          isApplicant: h.applicant,
          qualificationDecision: h.qualification ?? null,
          included: isIncludedStatus(h.status),
          helperId: h.helperId === null ? null : String(h.helperId),
          batches: h.batches,
          helpCardReturned: h.helpCardReturnedAt !== null,
          members: membersOf.get(h.id) ?? [],
        }),
      ),
      meetings: (mByV.get(v.id) ?? []).map((m) => ({ kind: m.kind as MeetingKind, valid: m.valid, date: m.date })),
      notice: notice ? { startDate: notice.startDate, endDate: notice.endDate } : null,
      objections: notice ? (oByN.get(notice.id) ?? []).map((o) => ({ no: o.no, resolved: o.resolvedAt !== null })) : [],
      dataFiled: v.dataFiledAt !== null,
      stagesDone: stagesDoneOf(spByV.get(v.id) ?? []),
      helpers: helpers.get(v.id),
    };
  });
}

export async function townshipSnapshot(d: Database, t: TownshipRow): Promise<TownshipSnapshot & { stagesDone: Partial<Record<StageKey, StageDone>> }> {
  const [notice] = await d.db.select().from(notices).where(and(eq(notices.townshipId, t.id), eq(notices.villageId, 0)));
  const sp = await d.db.select().from(stageProgress).where(and(eq(stageProgress.townshipId, t.id), eq(stageProgress.villageId, 0)));
  return {
    townshipMeetingRecorded: t.townshipMeetingAt !== null,
    townshipNoticeStarted: Boolean(notice),
    reportExported: t.reportExportedAt !== null,
    reportSubmitted: t.reportSubmittedAt !== null,
    archived: t.archivedAt !== null,
    stagesDone: stagesDoneOf(sp),
  };
}
