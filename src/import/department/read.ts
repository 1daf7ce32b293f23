/**
 * Reading a department list (portable: any ByteSource; paths through src/import/department.ts
 * on Node): every sheet whose header row has 身份证号 is data, so a list split over several
 * sheets because of Excel's 1,048,576-row limit reads as one; rows come out in batches of
 * valid rows and row errors, never the whole file at once. Cells: dates normalised, the fast
 * ID check for the common case.
 */
import { createHash } from 'node:crypto';
import { maskIdsInText, quickIdCard, validateIdCard } from '../../core/idcard';
import { cstDate } from '../../core/dates';
import { DEPARTMENT_KINDS, parseRecordKind, type RecordKind } from '../../core/exclusions';
import { cleanFast, cleanNameFast, isBlankRow, isNumericCell, textOf } from '../../sheet/cells';
import { openSheet, SheetFileError, type ByteSource, type OpenedSheet, type RawRow } from '../../sheet/index';
import {
  COLUMN,
  DEPARTMENT_COLUMNS,
  DepartmentFileError,
  fileError,
  headerOf,
  requiredHeaders,
  type DepartmentBatch,
  type DepartmentError,
  type DepartmentField,
  type DepartmentRow,
  type Header,
  type ReadDepartmentOptions,
} from './columns';

// ---------------------------------------------------------------------------
// Cells

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

// ---------------------------------------------------------------------------
// The reader

export interface DepartmentFileInfo {
  name: string;
  format: 'xlsx' | 'csv';
  bytes: number;
  sha256: string;
}

/** Format and fingerprint of a department file; throws DepartmentFileError when it cannot be a list. */
export async function inspectDepartmentSource(source: ByteSource, format?: 'xlsx' | 'csv'): Promise<DepartmentFileInfo> {
  let sheet: OpenedSheet;
  try {
    sheet = await openSheet(source, format ? { format } : {});
  } catch (e) {
    if (e instanceof SheetFileError) throw fileError(e.message);
    throw e;
  }
  const hash = createHash('sha256');
  try {
    for await (const chunk of source.chunks()) hash.update(chunk);
  } catch (e) {
    if (e instanceof SheetFileError) throw fileError(e.message);
    throw e;
  }
  return { name: source.name, format: sheet.format, bytes: sheet.bytes, sha256: hash.digest('hex') };
}

/**
 * Reads a department file as batches of valid rows and row errors. Throws DepartmentFileError
 * for problems of the whole file (see the module comment), possibly after some batches: a
 * caller keeps nothing of a file that throws.
 */
export async function* readDepartmentSource(input: ByteSource, options: ReadDepartmentOptions): AsyncGenerator<DepartmentBatch> {
  let sheet: OpenedSheet;
  try {
    sheet = await openSheet(input, options.format ? { format: options.format } : {});
  } catch (e) {
    if (e instanceof SheetFileError) throw fileError(e.message);
    throw e;
  }
  const source = sheet.rows();
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
    let idCard = quickIdCard(idText, todayKey);
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
          if (isBlankRow(r.values)) continue;
          nonBlank++;
          pending.push(r);
          if (pending.length >= 10) settleHeader();
          continue;
        }
        if (isBlankRow(r.values)) continue;
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
    if (e instanceof SheetFileError) throw fileError(e.message);
    throw e;
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
