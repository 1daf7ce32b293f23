// Removing one township and everything scoped to it (Node, SQLite): the example township when a
// real one replaces it, or `township remove <code>`. Every table carries township_id, except a
// few child tables reached through their parent and the global inbox; a table that is neither
// makes the removal refuse, so a new table cannot be left behind unnoticed.
import type BetterSqlite3 from 'better-sqlite3';

/** Tables without township_id that belong to a township through a parent row. */
export const CHILD_TABLES: Record<string, { column: string; parent: string }> = {
  objections: { column: 'notice_id', parent: 'notices' },
  department_records: { column: 'list_id', parent: 'department_lists' },
  // a roster import's staged rows (src/store/roster-import.ts), by their import
  roster_stage_households: { column: 'import_id', parent: 'roster_imports' },
  roster_stage_members: { column: 'import_id', parent: 'roster_imports' },
  // a chat import's file and staged department rows (src/store/chat-imports.ts), by their import
  chat_import_chunks: { column: 'import_id', parent: 'chat_imports' },
  department_stage_rows: { column: 'import_id', parent: 'chat_imports' },
};
/** Tables that belong to no township: delivery bookkeeping of incoming events, and Feishu chats the bot can no longer reach. */
export const GLOBAL_TABLES = new Set(['inbox', 'gone_chats']);

const quote = (n: string) => `"${n.replace(/"/g, '""')}"`;

function tablesOf(sqlite: BetterSqlite3.Database): { name: string; columns: string[] }[] {
  const names = sqlite
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' and name not like '\\_\\_%' escape '\\' order by name")
    .pluck()
    .all() as string[];
  return names.map((name) => ({
    name,
    columns: (sqlite.prepare(`pragma table_info(${quote(name)})`).all() as { name: string }[]).map((c) => c.name),
  }));
}

/** Tables a removal would not know how to scope (empty when the schema is covered). */
export function unscopedTables(sqlite: BetterSqlite3.Database): string[] {
  return tablesOf(sqlite)
    .filter((t) => !t.columns.includes('township_id') && !CHILD_TABLES[t.name] && !GLOBAL_TABLES.has(t.name) && t.name !== 'townships')
    .map((t) => t.name);
}

/** Rows of the township per table (children included), the townships row as `townships`. */
export function countTownshipRows(sqlite: BetterSqlite3.Database, code: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tablesOf(sqlite)) {
    let n: number | null = null;
    if (t.name === 'townships') n = Number(sqlite.prepare('select count(*) from townships where id = ?').pluck().get(code));
    else if (t.columns.includes('township_id')) n = Number(sqlite.prepare(`select count(*) from ${quote(t.name)} where township_id = ?`).pluck().get(code));
    else if (CHILD_TABLES[t.name]) {
      const c = CHILD_TABLES[t.name]!;
      n = Number(
        sqlite.prepare(`select count(*) from ${quote(t.name)} where ${quote(c.column)} in (select id from ${quote(c.parent)} where township_id = ?)`).pluck().get(code),
      );
    }
    if (n) out[t.name] = n;
  }
  return out;
}

/**
 * Deletes the township and all its rows in one transaction; returns the rows deleted per table.
 * `keep` is an audit entry written afterwards (the removal itself, so the trail says who did it).
 */
export function removeTownshipRows(
  sqlite: BetterSqlite3.Database,
  code: string,
  keep?: { at: number; actor: string; source: string; after: unknown },
): Record<string, number> {
  const missing = unscopedTables(sqlite);
  if (missing.length) throw new Error(`不知道这些表属于哪个乡镇，未删除任何数据：${missing.join('、')}`);
  const tables = tablesOf(sqlite);
  const run = sqlite.transaction(() => {
    sqlite.pragma('defer_foreign_keys = ON');
    const counts = countTownshipRows(sqlite, code);
    for (const [child, c] of Object.entries(CHILD_TABLES)) {
      if (!tables.some((t) => t.name === child)) continue;
      sqlite.prepare(`delete from ${quote(child)} where ${quote(c.column)} in (select id from ${quote(c.parent)} where township_id = ?)`).run(code);
    }
    for (const t of tables) if (t.columns.includes('township_id')) sqlite.prepare(`delete from ${quote(t.name)} where township_id = ?`).run(code);
    sqlite.prepare('delete from townships where id = ?').run(code);
    if (keep) {
      sqlite
        .prepare("insert into audit_log (township_id, at, actor, action, entity, entity_id, before, after, source) values (?, ?, ?, 'remove', 'township', ?, ?, ?, ?)")
        .run(code, keep.at, keep.actor, code, JSON.stringify(counts), JSON.stringify(keep.after ?? null), keep.source);
    }
    return counts;
  });
  return run();
}

/** True when the township was loaded by the first offline start (the example), not by the office. */
export function isSeededExample(sqlite: BetterSqlite3.Database, code: string): boolean {
  const row = sqlite
    .prepare("select source from audit_log where township_id = ? and entity = 'township' and action = 'create' order by id limit 1")
    .get(code) as { source: string } | undefined;
  return row?.source.startsWith('seed:') ?? false;
}
