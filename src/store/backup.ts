// A consistent copy of the SQLite database while the server keeps writing: SQLite's online
// backup API (better-sqlite3 db.backup). The copy is a complete snapshot of one moment: every
// transaction committed before the backup began is in it, none is half in it. Node-only.
// Restoring is described in docs/OPERATIONS.md.
import BetterSqlite3 from 'better-sqlite3';

export interface BackupResult {
  file: string;
  pages: number;
  /** PRAGMA integrity_check of the copy: 'ok' when sound */
  integrity: string;
  /** rows per table in the copy */
  tables: Record<string, number>;
}

/**
 * Copies `source` to `file` (which must not exist). After a first small step the rest is copied
 * in one step under one read snapshot, so writes by other connections (the running server) cannot
 * make the copy restart over and over. The copy is then switched out of WAL mode, so it is one
 * self-contained file, and checked with PRAGMA integrity_check.
 */
export async function backupSqlite(source: BetterSqlite3.Database, file: string): Promise<BackupResult> {
  const meta = await source.backup(file, { progress: ({ totalPages }) => Math.max(totalPages, 100) });
  const copy = new BetterSqlite3(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('integrity_check') as { integrity_check: string }[];
    const integrity = check.map((r) => r.integrity_check).join('; ');
    const names = copy.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
    const tables: Record<string, number> = {};
    for (const n of names) tables[n] = Number(copy.prepare(`select count(*) from "${n.replace(/"/g, '""')}"`).pluck().get());
    return { file, pages: meta.totalPages, integrity, tables };
  } finally {
    copy.close();
  }
}
