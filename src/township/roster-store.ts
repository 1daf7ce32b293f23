// The roster (建档立卡) into the store and back: households by 户编号, members by ID number.
// All-or-nothing (one atomic write, src/store/roster-import.ts); re-importing the same file
// changes nothing; a changed row is updated and audited (ID numbers in the audit trail masked).
import { eq } from 'drizzle-orm';
import { households, members, villages } from '../../db/schema/index';
import type { Database } from '../store/database';
import type { Schooling, Skill, Work } from '../core/roster-values';
import { validateRoster, type ReadRosterOptions, type RosterHousehold, type RosterMember, type RosterSource, type RosterValidation } from '../import/roster';
import {
  abortRosterImport,
  beginRosterImport,
  commitRosterImport,
  pruneRosterStage,
  smallPageCache,
  stageRosterBatch,
  villageIdsOf,
  type RosterImportResult,
} from '../store/roster-import';

export type { RosterImportResult } from '../store/roster-import';

/** Households per staged batch when they are already in memory. */
const BATCH_MEMBERS = 1000;

/**
 * Writes households already in memory (tests, the example): staged in batches, then one
 * atomic commit (src/store/roster-import.ts).
 */
export async function importRoster(
  d: Database,
  townshipId: string,
  roster: readonly RosterHousehold[],
  o: { actor: string; source: string; now?: Date },
): Promise<RosterImportResult> {
  const now = o.now ?? new Date();
  const ids = await villageIdsOf(d, townshipId);
  const unknown = [...new Set(roster.map((h) => h.village).filter((n) => !ids.has(n)))];
  if (unknown.length) throw new Error(`花名册里的村不在本乡名单中：${unknown.join('、')}。请先在 township.json 中添加并运行 init。`);
  const id = await beginRosterImport(d, townshipId, now);
  try {
    let batch: { households: RosterHousehold[]; members: { householdNo: string; member: RosterMember }[] } = { households: [], members: [] };
    for (const h of roster) {
      batch.households.push(h);
      for (const m of h.members) batch.members.push({ householdNo: h.householdNo, member: m });
      if (batch.members.length >= BATCH_MEMBERS) {
        await stageRosterBatch(d, id, batch, ids);
        batch = { households: [], members: [] };
      }
    }
    if (batch.households.length) await stageRosterBatch(d, id, batch, ids);
    return await commitRosterImport(d, id, { actor: o.actor, source: o.source, now });
  } catch (e) {
    await abortRosterImport(d, id);
    throw e;
  }
}

export type RosterFileImport =
  | { ok: true; validation: RosterValidation; result: RosterImportResult }
  | { ok: false; validation: RosterValidation };

/**
 * Reads a roster file once — every row checked, and each member staged as it is read, a batch
 * at a time (the stage is roster_stage_*, which nothing reads) — then stages the valid
 * households, drops the staged members of households found invalid at the end, and commits it
 * in one atomic write: peak memory is one batch plus a small record per household, whatever the
 * size of the file. Nothing is written when the file has errors (the stage is dropped), unless
 * skipInvalid: then its valid households.
 */
export async function importRosterFile(
  d: Database,
  townshipId: string,
  file: RosterSource,
  o: ReadRosterOptions & { actor: string; source: string; now?: Date; batchSize?: number },
): Promise<RosterFileImport> {
  const now = o.now ?? new Date();
  const ids = await villageIdsOf(d, townshipId);
  const options: ReadRosterOptions = { ...o, villages: o.villages ?? [...ids.keys()] };
  const restoreCache = smallPageCache(d);
  const id = await beginRosterImport(d, townshipId, now);
  try {
    const validation = await validateRoster(file, {
      ...options,
      batchSize: o.batchSize ?? BATCH_MEMBERS,
      onMembers: (members) => stageRosterBatch(d, id, { households: [], members }, ids),
    });
    if (!validation.ok) {
      await abortRosterImport(d, id);
      return { ok: false, validation };
    }
    const hs = validation.households;
    for (let i = 0; i < hs.length; i += BATCH_MEMBERS) await stageRosterBatch(d, id, { households: hs.slice(i, i + BATCH_MEMBERS), members: [] }, ids);
    if (validation.errors.length) await pruneRosterStage(d, id);
    const result = await commitRosterImport(d, id, { actor: o.actor, source: o.source, now });
    return { ok: true, validation, result };
  } catch (e) {
    await abortRosterImport(d, id);
    throw e;
  } finally {
    restoreCache();
  }
}

/** The township's roster back in the import's shape, for export. */
export async function rosterOf(d: Database, townshipId: string): Promise<RosterHousehold[]> {
  const vs = await d.db.select().from(villages).where(eq(villages.townshipId, townshipId));
  const vName = new Map(vs.map((v) => [v.id, v.name]));
  const hs = await d.db.select().from(households).where(eq(households.townshipId, townshipId)).orderBy(households.number);
  const ms = await d.db.select().from(members).where(eq(members.townshipId, townshipId)).orderBy(members.id);
  const byH = new Map<number, typeof ms>();
  for (const m of ms) byH.set(m.householdId, [...(byH.get(m.householdId) ?? []), m]);
  return hs.map((h, i) => ({
    row: i + 2,
    householdNo: h.number,
    village: vName.get(h.villageId) ?? '',
    headName: h.headName,
    status: (h.status === 'removed' ? 'removed' : h.status === 'included' || h.status === 'county_approved' ? 'included' : h.applicant ? 'applied' : 'included') as RosterHousehold['status'],
    housing: (h.housing ?? 'safe') as RosterHousehold['housing'],
    zone: (h.zone ?? 'normal') as RosterHousehold['zone'],
    povertyCause: h.povertyCause ?? '',
    identifiedBy: h.identificationOwner ?? '',
    allAway: h.allAway,
    ...(h.phone ? { phone: h.phone } : {}),
    ...(h.minimumLiving ? { minimumLiving: h.minimumLiving === 'yes' } : {}),
    ...(h.extremePoverty ? { extremePoverty: h.extremePoverty === 'yes' } : {}),
    ...(h.incomePerCapita !== null ? { income: h.incomePerCapita } : {}),
    members: (byH.get(h.id) ?? []).map((m, j) => ({
      row: i + 2 + j,
      name: m.name,
      relation: m.relation as RosterMember['relation'],
      isHead: m.name === h.headName,
      idCard: m.idCard,
      birthDate: `${m.idCard.slice(6, 10)}-${m.idCard.slice(10, 12)}-${m.idCard.slice(12, 14)}`,
      gender: Number(m.idCard[16]) % 2 === 1 ? 'male' : 'female',
      labor: (m.labour ?? 'able') as RosterMember['labor'],
      health: (m.health ?? 'healthy') as RosterMember['health'],
      disability: Number(m.disability ?? 0) as RosterMember['disability'],
      ...(m.disabilityCert ? { disabilityCert: m.disabilityCert } : {}),
      ...(m.schooling ? { schooling: m.schooling as Schooling } : {}),
      ...(m.skill ? { skill: m.skill as Skill } : {}),
      ...(m.skillNote ? { skillNote: m.skillNote } : {}),
      ...(m.work ? { work: m.work as Work } : {}),
      ...(m.workPlace ? { workPlace: m.workPlace } : {}),
    })),
  }));
}
