/**
 * A department list's columns (身份证号, 姓名, 记录类型 required; 详情, 日期 optional), the row
 * and error types, and header matching. Portable.
 */
import type { Department } from '../../core/exclusions';
import { normaliseHeader, textOf } from '../../sheet/cells';

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

export const COLUMN = Object.fromEntries(DEPARTMENT_COLUMNS.map((c) => [c.field, c])) as Record<DepartmentField, DepartmentColumn>;
export const HEADER_LOOKUP: ReadonlyMap<string, DepartmentField> = new Map(
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

export const fileError = (reason: string, row = 0, column = '') => new DepartmentFileError([{ row, column, reason }]);

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
// Header

export interface Header {
  row: number;
  columns: Map<DepartmentField, number>;
  duplicates: string[];
}

export function headerOf(values: readonly unknown[]): Header & { score: number } {
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

export const requiredHeaders = () => DEPARTMENT_COLUMNS.filter((c) => c.required).map((c) => c.header).join('、');
