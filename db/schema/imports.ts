import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// A roster import in progress (src/store/roster-import.ts): rows are staged here batch by
// batch, then applied to households / members in one atomic write and deleted. Nothing here
// is read by the bot; a stage left by an import that never finished is cleared by the next.
export const rosterImports = sqliteTable('roster_imports', {
  id: text('id').primaryKey(),
  townshipId: text('township_id').notNull(),
  startedAt: integer('started_at').notNull(),
});

export const rosterStageHouseholds = sqliteTable(
  'roster_stage_households',
  {
    importId: text('import_id').notNull(),
    number: text('number').notNull(),
    villageId: integer('village_id').notNull(),
    headName: text('head_name').notNull(),
    status: text('status').notNull(),
    povertyCause: text('poverty_cause'),
    housing: text('housing'),
    zone: text('zone'),
    allAway: integer('all_away', { mode: 'boolean' }).notNull(),
    phone: text('phone'),
    identificationOwner: text('identification_owner'),
    minimumLiving: text('minimum_living'),
    extremePoverty: text('extreme_poverty'),
    incomePerCapita: integer('income_per_capita'),
  },
  (t) => [primaryKey({ columns: [t.importId, t.number] })],
);

export const rosterStageMembers = sqliteTable(
  'roster_stage_members',
  {
    importId: text('import_id').notNull(),
    number: text('number').notNull(),
    idCard: text('id_card').notNull(),
    name: text('name').notNull(),
    relation: text('relation').notNull(),
    labour: text('labour'),
    health: text('health'),
    disability: text('disability'),
    disabilityCert: text('disability_cert'),
    schooling: text('schooling'),
    skill: text('skill'),
    skillNote: text('skill_note'),
    work: text('work'),
    workPlace: text('work_place'),
  },
  (t) => [primaryKey({ columns: [t.importId, t.number, t.idCard] })],
);

// An import sent in the chat (src/chat-import/): the file message, the office's command, and
// where the work stands, so that it runs in resumable pieces after the webhook's answer — all at
// once on Node, a bounded piece per invocation on Workers. `state`:
//   awaiting_file → downloading → validating (cursor: staged batches) → ready | invalid
//   ready → importing → done | failed;  ready → cancelling → cancelled
export const chatImports = sqliteTable('chat_imports', {
  id: text('id').primaryKey(),
  townshipId: text('township_id').notNull(),
  /** roster | department */
  kind: text('kind').notNull(),
  department: text('department'),
  state: text('state').notNull(),
  chatId: text('chat_id').notNull(),
  /** the office's command message: answers reply to it */
  commandMessageId: text('command_message_id').notNull(),
  fileMessageId: text('file_message_id'),
  fileKey: text('file_key'),
  fileName: text('file_name'),
  /** who sent the command: open_id and name as the audit shows them */
  actor: text('actor').notNull(),
  /** the roster stage (roster_imports.id) */
  stageId: text('stage_id'),
  /** batches staged so far (the resume point of `validating`) */
  cursor: integer('cursor').notNull().default(0),
  bytes: integer('bytes'),
  sha256: text('sha256'),
  /** what the preview card shows: counts, the first errors, the error count */
  preview: text('preview', { mode: 'json' }),
  result: text('result', { mode: 'json' }),
  error: text('error'),
  attempts: integer('attempts').notNull().default(0),
  /** who pressed 确认导入 / 取消 */
  decidedBy: text('decided_by'),
  leaseUntil: integer('lease_until').notNull().default(0),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** The downloaded file, base64 in pieces (under D1's 2 MB a value), kept until it is staged. */
export const chatImportChunks = sqliteTable(
  'chat_import_chunks',
  {
    importId: text('import_id').notNull(),
    seq: integer('seq').notNull(),
    data: text('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

/** A department list staged from the chat (portable: D1 and SQLite), copied into department_records on 确认导入. */
export const departmentStageRows = sqliteTable(
  'department_stage_rows',
  {
    importId: text('import_id').notNull(),
    /** 0, 1, 2 … in file order (row numbers repeat across worksheets) */
    seq: integer('seq').notNull(),
    rowNo: integer('row_no').notNull(),
    idCard: text('id_card').notNull(),
    name: text('name'),
    kind: text('kind').notNull(),
    detail: text('detail'),
    date: text('date'),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);
