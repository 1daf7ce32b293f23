// Reads and writes of the scheduled jobs (DESIGN §7): the people and chats a plan needs, the
// acknowledged alerts, the open exclusion hits, and the job_runs keys already written.
import { and, desc, eq, gte, inArray, isNotNull, isNull, ne, or, sql } from 'drizzle-orm';
import { alerts, chats, exclusionHits, households, inspections, jobRuns, people, roles } from '../../db/schema/index';
import { chunks, type Database } from './database';
import { TOWNSHIP_ID, type Acknowledgement, type AreaLeader, type Person } from '../core/planner';
import type { StageKey } from '../core/campaign';

/** The village roles whose holders are @-mentioned in reminders and named in overdue flags. */
export const RESPONSIBLE_ROLES = ['village_cadre', 'first_secretary', 'package_cadre'] as const;

export { CHUNK, chunks } from './database';

/** The planner's id of a village (or the township, village id 0). */
export const planVillageId = (villageId: number): string => (villageId === 0 ? TOWNSHIP_ID : String(villageId));
export const dbVillageId = (planId: string): number => (planId === TOWNSHIP_ID ? 0 : Number(planId));

/**
 * Responsible people per planner village id: the village cadres, first secretary and package
 * cadre of each village (in that order), and the office for the township stages. Only people
 * with an open_id can be @-mentioned.
 */
export async function responsiblePeople(d: Database, townshipId: string, villageId?: number): Promise<Record<string, Person[]>> {
  const rows = await d.db
    .select({ role: roles.role, villageId: roles.villageId, personId: people.id, name: people.name, openId: people.openId })
    .from(roles)
    .innerJoin(people, eq(people.id, roles.personId))
    .where(
      and(
        eq(roles.townshipId, townshipId),
        isNotNull(people.openId),
        villageId === undefined ? undefined : eq(roles.villageId, villageId),
        or(
          and(inArray(roles.role, [...RESPONSIBLE_ROLES]), ne(roles.villageId, 0)),
          and(eq(roles.role, 'office'), eq(roles.villageId, 0)),
        ),
      ),
    );
  const rank = (role: string) => (role === 'office' ? 0 : RESPONSIBLE_ROLES.indexOf(role as (typeof RESPONSIBLE_ROLES)[number]));
  rows.sort((a, b) => a.villageId - b.villageId || rank(a.role) - rank(b.role) || a.personId - b.personId);
  const out: Record<string, Person[]> = {};
  const seen = new Set<string>();
  for (const r of rows) {
    const id = planVillageId(r.villageId);
    if (seen.has(`${id}|${r.openId}`)) continue;
    seen.add(`${id}|${r.openId}`);
    out[id] ??= [];
    out[id].push({ openId: r.openId!, name: r.name });
  }
  return out;
}

/** People with role 'leader' for one or more villages (包片领导), with their villages. */
export async function areaLeaders(d: Database, townshipId: string): Promise<AreaLeader[]> {
  const rows = await d.db
    .select({ villageId: roles.villageId, personId: people.id, name: people.name, openId: people.openId })
    .from(roles)
    .innerJoin(people, eq(people.id, roles.personId))
    .where(and(eq(roles.townshipId, townshipId), eq(roles.role, 'leader'), ne(roles.villageId, 0), isNotNull(people.openId)))
    .orderBy(people.id, roles.villageId);
  const byPerson = new Map<number, AreaLeader>();
  for (const r of rows) {
    const a = byPerson.get(r.personId) ?? { person: { openId: r.openId!, name: r.name }, villageIds: [] };
    a.villageIds.push(String(r.villageId));
    byPerson.set(r.personId, a);
  }
  return [...byPerson.values()];
}

/** Village chat per planner village id: the chat bound to it last. */
export async function villageChats(d: Database, townshipId: string): Promise<Record<string, string>> {
  const rows = await d.db
    .select({ chatId: chats.chatId, villageId: chats.villageId })
    .from(chats)
    .where(and(eq(chats.townshipId, townshipId), eq(chats.kind, 'village'), isNotNull(chats.villageId)))
    .orderBy(chats.boundAt);
  const out: Record<string, string> = {};
  for (const r of rows) out[String(r.villageId)] = r.chatId;
  return out;
}

/** Every acknowledgement (已督办) of an overdue alert, for the escalation clock. */
export async function acknowledgements(d: Database, townshipId: string): Promise<Acknowledgement[]> {
  const rows = await d.db
    .select({ villageId: alerts.villageId, stage: alerts.stage, ackDate: alerts.ackDate })
    .from(alerts)
    .where(and(eq(alerts.townshipId, townshipId), isNotNull(alerts.ackDate)));
  return rows.map((r) => ({ villageId: planVillageId(r.villageId), stage: r.stage as StageKey, ackDate: r.ackDate! }));
}

/** Open exclusion hits (比对疑点待处理) per village id. */
export async function openExclusionHitsByVillage(d: Database, townshipId: string): Promise<Map<number, number>> {
  const rows = await d.db
    .select({ villageId: households.villageId, n: sql<number>`count(*)` })
    .from(exclusionHits)
    .innerJoin(households, eq(households.id, exclusionHits.householdId))
    .where(and(eq(exclusionHits.townshipId, townshipId), eq(exclusionHits.status, 'open')))
    .groupBy(households.villageId);
  return new Map(rows.map((r) => [r.villageId, Number(r.n)]));
}

/** Names of people by id (helpers over the limit in the digest). */
export async function personNames(d: Database, ids: number[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const part of chunks(ids)) {
    const rows = await d.db.select({ id: people.id, name: people.name }).from(people).where(inArray(people.id, part));
    for (const r of rows) out[String(r.id)] = r.name;
  }
  return out;
}

/** The keys among `keys` that already have a job_runs row. */
export async function existingRunKeys(d: Database, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(keys)) {
    const rows = await d.db.select({ key: jobRuns.key }).from(jobRuns).where(inArray(jobRuns.key, part));
    for (const r of rows) found.add(r.key);
  }
  return found;
}

export type AlertRow = typeof alerts.$inferSelect;
export type InspectionRow = typeof inspections.$inferSelect;

export async function getAlert(d: Database, townshipId: string, villageId: number, stage: string, date: string): Promise<AlertRow | null> {
  const rows = await d.db
    .select()
    .from(alerts)
    .where(and(eq(alerts.townshipId, townshipId), eq(alerts.villageId, villageId), eq(alerts.stage, stage), eq(alerts.date, date)))
    .limit(1);
  return rows[0] ?? null;
}

/** Alerts of a village (0: the township) not yet acknowledged. */
export async function unacknowledgedAlerts(d: Database, townshipId: string, villageId: number): Promise<AlertRow[]> {
  return d.db
    .select()
    .from(alerts)
    .where(and(eq(alerts.townshipId, townshipId), eq(alerts.villageId, villageId), isNull(alerts.ackBy)))
    .orderBy(alerts.date);
}

/** The latest inspections of a village recorded at or after `sinceMs`. */
export async function recentInspections(d: Database, townshipId: string, villageId: number, sinceMs: number, limit = 3): Promise<InspectionRow[]> {
  const rows = await d.db
    .select()
    .from(inspections)
    .where(and(eq(inspections.townshipId, townshipId), eq(inspections.villageId, villageId), gte(inspections.at, sinceMs)))
    .orderBy(desc(inspections.id))
    .limit(limit);
  return rows.reverse();
}

/** A person's name in a township from their open_id (for "acknowledged by"). */
export async function nameOfOpenId(d: Database, townshipId: string, openId: string): Promise<string> {
  const rows = await d.db
    .select({ name: people.name })
    .from(people)
    .where(and(eq(people.townshipId, townshipId), eq(people.openId, openId)))
    .limit(1);
  return rows[0]?.name ?? openId;
}
