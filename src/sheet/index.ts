/**
 * Spreadsheet input in one place: a ByteSource (bytes, or a path through ./file.ts on Node)
 * → its format (from the name and the first bytes) → rows, streamed in batches, from the one
 * CSV reader (./csv.ts) or the one xlsx reader (./xlsx.ts). Every problem with the file as a
 * whole is a SheetFileError with a Chinese reason that says what to do. Portable: no node:fs.
 */
import { maskIdsInText } from '../core/idcard';
import { csvRows } from './csv';
import { SheetFileError, type ByteSource } from './source';
import { xlsxRows, xlsxSheetNames, type XlsxOptions } from './xlsx';

export { SheetFileError, bytesSource, type ByteSource } from './source';

/** One spreadsheet row: its sheet, its number as Excel shows it, its cells from column A. */
export interface RawRow {
  sheet: string;
  sheetIndex: number;
  /** 1-based, as Excel shows it */
  row: number;
  /** index 0 = column A; strings, numbers, booleans, or null */
  values: unknown[];
}

export type SheetFormat = 'xlsx' | 'csv';

export interface OpenSheetOptions extends Omit<XlsxOptions, 'batch'> {
  /** force the format instead of guessing from the name and the content */
  format?: SheetFormat;
}

export interface OpenedSheet {
  format: SheetFormat;
  /** the source's size in bytes */
  bytes: number;
  /** the worksheets' names ([''] for a CSV) */
  sheetNames(): Promise<string[]>;
  /** rows in batches (of one worksheet with `only`); a broken file throws SheetFileError, possibly after some batches */
  rows(only?: number): AsyncGenerator<RawRow[]>;
}

const extOf = (name: string) => /\.[^./\\]*$/.exec(name)?.[0]?.toLowerCase() ?? '';

/**
 * Checks the file can be a spreadsheet and tells its format; throws SheetFileError when not
 * (missing, empty, old .xls, UTF-16 text). Reads only the first bytes.
 */
export async function openSheet(source: ByteSource, options: OpenSheetOptions = {}): Promise<OpenedSheet> {
  const head = await source.read(0, 8);
  if (head.length === 0) throw new SheetFileError('文件为空，没有表头和数据');
  const isZip = head[0] === 0x50 && head[1] === 0x4b;
  const isOle = head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0;
  const ext = extOf(source.name);
  if (isOle || ext === '.xls' || ext === '.et') {
    throw new SheetFileError('不支持旧版 .xls（或加密的）Excel 文件：请在 Excel 中“另存为” .xlsx 或 CSV（UTF-8）后再导入');
  }
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new SheetFileError('文件是 UTF-16（Unicode 文本）编码：请在 Excel 中另存为 .xlsx 或“CSV UTF-8（逗号分隔）”后再导入');
  }
  const format = options.format ?? (isZip || ext === '.xlsx' || ext === '.xlsm' ? 'xlsx' : 'csv');
  const bytes = await source.size();
  const what = format === 'xlsx' ? 'Excel 文件' : 'CSV 文件';
  const broken = (e: unknown) => {
    if (e instanceof SheetFileError) return e;
    // a parser's message may quote the file: keep its first sentence, ID numbers masked
    const detail = maskIdsInText((e instanceof Error ? e.message : String(e)).split(/ in line|\n/)[0]!.slice(0, 120));
    return new SheetFileError(`无法读取${what}：文件可能已损坏或格式不对（${detail}）`);
  };
  return {
    format,
    bytes,
    async sheetNames() {
      if (format === 'csv') return [''];
      try {
        return await xlsxSheetNames(source, options);
      } catch (e) {
        throw broken(e);
      }
    },
    async *rows(only?: number) {
      try {
        yield* format === 'xlsx' ? xlsxRows(source, { ...options, ...(only === undefined ? {} : { only }) }) : csvRows(source);
      } catch (e) {
        throw broken(e);
      }
    },
  };
}
