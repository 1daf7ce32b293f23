// 追责: a household found wrongly identified after the campaign closed, flagged to the discipline
// committee with its 识别责任人 (DESIGN §7). One row per finding (source + source id), and the
// outcome (处理结果) the committee records on it. The reads give what the card, the `追责` list
// and the county report show: village, household, the head's masked ID, finding, source, owner.
import { eq, sql, type SQL } from 'drizzle-orm';
import { accountability } from '../../db/schema/index';
import type { Database, Statement } from './database';
import { maskIdCard } from '../core/idcard';
import { EXCLUSION_NAMES, INCLUDED_STATUSES, describeEvidence, type Exclusion, type HitEvidence } from '../core/exclusions';
import { findingCode, type AccountabilitySource, type Outcome } from '../core/accountability';

export interface AccountabilityFinding {
  townshipId: string;
  villageId: number;
  householdId: number;
  source: AccountabilitySource;
  /** the exclusion hit's, the household's (removal) or the inspection's id; a statement for an id not known yet */
  sourceId: number | SQL;
  finding: string;
  identificationOwner: string | null;
  foundAt: number;
}

export function recordAccountability(d: Database, f: AccountabilityFinding): Statement {
  return d.db.insert(accountability).values(f).onConflictDoNothing();
}

/** A finding as the card, the list and the report show it. `id` null: not recorded yet (an open hit the job is about to flag). */
export interface AccountabilityView {
  id: number | null;
  source: AccountabilitySource;
  sourceId: number;
  /** 编号: `疑点12`, `清退7`, `督查3` */
  code: string;
  villageId: number;
  villageName: string;
  householdId: number;
  number: string;
  headName: string;
  /** the head's ID number, masked (first 6 + last 4); null when the roster has none */
  headId: string | null;
  finding: string;
  identificationOwner: string | null;
  foundAt: number;
  outcome: Outcome | null;
  outcomeNote: string | null;
  /** open_id of who recorded the outcome, and their name */
  outcomeBy: string | null;
  outcomeByName: string | null;
  outcomeAt: number | null;
}

interface Row {
  id: number | null;
  source: AccountabilitySource;
  source_id: number;
  village_id: number;
  village: string | null;
  household_id: number;
  number: string | null;
  head_name: string | null;
  head_id: string | null;
  finding: string;
  identification_owner: string | null;
  found_at: number;
  outcome: Outcome | null;
  outcome_note: string | null;
  outcome_by: string | null;
  outcome_by_name: string | null;
  outcome_at: number | null;
}

const HEAD_ID = sql.raw(`(select m.id_card from members m where m.household_id = h.id and m.relation = 'head' order by m.id limit 1)`);

const view = (r: Row): AccountabilityView => ({
  id: r.id,
  source: r.source,
  sourceId: Number(r.source_id),
  code: findingCode(r.source, Number(r.source_id)),
  villageId: r.village_id,
  villageName: r.village ?? '',
  householdId: r.household_id,
  number: r.number ?? '',
  headName: r.head_name ?? '',
  headId: r.head_id ? maskIdCard(r.head_id) : null,
  finding: r.finding,
  identificationOwner: r.identification_owner,
  foundAt: Number(r.found_at),
  outcome: r.outcome,
  outcomeNote: r.outcome_note,
  outcomeBy: r.outcome_by,
  outcomeByName: r.outcome_by ? (r.outcome_by_name ?? r.outcome_by) : null,
  outcomeAt: r.outcome_at === null ? null : Number(r.outcome_at),
});

async function rows(d: Database, where: SQL): Promise<AccountabilityView[]> {
  const found = (await d.db.all(
    sql`select a.id, a.source, a.source_id, a.village_id, v.name as village, a.household_id, h.number, h.head_name, ${HEAD_ID} as head_id,
               a.finding, a.identification_owner, a.found_at, a.outcome, a.outcome_note, a.outcome_by,
               (select p.name from people p where p.township_id = a.township_id and p.open_id = a.outcome_by limit 1) as outcome_by_name, a.outcome_at
          from accountability a
          left join villages v on v.id = a.village_id
          left join households h on h.id = a.household_id
         where ${where}
         order by a.found_at, a.id`,
  )) as Row[];
  return found.map(view);
}

/** Every finding of the township, oldest first; `open`: those without an outcome yet. */
export function listAccountability(d: Database, townshipId: string, o: { open?: boolean } = {}): Promise<AccountabilityView[]> {
  return rows(d, o.open ? sql`a.township_id = ${townshipId} and a.outcome is null` : sql`a.township_id = ${townshipId}`);
}

/** The finding of one of `sources` with this source id, or null. */
export async function getAccountability(d: Database, townshipId: string, sources: readonly AccountabilitySource[], sourceId: number): Promise<AccountabilityView | null> {
  const list = sql.join(sources.map((s) => sql`${s}`), sql`, `);
  return (await rows(d, sql`a.township_id = ${townshipId} and a.source in (${list}) and a.source_id = ${sourceId}`))[0] ?? null;
}

/** What a finding from an exclusion hit says: the exclusion, the evidence, the member (ID masked). */
export function hitFinding(exclusion: Exclusion, department: string, evidence: HitEvidence | null, memberName: string | null, idCard: string | null): string {
  const who = memberName ? `（成员 ${memberName}${idCard ? ` ${maskIdCard(idCard)}` : ''}）` : '';
  return `${EXCLUSION_NAMES[exclusion] ?? exclusion}——${evidence ? describeEvidence(department, evidence) : `${department}名单`}${who}`;
}

interface OpenHitRow {
  hit_id: number;
  exclusion: Exclusion;
  department: string;
  evidence: string | null;
  village_id: number;
  village: string | null;
  household_id: number;
  number: string;
  head_name: string;
  head_id: string | null;
  identification_owner: string | null;
  member_name: string | null;
  id_card: string | null;
}

/**
 * Hits still open at the close (found before `cutoff`, the close's next midnight) on included
 * households, not yet flagged as such: what the accountability job flags on the day after.
 * `id` null and `foundAt` = `now` in the views (the job records them with the card).
 */
export async function openHitsAtClose(d: Database, townshipId: string, cutoff: number, now: number): Promise<AccountabilityView[]> {
  const included = sql.join(INCLUDED_STATUSES.map((s) => sql`${s}`), sql`, `);
  const found = (await d.db.all(
    sql`select e.id as hit_id, e.exclusion, e.department, e.evidence, h.village_id, v.name as village, h.id as household_id,
               h.number, h.head_name, ${HEAD_ID} as head_id, h.identification_owner, m.name as member_name, m.id_card
          from exclusion_hits e
          join households h on h.id = e.household_id
          left join villages v on v.id = h.village_id
          left join members m on m.id = e.member_id
         where e.township_id = ${townshipId} and e.status = 'open' and e.found_at < ${cutoff} and h.status in (${included})
           and not exists (select 1 from accountability a where a.township_id = e.township_id and a.source = 'open_hit' and a.source_id = e.id)
         order by h.number, e.id`,
  )) as OpenHitRow[];
  return found.map((r) => ({
    id: null,
    source: 'open_hit',
    sourceId: Number(r.hit_id),
    code: findingCode('open_hit', Number(r.hit_id)),
    villageId: r.village_id,
    villageName: r.village ?? '',
    householdId: r.household_id,
    number: r.number,
    headName: r.head_name,
    headId: r.head_id ? maskIdCard(r.head_id) : null,
    finding: hitFinding(r.exclusion, r.department, r.evidence ? (JSON.parse(r.evidence) as HitEvidence | null) : null, r.member_name, r.id_card),
    identificationOwner: r.identification_owner,
    foundAt: now,
    outcome: null,
    outcomeNote: null,
    outcomeBy: null,
    outcomeByName: null,
    outcomeAt: null,
  }));
}

/** Records (or changes) the committee's outcome of a finding. */
export function setOutcome(d: Database, id: number, o: { outcome: Outcome; note: string | null; by: string; at: number }): Statement {
  return d.db.update(accountability).set({ outcome: o.outcome, outcomeNote: o.note, outcomeBy: o.by, outcomeAt: o.at }).where(eq(accountability.id, id));
}
