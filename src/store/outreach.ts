// 政策宣讲 and contacts with all-away households (全家外出), per village, for the digest.
import { and, eq, inArray } from 'drizzle-orm';
import { contacts, households, publicity } from '../../db/schema/index';
import { chunks, type Database, type Statement } from './database';

export interface VillageOutreach {
  /** method (群众会/入户/资料/专栏) → activities and people reached */
  byMethod: Record<string, { activities: number; reached: number }>;
  /** all-away households of the village (those under review: not removed, not rejected) */
  away: number;
  /** of them, contacted at least once */
  contacted: number;
}

/** Village id → its publicity and all-away contacts. */
export async function readOutreach(d: Database, townshipId: string): Promise<Record<string, VillageOutreach>> {
  const t = { id: townshipId };
  const [acts, away, reached] = await Promise.all([
    d.db.select({ villageId: publicity.villageId, method: publicity.method, reached: publicity.reached }).from(publicity).where(eq(publicity.townshipId, t.id)),
    d.db
      .select({ id: households.id, villageId: households.villageId, status: households.status })
      .from(households)
      .where(and(eq(households.townshipId, t.id), eq(households.allAway, true))),
    d.db.selectDistinct({ id: contacts.householdId }).from(contacts).where(eq(contacts.townshipId, t.id)),
  ]);
  const out: Record<string, VillageOutreach> = {};
  const of = (villageId: number) => (out[String(villageId)] ??= { byMethod: {}, away: 0, contacted: 0 });
  for (const a of acts) {
    const m = (of(a.villageId).byMethod[a.method] ??= { activities: 0, reached: 0 });
    m.activities++;
    m.reached += a.reached;
  }
  const contacted = new Set(reached.map((r) => r.id));
  for (const h of away) {
    if (h.status === 'removed' || h.status === 'rejected') continue;
    const v = of(h.villageId);
    v.away++;
    if (contacted.has(h.id)) v.contacted++;
  }
  return out;
}

export interface PublicityRow {
  townshipId: string;
  villageId: number;
  method: string;
  reached: number;
  recordedBy: string;
  at: number;
}
export const addPublicity = (d: Database, row: PublicityRow): Statement => d.db.insert(publicity).values(row);

export const addContact = (d: Database, row: { townshipId: string; householdId: number; method: string; note: string | null; recordedBy: string; at: number }): Statement =>
  d.db.insert(contacts).values(row);

/** The village's all-away households (全家外出). */
export async function allAwayHouseholds(d: Database, villageId: number): Promise<{ id: number; headName: string; number: string }[]> {
  return d.db
    .select({ id: households.id, headName: households.headName, number: households.number })
    .from(households)
    .where(and(eq(households.villageId, villageId), eq(households.allAway, true)));
}

/** Publicity totals and the all-away households reached / not reached, for the progress card. */
export async function outreachOf(d: Database, villageId: number, away: { id: number; headName: string; number: string }[]) {
  const acts = await d.db.select().from(publicity).where(eq(publicity.villageId, villageId));
  const reached = new Set<number>();
  for (const ids of chunks(away.map((h) => h.id))) {
    // in chunks: D1 binds at most 100 parameters a statement
    for (const r of await d.db.select({ id: contacts.householdId }).from(contacts).where(inArray(contacts.householdId, ids))) reached.add(r.id);
  }
  return {
    activities: acts.length,
    reachedPeople: acts.reduce((n, a) => n + a.reached, 0),
    away: away.length,
    notContacted: away.filter((h) => !reached.has(h.id)),
  };
}
