/**
 * A county department's list (部门比对名单) for the six-exclusions cross-check, read from .xlsx
 * or .csv as a stream: files of millions of rows are never held in memory. Spreadsheet I/O is
 * src/sheet/ (the one CSV reader — UTF-8 with or without BOM, or GBK/GB18030 — and the one
 * xlsx reader, with their caps).
 *
 * Columns are matched by header text as in the roster, in any order, the header row within the
 * first 10 rows: 身份证号, 姓名, 记录类型 are required columns; 详情 and 日期 are optional. Each
 * data row is checked: a valid 18-character ID number, a record kind known for this department
 * (src/core/exclusions.ts). A blank 姓名 is allowed (the list is keyed by ID number); a 日期 in a
 * recognised format is written YYYY-MM-DD, any other text is kept as it is (it is evidence, not
 * a rule).
 *
 * Problems of the file itself (missing, empty, not a spreadsheet, no header, header only,
 * broken, over a cap) throw DepartmentFileError; problems of rows are yielded with the data, by
 * row number as Excel shows it, and the caller decides (all-or-nothing by default, see
 * src/store/departments.ts). No reason ever contains an ID number.
 *
 * This file: Node, by path. Portable (bytes, Workers): ./department/read.ts —
 * inspectDepartmentSource / readDepartmentSource over a ByteSource (src/sheet/source.ts).
 */
import { fileSource } from '../sheet/file';
import { inspectDepartmentSource, readDepartmentSource, type DepartmentFileInfo } from './department/read';
import type { DepartmentBatch, ReadDepartmentOptions } from './department/columns';

export * from './department/columns';
export { dateText, inspectDepartmentSource, readDepartmentSource, type DepartmentFileInfo } from './department/read';

/** Format and fingerprint of a department file; throws DepartmentFileError when it cannot be a list. */
export const inspectDepartmentFile = (path: string, format?: 'xlsx' | 'csv'): Promise<DepartmentFileInfo> =>
  inspectDepartmentSource(fileSource(path), format);

/**
 * Reads a department file as batches of valid rows and row errors. Throws DepartmentFileError
 * for problems of the whole file, possibly after some batches: a caller keeps nothing of a file
 * that throws.
 */
export const readDepartmentFile = (path: string, options: ReadDepartmentOptions): AsyncGenerator<DepartmentBatch> =>
  readDepartmentSource(fileSource(path), options);
