// Reads about helpers (帮扶): who helps whom, the load per helper, visits, help cards, the
// five-batches classification, and the coverage of those duties per village (for the progress
// card and the digest) and per helper (for 帮扶情况 and the year-end export).
import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { exitPlans, helpCards, helperAssignments, helperVisits, households, members, outbox, people, roles, villages } from '../../db/schema/index';
import { CHUNK, chunks, type Database, type Statement } from './database';
import { personNames } from './jobs';
import type { PersonRow, TownshipRow, VillageRow } from './township';
import { INCLUDED_STATUSES, isIncludedStatus, planSnapshots, villageHouseholds } from './progress';
import type { HouseholdSnapshot, VillageSnapshot } from '../core/stages';
import { batchCounts, type BatchCounts } from '../core/batches';
import { addDays, type CalendarDate } from '../core/dates';

import type { HelpCardStep } from '../core/stages';
export type HouseholdRow = typeof households.$inferSelect;
export type MemberRow = typeof members.$inferSelect;
export type VisitRow = typeof helperVisits.$inferSelect;
export type AssignmentRow = typeof helperAssignments.$inferSelect;
export type ExitPlanRow = typeof exitPlans.$inferSelect;
export type HelpCardRow = typeof helpCards.$inferSelect;

/** A household counts for the helper duties while it is included (not applied, not removed). */
export const isCurrentHousehold = (h: Pick<HouseholdRow, 'status'>): boolean => isIncludedStatus(h.status);

export const helperMaxOf = (t: TownshipRow): number => t.campaign.helperMaxHouseholds ?? 5;

/** Visits "in the last N days" include today: the window starts N-1 days before. */
export const windowStart = (today: CalendarDate, days = 30): CalendarDate => addDays(today, -(days - 1));

export interface HouseholdRef {
  id: number;
  number: string;
  head: string;
}
const ref = (h: HouseholdRow): HouseholdRef => ({ id: h.id, number: h.number, head: h.headName });

export async function getHousehold(d: Database, townshipId: string, id: number): Promise<HouseholdRow | null> {
  return (await d.db.select().from(households).where(and(eq(households.townshipId, townshipId), eq(households.id, id))).limit(1))[0] ?? null;
}

export async function membersOf(d: Database, householdId: number): Promise<MemberRow[]> {
  return d.db.select().from(members).where(eq(members.householdId, householdId)).orderBy(members.id);
}

export async function getPerson(d: Database, townshipId: string, id: number): Promise<PersonRow | null> {
  return (await d.db.select().from(people).where(and(eq(people.townshipId, townshipId), eq(people.id, id))).limit(1))[0] ?? null;
}

export async function personByOpenId(d: Database, townshipId: string, openId: string): Promise<PersonRow | null> {
  return (await d.db.select().from(people).where(and(eq(people.townshipId, townshipId), eq(people.openId, openId))).limit(1))[0] ?? null;
}

/** Current households per helper (person id), over the whole township: the limit is personal. */
export async function helperLoads(d: Database, townshipId: string): Promise<Map<number, number>> {
  const rows = await d.db
    .select({ helperId: households.helperId, n: sql<number>`count(*)` })
    .from(households)
    .where(and(eq(households.townshipId, townshipId), isNotNull(households.helperId), inArray(households.status, [...INCLUDED_STATUSES])))
    .groupBy(households.helperId);
  return new Map(rows.map((r) => [r.helperId!, Number(r.n)]));
}

/** A helper's current households with their village name, by number. */
export async function householdsOfHelper(d: Database, townshipId: string, helperId: number): Promise<(HouseholdRow & { villageName: string })[]> {
  const rows = await d.db
    .select({ h: households, villageName: villages.name })
    .from(households)
    .innerJoin(villages, eq(villages.id, households.villageId))
    .where(and(eq(households.townshipId, townshipId), eq(households.helperId, helperId)))
    .orderBy(households.number);
  return rows.filter((r) => isCurrentHousehold(r.h)).map((r) => ({ ...r.h, villageName: r.villageName }));
}

/** The open assignment row of a household (no endedAt), if any. */
export async function currentAssignment(d: Database, householdId: number): Promise<AssignmentRow | null> {
  return (
    (await d.db
      .select()
      .from(helperAssignments)
      .where(and(eq(helperAssignments.householdId, householdId), isNull(helperAssignments.endedAt)))
      .orderBy(helperAssignments.id)
      .limit(1))[0] ?? null
  );
}

/** The step a household's help card is at (DESIGN §5). */
export const helpCardStepOf = (h: Pick<HouseholdRow, 'helpCardFilledAt' | 'helpCardReturnedAt' | 'helpCardReceivedAt'>): HelpCardStep =>
  h.helpCardReceivedAt !== null ? 'received' : h.helpCardReturnedAt !== null ? 'collected' : h.helpCardFilledAt !== null ? 'filled' : 'none';

export async function helpCardOf(d: Database, householdId: number): Promise<HelpCardRow | null> {
  const [row] = await d.db.select().from(helpCards).where(eq(helpCards.householdId, householdId));
  return row ?? null;
}

export async function exitPlanOf(d: Database, householdId: number): Promise<ExitPlanRow | null> {
  return (await d.db.select().from(exitPlans).where(eq(exitPlans.householdId, householdId)).limit(1))[0] ?? null;
}

export async function visitsOf(d: Database, householdId: number): Promise<VisitRow[]> {
  return d.db.select().from(helperVisits).where(eq(helperVisits.householdId, householdId)).orderBy(helperVisits.date, helperVisits.id);
}

/**
 * The visit a reply belongs to: `messageId` is the 走访 command's message, or the bot's answer
 * to it (the outbox row that replied to the command and got this Feishu message id).
 */
export async function visitForMessage(d: Database, townshipId: string, messageId: string): Promise<VisitRow | null> {
  const byCommand = async (id: string) =>
    (await d.db
      .select()
      .from(helperVisits)
      .where(and(eq(helperVisits.townshipId, townshipId), eq(helperVisits.messageId, id)))
      .limit(1))[0] ?? null;
  const direct = await byCommand(messageId);
  if (direct) return direct;
  const [sent] = await d.db
    .select({ replyTo: outbox.replyTo })
    .from(outbox)
    .where(and(eq(outbox.feishuMessageId, messageId), isNotNull(outbox.replyTo)))
    .limit(1);
  return sent?.replyTo ? byCommand(sent.replyTo) : null;
}

// ---------------------------------------------------------------------------
// Coverage per village

export interface HelperCoverage {
  villageId: number;
  /** included households */
  included: number;
  withoutHelper: HouseholdRef[];
  unclassified: HouseholdRef[];
  helpCardsReturned: number;
  helpCardsMissing: HouseholdRef[];
  /** with a helper, but no visit ever logged */
  notVisited: HouseholdRef[];
  /** helpers of this village's households whose township-wide load is over the limit */
  helpersOverLimit: { helperId: number; name: string; households: number }[];
  /** five batches by household and by person, over the included households */
  batches: BatchCounts;
}

/**
 * The helper duties per village (DESIGN §2 ongoing duties, §7 digest): households without a
 * helper, without a classification, help cards missing, households never visited, and the
 * helpers over `helper_max_households`. All villages of the township, or only `villageIds`.
 */
export async function helperCoverage(d: Database, township: TownshipRow, villageIds?: number[]): Promise<Map<number, HelperCoverage>> {
  return coverageOf(d, township, await planSnapshots(d, township, { villageIds }));
}

/**
 * The helper duties of the villages of `snapshots` (planSnapshots with members), from their
 * households, plus the visits logged and the helpers' township-wide loads.
 */
export async function coverageOf(d: Database, township: TownshipRow, snapshots: VillageSnapshot[]): Promise<Map<number, HelperCoverage>> {
  const out = new Map<number, HelperCoverage>();
  if (snapshots.length === 0) return out;
  const tid = township.id;
  const max = helperMaxOf(township);
  const ids = snapshots.map((s) => Number(s.village.id));
  const narrow = ids.length <= CHUNK ? ids : null;
  const [loads, vs] = await Promise.all([
    helperLoads(d, tid),
    d.db
      .selectDistinct({ householdId: helperVisits.householdId })
      .from(helperVisits)
      .where(and(eq(helperVisits.townshipId, tid), villageHouseholds(d, tid, narrow, helperVisits.householdId))),
  ]);
  const visited = new Set(vs.map((v) => v.householdId));
  const byNumber = (a: HouseholdSnapshot, b: HouseholdSnapshot) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0);
  const current = new Map(snapshots.map((s) => [Number(s.village.id), s.households.filter((h) => h.included).sort(byNumber)]));
  const over = [...new Set([...current.values()].flatMap((list) => list.map((h) => h.helperId)))]
    .filter((id): id is string => id !== null && (loads.get(Number(id)) ?? 0) > max)
    .map(Number);
  const names = await personNames(d, over);
  const refOf = (h: HouseholdSnapshot): HouseholdRef => ({ id: Number(h.id), number: h.number, head: h.head });
  for (const [vid, list] of current) {
    const helperIds = [...new Set(list.map((h) => h.helperId).filter((x): x is string => x !== null).map(Number))];
    out.set(vid, {
      villageId: vid,
      included: list.length,
      withoutHelper: list.filter((h) => h.helperId === null).map(refOf),
      unclassified: list.filter((h) => h.batches.length === 0).map(refOf),
      helpCardsReturned: list.filter((h) => h.helpCardReturned).length,
      helpCardsMissing: list.filter((h) => !h.helpCardReturned).map(refOf),
      notVisited: list.filter((h) => h.helperId !== null && !visited.has(Number(h.id))).map(refOf),
      helpersOverLimit: helperIds
        .filter((id) => (loads.get(id) ?? 0) > max)
        .map((id) => ({ helperId: id, name: names[String(id)] ?? String(id), households: loads.get(id)! }))
        .sort((a, b) => b.households - a.households || a.name.localeCompare(b.name)),
      batches: batchCounts(list.map((h) => ({ batches: h.batches, members: h.members ?? [] }))),
    });
  }
  return out;
}

/**
 * Snapshots with the members and the helper duties per village (planSnapshots plus coverageOf): for the
 * one-village progress card, stage completion and alerts. All villages, or only `only`.
 */
export async function villageSnapshots(
  d: Database,
  township: TownshipRow,
  only?: VillageRow[],
): Promise<(VillageSnapshot & { helpers?: HelperCoverage })[]> {
  const snaps = await planSnapshots(d, township, { villageIds: only?.map((v) => v.id) });
  const helpers = await coverageOf(d, township, snaps);
  return snaps.map((s) => ({ ...s, helpers: helpers.get(Number(s.village.id)) }));
}

// ---------------------------------------------------------------------------
// Activity per helper

export interface HelperHousehold extends HouseholdRef {
  village: string;
  batches: string[];
  helpCardReturned: boolean;
  visits: number;
  lastVisit: CalendarDate | null;
  assignedAt: number | null;
  flag: string | null;
  overrideReason: string | null;
  hasPlan: boolean;
}

export interface HelperActivity {
  helper: { id: number; name: string; department: string | null; partyMember: boolean };
  /** current households (in the village asked about, when one is) */
  households: HelperHousehold[];
  /** current households in the whole township: the load the limit applies to */
  load: number;
  overLimit: boolean;
  visitsTotal: number;
  /** visits logged in the 30 days up to `today` */
  visitsRecent: number;
  lastVisit: CalendarDate | null;
  neverVisited: HouseholdRef[];
  helpCardsReturned: number;
}

/**
 * Per-helper activity: every person who currently helps an included household (of `villageId`
 * when given), with their households, visits (all, and in the last 30 days), households never
 * visited and help cards returned. Sorted by village of first household, then name.
 */
export async function helperActivity(d: Database, township: TownshipRow, today: CalendarDate, o: { villageId?: number } = {}): Promise<HelperActivity[]> {
  const tid = township.id;
  const max = helperMaxOf(township);
  const [hs, vs, visits, assigns, plans] = await Promise.all([
    d.db.select().from(households).where(eq(households.townshipId, tid)).orderBy(households.number),
    d.db.select().from(villages).where(eq(villages.townshipId, tid)),
    d.db.select({ householdId: helperVisits.householdId, helperId: helperVisits.helperId, date: helperVisits.date }).from(helperVisits).where(eq(helperVisits.townshipId, tid)),
    d.db.select().from(helperAssignments).where(and(eq(helperAssignments.townshipId, tid), isNull(helperAssignments.endedAt))),
    d.db.select({ householdId: exitPlans.householdId }).from(exitPlans).where(eq(exitPlans.townshipId, tid)),
  ]);
  const current = hs.filter((h) => h.helperId !== null && isCurrentHousehold(h));
  const villageOf = new Map(hs.map((h) => [h.id, h.villageId]));
  const vName = new Map(vs.map((v) => [v.id, v.name]));
  const assignOf = new Map(assigns.map((a) => [a.householdId, a]));
  const planned = new Set(plans.map((p) => p.householdId));
  const load = new Map<number, number>();
  for (const h of current) load.set(h.helperId!, (load.get(h.helperId!) ?? 0) + 1);
  const shown = current.filter((h) => o.villageId === undefined || h.villageId === o.villageId);
  const helperIds = [...new Set(shown.map((h) => h.helperId!))];
  if (helperIds.length === 0) return [];
  const persons = (await Promise.all(chunks(helperIds).map((part) => d.db.select().from(people).where(inArray(people.id, part)))))
    .flat()
    .sort((a, b) => a.id - b.id);
  const since = windowStart(today);

  const rows = persons.map((p): HelperActivity => {
    const mine = shown.filter((h) => h.helperId === p.id);
    const own = visits.filter((v) => v.helperId === p.id && (o.villageId === undefined || villageOf.get(v.householdId) === o.villageId));
    const list: HelperHousehold[] = mine.map((h) => {
      const hv = own.filter((v) => v.householdId === h.id);
      const a = assignOf.get(h.id);
      return {
        ...ref(h),
        village: vName.get(h.villageId) ?? '',
        batches: h.batches,
        helpCardReturned: h.helpCardReturnedAt !== null,
        visits: hv.length,
        lastVisit: hv.reduce<CalendarDate | null>((m, v) => (m === null || v.date > m ? v.date : m), null),
        assignedAt: a?.helperId === p.id ? a.assignedAt : null,
        flag: a?.helperId === p.id ? a.flag : null,
        overrideReason: a?.helperId === p.id ? a.overrideReason : null,
        hasPlan: planned.has(h.id),
      };
    });
    const n = load.get(p.id) ?? 0;
    return {
      helper: { id: p.id, name: p.name, department: p.department, partyMember: p.partyMember },
      households: list,
      load: n,
      overLimit: n > max,
      visitsTotal: own.length,
      visitsRecent: own.filter((v) => v.date >= since && v.date <= today).length,
      lastVisit: own.reduce<CalendarDate | null>((m, v) => (m === null || v.date > m ? v.date : m), null),
      neverVisited: list.filter((h) => h.visits === 0).map((h) => ({ id: h.id, number: h.number, head: h.head })),
      helpCardsReturned: list.filter((h) => h.helpCardReturned).length,
    };
  });
  const firstVillage = (r: HelperActivity) => r.households[0]?.village ?? '';
  return rows.sort((a, b) => firstVillage(a).localeCompare(firstVillage(b), 'zh') || a.helper.name.localeCompare(b.helper.name, 'zh'));
}

/** A household's exit plan, created or replaced. */
export function saveExitPlan(
  d: Database,
  householdId: number,
  townshipId: string,
  row: { measures: string; owner: string; startDate: CalendarDate | null; endDate: CalendarDate | null; updatedBy: string; updatedAt: number },
): Statement {
  return d.db.insert(exitPlans).values({ householdId, townshipId, ...row }).onConflictDoUpdate({ target: exitPlans.householdId, set: row });
}

/** Changes to one household row (helper, classification, help card steps). */
export const updateHousehold = (d: Database, id: number, set: Partial<typeof households.$inferInsert>): Statement => d.db.update(households).set(set).where(eq(households.id, id));
export const updateMember = (d: Database, id: number, set: Partial<typeof members.$inferInsert>): Statement => d.db.update(members).set(set).where(eq(members.id, id));

/** A help card's content, created or replaced. */
export function saveHelpCard(d: Database, row: typeof helpCards.$inferInsert): Statement {
  const { householdId: _id, ...set } = row;
  return d.db.insert(helpCards).values(row).onConflictDoUpdate({ target: helpCards.householdId, set });
}

/** Ends the household's open helper assignment. */
export const endAssignment = (d: Database, householdId: number, at: number): Statement =>
  d.db.update(helperAssignments).set({ endedAt: at }).where(and(eq(helperAssignments.householdId, householdId), isNull(helperAssignments.endedAt)));
export const addAssignment = (d: Database, row: typeof helperAssignments.$inferInsert): Statement => d.db.insert(helperAssignments).values(row);

export const addVisit = (d: Database, row: typeof helperVisits.$inferInsert): Statement => d.db.insert(helperVisits).values(row);
export const setVisitEvidence = (d: Database, id: number, evidence: string[]): Statement => d.db.update(helperVisits).set({ evidence }).where(eq(helperVisits.id, id));

/** The roles these people hold in one village. */
export async function villageRolesOf(d: Database, personIds: number[], villageId: number) {
  if (personIds.length === 0) return [];
  return d.db
    .select({ personId: roles.personId, role: roles.role })
    .from(roles)
    .where(and(inArray(roles.personId, personIds), eq(roles.villageId, villageId)));
}

/** Party members with an open_id (who may be helpers), and every role of the township. */
export async function helperPool(d: Database, townshipId: string) {
  const ps = (await d.db.select().from(people).where(and(eq(people.townshipId, townshipId), eq(people.partyMember, true)))).filter((p) => p.openId);
  const rs = await d.db.select({ personId: roles.personId, role: roles.role, villageId: roles.villageId }).from(roles).where(eq(roles.townshipId, townshipId));
  return { people: ps, roles: rs };
}

/** The village's households with their helper and help card steps. */
export async function helpCardSteps(d: Database, villageId: number) {
  return d.db
    .select({ id: households.id, helperId: households.helperId, status: households.status, helpCardFilledAt: households.helpCardFilledAt, helpCardReturnedAt: households.helpCardReturnedAt, helpCardReceivedAt: households.helpCardReceivedAt })
    .from(households)
    .where(eq(households.villageId, villageId));
}
