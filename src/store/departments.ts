// Department lists (部门比对名单) into the store. Node only (the admin CLI): millions of rows go
// through the raw better-sqlite3 handle with prepared statements, not drizzle, and never D1.
//
// How an import runs:
//   1. rows are streamed into a TEMP staging table (the temp database: no lock on the main
//      file, so the running bot keeps writing meanwhile), in transactions of one batch each;
//   2. if the file turned out bad (DepartmentFileError, or row errors without skipInvalid),
//      the staging table is dropped: nothing was written;
//   3. otherwise ONE transaction deactivates the department's active list (kept as history,
//      active = false), inserts the new list row, copies the staged rows into
//      department_records sorted by ID number (index-friendly: the b-trees grow in order),
//      and writes the audit entry.
import { and, eq } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { auditLog, departmentLists } from '../../db/schema/index';
import type { SqliteDatabase } from './sqlite';
import type { Schema } from './database';
import type { DepartmentBatch, DepartmentError } from '../import/department';

export type DepartmentListRow = typeof departmentLists.$inferSelect;

export interface DepartmentImportOptions {
  townshipId: string;
  department: string;
  fileName: string;
  sha256: string;
  actor: string;
  source: string;
  now: Date;
  /** import the valid rows and report the others (default: any bad row aborts the import) */
  skipInvalid?: boolean;
  /** called with every row error, in file order */
  onError?(e: DepartmentError): void;
}

export type DepartmentImportResult =
  | {
      ok: true;
      listId: number;
      rows: number;
      rejected: number;
      /** the list it replaced (now inactive), if any */
      replaced: { id: number; rows: number; fileName: string } | null;
    }
  | { ok: false; rejected: number; reason: 'invalid_rows' | 'no_valid_rows' };

/** The active list of each department of the township. */
export async function activeLists(d: SqliteDatabase, townshipId: string): Promise<DepartmentListRow[]> {
  return d.db
    .select()
    .from(departmentLists)
    .where(and(eq(departmentLists.townshipId, townshipId), eq(departmentLists.active, true)))
    .orderBy(departmentLists.department);
}

export async function activeList(d: SqliteDatabase, townshipId: string, department: string): Promise<DepartmentListRow | null> {
  const rows = await d.db
    .select()
    .from(departmentLists)
    .where(and(eq(departmentLists.townshipId, townshipId), eq(departmentLists.department, department), eq(departmentLists.active, true)))
    .limit(1);
  return rows[0] ?? null;
}

/**
 * Imports one department's list from a stream of validated batches (readDepartmentFile).
 * A DepartmentFileError thrown by the stream propagates after the staging is dropped.
 */
export async function importDepartmentList(
  d: SqliteDatabase,
  batches: AsyncIterable<DepartmentBatch>,
  o: DepartmentImportOptions,
): Promise<DepartmentImportResult> {
  const db = d.sqlite;
  const cacheBefore = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('cache_size = -32768'); // 32 MiB while the b-trees grow (the default is 16); restored below
  db.exec(`create temp table if not exists department_stage (
    row_no integer not null, id_card text not null, name text, kind text not null, detail text, date text)`);
  db.exec('delete from temp.department_stage');
  // 64 rows per statement: a third fewer calls into SQLite than one row per statement
  const stage = db.prepare('insert into temp.department_stage values (?, ?, ?, ?, ?, ?)');
  const stage64 = db.prepare(`insert into temp.department_stage values ${new Array(64).fill('(?, ?, ?, ?, ?, ?)').join(', ')}`);
  const args: unknown[] = new Array(64 * 6);
  const stageBatch = (rows: DepartmentBatch['rows']) => {
    let i = 0;
    for (; i + 64 <= rows.length; i += 64) {
      for (let j = 0; j < 64; j++) {
        const r = rows[i + j]!;
        const k = j * 6;
        args[k] = r.row;
        args[k + 1] = r.idCard;
        args[k + 2] = r.name;
        args[k + 3] = r.kind;
        args[k + 4] = r.detail;
        args[k + 5] = r.date;
      }
      stage64.run(args);
    }
    for (; i < rows.length; i++) {
      const r = rows[i]!;
      stage.run(r.row, r.idCard, r.name, r.kind, r.detail, r.date);
    }
  };
  let staged = 0;
  let rejected = 0;
  try {
    // One transaction for all the staging (a commit per batch costs more than the inserts). It
    // writes only the temp database: the main database stays unlocked while the file is read.
    db.exec('begin');
    for await (const b of batches) {
      for (const e of b.errors) o.onError?.(e);
      rejected += b.errors.length;
      // without skipInvalid one bad row dooms the file: keep reading to report every problem
      if (rejected > 0 && !o.skipInvalid) continue;
      if (b.rows.length) {
        stageBatch(b.rows);
        staged += b.rows.length;
      }
    }
    db.exec('commit');
    if (rejected > 0 && !o.skipInvalid) return { ok: false, rejected, reason: 'invalid_rows' };
    if (staged === 0) return { ok: false, rejected, reason: 'no_valid_rows' };

    const at = o.now.getTime();
    const sync = d.db as unknown as BetterSQLite3Database<Schema>;
    const commit = db.transaction(() => {
      const old = sync
        .select()
        .from(departmentLists)
        .where(and(eq(departmentLists.townshipId, o.townshipId), eq(departmentLists.department, o.department), eq(departmentLists.active, true)))
        .all();
      if (old.length) {
        sync
          .update(departmentLists)
          .set({ active: false })
          .where(and(eq(departmentLists.townshipId, o.townshipId), eq(departmentLists.department, o.department), eq(departmentLists.active, true)))
          .run();
      }
      const [list] = sync
        .insert(departmentLists)
        .values({
          townshipId: o.townshipId,
          department: o.department,
          fileName: o.fileName,
          rows: staged,
          sha256: o.sha256,
          active: true,
          importedBy: o.actor,
          importedAt: at,
        })
        .returning({ id: departmentLists.id })
        .all();
      const listId = list!.id;
      db.prepare(
        `insert into department_records (list_id, row_no, id_card, name, kind, detail, date)
         select ?, row_no, id_card, name, kind, detail, date from temp.department_stage order by id_card`,
      ).run(listId);
      const prev = old[0];
      sync
        .insert(auditLog)
        .values({
          townshipId: o.townshipId,
          villageId: null,
          at,
          actor: o.actor,
          action: 'import',
          entity: 'department_list',
          entityId: `${o.department}#${listId}`,
          before: prev ? { listId: prev.id, fileName: prev.fileName, rows: prev.rows, sha256: prev.sha256 } : null,
          after: { listId, fileName: o.fileName, rows: staged, rejected, sha256: o.sha256 },
          source: o.source,
        })
        .run();
      return { listId, replaced: prev ? { id: prev.id, rows: prev.rows, fileName: prev.fileName } : null };
    });
    const r = commit.immediate();
    return { ok: true, listId: r.listId, rows: staged, rejected, replaced: r.replaced };
  } finally {
    if (db.inTransaction) db.exec('rollback');
    db.exec('drop table if exists temp.department_stage');
    db.pragma(`cache_size = ${cacheBefore}`);
  }
}
