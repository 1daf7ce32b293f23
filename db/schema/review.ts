// The campaign's progress: stages done, meetings, notices and objections.
import { sqliteTable, text, integer, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
import { townships } from './township';
import type { HouseholdVote, MeetingKind, VoteTally } from '../../src/core/meetings';

/** A stage marked done, per village (villageId) or for the township (villageId 0). */
export const stageProgress = sqliteTable(
  'stage_progress',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    villageId: integer('village_id').notNull().default(0),
    stage: text('stage').notNull(),
    doneAt: integer('done_at').notNull(),
    doneBy: text('done_by').notNull(),
    source: text('source').notNull(),
    /** days after the stage's deadline it was completed (0: on time) */
    daysLate: integer('days_late').notNull().default(0),
  },
  (t) => [uniqueIndex('stage_progress_unique').on(t.townshipId, t.villageId, t.stage)],
);

export const meetings = sqliteTable(
  'meetings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    villageId: integer('village_id').notNull(),
    kind: text('kind').$type<MeetingKind>().notNull(),
    date: text('date').notNull(),
    eligible: integer('eligible').notNull(),
    present: integer('present').notNull(),
    /** one tally, or one per applicant (the assembly and the representatives) */
    votes: text('votes', { mode: 'json' }).$type<VoteTally | HouseholdVote[] | null>(),
    absenteeOpinions: text('absentee_opinions'),
    /** open_ids of the overseers who confirmed presence, and the signatures on the minutes */
    confirmations: text('confirmations', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    evidence: text('evidence', { mode: 'json' }).$type<string[]>().notNull().default([]),
    valid: integer('valid', { mode: 'boolean' }).notNull().default(false),
    /** 后补登记: recorded more than backfillDays after the date it was held (a photo came with it) */
    backfilled: integer('backfilled', { mode: 'boolean' }).notNull().default(false),
    recordedBy: text('recorded_by').notNull(),
    cardMessageId: text('card_message_id'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('meetings_village').on(t.townshipId, t.villageId)],
);

/** 公示: a village notice (villageId) or the township notice (villageId 0). */
export const notices = sqliteTable(
  'notices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    villageId: integer('village_id').notNull().default(0),
    startDate: text('start_date').notNull(),
    endDate: text('end_date').notNull(),
    startedBy: text('started_by').notNull(),
    /** 后补登记: started more than backfillDays before it was entered (a photo came with it) */
    backfilled: integer('backfilled', { mode: 'boolean' }).notNull().default(false),
    evidence: text('evidence', { mode: 'json' }).$type<string[]>().notNull().default([]),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('notices_scope').on(t.townshipId, t.villageId)],
);

export const objections = sqliteTable(
  'objections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    noticeId: integer('notice_id').notNull().references(() => notices.id),
    /** numbered per notice: 1, 2, 3… */
    no: integer('no').notNull(),
    household: text('household').notNull(),
    content: text('content').notNull(),
    raisedBy: text('raised_by').notNull(),
    raisedAt: integer('raised_at').notNull(),
    resolution: text('resolution'),
    resolvedBy: text('resolved_by'),
    resolvedAt: integer('resolved_at'),
  },
  (t) => [uniqueIndex('objections_notice_no').on(t.noticeId, t.no)],
);

/** 政策宣讲: publicity activities per village (群众会, 入户, 资料, 专栏) and the number reached. */
export const publicity = sqliteTable('publicity', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  townshipId: text('township_id').notNull().references(() => townships.id),
  villageId: integer('village_id').notNull(),
  method: text('method').notNull(),
  reached: integer('reached').notNull(),
  recordedBy: text('recorded_by').notNull(),
  at: integer('at').notNull(),
});

/** Contact with a household whose members are all away (全家外出), by phone or message. */
export const contacts = sqliteTable('contacts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  townshipId: text('township_id').notNull().references(() => townships.id),
  householdId: integer('household_id').notNull(),
  method: text('method').notNull(),
  note: text('note'),
  recordedBy: text('recorded_by').notNull(),
  at: integer('at').notNull(),
});

/** Overdue alerts sent to the discipline committee, and their acknowledgement (已督办). */
export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    villageId: integer('village_id').notNull().default(0),
    stage: text('stage').notNull(),
    date: text('date').notNull(),
    ackBy: text('ack_by'),
    ackAt: integer('ack_at'),
    ackDate: text('ack_date'),
  },
  (t) => [uniqueIndex('alerts_unique').on(t.townshipId, t.villageId, t.stage, t.date)],
);

/** 督办 / 明察暗访: an inspection finding recorded by the discipline committee. */
export const inspections = sqliteTable('inspections', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  townshipId: text('township_id').notNull().references(() => townships.id),
  villageId: integer('village_id').notNull().default(0),
  /** 明察 (announced) | 暗访 (unannounced); null for a 督办 on an alert */
  kind: text('kind', { enum: ['明察', '暗访'] }),
  householdId: integer('household_id'),
  /** the person concerned, free text (optional) */
  person: text('person'),
  finding: text('finding').notNull(),
  action: text('action'),
  /** a confirmed finding of a wrongly identified household: goes to accountability after the close */
  wrongIdentification: integer('wrong_identification', { mode: 'boolean' }).notNull().default(false),
  recordedBy: text('recorded_by').notNull(),
  at: integer('at').notNull(),
});

/**
 * 追责: a household found wrongly identified after the campaign closed — a new cross-check hit,
 * an office removal (清退), a confirmed inspection finding, or a hit still open at the close —
 * flagged to the discipline committee with its 识别责任人, and the outcome the committee records.
 */
export const accountability = sqliteTable(
  'accountability',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    villageId: integer('village_id').notNull(),
    householdId: integer('household_id').notNull(),
    /** hit | removal | inspection | open_hit */
    source: text('source', { enum: ['hit', 'removal', 'inspection', 'open_hit'] }).notNull(),
    /** the exclusion hit's, audit row's or inspection's id */
    sourceId: integer('source_id').notNull(),
    finding: text('finding').notNull(),
    /** 识别责任人 at the time it was found */
    identificationOwner: text('identification_owner'),
    foundAt: integer('found_at').notNull(),
    /** 处理结果: 约谈 | 通报 | 免职 | 党纪政纪处分 | 其他 */
    outcome: text('outcome'),
    outcomeNote: text('outcome_note'),
    outcomeBy: text('outcome_by'),
    outcomeAt: integer('outcome_at'),
  },
  (t) => [uniqueIndex('accountability_source').on(t.townshipId, t.source, t.sourceId)],
);
