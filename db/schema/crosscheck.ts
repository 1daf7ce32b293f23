// The six-exclusions cross-check (六个不纳入) against the nine county departments' lists.
import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { townships } from './township';
import type { Exclusion } from '../../src/core/exclusions';

/** One import of one department's list; a re-import replaces the active one (the old stays as history). */
export const departmentLists = sqliteTable(
  'department_lists',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    department: text('department').notNull(),
    fileName: text('file_name').notNull(),
    rows: integer('rows').notNull(),
    sha256: text('sha256'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    importedBy: text('imported_by').notNull(),
    importedAt: integer('imported_at').notNull(),
  },
  (t) => [index('department_lists_active').on(t.townshipId, t.department, t.active)],
);

export const departmentRecords = sqliteTable(
  'department_records',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    listId: integer('list_id').notNull(),
    rowNo: integer('row_no').notNull(),
    idCard: text('id_card').notNull(),
    name: text('name'),
    kind: text('kind').notNull(),
    detail: text('detail'),
    date: text('date'),
  },
  // Led by list_id: a new list's rows go to the end of the index (list ids only grow), so an
  // import appends instead of rewriting pages all over it; the cross-check probes list by list.
  (t) => [index('department_records_list_id_card').on(t.listId, t.idCard)],
);

/** A hit is evidence, not a verdict: the office confirms (清退) or dismisses it, with a reason. */
export const exclusionHits = sqliteTable(
  'exclusion_hits',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    householdId: integer('household_id').notNull(),
    memberId: integer('member_id').notNull(),
    /** commercial_housing | car | public_salary | business | duplicate_id | fake_disability */
    exclusion: text('exclusion').$type<Exclusion>().notNull(),
    /** department name, or 花名册 for duplicates inside the roster */
    department: text('department').notNull(),
    /** stable description of the evidence row, part of the uniqueness key */
    evidenceKey: text('evidence_key').notNull(),
    evidence: text('evidence', { mode: 'json' }),
    status: text('status', { enum: ['open', 'confirmed', 'dismissed'] }).notNull().default('open'),
    reason: text('reason'),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    foundAt: integer('found_at').notNull(),
    /** when it was flagged to the discipline committee (after the campaign) */
    flaggedAt: integer('flagged_at'),
  },
  (t) => [
    uniqueIndex('exclusion_hits_unique').on(t.townshipId, t.memberId, t.exclusion, t.department, t.evidenceKey),
    index('exclusion_hits_household').on(t.householdId),
  ],
);
