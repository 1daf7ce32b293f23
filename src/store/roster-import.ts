/**
 * Writing a roster into the store in bounded memory, on Node and on D1 alike.
 *
 *   const id = await beginRosterImport(d, townshipId, now)
 *   for each batch of rosterBatches(...)   await stageRosterBatch(d, id, batch)   // one short write each
 *     (or the members as validateRoster reads them, then the households, then pruneRosterStage)
 *   const result = await commitRosterImport(d, id, { actor, source, now })        // ONE atomic write
 *   (or abortRosterImport(d, id) to drop what was staged)
 *
 * Staging writes only the roster_stage_* tables, so an import that stops half-way (a crash, a
 * Workers invocation that ends) has changed nothing the bot reads; the batches can be staged over
 * several invocations (the import id is a plain string to carry between them). The commit
 * applies the whole stage with a dozen set-based statements in one atomic write (a transaction
 * on SQLite, a batch on D1): households by 户编号, members by ID number within their household;
 * a changed row is updated and audited, a member no longer listed is removed and audited,
 * re-importing the same file changes nothing. ID numbers in the audit trail are masked
 * (first 6 and last 4). A stage older than a day is cleared by the next begin.
 */
import { and, eq, lt, sql, type SQL } from 'drizzle-orm';
import { rosterImports, rosterStageHouseholds, rosterStageMembers, villages } from '../../db/schema/index';
import type { Database, Statement } from './database';
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from './sqlite';
import type { RosterHousehold, RosterMember } from '../import/roster/columns';

export interface RosterImportResult {
  households: { created: number; updated: number; unchanged: number };
  members: { created: number; updated: number; removed: number };
}

const DAY = 86_400_000;

/** Starts an import: a new stage (and clears this township's stages older than a day). */
export async function beginRosterImport(d: Database, townshipId: string, now: Date): Promise<string> {
  const stale = await d.db
    .select({ id: rosterImports.id })
    .from(rosterImports)
    .where(and(eq(rosterImports.townshipId, townshipId), lt(rosterImports.startedAt, now.getTime() - DAY)));
  for (const s of stale) await abortRosterImport(d, s.id);
  const id = `${townshipId}:${now.getTime().toString(36)}:${Math.random().toString(36).slice(2, 10)}`;
  await d.db.insert(rosterImports).values({ id, townshipId, startedAt: now.getTime() });
  return id;
}

/** Drops a stage. */
export async function abortRosterImport(d: Database, importId: string): Promise<void> {
  await d.atomic([
    d.db.delete(rosterStageMembers).where(eq(rosterStageMembers.importId, importId)),
    d.db.delete(rosterStageHouseholds).where(eq(rosterStageHouseholds.importId, importId)),
    d.db.delete(rosterImports).where(eq(rosterImports.id, importId)),
  ]);
}

async function importOf(d: Database, importId: string) {
  const [imp] = await d.db.select().from(rosterImports).where(eq(rosterImports.id, importId));
  if (!imp) throw new Error('这次导入已失效（超过一天或已完成）：请重新导入花名册');
  return imp;
}

const householdRow = (importId: string, villageId: number, h: RosterHousehold) => ({
  importId,
  number: h.householdNo,
  villageId,
  headName: h.headName,
  status: h.status,
  povertyCause: h.povertyCause || null,
  housing: h.housing,
  zone: h.zone,
  allAway: h.allAway,
  phone: h.phone ?? null,
  identificationOwner: h.identifiedBy || null,
  minimumLiving: h.minimumLiving === undefined ? null : h.minimumLiving ? 'yes' : 'no',
  extremePoverty: h.extremePoverty === undefined ? null : h.extremePoverty ? 'yes' : 'no',
  incomePerCapita: h.income ?? null,
});

const memberRow = (importId: string, number: string, m: RosterMember) => ({
  importId,
  number,
  idCard: m.idCard,
  name: m.name,
  relation: m.relation,
  labour: m.labor,
  health: m.health,
  disability: String(m.disability),
  disabilityCert: m.disabilityCert ?? null,
  schooling: m.schooling ?? null,
  skill: m.skill ?? null,
  skillNote: m.skillNote ?? null,
  work: m.work ?? null,
  workPlace: m.workPlace ?? null,
});

/** D1 binds at most 100 parameters a statement. */
const rowsPer = (columns: number) => Math.floor(100 / columns);

function* slices<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * Stages one batch (households when first seen, and members): one atomic write. Throws when a
 * household's village is not one of the township's (nothing of the batch is staged).
 */
export async function stageRosterBatch(
  d: Database,
  importId: string,
  batch: { households: readonly RosterHousehold[]; members: readonly { householdNo: string; member: RosterMember }[] },
  villageIds?: ReadonlyMap<string, number>,
  /** written in the same atomic write (the chat import's resume point) */
  extra: Statement[] = [],
): Promise<void> {
  const imp = await importOf(d, importId);
  const ids = villageIds ?? (await villageIdsOf(d, imp.townshipId));
  const unknown = [...new Set(batch.households.map((h) => h.village).filter((n) => !ids.has(n)))];
  if (unknown.length) throw new Error(`花名册里的村不在本乡名单中：${unknown.join('、')}。请先在 township.json 中添加并运行 init。`);
  const hs = batch.households.map((h) => householdRow(importId, ids.get(h.village)!, h));
  const ms = batch.members.map((m) => memberRow(importId, m.householdNo, m.member));
  if ('sqlite' in d) return stageFast(d as SqliteDatabase, hs, ms, extra);
  const w: Statement[] = [...extra];
  for (const part of slices(hs, rowsPer(H_WIDTH))) w.push(d.db.insert(rosterStageHouseholds).values(part));
  for (const part of slices(ms, rowsPer(M_WIDTH))) w.push(d.db.insert(rosterStageMembers).values(part));
  await d.atomic(w);
}

/** Node: prepared statements of 64 rows (a third fewer calls into SQLite than one row each), prepared once per connection. */
const STAGE_SQL = new WeakMap<object, { h1: BetterSqlite3.Statement; h64: BetterSqlite3.Statement; m1: BetterSqlite3.Statement; m64: BetterSqlite3.Statement }>();
const ROWS = 64;
const H_WIDTH = 14;
const M_WIDTH = 14;
/** Staged rows per statement on D1 (what a batch of them costs in statements: the chat import's budget). */
export const STAGE_ROWS_PER_STATEMENT = { households: rowsPer(H_WIDTH), members: rowsPer(M_WIDTH) } as const;

function stageStatements(db: BetterSqlite3.Database) {
  let st = STAGE_SQL.get(db);
  if (!st) {
    const values = (width: number, n: number) => new Array(n).fill(`(${new Array(width).fill('?').join(', ')})`).join(', ');
    st = {
      h1: db.prepare(`insert into roster_stage_households values ${values(H_WIDTH, 1)}`),
      h64: db.prepare(`insert into roster_stage_households values ${values(H_WIDTH, ROWS)}`),
      m1: db.prepare(`insert into roster_stage_members values ${values(M_WIDTH, 1)}`),
      m64: db.prepare(`insert into roster_stage_members values ${values(M_WIDTH, ROWS)}`),
    };
    STAGE_SQL.set(db, st);
  }
  return st;
}

function stageFast(d: SqliteDatabase, hs: ReturnType<typeof householdRow>[], ms: ReturnType<typeof memberRow>[], extra: Statement[]): void {
  const st = stageStatements(d.sqlite);
  // parameters written straight into one reused array (no array per row, no flattening)
  const insert = <T>(rows: readonly T[], width: number, one: BetterSqlite3.Statement, many: BetterSqlite3.Statement, put: (p: unknown[], at: number, r: T) => void) => {
    const params = new Array<unknown>(ROWS * width);
    let i = 0;
    for (; i + ROWS <= rows.length; i += ROWS) {
      for (let k = 0; k < ROWS; k++) put(params, k * width, rows[i + k]!);
      many.run(params);
    }
    const single = new Array<unknown>(width);
    for (; i < rows.length; i++) {
      put(single, 0, rows[i]!);
      one.run(single);
    }
  };
  d.sqlite.transaction(() => {
    for (const x of extra) x.run();
    insert(hs, H_WIDTH, st.h1, st.h64, (p, a, h) => {
      p[a] = h.importId;
      p[a + 1] = h.number;
      p[a + 2] = h.villageId;
      p[a + 3] = h.headName;
      p[a + 4] = h.status;
      p[a + 5] = h.povertyCause;
      p[a + 6] = h.housing;
      p[a + 7] = h.zone;
      p[a + 8] = h.allAway ? 1 : 0;
      p[a + 9] = h.phone;
      p[a + 10] = h.identificationOwner;
      p[a + 11] = h.minimumLiving;
      p[a + 12] = h.extremePoverty;
      p[a + 13] = h.incomePerCapita;
    });
    insert(ms, M_WIDTH, st.m1, st.m64, (p, a, m) => {
      p[a] = m.importId;
      p[a + 1] = m.number;
      p[a + 2] = m.idCard;
      p[a + 3] = m.name;
      p[a + 4] = m.relation;
      p[a + 5] = m.labour;
      p[a + 6] = m.health;
      p[a + 7] = m.disability;
      p[a + 8] = m.disabilityCert;
      p[a + 9] = m.schooling;
      p[a + 10] = m.skill;
      p[a + 11] = m.skillNote;
      p[a + 12] = m.work;
      p[a + 13] = m.workPlace;
    });
  })();
}

/**
 * Drops staged members whose household is not staged (a household found invalid after some of
 * its members were staged, when an import keeps only the valid households).
 */
export async function pruneRosterStage(d: Database, importId: string): Promise<void> {
  await d.atomic([
    raw(
      d,
      sql`delete from roster_stage_members where import_id = ${importId}
        and number not in (select number from roster_stage_households where import_id = ${importId})`,
    ),
  ]);
}

/**
 * SQLite only: while a roster import runs, the connection's page cache is kept at SQLite's own
 * default of 2 MiB instead of better-sqlite3's 16 MiB (an import touches more pages than that:
 * the stage, the data, the audit rows and their indexes, so the cache would fill up whole; 25 MiB
 * less peak RSS for a county roster, measured). Returns the restore.
 */
export function smallPageCache(d: Database): () => void {
  if (d.kind !== 'sqlite') return () => {};
  const db = (d as SqliteDatabase).sqlite;
  const before = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('cache_size = -2000');
  return () => void db.pragma(`cache_size = ${Number(before)}`);
}

export async function villageIdsOf(d: Database, townshipId: string): Promise<Map<string, number>> {
  const vs = await d.db.select({ id: villages.id, name: villages.name }).from(villages).where(eq(villages.townshipId, townshipId));
  return new Map(vs.map((v) => [v.name, v.id]));
}

// ---------------------------------------------------------------------------
// The commit: set-based SQL over the stage

/** A raw statement usable in Database.atomic on both runtimes. */
function raw(d: Database, q: SQL): Statement {
  // better-sqlite3's drizzle runs db.run() at once; D1's returns a batchable statement
  if (d.kind === 'sqlite') return { run: () => d.db.run(q) };
  return d.db.run(q) as unknown as Statement;
}

const HOUSEHOLD_DIFF = sql.raw(`(h.village_id is not s.village_id or h.head_name is not s.head_name or h.poverty_cause is not s.poverty_cause
  or h.housing is not s.housing or h.zone is not s.zone or h.all_away is not s.all_away or h.phone is not s.phone
  or h.identification_owner is not s.identification_owner or h.minimum_living is not s.minimum_living
  or h.extreme_poverty is not s.extreme_poverty or h.income_per_capita is not s.income_per_capita)`);
const MEMBER_DIFF = sql.raw(`(m.name is not sm.name or m.relation is not sm.relation or m.labour is not sm.labour or m.health is not sm.health
  or m.disability is not sm.disability or m.disability_cert is not sm.disability_cert or m.schooling is not sm.schooling
  or m.skill is not sm.skill or m.skill_note is not sm.skill_note or m.work is not sm.work or m.work_place is not sm.work_place)`);
const bool = (col: string) => sql.raw(`json(case when ${col} then 'true' else 'false' end)`);
const householdJson = (p: string) =>
  sql`json_object('villageId', ${sql.raw(`${p}.village_id`)}, 'headName', ${sql.raw(`${p}.head_name`)}, 'povertyCause', ${sql.raw(`${p}.poverty_cause`)},
    'housing', ${sql.raw(`${p}.housing`)}, 'zone', ${sql.raw(`${p}.zone`)}, 'allAway', ${bool(`${p}.all_away`)}, 'phone', ${sql.raw(`${p}.phone`)},
    'identificationOwner', ${sql.raw(`${p}.identification_owner`)}, 'minimumLiving', ${sql.raw(`${p}.minimum_living`)},
    'extremePoverty', ${sql.raw(`${p}.extreme_poverty`)}, 'incomePerCapita', ${sql.raw(`${p}.income_per_capita`)})`;
const memberJson = (p: string) =>
  sql.raw(`json_object('name', ${p}.name, 'relation', ${p}.relation, 'labour', ${p}.labour, 'health', ${p}.health,
    'disability', ${p}.disability, 'disabilityCert', ${p}.disability_cert, 'schooling', ${p}.schooling, 'skill', ${p}.skill,
    'skillNote', ${p}.skill_note, 'work', ${p}.work, 'workPlace', ${p}.work_place)`);
const maskedEntity = (number: string, id: string) => sql.raw(`${number} || '/' || substr(upper(${id}), 1, 6) || '********' || substr(upper(${id}), -4)`);

/** Applies the stage in one atomic write and drops it; returns what changed. */
export async function commitRosterImport(
  d: Database,
  importId: string,
  o: { actor: string; source: string; now: Date; with?: (r: RosterImportResult) => Statement[] },
): Promise<RosterImportResult> {
  const imp = await importOf(d, importId);
  const T = imp.townshipId;
  const I = importId;
  const at = o.now.getTime();
  // rows of the stage with the household they update (h: null for a new one)
  const sh = sql`roster_stage_households s left join households h on h.township_id = ${T} and h.number = s.number`;
  const smOld = sql`roster_stage_members sm join households h on h.township_id = ${T} and h.number = sm.number`;
  const gone = sql`members m join households h on h.id = m.household_id
    join roster_stage_households s on s.import_id = ${I} and s.number = h.number
    where h.township_id = ${T} and not exists (select 1 from roster_stage_members sm where sm.import_id = ${I} and sm.number = h.number and sm.id_card = m.id_card)`;
  const newMember = sql`not exists (select 1 from members m where m.household_id = h.id and m.id_card = sm.id_card)`;

  const [counts] = (await d.db.all(sql`select
    (select count(*) from ${sh} where s.import_id = ${I} and h.id is null) as hc,
    (select count(*) from ${sh} where s.import_id = ${I} and h.id is not null) as hold,
    (select count(*) from ${sh} where s.import_id = ${I} and h.id is not null and (${HOUSEHOLD_DIFF}
       or exists (select 1 from roster_stage_members sm where sm.import_id = ${I} and sm.number = s.number
                  and not exists (select 1 from members m where m.household_id = h.id and m.id_card = sm.id_card and not ${MEMBER_DIFF}))
       or exists (select 1 from members m where m.household_id = h.id
                  and not exists (select 1 from roster_stage_members sm where sm.import_id = ${I} and sm.number = s.number and sm.id_card = m.id_card)))) as hu,
    (select count(*) from roster_stage_members sm left join households h on h.township_id = ${T} and h.number = sm.number
       where sm.import_id = ${I} and (h.id is null or ${newMember})) as mc,
    (select count(*) from ${smOld} join members m on m.household_id = h.id and m.id_card = sm.id_card where sm.import_id = ${I} and ${MEMBER_DIFF}) as mu,
    (select count(*) from ${gone}) as mr`)) as { hc: number; hold: number; hu: number; mc: number; mu: number; mr: number }[];
  if (!counts) throw new Error('commitRosterImport: no counts');

  const audit = (select: SQL) =>
    raw(d, sql`insert into audit_log (township_id, village_id, at, actor, action, entity, entity_id, before, after, source) ${select}`);
  const result: RosterImportResult = {
    households: { created: counts.hc, updated: counts.hu, unchanged: counts.hold - counts.hu },
    members: { created: counts.mc, updated: counts.mu, removed: counts.mr },
  };
  const w: Statement[] = [
    // the caller's own rows (the chat import's state and answer), in the same write
    ...(o.with?.(result) ?? []),
    // the audit trail first, while the old rows are still there
    audit(sql`select ${T}, s.village_id, ${at}, ${o.actor}, 'create', 'household', s.number, null,
      json_insert(${householdJson('s')}, '$.status', s.status), ${o.source}
      from ${sh} where s.import_id = ${I} and h.id is null order by s.rowid`),
    audit(sql`select ${T}, s.village_id, ${at}, ${o.actor}, 'update', 'household', s.number, ${householdJson('h')}, ${householdJson('s')}, ${o.source}
      from ${sh} where s.import_id = ${I} and h.id is not null and ${HOUSEHOLD_DIFF} order by s.rowid`),
    audit(sql`select ${T}, s.village_id, ${at}, ${o.actor}, 'create', 'member', ${maskedEntity('sm.number', 'sm.id_card')}, null, ${memberJson('sm')}, ${o.source}
      from ${smOld} join roster_stage_households s on s.import_id = sm.import_id and s.number = sm.number
      where sm.import_id = ${I} and ${newMember} order by sm.rowid`),
    audit(sql`select ${T}, s.village_id, ${at}, ${o.actor}, 'update', 'member', ${maskedEntity('sm.number', 'sm.id_card')}, ${memberJson('m')}, ${memberJson('sm')}, ${o.source}
      from ${smOld} join members m on m.household_id = h.id and m.id_card = sm.id_card
      join roster_stage_households s on s.import_id = sm.import_id and s.number = sm.number
      where sm.import_id = ${I} and ${MEMBER_DIFF} order by sm.rowid`),
    audit(sql`select ${T}, s.village_id, ${at}, ${o.actor}, 'delete', 'member', ${maskedEntity('h.number', 'm.id_card')},
      json_object('name', m.name, 'relation', m.relation), null, ${o.source} from ${gone} order by m.id`),
    // then the data
    raw(d, sql`delete from members where id in (select m.id from ${gone})`),
    raw(d, sql`update members as m set name = sm.name, relation = sm.relation, labour = sm.labour, health = sm.health,
        disability = sm.disability, disability_cert = sm.disability_cert, schooling = sm.schooling, skill = sm.skill,
        skill_note = sm.skill_note, work = sm.work, work_place = sm.work_place
      from roster_stage_members sm join households h on h.township_id = ${T} and h.number = sm.number
      where sm.import_id = ${I} and m.household_id = h.id and m.id_card = sm.id_card and ${MEMBER_DIFF}`),
    raw(d, sql`update households as h set village_id = s.village_id, head_name = s.head_name, poverty_cause = s.poverty_cause,
        housing = s.housing, zone = s.zone, all_away = s.all_away, phone = s.phone, identification_owner = s.identification_owner,
        minimum_living = s.minimum_living, extreme_poverty = s.extreme_poverty, income_per_capita = s.income_per_capita, updated_at = ${at}
      from roster_stage_households s where s.import_id = ${I} and h.township_id = ${T} and h.number = s.number and ${HOUSEHOLD_DIFF}`),
    raw(d, sql`insert into households (township_id, number, status, applicant, village_id, head_name, poverty_cause, housing, zone, all_away,
        phone, identification_owner, minimum_living, extreme_poverty, income_per_capita, batches, updated_at)
      select ${T}, s.number, s.status, s.status = 'applied', s.village_id, s.head_name, s.poverty_cause, s.housing, s.zone, s.all_away,
        s.phone, s.identification_owner, s.minimum_living, s.extreme_poverty, s.income_per_capita, '[]', ${at}
      from ${sh} where s.import_id = ${I} and h.id is null order by s.rowid`),
    raw(d, sql`insert into members (township_id, household_id, id_card, name, relation, labour, health, disability, disability_cert,
        schooling, skill, skill_note, work, work_place, batches)
      select ${T}, h.id, sm.id_card, sm.name, sm.relation, sm.labour, sm.health, sm.disability, sm.disability_cert,
        sm.schooling, sm.skill, sm.skill_note, sm.work, sm.work_place, '[]'
      from ${smOld} where sm.import_id = ${I} and ${newMember} order by sm.rowid`),
    d.db.delete(rosterStageMembers).where(eq(rosterStageMembers.importId, I)),
    d.db.delete(rosterStageHouseholds).where(eq(rosterStageHouseholds.importId, I)),
    d.db.delete(rosterImports).where(eq(rosterImports.id, I)),
  ];
  await d.atomic(w);
  return result;
}
