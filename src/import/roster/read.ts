/**
 * Reading a roster file (portable: bytes or any ByteSource; paths through src/import/roster.ts
 * on Node). Three ways, one row logic (./rows.ts):
 *   validateRoster — the first pass: every row checked, nothing kept but one small record per
 *                    household; gives the counts, the errors and the valid households;
 *   rosterBatches  — the second pass: the members of the valid households, in batches, for
 *                    the writer (src/store/roster-import.ts);
 *   readRoster     — small files and tests: one pass, every household with its members.
 */
import { findHeader, type ReadRosterOptions, type RosterError, type RosterHousehold, type RosterMember, type RosterResult } from './columns';
import { RosterRows } from './rows';
import { bytesSource, openSheet, SheetFileError, type ByteSource, type OpenedSheet, type RawRow, type SheetFormat } from '../../sheet/index';
import { isBlankRow } from '../../sheet/cells';

/** Bytes (a file sent in a chat), bytes with the file's name (which tells the format), or a ByteSource. */
export type RosterInput = ByteSource | Uint8Array | { data: Uint8Array; name?: string };

export function toSource(input: RosterInput): ByteSource {
  if (input instanceof Uint8Array) return bytesSource(input);
  if ('chunks' in input) return input;
  return bytesSource(input.data, input.name ?? '');
}

/** An .xlsx's uncompressed parts above this are refused (a county roster's sheet is about 40 MiB). */
export const ROSTER_MAX_ENTRY_BYTES = 256 * 1024 * 1024;

const fileError = (reason: string): RosterError[] => [{ row: 0, column: '', reason }];

/** The worksheet whose header matches the most roster columns (the first one on ties). */
async function pickSheet(sheet: OpenedSheet): Promise<number | undefined> {
  const names = await sheet.sheetNames();
  if (names.length <= 1) return undefined;
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i < names.length; i++) {
    const head: RawRow[] = [];
    outer: for await (const batch of sheet.rows(i)) {
      for (const r of batch) {
        if (isBlankRow(r.values)) continue;
        head.push(r);
        if (head.length >= 10) break outer;
      }
    }
    const score = findHeader(head).score;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

/** Feeds the roster's sheet into `rows` (`between`: awaited after each batch of rows); a file problem comes back as errors. */
async function feed(
  input: RosterInput,
  options: ReadRosterOptions,
  rows: RosterRows,
  between?: () => Promise<void>,
): Promise<{ format?: SheetFormat; bytes: number; sheet?: number; errors: RosterError[] }> {
  const source = toSource(input);
  let sheet: OpenedSheet | undefined;
  try {
    sheet = await openSheet(source, { ...(options.format ? { format: options.format } : {}), merges: true, maxEntryBytes: ROSTER_MAX_ENTRY_BYTES });
    const only = options.sheet ?? (await pickSheet(sheet));
    for await (const batch of sheet.rows(only)) {
      for (const r of batch) rows.push(r.row, r.values);
      if (between) await between();
    }
    return { format: sheet.format, bytes: sheet.bytes, ...(only === undefined ? {} : { sheet: only }), errors: [] };
  } catch (e) {
    if (!(e instanceof SheetFileError)) throw e;
    return { ...(sheet ? { format: sheet.format } : {}), bytes: sheet?.bytes ?? 0, errors: fileError(e.message) };
  }
}

export interface RosterValidation {
  /** true: the file can be imported (with skipInvalid: its valid households; the errors are the rejects) */
  ok: boolean;
  format?: SheetFormat;
  /** size of the file */
  bytes: number;
  /** the worksheet read (xlsx with several sheets) */
  sheet?: number;
  counts: {
    /** data rows read (blank rows not counted), including rejected ones */
    rows: number;
    /** valid households and their members (what an import writes) */
    households: number;
    members: number;
    /** households left out because of an error (with skipInvalid) */
    rejectedHouseholds: number;
    /** households per village, valid ones */
    byVillage: Record<string, number>;
  };
  /** file problems, or every row and household problem (row, column, Chinese reason; never an ID number) */
  errors: RosterError[];
  /** the valid households with their household-level values (members: []), in order of first row */
  households: RosterHousehold[];
}

export type StagedMember = { householdNo: string; member: RosterMember };

/** Where validateRoster hands the members it read, as it goes (the import's stage). */
export interface MemberSink {
  /**
   * Called with the members read so far (about `batchSize` at a time, in file order), each the
   * member of a household with no error *yet*: a household rejected later (a rule over all its
   * rows) is not among the validation's households, and its members must be dropped.
   */
  onMembers?: (members: StagedMember[]) => Promise<void>;
  batchSize?: number;
}

/**
 * The first pass: reads the whole file once, checks every row, keeps no member (or hands each
 * valid one to `onMembers` as it goes: one pass that validates and stages). What the office's
 * preview shows (counts, errors) and what rosterBatches needs.
 */
export async function validateRoster(input: RosterInput, options: ReadRosterOptions & MemberSink = {}): Promise<RosterValidation> {
  const size = options.batchSize ?? 2000;
  let pending: StagedMember[] = [];
  const sink = options.onMembers;
  const rows = new RosterRows(sink ? { ...options, onMember: (householdNo, member) => void pending.push({ householdNo, member }) } : options);
  const flush = async (all: boolean) => {
    if (!sink || pending.length === 0 || (!all && pending.length < size)) return;
    const out = pending;
    pending = [];
    await sink(out);
  };
  const f = await feed(input, options, rows, sink ? () => flush(false) : undefined);
  if (!f.errors.length) await flush(true);
  const r = rows.end();
  const base = { ...(f.format ? { format: f.format } : {}), bytes: f.bytes, ...(f.sheet === undefined ? {} : { sheet: f.sheet }) };
  const empty = { rows: 0, households: 0, members: 0, rejectedHouseholds: 0, byVillage: {} };
  if (f.errors.length) return { ok: false, ...base, counts: empty, errors: f.errors, households: [] };
  if (r.fileErrors.length) return { ok: false, ...base, counts: empty, errors: r.fileErrors, households: [] };
  const byVillage: Record<string, number> = {};
  let members = 0;
  for (const h of r.households) {
    byVillage[h.village] = (byVillage[h.village] ?? 0) + 1;
    members += r.memberCounts.get(h.householdNo) ?? 0;
  }
  const rejected = new Set(r.errors.map((e) => e.householdNo ?? `#${e.row}`)).size;
  return {
    ok: r.errors.length === 0 || options.skipInvalid === true,
    ...base,
    counts: { rows: r.rows, households: r.households.length, members, rejectedHouseholds: rejected, byVillage },
    errors: r.errors,
    households: r.households,
  };
}

/** One batch for the writer: households when their first member comes by, and members. */
export interface RosterBatch {
  /** 0, 1, 2, … in file order: a caller resuming after batch k skips up to k */
  index: number;
  /** household-level values (members: []) of the households first seen in this batch */
  households: RosterHousehold[];
  members: { householdNo: string; member: RosterMember }[];
}

/**
 * The second pass over the same file: the members of the households `validation` found
 * valid, `batchSize` at a time (default 2,000). Throws when the file changed since.
 */
export async function* rosterBatches(
  input: RosterInput,
  validation: RosterValidation,
  options: ReadRosterOptions & { batchSize?: number } = {},
): AsyncGenerator<RosterBatch> {
  if (!validation.ok) throw new Error('rosterBatches: the validation failed; nothing to write');
  const size = options.batchSize ?? 2000;
  const valid = new Map(validation.households.map((h) => [h.householdNo, h]));
  const seen = new Set<string>();
  let batch: RosterBatch = { index: 0, households: [], members: [] };
  let members = 0;
  const ready: RosterBatch[] = [];
  const rows = new RosterRows({
    ...options,
    onMember(householdNo, member) {
      const h = valid.get(householdNo);
      if (!h) return;
      if (!seen.has(householdNo)) {
        seen.add(householdNo);
        batch.households.push(h);
      }
      batch.members.push({ householdNo, member });
      members++;
      if (batch.members.length >= size) {
        ready.push(batch);
        batch = { index: batch.index + 1, households: [], members: [] };
      }
    },
  });
  const source = toSource(input);
  const sheet = await openSheet(source, { ...(options.format ? { format: options.format } : {}), merges: true, maxEntryBytes: ROSTER_MAX_ENTRY_BYTES });
  for await (const raw of sheet.rows(validation.sheet)) {
    for (const r of raw) rows.push(r.row, r.values);
    while (ready.length) yield ready.shift()!;
  }
  rows.end();
  if (batch.members.length || batch.households.length) yield batch;
  if (members !== validation.counts.members || seen.size !== valid.size) {
    throw new SheetFileError('文件在校验之后被改动了：请重新导入');
  }
}

/**
 * Reads a roster with every household and its members (small files, tests, the example).
 * See src/import/roster.ts for the rules.
 */
export async function readRoster(input: RosterInput, options: ReadRosterOptions = {}): Promise<RosterResult> {
  const rows = new RosterRows({ ...options, keepMembers: true });
  const f = await feed(input, options, rows);
  if (f.errors.length) return { ok: false, errors: f.errors };
  return result(rows, options);
}

function result(rows: RosterRows, options: ReadRosterOptions): RosterResult {
  const r = rows.end();
  if (r.fileErrors.length) return { ok: false, errors: r.fileErrors };
  if (r.errors.length > 0 && !options.skipInvalid) return { ok: false, errors: r.errors };
  return { ok: true, households: r.households, rows: r.rows, rejects: r.errors };
}

/**
 * Reads roster rows already taken out of a spreadsheet: each item is
 * [row number, cell values from column A]. Plain arrays (row numbers 1, 2, …) are
 * accepted too.
 */
export function readRosterRows(
  input: Iterable<readonly [number, readonly unknown[]]> | readonly (readonly unknown[])[],
  options: ReadRosterOptions = {},
): RosterResult {
  const rows = new RosterRows({ ...options, keepMembers: true });
  let i = 0;
  for (const item of input as Iterable<unknown>) {
    i++;
    const pair = Array.isArray(item) && item.length === 2 && typeof item[0] === 'number' && Array.isArray(item[1]);
    if (pair) rows.push(item[0] as number, item[1] as unknown[]);
    else rows.push(i, item as unknown[]);
  }
  return result(rows, options);
}
