// Imports sent in the chat (src/chat-import/): the chat_imports row that carries an import from
// piece to piece, the downloaded file kept in base64 pieces until it is staged, and the portable
// department stage (D1 and SQLite alike; the CLI's department import keeps its SQLite-only
// fast path in src/store/departments.ts).
import { and, asc, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { chatImportChunks, chatImports, departmentLists, departmentStageRows } from '../../db/schema/index';
import type { Database, Statement } from './database';
import type { DepartmentRow } from '../import/department/columns';

export type ChatImportRow = typeof chatImports.$inferSelect;
export type ChatImportState =
  | 'awaiting_file'
  | 'downloading'
  | 'validating'
  | 'ready'
  | 'invalid'
  | 'importing'
  | 'done'
  | 'failed'
  | 'cancelling'
  | 'cancelled';

/** States the runner works on (the others wait for the office, or are final). */
export const ACTIVE_STATES: readonly ChatImportState[] = ['downloading', 'validating', 'importing', 'cancelling'];

export type NewChatImport = Omit<typeof chatImports.$inferInsert, 'cursor' | 'attempts' | 'leaseUntil'>;

export function createChatImport(d: Database, row: NewChatImport): Statement {
  return d.db.insert(chatImports).values(row).onConflictDoNothing();
}

export async function getChatImport(d: Database, id: string): Promise<ChatImportRow | null> {
  const [r] = await d.db.select().from(chatImports).where(eq(chatImports.id, id));
  return r ?? null;
}

/** The import waiting for its file whose command (or the bot's answer to it) is `messageId`. */
export async function awaitingImportFor(d: Database, messageIds: string[]): Promise<ChatImportRow | null> {
  if (messageIds.length === 0) return null;
  const [r] = await d.db
    .select()
    .from(chatImports)
    .where(and(eq(chatImports.state, 'awaiting_file'), inArray(chatImports.commandMessageId, messageIds)))
    .limit(1);
  return r ?? null;
}

/** A change of an import, only when it is still in `from` (a second press changes nothing). */
export function updateChatImport(d: Database, id: string, from: ChatImportState[], set: Partial<typeof chatImports.$inferInsert>, now: number): Statement {
  return d.db
    .update(chatImports)
    .set({ ...set, updatedAt: now })
    .where(and(eq(chatImports.id, id), inArray(chatImports.state, from)));
}

/**
 * Takes the next import that has work to do for `leaseMs` (another isolate or process sees it
 * taken until then; a runner that died leaves it to the next after the lease).
 */
export async function claimChatImport(d: Database, now: number, leaseMs: number, id?: string): Promise<ChatImportRow | null> {
  const next = d.db
    .select({ id: chatImports.id })
    .from(chatImports)
    .where(and(inArray(chatImports.state, [...ACTIVE_STATES]), lte(chatImports.leaseUntil, now), ...(id ? [eq(chatImports.id, id)] : [])))
    .orderBy(asc(chatImports.createdAt))
    .limit(1);
  const rows = await d.db
    .update(chatImports)
    .set({ leaseUntil: now + leaseMs })
    .where(and(inArray(chatImports.id, next), lte(chatImports.leaseUntil, now)))
    .returning();
  return rows[0] ?? null;
}

export function releaseChatImport(d: Database, id: string): Statement {
  return d.db.update(chatImports).set({ leaseUntil: 0 }).where(eq(chatImports.id, id));
}

/** Whether any import has work to do (the next piece is due). */
export async function importsPending(d: Database): Promise<boolean> {
  const [r] = await d.db
    .select({ id: chatImports.id })
    .from(chatImports)
    .where(inArray(chatImports.state, [...ACTIVE_STATES]))
    .limit(1);
  return Boolean(r);
}

// ---------------------------------------------------------------------------
// The file between pieces

/** Raw bytes per stored piece: 1 MiB as base64, under D1's 2 MB a value. */
export const CHUNK_BYTES = 768 * 1024;

const toBase64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

export function fileChunkWrites(d: Database, importId: string, bytes: Uint8Array): Statement[] {
  const w: Statement[] = [];
  for (let i = 0, seq = 0; i < bytes.length || seq === 0; i += CHUNK_BYTES, seq++) {
    w.push(d.db.insert(chatImportChunks).values({ importId, seq, data: toBase64(bytes.subarray(i, i + CHUNK_BYTES)) }).onConflictDoNothing());
    if (bytes.length === 0) break;
  }
  return w;
}

export async function readFileChunks(d: Database, importId: string): Promise<Uint8Array | null> {
  const rows = await d.db.select().from(chatImportChunks).where(eq(chatImportChunks.importId, importId)).orderBy(asc(chatImportChunks.seq));
  if (rows.length === 0) return null;
  const parts = rows.map((r) => Buffer.from(r.data, 'base64'));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function dropFileChunks(d: Database, importId: string): Statement {
  return d.db.delete(chatImportChunks).where(eq(chatImportChunks.importId, importId));
}

// ---------------------------------------------------------------------------
// The department stage

/** Columns of a staged department row: D1 binds at most 100 parameters a statement. */
const DEPT_WIDTH = 8;
export const DEPT_ROWS_PER_STATEMENT = Math.floor(100 / DEPT_WIDTH);

/** The statements that stage `rows` (numbered from `firstSeq`), DEPT_ROWS_PER_STATEMENT a statement. */
export function stageDepartmentRows(d: Database, importId: string, firstSeq: number, rows: readonly DepartmentRow[]): Statement[] {
  const w: Statement[] = [];
  for (let i = 0; i < rows.length; i += DEPT_ROWS_PER_STATEMENT) {
    const part = rows.slice(i, i + DEPT_ROWS_PER_STATEMENT).map((r, j) => ({
      importId,
      seq: firstSeq + i + j,
      rowNo: r.row,
      idCard: r.idCard,
      name: r.name,
      kind: r.kind,
      detail: r.detail,
      date: r.date,
    }));
    w.push(d.db.insert(departmentStageRows).values(part).onConflictDoNothing());
  }
  return w;
}

export function dropDepartmentStage(d: Database, importId: string): Statement {
  return d.db.delete(departmentStageRows).where(eq(departmentStageRows.importId, importId));
}

/** A raw statement usable in Database.atomic on both runtimes. */
function raw(d: Database, q: SQL): Statement {
  if (d.kind === 'sqlite') return { run: () => d.db.run(q) };
  return d.db.run(q) as unknown as Statement;
}

export interface DepartmentCommit {
  townshipId: string;
  department: string;
  fileName: string;
  sha256: string | null;
  actor: string;
  source: string;
  now: Date;
  rows: number;
}

/**
 * The department's staged list made the active one, in ONE atomic write with `extra` (the chat
 * import's state and answer): the old active list kept as history (inactive), the new list row,
 * its records copied from the stage in ID order, the audit entry, the stage dropped.
 */
export async function commitDepartmentStage(d: Database, importId: string, o: DepartmentCommit, extra: Statement[]): Promise<{ replaced: { id: number; rows: number; fileName: string } | null }> {
  const active = and(eq(departmentLists.townshipId, o.townshipId), eq(departmentLists.department, o.department), eq(departmentLists.active, true));
  const [prev] = await d.db.select().from(departmentLists).where(active).limit(1);
  const at = o.now.getTime();
  const newList = sql`(select id from department_lists where township_id = ${o.townshipId} and department = ${o.department} and active = 1 order by id desc limit 1)`;
  await d.atomic([
    ...extra,
    d.db.update(departmentLists).set({ active: false }).where(active),
    d.db.insert(departmentLists).values({
      townshipId: o.townshipId,
      department: o.department,
      fileName: o.fileName,
      rows: o.rows,
      sha256: o.sha256,
      active: true,
      importedBy: o.actor,
      importedAt: at,
    }),
    raw(
      d,
      sql`insert into department_records (list_id, row_no, id_card, name, kind, detail, date)
        select ${newList}, row_no, id_card, name, kind, detail, date from department_stage_rows where import_id = ${importId} order by id_card`,
    ),
    raw(
      d,
      sql`insert into audit_log (township_id, village_id, at, actor, action, entity, entity_id, before, after, source)
        select ${o.townshipId}, null, ${at}, ${o.actor}, 'import', 'department_list', ${`${o.department}#`} || id,
          ${prev ? JSON.stringify({ listId: prev.id, fileName: prev.fileName, rows: prev.rows, sha256: prev.sha256 }) : null},
          json_object('listId', id, 'fileName', ${o.fileName}, 'rows', ${o.rows}, 'rejected', 0, 'sha256', ${o.sha256}), ${o.source}
        from department_lists where id = ${newList}`,
    ),
    dropDepartmentStage(d, importId),
  ]);
  return { replaced: prev ? { id: prev.id, rows: prev.rows, fileName: prev.fileName } : null };
}
