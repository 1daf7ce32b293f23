// The audit trail (修改记录) as read back: newest last, with the actor's name where the actor is a
// person of the township.
import { and, desc, eq, inArray } from 'drizzle-orm';
import { auditLog, people } from '../../db/schema/index';
import type { Database } from './database';

export interface AuditEntry {
  at: number;
  actor: string;
  /** the person's name when the actor is one of the township's people (by open_id) */
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  source: string;
}

export async function listAudit(d: Database, townshipId: string, o: { villageId?: number; limit: number }): Promise<AuditEntry[]> {
  const rows = await d.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.townshipId, townshipId), o.villageId === undefined ? undefined : eq(auditLog.villageId, o.villageId)))
    .orderBy(desc(auditLog.id))
    .limit(o.limit);
  const openIds = [...new Set(rows.map((r) => r.actor).filter((a) => a.startsWith('ou_')))];
  const names = new Map<string, string>();
  for (let i = 0; i < openIds.length; i += 90) {
    const found = await d.db
      .select({ openId: people.openId, name: people.name })
      .from(people)
      .where(and(eq(people.townshipId, townshipId), inArray(people.openId, openIds.slice(i, i + 90))));
    for (const p of found) if (p.openId) names.set(p.openId, p.name);
  }
  return rows.reverse().map((r) => ({
    at: r.at,
    actor: r.actor,
    actorName: names.get(r.actor) ?? null,
    action: r.action,
    entity: r.entity,
    entityId: r.entityId,
    before: r.before,
    after: r.after,
    source: r.source,
  }));
}
