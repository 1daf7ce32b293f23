// The chat import's work, in resumable pieces (DESIGN §6 Files; issue 17.3, 20.3). The chat
// handlers (src/bot/features/imports.ts) only write a chat_imports row and answer; everything
// else runs here, after the webhook's acknowledgement, one state at a time:
//
//   downloading  the file through the Feishu API (size-capped), kept in chat_import_chunks
//   validating   the file read with the CLI's own readers (validateRoster / readDepartmentSource),
//                each valid record staged (roster_stage_* / department_stage_rows) a batch per
//                atomic write, the batch's number written with it (`cursor`); a piece that runs
//                out of budget stops, and the next reads the file again and skips the batches
//                already staged. At the end: ready (the preview card) or invalid (the errors)
//   importing    (after 确认导入) the stage applied in ONE atomic write with the audit entry, the
//                import's state and the answer: all or nothing
//   cancelling   (after 取消) the stage dropped
//
// Nothing the bot reads changes before the commit: the stages are read by nobody else. On Node
// the runner goes through every piece at once (no budget); on Workers each invocation gets a
// statement budget (D1's queries per invocation) and the next invocation resumes — a restart
// anywhere resumes the same way, as every step is a state and a cursor in the database.
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { auditLog, departmentLists } from '../../db/schema/index';
import type { Database, Statement } from '../store/database';
import {
  claimChatImport,
  commitDepartmentStage,
  dropDepartmentStage,
  dropFileChunks,
  fileChunkWrites,
  importsPending,
  readFileChunks,
  releaseChatImport,
  stageDepartmentRows,
  updateChatImport,
  DEPT_ROWS_PER_STATEMENT,
  type ChatImportRow,
  type ChatImportState,
} from '../store/chat-imports';
import { abortRosterImport, beginRosterImport, commitRosterImport, stageRosterBatch, villageIdsOf, STAGE_ROWS_PER_STATEMENT } from '../store/roster-import';
import { enqueue } from '../store/outbox';
import { validateRoster } from '../import/roster/read';
import { readDepartmentSource } from '../import/department/read';
import { DepartmentFileError, type DepartmentError } from '../import/department/columns';
import { bytesSource } from '../sheet/source';
import type { Department } from '../core/exclusions';
import { outgoingBodies } from '../feishu/safe-out';
import { FeishuError, FileTooLarge, type FeishuApi } from '../feishu/client';
import type { Outgoing } from '../bot/context';
import type { Logger } from '../log';
import {
  SHOWN_ERRORS,
  departmentDoneText,
  invalidCard,
  previewCard,
  rosterDoneText,
  type DepartmentPreview,
  type Preview,
  type RosterPreview,
  type ShownError,
} from './cards';

export interface ImportRunDeps {
  d: Database;
  api: FeishuApi | null;
  log: Logger;
  /** called after new outbox rows are committed, to wake the sender */
  onOutbox?: () => void;
  /** awaited between staged batches (Node: a turn of the event loop, so acknowledgements go first) */
  pause?: () => Promise<void>;
}

export interface ImportRunOptions {
  /** statements this run may write (Workers: within D1's per-invocation limits); default: no limit */
  statementBudget?: number;
  /** the largest file accepted (default 30 MiB) */
  maxBytes?: number;
  /** how long a piece holds its import (default 2 minutes) */
  leaseMs?: number;
  /** only this import */
  id?: string;
}

export interface ImportRunResult {
  /** pieces run */
  pieces: number;
  /** statements written (the budget's measure) */
  statements: number;
  /** an import still has work: run again (the next invocation, or an alarm) */
  more: boolean;
}

export const DEFAULT_MAX_BYTES = 30 * 1024 * 1024;
/** Members staged per atomic write: 99 statements (at most 100 parameters each) plus the cursor. */
export const MEMBERS_PER_BATCH = 99 * STAGE_ROWS_PER_STATEMENT.members;
/** Households per atomic write: 99 statements. */
export const HOUSEHOLDS_PER_BATCH = 99 * STAGE_ROWS_PER_STATEMENT.households;
/** Department rows per atomic write. */
export const DEPT_ROWS_PER_BATCH = 99 * DEPT_ROWS_PER_STATEMENT;
const RETRIES = 5;

const uuidOf = (importId: string, what: string) => createHash('sha256').update(`chat-import:${importId}:${what}`).digest('hex').slice(0, 40);

/** The answer to the office, a reply to their command message. */
function answer(d: Database, row: ChatImportRow, what: string, msg: Outgoing): Statement[] {
  const now = Date.now();
  return outgoingBodies(msg).map((b, i) =>
    enqueue(
      d,
      {
        uuid: i === 0 ? uuidOf(row.id, what) : `${uuidOf(row.id, what)}-${i + 1}`,
        townshipId: row.townshipId,
        receiveIdType: 'chat_id',
        receiveId: row.chatId,
        replyTo: row.commandMessageId,
        ...b,
      },
      now,
    ),
  );
}

const ceil = (a: number, b: number) => Math.ceil(a / b);
const label = (row: ChatImportRow) => (row.kind === 'roster' ? '花名册' : `${row.department}名单`);

/** Thrown inside a reader's callback to stop a piece whose budget is spent. */
class Spent extends Error {}

class Piece {
  used = 0;
  constructor(
    readonly deps: ImportRunDeps,
    /** the import as this piece knows it (leaseUntil -1: the piece set a later lease itself) */
    public row: ChatImportRow,
    readonly budget: number,
  ) {}
  get d() {
    return this.deps.d;
  }
  /** Whether `n` more statements fit (the first write of a piece always does: progress is guaranteed). */
  fits(n: number) {
    return this.used === 0 || this.used + n <= this.budget;
  }
  async write(w: Statement[]) {
    await this.d.atomic(w);
    this.used += w.length;
    await this.deps.pause?.();
  }
  /** after a batch written elsewhere (stageRosterBatch) */
  async wrote(n: number) {
    this.used += n;
    await this.deps.pause?.();
  }
  set(from: ChatImportState[], set: Parameters<typeof updateChatImport>[3]): Statement {
    return updateChatImport(this.d, this.row.id, from, set, Date.now());
  }
}

/** Runs pieces of the imports that have work until none has or the budget is spent. */
export async function runChatImports(deps: ImportRunDeps, opts: ImportRunOptions = {}): Promise<ImportRunResult> {
  const budget = opts.statementBudget ?? Number.POSITIVE_INFINITY;
  const res: ImportRunResult = { pieces: 0, statements: 0, more: false };
  // the common case, a wake-up with nothing to do: one read, no write
  if (!(await importsPending(deps.d))) return res;
  for (;;) {
    if (res.statements >= budget) {
      res.more = true;
      break;
    }
    const row = await claimChatImport(deps.d, Date.now(), opts.leaseMs ?? 120_000, opts.id);
    if (!row) break;
    const piece = new Piece(deps, row, budget - res.statements);
    let queued = false;
    let spent = false;
    try {
      queued = await runPiece(piece, opts);
    } catch (e) {
      spent = e instanceof Spent;
      if (!spent) {
        deps.log.error('chat import piece failed', { import: row.id, state: row.state, error: (e as Error).message, stack: (e as Error).stack });
        await fail(piece, `${label(row)}导入出错，没有写入任何数据。请重新发送文件；仍不行请联系管理员查看日志。`, (e as Error).message).catch(() => {});
        queued = true;
      }
    }
    // the lease is given back unless the piece set it (a retry later)
    if (piece.row.leaseUntil !== -1) await deps.d.atomic([releaseChatImport(deps.d, row.id)]);
    res.pieces++;
    res.statements += piece.used;
    if (queued) deps.onOutbox?.();
    if (spent) {
      res.more = true;
      break;
    }
  }
  return res;
}

/** One piece of one import; returns whether it queued a message. */
async function runPiece(p: Piece, opts: ImportRunOptions): Promise<boolean> {
  switch (p.row.state) {
    case 'downloading':
      return download(p, opts.maxBytes ?? DEFAULT_MAX_BYTES);
    case 'validating':
      return p.row.kind === 'roster' ? validateRosterPiece(p) : validateDepartmentPiece(p);
    case 'importing':
      return p.row.kind === 'roster' ? commitRoster(p) : commitDepartment(p);
    case 'cancelling':
      await dropStage(p);
      await p.write([
        p.set(['cancelling'], { state: 'cancelled' }),
        dropFileChunks(p.d, p.row.id),
        auditImport(p, { cancelled: true }, 'cancel'),
      ]);
      return false;
    default:
      return false;
  }
}

async function fail(p: Piece, text: string, error: string): Promise<void> {
  await dropStage(p);
  await p.write([
    p.set(['downloading', 'validating', 'importing', 'cancelling'], { state: 'failed', error: error.slice(0, 500) }),
    dropFileChunks(p.d, p.row.id),
    ...answer(p.d, p.row, 'failed', text),
  ]);
}

async function dropStage(p: Piece): Promise<void> {
  if (p.row.kind === 'roster') {
    if (p.row.stageId) await abortRosterImport(p.d, p.row.stageId);
  } else await p.d.atomic([dropDepartmentStage(p.d, p.row.id)]);
}

const mib = (b: number) => `${Math.round(b / 1024 / 1024)} MB`;

async function download(p: Piece, maxBytes: number): Promise<boolean> {
  const row = p.row;
  const api = p.deps.api;
  if (!api) {
    await fail(p, '机器人在离线模式下运行（没有配置飞书应用），无法下载文件。请配置 FEISHU_APP_ID / FEISHU_APP_SECRET 后重新发送，或在服务器上用命令行导入。', 'offline');
    return true;
  }
  let bytes: Uint8Array;
  try {
    bytes = await api.downloadFile(row.fileMessageId ?? '', row.fileKey ?? '', maxBytes);
  } catch (e) {
    if (e instanceof FileTooLarge) {
      await fail(p, `文件超过 ${mib(maxBytes)}，无法从聊天导入。请把文件拆小后分别发送，或在服务器上用命令行导入。`, 'too large');
      return true;
    }
    const fe = e instanceof FeishuError ? e : new FeishuError(String((e as Error).message), true, null);
    if (fe.retryable && row.attempts + 1 < RETRIES) {
      // try again later: the lease holds it back (30 s, 60 s, …)
      const until = Date.now() + 30_000 * (row.attempts + 1);
      await p.write([p.set(['downloading'], { attempts: row.attempts + 1, leaseUntil: until, error: fe.message.slice(0, 500) })]);
      p.row.leaseUntil = -1;
      p.deps.log.warn('chat import: download failed, will retry', { import: row.id, attempt: row.attempts + 1, error: fe.message });
      return false;
    }
    await fail(
      p,
      `无法从飞书下载这个文件（${fe.code ?? '网络错误'}）。请确认：应用已开通“获取与上传图片或文件资源”（im:resource）和读取消息的权限并已发布新版本，机器人在这个会话里；然后重新发送文件。`,
      fe.message,
    );
    return true;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await p.write([
    ...fileChunkWrites(p.d, row.id, bytes),
    p.set(['downloading'], { state: 'validating', bytes: bytes.length, sha256, attempts: 0, cursor: 0, error: null }),
  ]);
  p.row = { ...row, state: 'validating', bytes: bytes.length, sha256, cursor: 0 } as ChatImportRow;
  return validatePieceAfterDownload(p);
}

function validatePieceAfterDownload(p: Piece): Promise<boolean> {
  return p.row.kind === 'roster' ? validateRosterPiece(p) : validateDepartmentPiece(p);
}

async function fileOf(p: Piece): Promise<Uint8Array | null> {
  const bytes = await readFileChunks(p.d, p.row.id);
  if (!bytes) {
    await fail(p, `${label(p.row)}文件的暂存已丢失，没有写入任何数据。请重新发送文件。`, 'chunks missing');
  }
  return bytes;
}

/** The roster read once more, its batches from `cursor` staged within the budget. */
async function validateRosterPiece(p: Piece): Promise<boolean> {
  const row = p.row;
  const bytes = await fileOf(p);
  if (!bytes) return true;
  const ids = await villageIdsOf(p.d, row.townshipId);
  let stageId = row.stageId;
  if (!stageId) {
    stageId = await beginRosterImport(p.d, row.townshipId, new Date());
    await p.write([p.set(['validating'], { stageId })]);
    p.row = { ...p.row, stageId };
  }
  const stage = stageId;
  let index = 0;
  const cursorAt = (i: number) => p.set(['validating'], { cursor: i + 1 });
  const stageMembers = async (members: Parameters<typeof stageRosterBatch>[2]['members']) => {
    for (let i = 0; i < members.length; i += MEMBERS_PER_BATCH) {
      const at = index++;
      if (at < row.cursor) continue;
      const part = members.slice(i, i + MEMBERS_PER_BATCH);
      const n = ceil(part.length, STAGE_ROWS_PER_STATEMENT.members) + 1;
      if (!p.fits(n)) throw new Spent();
      await stageRosterBatch(p.d, stage, { households: [], members: part }, ids, [cursorAt(at)]);
      await p.wrote(n);
    }
  };
  const v = await validateRoster(
    { data: bytes, name: row.fileName ?? '' },
    { villages: [...ids.keys()], batchSize: MEMBERS_PER_BATCH, onMembers: stageMembers },
  );
  const preview: RosterPreview = {
    kind: 'roster',
    rows: v.counts.rows,
    households: v.counts.households,
    members: v.counts.members,
    byVillage: v.counts.byVillage,
    errors: v.errors.slice(0, SHOWN_ERRORS).map((e) => ({ row: e.row, column: e.column, reason: e.reason })),
    errorCount: v.errors.length,
  };
  if (!v.ok || v.counts.households === 0) return invalid(p, preview);
  for (let i = 0; i < v.households.length; i += HOUSEHOLDS_PER_BATCH) {
    const at = index++;
    if (at < row.cursor) continue;
    const part = v.households.slice(i, i + HOUSEHOLDS_PER_BATCH);
    const n = ceil(part.length, STAGE_ROWS_PER_STATEMENT.households) + 1;
    if (!p.fits(n)) throw new Spent();
    await stageRosterBatch(p.d, stage, { households: part, members: [] }, ids, [cursorAt(at)]);
    await p.wrote(n);
  }
  return ready(p, preview);
}

async function invalid(p: Piece, preview: Preview): Promise<boolean> {
  await dropStage(p);
  await p.write([
    p.set(['validating'], { state: 'invalid', preview }),
    dropFileChunks(p.d, p.row.id),
    ...answer(p.d, p.row, 'invalid', { card: invalidCard(p.row.fileName ?? '', preview) }),
  ]);
  return true;
}

async function ready(p: Piece, preview: Preview): Promise<boolean> {
  await p.write([
    p.set(['validating'], { state: 'ready', preview }),
    dropFileChunks(p.d, p.row.id),
    ...answer(p.d, p.row, 'preview', { card: previewCard(p.row.id, p.row.fileName ?? '', preview) }),
  ]);
  return true;
}

const shownDeptError = (e: DepartmentError): ShownError => ({ row: e.row, column: e.column, reason: e.reason, ...(e.sheet ? { sheet: e.sheet } : {}) });

async function validateDepartmentPiece(p: Piece): Promise<boolean> {
  const row = p.row;
  const department = row.department as Department;
  const active = and(eq(departmentLists.townshipId, row.townshipId), eq(departmentLists.department, department), eq(departmentLists.active, true));
  const [current] = await p.d.db.select().from(departmentLists).where(active).limit(1);
  const preview: DepartmentPreview = {
    kind: 'department',
    department,
    rows: 0,
    byKind: {},
    errors: [],
    errorCount: 0,
    ...(current ? { current: { fileName: current.fileName, rows: current.rows } } : {}),
  };
  if (current?.sha256 && current.sha256 === row.sha256) {
    preview.unchanged = { fileName: current.fileName, rows: current.rows };
    return invalid(p, preview);
  }
  const bytes = await fileOf(p);
  if (!bytes) return true;
  let index = 0;
  let seq = 0;
  try {
    for await (const b of readDepartmentSource(bytesSource(bytes, row.fileName ?? ''), { department, batchSize: DEPT_ROWS_PER_BATCH })) {
      for (const e of b.errors) if (preview.errors.length < SHOWN_ERRORS) preview.errors.push(shownDeptError(e));
      preview.errorCount += b.errors.length;
      // like the CLI: one bad row dooms the file; reading on counts every problem
      if (preview.errorCount > 0) continue;
      for (const r of b.rows) preview.byKind[r.kind] = (preview.byKind[r.kind] ?? 0) + 1;
      preview.rows += b.rows.length;
      for (let i = 0; i < b.rows.length; i += DEPT_ROWS_PER_BATCH) {
        const part = b.rows.slice(i, i + DEPT_ROWS_PER_BATCH);
        const at = index++;
        const first = seq;
        seq += part.length;
        if (at < row.cursor) continue;
        const w = [...stageDepartmentRows(p.d, row.id, first, part), p.set(['validating'], { cursor: at + 1 })];
        if (!p.fits(w.length)) throw new Spent();
        await p.write(w);
      }
    }
  } catch (e) {
    if (!(e instanceof DepartmentFileError)) throw e;
    preview.errors = e.errors.slice(0, SHOWN_ERRORS).map(shownDeptError);
    preview.errorCount = e.errors.length;
    preview.rows = 0;
    preview.byKind = {};
  }
  if (preview.errorCount > 0 || preview.rows === 0) return invalid(p, preview);
  return ready(p, preview);
}

function auditImport(p: Piece, after: Record<string, unknown>, action: 'import' | 'cancel' = 'import'): Statement {
  const row = p.row;
  return p.d.db.insert(auditLog).values({
    townshipId: row.townshipId,
    villageId: null,
    at: Date.now(),
    actor: row.decidedBy ?? row.actor,
    action,
    entity: row.kind === 'roster' ? 'roster' : 'department_list',
    entityId: row.kind === 'roster' ? row.id : `${row.department}:${row.id}`,
    before: null,
    after: { via: '飞书聊天', file: row.fileName, fileMessage: row.fileMessageId, command: row.commandMessageId, sentBy: row.actor, confirmedBy: row.decidedBy, sha256: row.sha256, ...after },
    source: `message:${row.commandMessageId}`,
  });
}

async function commitRoster(p: Piece): Promise<boolean> {
  const row = p.row;
  const preview = row.preview as RosterPreview;
  try {
    await commitRosterImport(p.d, row.stageId ?? '', {
      actor: row.decidedBy ?? row.actor,
      source: `message:${row.commandMessageId}`,
      now: new Date(),
      with: (r) => [
        p.set(['importing'], { state: 'done', result: r }),
        auditImport(p, { households: preview.households, members: preview.members, rows: preview.rows, result: r }),
        ...answer(p.d, row, 'done', rosterDoneText(row.fileName ?? '', preview, r)),
      ],
    });
  } catch (e) {
    if (!/已失效/.test((e as Error).message)) throw e;
    await fail(p, '这次花名册导入已失效（暂存超过一天，或已被新的导入清理），没有写入任何数据。请重新发送文件。', (e as Error).message);
  }
  p.used += 20;
  return true;
}

async function commitDepartment(p: Piece): Promise<boolean> {
  const row = p.row;
  const preview = row.preview as DepartmentPreview;
  let replaced: { fileName: string; rows: number } | null = null;
  await commitDepartmentStage(
    p.d,
    row.id,
    {
      townshipId: row.townshipId,
      department: row.department!,
      fileName: row.fileName ?? '',
      sha256: row.sha256,
      actor: row.decidedBy ?? row.actor,
      source: `message:${row.commandMessageId}`,
      now: new Date(),
      rows: preview.rows,
    },
    // the answer needs the list replaced: read before, written in the same write
    await (async () => {
      const [cur] = await p.d.db
        .select()
        .from(departmentLists)
        .where(and(eq(departmentLists.townshipId, row.townshipId), eq(departmentLists.department, row.department!), eq(departmentLists.active, true)))
        .limit(1);
      replaced = cur ? { fileName: cur.fileName, rows: cur.rows } : null;
      return [
        p.set(['importing'], { state: 'done', result: { rows: preview.rows, replaced } }),
        auditImport(p, { rows: preview.rows, byKind: preview.byKind, replaced }),
        ...answer(p.d, row, 'done', departmentDoneText(row.fileName ?? '', preview, replaced)),
      ];
    })(),
  );
  p.used += 8;
  return true;
}

