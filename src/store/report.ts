// What the county report reads (src/report/): every row of one township it shows, as plain rows.
// The report builds its lines from these and imports no table itself.
import { and, eq, isNull } from 'drizzle-orm';
import {
  exclusionHits,
  helperAssignments,
  households,
  meetings,
  members,
  notices,
  objections,
  people,
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
  const [outreach, vs, hs, ms, ps, hits, mts, ns, sp, asg, obj] = await Promise.all([
    readOutreach(d, townshipId),
    d.db.select().from(villages).where(eq(villages.townshipId, townshipId)).orderBy(villages.id),
    d.db.select().from(households).where(eq(households.townshipId, townshipId)).orderBy(households.villageId, households.number),
    d.db.select().from(members).where(eq(members.townshipId, townshipId)).orderBy(members.id),
    d.db.select().from(people).where(eq(people.townshipId, townshipId)),
    d.db.select().from(exclusionHits).where(and(eq(exclusionHits.townshipId, townshipId), eq(exclusionHits.status, 'confirmed'))).orderBy(exclusionHits.id),
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
  ]);
  return {
    township: t,
    outreach,
    villages: vs,
    households: hs,
    members: ms,
    people: ps,
    /** confirmed exclusion hits */
    hits,
    meetings: mts,
    notices: ns,
    stages: sp,
    /** current helper assignments */
    assignments: asg,
    objections: obj,
  };
}

export type CountyReportRows = NonNullable<Awaited<ReturnType<typeof readCountyReportRows>>>;
export type ReportHousehold = CountyReportRows['households'][number];
