// Reads of the ongoing duties (src/core/duties.ts): the helpers as people, the households with a
// visit and with an exit plan, the help cards' steps and the helpers without households.
import { and, eq, isNotNull } from 'drizzle-orm';
import { exitPlans, helperVisits, households, people, roles } from '../../db/schema/index';
import type { Database } from './database';
import { isIncludedStatus } from './progress';
import type { DutyFacts, DutyPerson, HelpCardStep } from '../core/duties';

export async function dutyFacts(d: Database, townshipId: string): Promise<DutyFacts> {
  const [ps, helping, helperRoles, visited, planned] = await Promise.all([
    d.db.select({ id: people.id, name: people.name, openId: people.openId }).from(people).where(eq(people.townshipId, townshipId)),
    d.db
      .select({ id: households.id, helperId: households.helperId, status: households.status, card: helpCardColumns })
      .from(households)
      .where(and(eq(households.townshipId, townshipId), isNotNull(households.helperId))),
    d.db.select({ personId: roles.personId, villageId: roles.villageId }).from(roles).where(and(eq(roles.townshipId, townshipId), eq(roles.role, 'helper'))),
    d.db.selectDistinct({ id: helperVisits.householdId }).from(helperVisits).where(eq(helperVisits.townshipId, townshipId)),
    d.db.select({ id: exitPlans.householdId }).from(exitPlans).where(eq(exitPlans.townshipId, townshipId)),
  ]);
  const person = new Map(ps.map((p): [number, DutyPerson] => [p.id, { id: String(p.id), name: p.name, openId: p.openId }]));
  const helpers: Record<string, DutyPerson> = {};
  const busy = new Set<number>();
  const helpCardSteps = new Map<string, HelpCardStep>();
  for (const h of helping) {
    const p = person.get(h.helperId as number);
    if (p) helpers[p.id] = p;
    if (isIncludedStatus(h.status)) busy.add(h.helperId as number);
    helpCardSteps.set(String(h.id), stepOf(h.card));
  }
  const idleHelpers: Record<string, DutyPerson[]> = {};
  for (const r of helperRoles) {
    const p = person.get(r.personId);
    if (!p || r.villageId === 0 || busy.has(r.personId)) continue;
    (idleHelpers[String(r.villageId)] ??= []).push(p);
  }
  return { helpers, visited: new Set(visited.map((v) => String(v.id))), planned: new Set(planned.map((p) => String(p.id))), helpCardSteps, idleHelpers };
}

const helpCardColumns = { filledAt: households.helpCardFilledAt, collectedAt: households.helpCardReturnedAt, receivedAt: households.helpCardReceivedAt };

/** The step a help card is at, from its three timestamps. */
export function stepOf(c: { filledAt: number | null; collectedAt: number | null; receivedAt: number | null }): HelpCardStep {
  return c.receivedAt !== null ? 'received' : c.collectedAt !== null ? 'collected' : c.filledAt !== null ? 'filled' : 'none';
}

/** The duty job kinds' shared read (one function, so the runner reads it once for all of them). */
export const readDutyFacts = (d: Database, t: { id: string }): Promise<DutyFacts> => dutyFacts(d, t.id);
