/**
 * The one CSV reader (rosters and department lists), streamed from a ByteSource.
 *
 * Encoding: UTF-8 (a BOM is dropped) unless the first 64 KiB are not valid UTF-8, then
 * GB18030 (a superset of GBK), as Chinese Excel saves "CSV". Records: RFC 4180. A record is
 * one row as Excel numbers them (a quoted line break does not start a new row), blank lines
 * included.
 *
 * How: a chunk is split into lines by the builtin once; a line without a quote is split at its
 * commas (exactly what RFC 4180 says for it, and about ten times faster than any general
 * parser: a 1,000,000-row list in 0.4 s here against 3-4 s through csv-parse, which would
 * have broken the cross-check's time budget, docs/BENCHMARKS.md); a record with a quote is
 * joined across lines while its quotes are unbalanced and parsed by csv-parse.
 *
 * Caps (a clear Chinese SheetFileError, nothing kept): a cell over 32,767 characters (Excel's
 * own limit), a quoted record over 1 MiB (a quote never closed).
 */
import { parse as csvParse } from 'csv-parse/sync';
import { SheetFileError, type ByteSource } from './source';
import type { RawRow } from './index';

export const MAX_CELL_CHARS = 32_767;
const MAX_RECORD_CHARS = 1 << 20;

const cellTooLong = (row: number) =>
  new SheetFileError(`第 ${row} 行有一个单元格超过 ${MAX_CELL_CHARS} 个字符（Excel 单元格的上限）：请检查文件是否正确`);

/** The text encoding of a CSV judged from its first bytes (64 KiB are enough). */
export function csvEncoding(head: Uint8Array): 'utf-8' | 'gb18030' {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** CSV records of a source, in batches, with their row numbers. */
export async function* csvRows(source: ByteSource): AsyncGenerator<RawRow[]> {
  let decoder: TextDecoder | null = null;
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let carry = '';
  let rowNo = 0;
  let out: RawRow[] = [];
  const emit = (values: string[]) => {
    rowNo++;
    out.push({ sheet: '', sheetIndex: 0, row: rowNo, values });
  };
  const feed = (text: string, final: boolean) => {
    carry = parseCsv(carry + text, final, emit, rowNo);
    if (carry.length > MAX_RECORD_CHARS) {
      throw new SheetFileError(`第 ${rowNo + 1} 行起的引号没有闭合（一行超过 1 MiB）：含逗号或换行的单元格应整个放在英文双引号中`);
    }
  };
  const start = () => {
    const all = new Uint8Array(headBytes);
    let p = 0;
    for (const c of head) {
      all.set(c, p);
      p += c.length;
    }
    head.length = 0;
    decoder = new TextDecoder(csvEncoding(all)); // drops a UTF-8 BOM
    feed(decoder.decode(all, { stream: true }), false);
  };
  for await (const chunk of source.chunks()) {
    if (decoder) feed((decoder as TextDecoder).decode(chunk, { stream: true }), false);
    else {
      head.push(chunk.slice());
      headBytes += chunk.length;
      if (headBytes >= 1 << 16) start();
    }
    if (out.length) {
      yield out;
      out = [];
    }
  }
  if (!decoder) start();
  feed((decoder as unknown as TextDecoder).decode(), true);
  if (out.length) yield out;
}

/**
 * Parses the whole records of `text` and returns what is left (an unfinished record), or ''
 * when `final` (no more text follows). `before` is the number of records already read (for
 * the row numbers in errors).
 */
export function parseCsv(text: string, final: boolean, emit: (values: string[]) => void, before = 0): string {
  const lines = text.split('\n');
  const complete = final ? lines.length : lines.length - 1;
  let row = before;
  for (let i = 0; i < complete; i++) {
    let line = lines[i]!;
    if (line.indexOf('"') === -1) {
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      if (final && i === lines.length - 1 && line === '') break; // the newline at the end of the file
      row++;
      if (line === '') emit([]);
      else {
        const values = line.split(',');
        if (line.length > MAX_CELL_CHARS && values.some((v) => v.length > MAX_CELL_CHARS)) throw cellTooLong(row);
        emit(values);
      }
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
    row++;
    emit(quotedRecord(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line, row));
    i = j;
  }
  return final ? '' : lines[lines.length - 1]!;
}

function countQuotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i !== -1; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/** One record with quotes, by csv-parse (quotes inside an unquoted field are kept as they are). */
function quotedRecord(rec: string, row: number): string[] {
  let records: string[][];
  try {
    records = csvParse(rec, { relax_quotes: true, relax_column_count: true, skip_empty_lines: false, record_delimiter: '\n' }) as string[][];
  } catch {
    throw new SheetFileError(
      `第 ${row} 行的引号不成对或位置不对：含逗号、引号或换行的单元格应整个放在英文双引号中，单元格里的双引号写成两个（""）`,
    );
  }
  const values = records.length === 1 ? records[0]! : records.flat();
  if (rec.length > MAX_CELL_CHARS && values.some((v) => v.length > MAX_CELL_CHARS)) throw cellTooLong(row);
  return values;
}
