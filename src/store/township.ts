// Reads of the township's set-up that every request needs: chat binding, people, roles.
import { and, eq, inArray } from 'drizzle-orm';
import { chats, people, roles, townships, villages } from '../../db/schema/index';
import type { Database } from './database';
import type { Role, RoleGrant } from '../core/roles';

export type TownshipRow = typeof townships.$inferSelect;
export type VillageRow = typeof villages.$inferSelect;
export type PersonRow = typeof people.$inferSelect;
export type ChatRow = typeof chats.$inferSelect;

export async function getTownship(d: Database, id: string): Promise<TownshipRow | null> {
  return (await d.db.select().from(townships).where(eq(townships.id, id)).limit(1))[0] ?? null;
}

export async function listTownships(d: Database): Promise<TownshipRow[]> {
  return d.db.select().from(townships);
}

export async function getChat(d: Database, chatId: string): Promise<ChatRow | null> {
  return (await d.db.select().from(chats).where(eq(chats.chatId, chatId)).limit(1))[0] ?? null;
}

export async function getVillage(d: Database, id: number): Promise<VillageRow | null> {
  return (await d.db.select().from(villages).where(eq(villages.id, id)).limit(1))[0] ?? null;
}

export async function listVillages(d: Database, townshipId: string): Promise<VillageRow[]> {
  return d.db.select().from(villages).where(eq(villages.townshipId, townshipId)).orderBy(villages.id);
}

export async function findVillageByName(d: Database, townshipId: string, name: string): Promise<VillageRow | null> {
  const rows = await d.db
    .select()
    .from(villages)
    .where(and(eq(villages.townshipId, townshipId), eq(villages.name, name)))
    .limit(1);
  return rows[0] ?? null;
}

/** The people rows carrying this open_id, one per township they serve in. */
export async function peopleByOpenId(d: Database, openId: string): Promise<PersonRow[]> {
  return d.db.select().from(people).where(eq(people.openId, openId));
}

export async function grantsOf(d: Database, personIds: number[]): Promise<(RoleGrant & { personId: number })[]> {
  if (personIds.length === 0) return [];
  const rows = await d.db.select().from(roles).where(inArray(roles.personId, personIds));
  return rows.map((r) => ({ personId: r.personId, role: r.role, villageId: r.villageId }));
}

/** People holding `role` for a village (or township-wide when villageId is 0). */
export async function holdersOf(d: Database, townshipId: string, role: Role, villageId: number): Promise<PersonRow[]> {
  const rows = await d.db
    .select({ p: people })
    .from(roles)
    .innerJoin(people, eq(people.id, roles.personId))
    .where(and(eq(roles.townshipId, townshipId), eq(roles.role, role), eq(roles.villageId, villageId)));
  return rows.map((r) => r.p);
}
