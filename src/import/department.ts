/**
 * A county department's list (部门比对名单) for the six-exclusions cross-check, read from
 * .xlsx or .csv as a stream: files of millions of rows are never held in memory. The CSV is
 * decoded like the roster's (UTF-8 with or without BOM, or GBK/GB18030) and split by a small
 * RFC 4180 parser; an .xlsx is read sheet by sheet with exceljs's streaming WorkbookReader
 * (every sheet whose header row has 身份证号 is data, so a list split over several sheets
 * because of Excel's 1,048,576-row limit reads as one).
 *
 * Columns are matched by header text as in the roster (src/import/roster.ts), in any order,
 * the header row within the first 10 rows: 身份证号, 姓名, 记录类型 are required columns;
 * 详情 and 日期 are optional. Each data row is checked: a valid 18-character ID number, a
 * record kind known for this department (src/core/exclusions.ts). A blank 姓名 is allowed
 * (the list is keyed by ID number); a 日期 in a recognised format is written YYYY-MM-DD, any
 * other text is kept as it is (it is evidence, not a rule).
 *
 * Problems of the file itself (missing, empty, not a spreadsheet, no header, header only,
 * broken) throw DepartmentFileError; problems of rows are yielded with the data, by row
 * number as Excel shows it, and the caller decides (all-or-nothing by default, see
 * src/store/departments.ts). No reason ever contains an ID number.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import ExcelJS from 'exceljs';
import { PROVINCE_CODES, maskIdsInText, validateIdCard } from '../core/idcard';
import { cstDate } from '../core/dates';
import { DEPARTMENT_KINDS, parseRecordKind, type Department, type RecordKind } from '../core/exclusions';
import { xlsxStreamRows, XlsxUnsupported } from './xlsx-stream';
import { cellText, clean, cleanName, isNumericCell, normaliseHeader, sniff } from './roster';

export type DepartmentField = 'idCard' | 'name' | 'kind' | 'detail' | 'date';

export interface DepartmentColumn {
  field: DepartmentField;
  header: string;
  aliases: readonly string[];
  required: boolean;
  description: string;
}

export const DEPARTMENT_COLUMNS: readonly DepartmentColumn[] = [
  { field: 'idCard', header: '身份证号', aliases: ['身份证号码', '公民身份号码', '证件号码', '身份证', '证件号'], required: true, description: '18 位居民身份证号；Excel 中请设为文本格式' },
  { field: 'name', header: '姓名', aliases: ['人员姓名', '权利人', '产权人', '所有人', '车主', '机动车所有人', '经营者', '法定代表人', '户主姓名'], required: true, description: '本行人员的姓名（可留空；公安户籍行用它查身份证重复）' },
  { field: 'kind', header: '记录类型', aliases: ['类型', '记录种类', '类别', '业务类型', '登记类型'], required: true, description: '本部门的记录类型，见下表' },
  { field: 'detail', header: '详情', aliases: ['详细信息', '说明', '备注', '车牌号', '号牌号码', '房屋坐落', '坐落', '字号', '单位', '工作单位'], required: false, description: '如车牌号、房屋坐落、单位名称（可选）' },
  { field: 'date', header: '日期', aliases: ['登记日期', '发证日期', '办理日期', '注销日期', '时间', '登记时间'], required: false, description: '登记或发生的日期（可选）' },
];

const COLUMN = Object.fromEntries(DEPARTMENT_COLUMNS.map((c) => [c.field, c])) as Record<DepartmentField, DepartmentColumn>;
const HEADER_LOOKUP: ReadonlyMap<string, DepartmentField> = new Map(
  DEPARTMENT_COLUMNS.flatMap((c) => [c.header, ...c.aliases].map((h) => [normaliseHeader(h), c.field] as const)),
);

/** A row ready to store: the ID number normalised, the kind canonical. */
export interface DepartmentRow {
  row: number;
  idCard: string;
  name: string | null;
  kind: string;
  detail: string | null;
  date: string | null;
}

export interface DepartmentError {
  /** row number as Excel shows it (1-based); 0 for the file itself */
  row: number;
  /** the worksheet, for workbooks with several data sheets (from the second one on) */
  sheet?: string;
  /** column header, '' when not about one column */
  column: string;
  /** Chinese; never contains an ID number */
  reason: string;
}

export interface DepartmentBatch {
  rows: DepartmentRow[];
  errors: DepartmentError[];
}

/** The file cannot be read as a list at all; nothing of it may be imported. */
export class DepartmentFileError extends Error {
  constructor(readonly errors: DepartmentError[]) {
    super(errors.map((e) => e.reason).join('；'));
  }
}

const fileError = (reason: string, row = 0, column = '') => new DepartmentFileError([{ row, column, reason }]);

export interface ReadDepartmentOptions {
  department: Department;
  /** 'today' for the ID birth-date check (default: now, CST) */
  today?: Date | string;
  format?: 'xlsx' | 'csv';
  /** rows per yielded batch (default 5000) */
  batchSize?: number;
}

/** Where the line of a problem is, as printed: 第 N 行 / 工作表“X”第 N 行 / 文件. */
export function errorPlace(e: DepartmentError): string {
  if (e.row === 0) return e.sheet ? `工作表“${e.sheet}”` : '文件';
  return `${e.sheet ? `工作表“${e.sheet}”` : ''}第 ${e.row} 行`;
}

export function formatError(e: DepartmentError): string {
  return `${errorPlace(e)}${e.column ? `「${e.column}」` : ''}：${e.reason}`;
}

// ---------------------------------------------------------------------------
// Raw rows from the file

export interface RawRow {
  sheet: string;
  sheetIndex: number;
  row: number;
  values: unknown[];
}

/**
 * CSV records, streamed. Quoted fields may hold commas, quotes ("") and line breaks; a record
 * is one row (as Excel numbers them), blank lines included.
 */
export async function* csvRows(path: string): AsyncGenerator<RawRow[]> {
  // Plain synchronous reads (a CLI): Node streams cost more than the parsing at this size. 32 KiB
  // at a time keeps every decoded string a young-generation object (no large-object garbage).
  const fd = openSync(path, 'r');
  try {
    // the encoding, judged on the first 64 KiB as the roster's CsvDecoder does: UTF-8 unless
    // that is not valid UTF-8, then GB18030 (a superset of GBK, as Chinese Excel saves "CSV")
    const head = Buffer.allocUnsafe(1 << 16);
    const headLength = readSync(fd, head, 0, head.length, 0);
    let encoding = 'utf-8';
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, headLength), { stream: true });
    } catch {
      encoding = 'gb18030';
    }
    const decoder = new TextDecoder(encoding); // drops a UTF-8 BOM
    const buf = Buffer.allocUnsafe(1 << 15);
    let position = 0;
    let carry = '';
    let rowNo = 0;
    let out: RawRow[] = [];
    const emit = (values: string[]) => {
      out.push({ sheet: '', sheetIndex: 0, row: ++rowNo, values });
    };
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, position);
      if (n === 0) break;
      position += n;
      carry = parseCsv(carry + decoder.decode(buf.subarray(0, n), { stream: true }), false, emit);
      if (out.length) {
        yield out;
        out = [];
      }
    }
    carry += decoder.decode();
    if (carry.length) parseCsv(carry, true, emit);
    if (out.length) yield out;
  } finally {
    closeSync(fd);
  }
}

/**
 * Parses the whole records of `text` and returns what is left (an unfinished record), or ''
 * when `final` (no more text follows). The chunk is split into lines by the builtin once;
 * only a line with a quote is walked character by character (a quoted field may hold commas,
 * "" and line breaks: lines are joined while the record's quotes are unbalanced).
 */
export function parseCsv(text: string, final: boolean, emit: (values: string[]) => void): string {
  const lines = text.split('\n');
  const complete = final ? lines.length : lines.length - 1;
  for (let i = 0; i < complete; i++) {
    let line = lines[i]!;
    if (line.indexOf('"') === -1) {
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      if (final && i === lines.length - 1 && line === '') break; // the newline at the end of the file
      emit(line === '' ? [] : line.split(','));
      continue;
    }
    let j = i;
    let quotes = countQuotes(line);
    while (quotes % 2 === 1 && j + 1 < complete) {
      j++;
      line += `\n${lines[j]}`;
      quotes += countQuotes(lines[j]!);
    }
    if (quotes % 2 === 1 && !final) return lines.slice(i).join('\n'); // the record goes on in the next chunk
    emit(splitQuoted(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line));
    i = j;
  }
  return final ? '' : lines[lines.length - 1]!;
}

function countQuotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i !== -1; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/** One record with quotes: RFC 4180, leniently (a stray quote inside an unquoted field is kept). */
function splitQuoted(rec: string): string[] {
  const fields: string[] = [];
  let field = '';
  let i = 0;
  const n = rec.length;
  let quoted = false;
  while (i < n) {
    const c = rec[i]!;
    if (quoted) {
      if (c === '"') {
        if (rec[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
    i++;
  }
  fields.push(field);
  return fields;
}

/** xlsx rows: the fast reader (xlsx-stream.ts), or exceljs for what it does not handle. */
async function* xlsxRows(path: string): AsyncGenerator<RawRow[]> {
  const fast = xlsxStreamRows(path);
  let first: IteratorResult<RawRow[]>;
  try {
    first = await fast.next();
  } catch (e) {
    if (!(e instanceof XlsxUnsupported)) throw e;
    yield* excelJsRows(path);
    return;
  }
  if (first.done) return;
  yield first.value;
  for (;;) {
    const next = await fast.next();
    if (next.done) return;
    yield next.value;
  }
}

/** xlsx rows, streamed sheet by sheet with exceljs (shared strings cached, styles ignored). */
export async function* excelJsRows(path: string): AsyncGenerator<RawRow[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  let sheetIndex = 0;
  for await (const ws of reader) {
    const sheet = (ws as unknown as { name?: string }).name ?? `Sheet${sheetIndex + 1}`;
    let out: RawRow[] = [];
    for await (const row of ws) {
      // row.values is 1-based and sparse
      const v = row.values as unknown[];
      out.push({ sheet, sheetIndex, row: row.number, values: v.slice(1) });
      if (out.length >= 2000) {
        yield out;
        out = [];
      }
    }
    if (out.length) yield out;
    sheetIndex++;
  }
}

// ---------------------------------------------------------------------------
// Cells

const NEEDS_CLEAN = /[\s\u200b]/;
const cleanFast = (s: string) => (NEEDS_CLEAN.test(s) ? clean(s) : s);
const cleanNameFast = (s: string) => (NEEDS_CLEAN.test(s) ? cleanName(s) : s);
const textOf = (v: unknown): string => (typeof v === 'string' ? v : cellText(v));

/** Excel's day number (1900 date system) → YYYY-MM-DD. */
function excelSerialDate(n: number): string | null {
  if (!(n >= 1 && n < 2958466)) return null;
  const ms = Date.UTC(1899, 11, 30) + Math.floor(n) * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

const DATE_RE = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$/;
const DATE_COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

/** Normalised date text of a cell: YYYY-MM-DD when recognised, else the cleaned text; null when blank. */
export function dateText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (isNumericCell(v)) {
    const n = typeof v === 'number' ? v : Number((v as { result: unknown }).result);
    const s = excelSerialDate(n);
    if (s && !/^\d{8}$/.test(String(n))) return s;
  }
  const t = cleanFast(textOf(v));
  if (t === '') return null;
  const m = DATE_RE.exec(t) ?? DATE_COMPACT.exec(t);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const probe = new Date(Date.UTC(y, mo - 1, d));
    if (probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d) {
      return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    }
  }
  return t.length > 100 ? t.slice(0, 100) : t;
}

const ID_SHAPE = /^\d{17}[\dXx]$/;

/**
 * The common case fast: an ID number already in shape that validateIdCard would accept, or ''
 * (then validateIdCard gives the reason). Same rules: province code, a real birth date from
 * 1900 to today, ISO 7064 check character (test/crosscheck/import.test.ts compares the two).
 */
function quickId(s: string, todayKey: string): string {
  const id = s.charCodeAt(17) === 120 ? s.toUpperCase() : s;
  if (PROVINCE_CODES[id.slice(0, 2)] === undefined) return '';
  const birth = id.slice(6, 14);
  if (birth > todayKey || birth < '19000101') return '';
  const y = +birth.slice(0, 4);
  const m = +birth.slice(4, 6);
  const d = +birth.slice(6, 8);
  if (m < 1 || m > 12 || d < 1 || d > (m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31)) return '';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return id[17] === ID_CHECK[sum % 11] ? id : '';
}
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** For tests: quickId with today's key. */
export const quickIdForTest = (s: string, today: string) => (ID_SHAPE.test(s) ? quickId(s, today.replace(/-/g, '')) : '');

// ---------------------------------------------------------------------------
// Header

interface Header {
  row: number;
  columns: Map<DepartmentField, number>;
  duplicates: string[];
}

function headerOf(values: unknown[]): Header & { score: number } {
  const columns = new Map<DepartmentField, number>();
  const duplicates: string[] = [];
  values.forEach((v, c) => {
    const field = HEADER_LOOKUP.get(normaliseHeader(textOf(v)));
    if (field === undefined) return;
    if (columns.has(field)) duplicates.push(COLUMN[field].header);
    else columns.set(field, c);
  });
  return { row: 0, columns, duplicates, score: columns.size };
}

const isBlank = (values: unknown[]) => values.every((v) => v === null || v === undefined || cleanFast(textOf(v)) === '');

const requiredHeaders = () => DEPARTMENT_COLUMNS.filter((c) => c.required).map((c) => c.header).join('、');

// ---------------------------------------------------------------------------
// The reader

export interface DepartmentFileInfo {
  name: string;
  format: 'xlsx' | 'csv';
  bytes: number;
  sha256: string;
}

/** Format and fingerprint of a department file; throws DepartmentFileError when it cannot be a list. */
export async function inspectDepartmentFile(path: string, format?: 'xlsx' | 'csv'): Promise<DepartmentFileInfo> {
  const name = basename(path);
  let head: Uint8Array;
  let bytes: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw fileError(`${name} 是一个目录，不是文件`);
    bytes = st.size;
    head = await sniff(path);
  } catch (e) {
    if (e instanceof DepartmentFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fileError(`找不到文件 ${path}`);
    throw fileError(`无法读取文件 ${path}（${code ?? String(e)}）`);
  }
  if (head.length === 0) throw fileError('文件为空，没有表头和数据');
  const isZip = head[0] === 0x50 && head[1] === 0x4b;
  const isOle = head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0;
  const ext = extname(name).toLowerCase();
  if (isOle || ext === '.xls' || ext === '.et') {
    throw fileError('不支持旧版 .xls（或加密的）Excel 文件：请在 Excel 中“另存为” .xlsx 或 CSV（UTF-8）后再导入');
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw fileError('文件是 UTF-16（Unicode 文本）编码：请在 Excel 中另存为 .xlsx 或“CSV UTF-8（逗号分隔）”后再导入');
  }
  const fmt = format ?? (isZip || ext === '.xlsx' || ext === '.xlsm' ? 'xlsx' : 'csv');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return { name, format: fmt, bytes, sha256: hash.digest('hex') };
}

/**
 * Reads a department file as batches of valid rows and row errors. Throws DepartmentFileError
 * for problems of the whole file (see the module comment), possibly after some batches: a
 * caller keeps nothing of a file that throws.
 */
export async function* readDepartmentFile(path: string, options: ReadDepartmentOptions): AsyncGenerator<DepartmentBatch> {
  const info = await inspectDepartmentFile(path, options.format);
  const source = info.format === 'xlsx' ? xlsxRows(path) : csvRows(path);
  const what = info.format === 'xlsx' ? 'Excel 文件' : 'CSV 文件';
  const batchSize = options.batchSize ?? 256;
  const dep = options.department;
  const kindsText = DEPARTMENT_KINDS[dep].map((k) => k.kind).join('/');
  const kindCache = new Map<string, RecordKind | null>();
  const today = options.today ?? new Date();
  const todayKey = typeof today === 'string' ? today.replace(/-/g, '') : cstDate(today).replace(/-/g, '');
  const dateCache = new Map<string, string | null>();

  // per sheet state
  let current = -1;
  let sheetName = '';
  let sheetLabel: string | undefined;
  let pending: RawRow[] = []; // first non-blank rows of a sheet, until the header is known
  let header: Header | null = null;
  let skipSheet = false;
  let dataSheets = 0;
  let dataRows = 0;
  let nonBlank = 0;
  let headerRow = 1;
  let best: { sheet: string; header: Header & { score: number } } | null = null;

  let rows: DepartmentRow[] = [];
  let errors: DepartmentError[] = [];

  let idCol = 0;
  let nameCol = 0;
  let kindCol = 0;
  let detailCol = -1;
  let dateCol = -1;
  const rowErr = (row: number, field: DepartmentField, reason: string) => {
    errors.push(sheetLabel ? { row, sheet: sheetLabel, column: COLUMN[field].header, reason } : { row, column: COLUMN[field].header, reason });
  };

  const rowOf = (r: RawRow) => {
    const v = r.values;
    dataRows++;
    let bad = false;
    // ID number: never echoed
    const idRaw = v[idCol];
    let idText = textOf(idRaw);
    let idCard = ID_SHAPE.test(idText) ? quickId(idText, todayKey) : '';
    if (idCard === '') {
      if (!ID_SHAPE.test(idText)) idText = cleanFast(idText).normalize('NFKC').replace(/^'/, '').replace(/[\s-]/g, '');
      if (idText === '') {
        rowErr(r.row, 'idCard', '身份证号不能为空');
        bad = true;
      } else if (isNumericCell(idRaw) && idText.length > 15) {
        rowErr(r.row, 'idCard', '身份证号被 Excel 存成了数字，后几位已丢失：请把该列设为“文本”格式后重新导出');
        bad = true;
      } else {
        const id = validateIdCard(idText, { today });
        if (id.ok) idCard = id.id;
        else {
          rowErr(r.row, 'idCard', id.reason);
          bad = true;
        }
      }
    }
    const kindRaw = cleanFast(textOf(v[kindCol]));
    let kind = kindCache.get(kindRaw);
    if (kind === undefined) {
      kind = kindRaw === '' ? null : parseRecordKind(dep, kindRaw);
      if (kindCache.size < 10_000) kindCache.set(kindRaw, kind);
    }
    if (kindRaw === '') {
      rowErr(r.row, 'kind', `记录类型不能为空，应为 ${kindsText}`);
      bad = true;
    } else if (kind === null) {
      const shown = maskIdsInText(kindRaw.length > 30 ? `${kindRaw.slice(0, 30)}…` : kindRaw);
      rowErr(r.row, 'kind', `“${shown}”不是${dep}名单的记录类型，应为 ${kindsText}`);
      bad = true;
    }
    if (bad) return;
    const nameText = cleanNameFast(textOf(v[nameCol]));
    const detailText = detailCol < 0 ? '' : cleanFast(textOf(v[detailCol]));
    let date: string | null = null;
    if (dateCol >= 0) {
      const dv = v[dateCol];
      if (typeof dv === 'string') {
        const hit = dateCache.get(dv);
        if (hit !== undefined) date = hit;
        else {
          date = dateText(dv);
          if (dateCache.size >= 50_000) dateCache.clear();
          dateCache.set(dv, date);
        }
      } else date = dateText(dv);
    }
    rows.push({
      row: r.row,
      idCard,
      name: nameText === '' ? null : nameText.length > 100 ? nameText.slice(0, 100) : nameText,
      kind: kind!.kind,
      detail: detailText === '' ? null : detailText.length > 500 ? detailText.slice(0, 500) : detailText,
      date,
    });
  };

  const settleHeader = () => {
    // pick the header among the buffered first rows of the sheet
    let found: (Header & { score: number }) | null = null;
    let at = -1;
    pending.forEach((r, i) => {
      const h = headerOf(r.values);
      if (h.columns.has('idCard') && (!found || h.score > found.score)) {
        found = { ...h, row: r.row };
        at = i;
      }
      if (!best || h.score > best.header.score) best = { sheet: sheetName, header: { ...h, row: r.row } };
    });
    if (!found) {
      skipSheet = pending.length > 0 || skipSheet;
      pending = [];
      return;
    }
    const h = found as Header & { score: number };
    const missing = DEPARTMENT_COLUMNS.filter((c) => c.required && !h.columns.has(c.field));
    const problems: DepartmentError[] = missing.map((c) => ({ row: h.row, ...(dataSheets ? { sheet: sheetName } : {}), column: c.header, reason: `缺少必填列“${c.header}”` }));
    for (const dup of h.duplicates) problems.push({ row: h.row, column: dup, reason: `“${dup}”列出现了不止一次` });
    if (problems.length) throw new DepartmentFileError(problems);
    sheetLabel = dataSheets > 0 ? sheetName : undefined;
    dataSheets++;
    header = h;
    headerRow = h.row;
    idCol = h.columns.get('idCard')!;
    nameCol = h.columns.get('name')!;
    kindCol = h.columns.get('kind')!;
    detailCol = h.columns.get('detail') ?? -1;
    dateCol = h.columns.get('date') ?? -1;
    const rest = pending.slice(at + 1);
    pending = [];
    for (const r of rest) rowOf(r);
  };

  const endSheet = () => {
    if (current >= 0 && header === null && !skipSheet) settleHeader();
  };

  try {
    for await (const raw of source) {
      for (const r of raw) {
        if (r.sheetIndex !== current) {
          endSheet();
          current = r.sheetIndex;
          sheetName = r.sheet;
          header = null;
          skipSheet = false;
          pending = [];
        }
        if (skipSheet) continue;
        if (header === null) {
          if (isBlank(r.values)) continue;
          nonBlank++;
          pending.push(r);
          if (pending.length >= 10) settleHeader();
          continue;
        }
        if (isBlank(r.values)) continue;
        rowOf(r);
        if (rows.length >= batchSize || errors.length >= batchSize) {
          yield { rows, errors };
          rows = [];
          errors = [];
        }
      }
    }
    endSheet();
  } catch (e) {
    if (e instanceof DepartmentFileError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw fileError(`无法读取${what}：文件可能已损坏或格式不对（${detail.slice(0, 200)}）`);
  }
  if (dataSheets === 0) {
    const b = best as { sheet: string; header: Header & { score: number } } | null;
    if (!b || b.header.score === 0) {
      if (nonBlank === 0) throw fileError('文件为空，没有表头和数据');
      throw fileError(`前 10 行中找不到表头：第一行应为列名，如 ${requiredHeaders()}（可选：详情、日期）`);
    }
    throw new DepartmentFileError(
      DEPARTMENT_COLUMNS.filter((c) => c.required && !b.header.columns.has(c.field)).map((c) => ({
        row: b.header.row,
        column: c.header,
        reason: `缺少必填列“${c.header}”`,
      })),
    );
  }
  if (dataRows === 0) throw fileError('文件只有表头，没有数据行', headerRow);
  if (rows.length || errors.length) yield { rows, errors };
}
