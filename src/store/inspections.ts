// 督查 (明察暗访) records of the discipline committee: kind, village, household and person
// (optional), finding, action taken, and whether it confirms a wrongly identified household.
// Written by `督办`, `明察` / `暗访` and the alert card's 记录督查; read by the county report.
import { sql } from 'drizzle-orm';
import { inspections } from '../../db/schema/index';
import type { Database, Statement } from './database';
import type { InspectionKind } from '../core/accountability';

export interface NewInspection {
  townshipId: string;
  /** 0: the township (乡级) */
  villageId: number;
  kind: InspectionKind | null;
  householdId: number | null;
  person: string | null;
  finding: string;
  action: string | null;
  wrongIdentification: boolean;
  recordedBy: string;
  at: number;
}

export function recordInspection(d: Database, i: NewInspection): Statement {
  return d.db.insert(inspections).values(i);
}

/** The id of the inspection `recordInspection` wrote, as a sub-query (for a row written in the same atomic write). */
export const inspectionIdOf = (i: Pick<NewInspection, 'townshipId' | 'recordedBy' | 'at'>) =>
  sql`(select max(id) from inspections where township_id = ${i.townshipId} and recorded_by = ${i.recordedBy} and at = ${i.at})`;

export interface InspectionView {
  id: number;
  at: number;
  kind: InspectionKind | null;
  villageId: number;
  /** '乡级' for the township */
  villageName: string;
  householdNumber: string | null;
  headName: string | null;
  person: string | null;
  finding: string;
  action: string | null;
  wrongIdentification: boolean;
  recordedBy: string;
  /** the recorder's name, or their open_id when not one of the township's people */
  recordedByName: string;
}

interface Row {
  id: number;
  at: number;
  kind: InspectionKind | null;
  village_id: number;
  village: string | null;
  number: string | null;
  head_name: string | null;
  person: string | null;
  finding: string;
  action: string | null;
  wrong: number;
  recorded_by: string;
  recorded_by_name: string | null;
}

/** Every inspection of the township, oldest first. */
export async function listInspections(d: Database, townshipId: string): Promise<InspectionView[]> {
  const found = (await d.db.all(
    sql`select i.id, i.at, i.kind, i.village_id, v.name as village, h.number, h.head_name, i.person, i.finding, i.action,
               i.wrong_identification as wrong, i.recorded_by,
               (select p.name from people p where p.township_id = i.township_id and p.open_id = i.recorded_by limit 1) as recorded_by_name
          from inspections i
          left join villages v on v.id = i.village_id
          left join households h on h.id = i.household_id
         where i.township_id = ${townshipId}
         order by i.at, i.id`,
  )) as Row[];
  return found.map((r) => ({
    id: r.id,
    at: Number(r.at),
    kind: r.kind,
    villageId: r.village_id,
    villageName: r.village_id === 0 ? '乡级' : (r.village ?? ''),
    householdNumber: r.number,
    headName: r.head_name,
    person: r.person,
    finding: r.finding,
    action: r.action,
    wrongIdentification: Boolean(r.wrong),
    recordedBy: r.recorded_by,
    recordedByName: r.recorded_by_name ?? r.recorded_by,
  }));
}
