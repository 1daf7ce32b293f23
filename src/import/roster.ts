/**
 * The roster (建档立卡花名册): one spreadsheet row per household member, read from .xlsx or
 * .csv (UTF-8 with or without BOM, or GBK/GB18030 as saved by Chinese Excel).
 *
 * Columns are matched by their header text, in any order; extra columns are ignored and the
 * header row may sit below a title row. Household-level columns (村名, 户主姓名, 住房情况…) may
 * be repeated on every member row or filled on one row only (e.g. merged cells); when they are
 * filled twice they must agree. An ID number repeated in different households is not an error
 * here: the cross-check (六个不纳入 No. 5, 身份证重复) reports it. A member listed twice in one
 * household is. Errors carry the spreadsheet row number (1-based, as Excel shows it; 0 for the
 * file itself), the column header and a Chinese reason. No reason ever contains an ID number.
 *
 * The API (this file: Node, a path or bytes; src/import/roster/read.ts: the same without
 * node:fs, bytes or a ByteSource only — what the chat import on Workers uses):
 *
 *   validateRoster(file, { villages, skipInvalid })
 *       → { ok, counts: { rows, households, members, rejectedHouseholds, byVillage },
 *           errors: [{ row, column, reason, householdNo? }], households, … }
 *     The first pass: streams the file once, checks every row, holds one small record per
 *     household and no member (a 90,000-member roster in well under 256 MiB).
 *   rosterBatches(file, validation, { batchSize })
 *     The second pass: the valid households' members, batch by batch ({ index, households,
 *     members }), in file order.
 *   The writer, src/store/roster-import.ts: beginRosterImport → stageRosterBatch (each batch,
 *     one short write each; may be spread over several invocations on Workers) →
 *     commitRosterImport (one atomic write: the whole roster or nothing) or abortRosterImport.
 *     importRosterFile (Node) runs the lot; importRoster(households) the same for households
 *     already in memory.
 *   readRoster(file) — every household with its members in memory (small files, tests).
 *   writeRosterXlsx / writeRosterCsv / writeRejects — writing in the same columns.
 *
 * Split by idea: src/core/roster-values.ts (the value sets), ./roster/columns.ts (columns,
 * header matching, result types), ./roster/rows.ts (row normalising, household rules),
 * ./roster/read.ts (the passes), ./roster/write.ts (writers), src/sheet/ (CSV and xlsx I/O).
 */
import { fileSource } from '../sheet/file';
import type { ReadRosterOptions, RosterResult } from './roster/columns';
import * as portable from './roster/read';
import type { RosterBatch, RosterInput, RosterValidation } from './roster/read';

export * from '../core/roster-values';
export {
  COLUMN,
  ROSTER_COLUMNS,
  findHeader,
  type ReadRosterOptions,
  type RosterColumn,
  type RosterError,
  type RosterField,
  type RosterHousehold,
  type RosterMember,
  type RosterResult,
} from './roster/columns';
export { readRosterRows, type MemberSink, type RosterBatch, type RosterInput, type RosterValidation, type StagedMember } from './roster/read';
export { rosterRecords, writeRejects, writeRosterCsv, writeRosterXlsx } from './roster/write';
export { cellText, clean, cleanName, isNumericCell, normaliseHeader } from '../sheet/cells';
export { csvText } from '../sheet/csv-write';

/** A file path, or bytes (with the file's name, which tells the format). */
export type RosterSource = string | RosterInput;

const source = (s: RosterSource): RosterInput => (typeof s === 'string' ? fileSource(s) : s);

/** Reads a roster with every household and its members in memory. */
export const readRoster = (s: RosterSource, options: ReadRosterOptions = {}): Promise<RosterResult> => portable.readRoster(source(s), options);

/** The first pass (see above). */
export const validateRoster = (s: RosterSource, options: ReadRosterOptions & portable.MemberSink = {}): Promise<RosterValidation> =>
  portable.validateRoster(source(s), options);

/** The second pass (see above). */
export const rosterBatches = (
  s: RosterSource,
  validation: RosterValidation,
  options: ReadRosterOptions & { batchSize?: number } = {},
): AsyncGenerator<RosterBatch> => portable.rosterBatches(source(s), validation, options);
