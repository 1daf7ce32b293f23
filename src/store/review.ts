// The review procedure's reads and writes (src/bot/households.ts, src/bot/features/review-*.ts):
// households by <户> and their moves through the status table, stages done, the village's data
// filed, the township meeting and the report, notices and their objections.
import { and, eq, or, sql } from 'drizzle-orm';
import { households, notices, objections, stageProgress, townships, villages } from '../../db/schema/index';
import type { Database, Statement } from './database';
import type { HouseholdRow } from './helpers';
import type { HouseholdStatus } from '../core/household-flow';
import type { StageKey } from '../core/campaign';

/** Households of the township (or of one village) whose number or head's name is `ref` (at most 20). */
export async function householdsByRef(d: Database, townshipId: string, villageId: number | null, ref: string): Promise<HouseholdRow[]> {
  const scope = villageId !== null ? and(eq(households.townshipId, townshipId), eq(households.villageId, villageId)) : eq(households.townshipId, townshipId);
  return d.db
    .select()
    .from(households)
    .where(and(scope, or(eq(households.number, ref), eq(households.headName, ref))))
    .limit(20);
}

/** One household's move, guarded by the status it was read with. */
export function moveHouseholdRow(d: Database, h: Pick<HouseholdRow, 'id' | 'status'>, set: Partial<typeof households.$inferInsert>): Statement {
  return d.db.update(households).set(set).where(and(eq(households.id, h.id), eq(households.status, h.status)));
}

/** Every household of a village (villageId 0: of the township) in status `from` moves to `to`. */
export function moveAllRows(d: Database, townshipId: string, villageId: number, from: HouseholdStatus, to: HouseholdStatus, at: number): Statement {
  const scope = villageId ? eq(households.villageId, villageId) : eq(households.townshipId, townshipId);
  return d.db.update(households).set({ status: to, updatedAt: at }).where(and(scope, eq(households.status, from)));
}

export const addStageDone = (d: Database, row: typeof stageProgress.$inferInsert): Statement => d.db.insert(stageProgress).values(row);

/** When each village completed `stage` (ms). */
export async function stageDoneTimes(d: Database, townshipId: string, stage: StageKey): Promise<number[]> {
  const rows = await d.db.select({ doneAt: stageProgress.doneAt, stage: stageProgress.stage }).from(stageProgress).where(eq(stageProgress.townshipId, townshipId));
  return rows.filter((r) => r.stage === stage).map((r) => r.doneAt);
}

export const fileVillageData = (d: Database, villageId: number, at: number, by: string): Statement =>
  d.db.update(villages).set({ dataFiledAt: at, dataFiledBy: by }).where(eq(villages.id, villageId));

/** The township's own facts (the township meeting, the report submitted). */
export const updateTownship = (d: Database, id: string, set: Partial<typeof townships.$inferInsert>): Statement => d.db.update(townships).set(set).where(eq(townships.id, id));

export type NoticeRow = typeof notices.$inferSelect;
export async function noticeOf(d: Database, townshipId: string, villageId: number): Promise<NoticeRow | null> {
  const [n] = await d.db.select().from(notices).where(and(eq(notices.townshipId, townshipId), eq(notices.villageId, villageId)));
  return n ?? null;
}
export const addNotice = (d: Database, row: typeof notices.$inferInsert): Statement => d.db.insert(notices).values(row);

export async function objectionOf(d: Database, noticeId: number, no: number) {
  const [o] = await d.db.select().from(objections).where(and(eq(objections.noticeId, noticeId), eq(objections.no, no)));
  return o ?? null;
}
/** The number the next objection to this notice gets. */
export async function nextObjectionNo(d: Database, noticeId: number): Promise<number> {
  const [row] = await d.db.select({ n: sql<number>`coalesce(max(${objections.no}), 0)` }).from(objections).where(eq(objections.noticeId, noticeId));
  return Number(row?.n ?? 0) + 1;
}
export const addObjection = (d: Database, row: typeof objections.$inferInsert): Statement => d.db.insert(objections).values(row);
export const resolveObjectionRow = (d: Database, id: number, set: { resolution: string; resolvedBy: string; resolvedAt: number }): Statement =>
  d.db.update(objections).set(set).where(eq(objections.id, id));
