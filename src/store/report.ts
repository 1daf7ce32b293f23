// What the county report reads (src/report/): every row of one township it shows, as plain rows.
// The report builds its lines from these and imports no table itself.
import { listAccountability } from './accountability';
import { listInspections } from './inspections';
import { and, eq, isNull } from 'drizzle-orm';
import {
  contacts,
  departmentLists,
  exclusionHits,
  exitPlans,
  helpCards,
  helperAssignments,
  helperVisits,
  households,
  meetings,
  members,
  notices,
  objections,
  people,
  publicity,
  stageProgress,
  townships,
  villages,
} from '../../db/schema/index';
import type { Database } from './database';
import { readOutreach } from './outreach';

/** Reads every row the county report shows; null when there is no such township. */
export async function readCountyReportRows(d: Database, townshipId: string) {
  const [t] = await d.db.select().from(townships).where(eq(townships.id, townshipId));
  if (!t) return null;
  const [outreach, vs, hs, ms, ps, hits, mts, ns, sp, asg, obj, lists, visits, plans, cards, pub, cts, acc, insp] = await Promise.all([
    readOutreach(d, townshipId),
    d.db.select().from(villages).where(eq(villages.townshipId, townshipId)).orderBy(villages.id),
    d.db.select().from(households).where(eq(households.townshipId, townshipId)).orderBy(households.villageId, households.number),
    d.db.select().from(members).where(eq(members.townshipId, townshipId)).orderBy(members.id),
    d.db.select().from(people).where(eq(people.townshipId, townshipId)),
    d.db.select().from(exclusionHits).where(eq(exclusionHits.townshipId, townshipId)).orderBy(exclusionHits.id),
    d.db.select().from(meetings).where(eq(meetings.townshipId, townshipId)).orderBy(meetings.villageId, meetings.date, meetings.id),
    d.db.select().from(notices).where(eq(notices.townshipId, townshipId)).orderBy(notices.villageId),
    d.db.select().from(stageProgress).where(eq(stageProgress.townshipId, townshipId)),
    d.db.select().from(helperAssignments).where(and(eq(helperAssignments.townshipId, townshipId), isNull(helperAssignments.endedAt))),
    // by the township's notices in one join (no list of notice ids: D1 binds at most 100 parameters)
    d.db
      .select({ o: objections })
      .from(objections)
      .innerJoin(notices, eq(notices.id, objections.noticeId))
      .where(eq(notices.townshipId, townshipId))
      .orderBy(objections.noticeId, objections.no)
      .then((rows) => rows.map((r) => r.o)),
    d.db.select().from(departmentLists).where(eq(departmentLists.townshipId, townshipId)).orderBy(departmentLists.importedAt, departmentLists.id),
    d.db.select().from(helperVisits).where(eq(helperVisits.townshipId, townshipId)).orderBy(helperVisits.date, helperVisits.id),
    d.db.select().from(exitPlans).where(eq(exitPlans.townshipId, townshipId)),
    d.db.select().from(helpCards).where(eq(helpCards.townshipId, townshipId)),
    d.db.select().from(publicity).where(eq(publicity.townshipId, townshipId)).orderBy(publicity.villageId, publicity.at, publicity.id),
    d.db.select().from(contacts).where(eq(contacts.townshipId, townshipId)).orderBy(contacts.at, contacts.id),
    listAccountability(d, townshipId),
    listInspections(d, townshipId),
  ]);
  return {
    township: t,
    outreach,
    villages: vs,
    households: hs,
    members: ms,
    people: ps,
    /** every exclusion hit: open, confirmed and dismissed */
    hits,
    meetings: mts,
    notices: ns,
    stages: sp,
    /** current helper assignments */
    assignments: asg,
    objections: obj,
    /** every import of a department list, the replaced ones too (active = the one in use) */
    departmentLists: lists,
    visits,
    exitPlans: plans,
    helpCards: cards,
    publicity: pub,
    contacts: cts,
    /** 追责: the findings after the close and their outcomes */
    accountability: acc,
    /** 督查: the committee's inspections */
    inspections: insp,
  };
}

export type CountyReportRows = NonNullable<Awaited<ReturnType<typeof readCountyReportRows>>>;
export type ReportHousehold = CountyReportRows['households'][number];
