/**
 * The one .xlsx reader: cell values streamed from a ByteSource, in bounded memory.
 *
 * Why not exceljs: on this project's 2-core machines its streaming reader does about 100,000
 * rows a second (a SAX event and several objects per cell, and a temp-file copy of every sheet
 * stored before the shared strings, which is how Excel orders them); the cross-check's import
 * budget needs several times that (docs/BENCHMARKS.md), and its in-memory reader needed 1.5 GiB
 * for a county roster. This reader only does what a list or a roster needs: it opens the zip's
 * central directory (random access, so the shared strings are read first whatever the entry
 * order), inflates one sheet at a time as a stream and takes the cells' values out of each
 * <row> with indexOf / regular expressions. Styles, formulas (their cached value is read) and
 * everything else are ignored; a date cell comes out as Excel's day number. With `merges`, a
 * merged range reads as its top-left cell's value in every cell (as Excel shows it).
 *
 * Caps, each a clear Chinese SheetFileError (the caller keeps nothing of the file): an entry
 * declared or found (while inflating, counted) larger than `maxEntryBytes` (default 512 MiB —
 * a full sheet of 1,048,576 short rows fits; a 1 MB file declaring 1 GiB is refused before any
 * inflating), a row's XML over 4 MiB, a cell over 32,767 characters (Excel's own limit).
 * Archives Excel does not write (ZIP64 over 4 GiB, other compression methods, encryption) are
 * refused the same way. Needs node:zlib only (on Workers: nodejs_compat), never node:fs.
 */
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { SheetFileError, type ByteSource } from './source';
import type { RawRow } from './index';
import { MAX_CELL_CHARS } from './csv';
import { own } from '../core/lookup';

export interface XlsxOptions {
  /** the largest uncompressed entry accepted, in bytes (default 512 MiB) */
  maxEntryBytes?: number;
  /** fill merged cells with their range's value (costs one more inflate of each sheet) */
  merges?: boolean;
  /** rows per yielded batch (default 256) */
  batch?: number;
  /** read only this worksheet (0-based, in workbook order) */
  only?: number;
}

const DEFAULT_MAX_ENTRY = 512 * 1024 * 1024;
const MAX_ROW_XML = 4 * 1024 * 1024;
const MiB = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  flags: number;
}

const u16 = (b: Uint8Array, p: number) => b[p]! | (b[p + 1]! << 8);
const u32 = (b: Uint8Array, p: number) => (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
const utf8 = new TextDecoder();

async function centralDirectory(src: ByteSource): Promise<Map<string, ZipEntry>> {
  const size = await src.size();
  const tailLen = Math.min(size, 65_557);
  const tail = await src.read(size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('不是有效的 zip 文件（找不到目录）');
  const count = u16(tail, eocd + 10);
  const cdSize = u32(tail, eocd + 12);
  const cdOffset = u32(tail, eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new SheetFileError('文件超过 4 GiB（ZIP64），无法导入：请拆分后再导入');
  if (cdOffset + cdSize > size) throw new Error('zip 目录超出文件末尾，文件不完整');
  const cd = await src.read(cdOffset, cdSize);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || u32(cd, p) !== 0x02014b50) throw new Error('zip 目录已损坏');
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    const compressedSize = u32(cd, p + 20);
    const uncompressed = u32(cd, p + 24);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    const localOffset = u32(cd, p + 42);
    const name = utf8.decode(cd.subarray(p + 46, p + 46 + nameLen));
    if (compressedSize === 0xffffffff || localOffset === 0xffffffff || uncompressed === 0xffffffff) {
      throw new SheetFileError('文件中有超过 4 GiB 的部分（ZIP64），无法导入：请拆分后再导入');
    }
    entries.set(name.replace(/^\//, ''), { name, method, compressedSize, size: uncompressed, localOffset, flags });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** An entry's text, chunk by chunk, inflated as a stream and counted against the cap. */
async function* entryChunks(src: ByteSource, e: ZipEntry, maxBytes: number): AsyncGenerator<string> {
  if (e.flags & 1) throw new SheetFileError('文件已加密，请先在 Excel 中取消密码后另存');
  if (e.method !== 0 && e.method !== 8) throw new SheetFileError(`文件使用了 Excel 不用的压缩方式（${e.method}）：请在 Excel 中打开后另存为 .xlsx`);
  const tooLarge = () =>
    new SheetFileError(`文件中的“${e.name}”解压后超过 ${MiB(maxBytes)}，超出导入上限：文件可能已损坏，或请拆分成几个文件后再导入`);
  if (e.size > maxBytes) throw tooLarge();
  const head = await src.read(e.localOffset, 30);
  if (head.length < 30 || u32(head, 0) !== 0x04034b50) throw new Error(`zip 条目 ${e.name} 已损坏`);
  const start = e.localOffset + 30 + u16(head, 26) + u16(head, 28);
  const raw = src.chunks(start, start + e.compressedSize);
  const decoder = new TextDecoder();
  let total = 0;
  if (e.method === 0) {
    for await (const chunk of raw) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge();
      yield decoder.decode(chunk, { stream: true });
    }
    yield decoder.decode();
    return;
  }
  const input = Readable.from(raw, { objectMode: false });
  const inflate = createInflateRaw({ chunkSize: 1 << 15 });
  input.on('error', (err) => inflate.destroy(err));
  input.pipe(inflate);
  try {
    for await (const chunk of inflate as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge();
      yield decoder.decode(chunk, { stream: true });
    }
  } finally {
    input.destroy();
    inflate.destroy();
  }
  yield decoder.decode();
}

async function entryText(src: ByteSource, e: ZipEntry, maxBytes: number): Promise<string> {
  let s = '';
  for await (const chunk of entryChunks(src, e, maxBytes)) s += chunk;
  return s;
}

// ---------------------------------------------------------------------------
// XML text

const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  if (s.indexOf('&') !== -1) {
    s = s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, e: string) => {
      if (e[0] === '#') {
        const cp = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
        return cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
      }
      return own(ENTITY, e) ?? m;
    });
  }
  // OOXML escapes characters XML cannot hold as _xHHHH_
  if (s.indexOf('_x') !== -1) s = s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return s;
}

const T_RE = /<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)<\/(?:\w+:)?t>|<(?:\w+:)?t(?:\s[^>]*)?\/>/g;
const RPH_RE = /<(?:\w+:)?rPh\b[\s\S]*?<\/(?:\w+:)?rPh>/g;

/** The text of an <si> or <is>: its <t>, or its rich-text runs' <t>s; phonetic runs left out. */
function richText(inner: string): string {
  const simple = /^<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)<\/(?:\w+:)?t>$/.exec(inner);
  if (simple) return unescapeXml(simple[1]!);
  if (inner.indexOf('rPh') !== -1) inner = inner.replace(RPH_RE, '');
  let out = '';
  T_RE.lastIndex = 0;
  for (let m = T_RE.exec(inner); m; m = T_RE.exec(inner)) out += m[1] ?? '';
  return unescapeXml(out);
}

async function sharedStrings(src: ByteSource, e: ZipEntry | undefined, maxBytes: number): Promise<string[]> {
  if (!e) return [];
  const out: string[] = [];
  const SI = /<(?:\w+:)?si>([\s\S]*?)<\/(?:\w+:)?si>|<(?:\w+:)?si\/>/g;
  let buf = '';
  let prefixed: boolean | null = null;
  const push = (text: string) => {
    if (text.length > MAX_CELL_CHARS) throw cellTooLong();
    // a substring of 13 characters or more is a view into the chunk it was cut from: copied,
    // so the table does not keep the whole shared-strings XML alive (about 20 MiB for a county
    // roster's 250,000 strings)
    out.push(text.length >= 13 ? (` ${text}`).slice(1) : text);
  };
  for await (const chunk of entryChunks(src, e, maxBytes)) {
    buf += chunk;
    if (buf.length > MAX_ROW_XML) throw cellTooLong();
    if (prefixed === null && buf.indexOf('<sst') === -1 && buf.indexOf(':sst') !== -1) prefixed = true;
    if (prefixed === null && buf.indexOf('<sst') !== -1) prefixed = false;
    if (prefixed === false) {
      // the common shape, <si><t>text</t></si>, by indexOf
      let p = 0;
      for (;;) {
        const open = buf.indexOf('<si', p);
        if (open === -1) break;
        const c = buf.charCodeAt(open + 3);
        if (c === 47 /* <si/> */) {
          out.push('');
          p = open + 5;
          continue;
        }
        const close = buf.indexOf('</si>', open);
        if (close === -1) break;
        const inner = buf.slice(buf.indexOf('>', open) + 1, close);
        if (inner.startsWith('<t>') && inner.endsWith('</t>') && inner.indexOf('<', 3) === inner.length - 4) push(unescapeXml(inner.slice(3, -4)));
        else push(richText(inner));
        p = close + 5;
      }
      buf = buf.slice(p);
      continue;
    }
    const last = buf.lastIndexOf('</');
    const end = last === -1 ? -1 : buf.indexOf('>', last);
    if (end === -1) continue;
    const part = buf.slice(0, end + 1);
    SI.lastIndex = 0;
    let consumed = 0;
    for (let m = SI.exec(part); m; m = SI.exec(part)) {
      push(m[1] === undefined ? '' : richText(m[1]));
      consumed = SI.lastIndex;
    }
    buf = buf.slice(consumed);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Workbook structure

interface SheetRef {
  name: string;
  entry: ZipEntry;
}

function resolveTarget(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = `xl/${target}`.split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && p !== '') out.push(p);
  }
  return out.join('/');
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

async function structure(src: ByteSource, maxBytes: number) {
  const entries = await centralDirectory(src);
  const wb = entries.get('xl/workbook.xml');
  const rels = entries.get('xl/_rels/workbook.xml.rels');
  if (!wb || !rels) throw new Error('不是 Excel 工作簿（缺少 xl/workbook.xml）');
  const relText = await entryText(src, rels, maxBytes);
  const targets = new Map<string, { type: string; target: string }>();
  for (const m of relText.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const id = attr(m[0], 'Id');
    const target = attr(m[0], 'Target');
    if (id && target) targets.set(id, { type: attr(m[0], 'Type') ?? '', target: resolveTarget(unescapeXml(target)) });
  }
  const wbText = await entryText(src, wb, maxBytes);
  const sheets: SheetRef[] = [];
  for (const m of wbText.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const rid = /\s(?:\w+:)?id="([^"]*)"/.exec(m[0])?.[1];
    const t = rid ? targets.get(rid) : undefined;
    if (!t || !/worksheet$/.test(t.type)) continue; // chart sheets, dialog sheets
    const entry = entries.get(t.target);
    if (!entry) throw new Error(`缺少工作表 ${t.target}`);
    sheets.push({ name: unescapeXml(attr(m[0], 'name') ?? `Sheet${sheets.length + 1}`), entry });
  }
  if (sheets.length === 0) throw new Error('工作簿里没有工作表');
  const sstTarget = [...targets.values()].find((t) => /sharedStrings$/.test(t.type))?.target ?? 'xl/sharedStrings.xml';
  return { sheets, sst: entries.get(sstTarget) };
}

// ---------------------------------------------------------------------------
// Rows

const cellTooLong = () => new SheetFileError(`有一个单元格超过 ${MAX_CELL_CHARS} 个字符（Excel 单元格的上限）：请检查文件是否正确`);

const ROW_RE = /<(?:\w+:)?row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?row>)/g;
const CELL_RE = /<(?:\w+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?c>)/g;
const V_RE = /<(?:\w+:)?v>([^<]*)<\/(?:\w+:)?v>/;
const IS_RE = /<(?:\w+:)?is>([\s\S]*?)<\/(?:\w+:)?is>/;
const R_ATTR = /\sr="([A-Z]+)(\d+)"/;
const T_ATTR = /\st="(\w+)"/;
const ROWNUM = /\sr="(\d+)"/;

function columnIndex(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) n = n * 26 + (letters.charCodeAt(i) - 64);
  return n - 1;
}

/** A cell's value from its type attribute and body. */
function cellValue(t: string | undefined, body: string, sst: string[]): unknown {
  if (t === 'inlineStr') {
    const is = IS_RE.exec(body);
    return is ? richText(is[1]!) : '';
  }
  const v = V_RE.exec(body);
  if (!v) return undefined;
  const raw = v[1]!;
  if (t === 's') return sst[Number(raw)] ?? '';
  if (t === 'str' || t === 'e' || t === 'd') return unescapeXml(raw);
  if (t === 'b') return raw === '1';
  return raw === '' ? null : Number(raw);
}

/**
 * The cells of one row's XML. The common shape — unprefixed <c r="B7" t="s"><v>12</v></c> —
 * is scanned with indexOf; anything else (namespace prefixes) goes through the regular
 * expressions.
 */
function cellsOf(inner: string, sst: string[]): unknown[] {
  if (inner.indexOf(':c') !== -1) return cellsOfRegex(inner, sst);
  const values: unknown[] = [];
  let next = 0;
  let i = inner.indexOf('<c');
  while (i !== -1) {
    const after = inner.charCodeAt(i + 2);
    if (after !== 32 && after !== 62 && after !== 47) {
      i = inner.indexOf('<c', i + 2);
      continue;
    }
    const tagEnd = inner.indexOf('>', i);
    if (tagEnd === -1) break;
    const selfClosing = inner.charCodeAt(tagEnd - 1) === 47;
    let col = next;
    const r = inner.indexOf(' r="', i);
    if (r !== -1 && r < tagEnd) {
      let n = 0;
      let k = r + 4;
      for (let c = inner.charCodeAt(k); c >= 65 && c <= 90; c = inner.charCodeAt(++k)) n = n * 26 + (c - 64);
      if (n > 0) col = n - 1;
    }
    next = col + 1;
    if (selfClosing) {
      i = inner.indexOf('<c', tagEnd);
      continue;
    }
    const close = inner.indexOf('</c>', tagEnd);
    if (close === -1) break;
    let t: string | undefined;
    const tp = inner.indexOf(' t="', i);
    if (tp !== -1 && tp < tagEnd) t = inner.slice(tp + 4, inner.indexOf('"', tp + 4));
    let value: unknown;
    if (t === 's' || t === undefined || t === 'n') {
      const vs = inner.indexOf('<v>', tagEnd);
      if (vs !== -1 && vs < close) {
        const raw = inner.slice(vs + 3, inner.indexOf('</v>', vs));
        value = t === 's' ? (sst[Number(raw)] ?? '') : raw === '' ? null : Number(raw);
      }
    } else value = cellValue(t, inner.slice(tagEnd + 1, close), sst);
    if (value !== undefined) values[col] = value;
    i = inner.indexOf('<c', close + 4);
  }
  for (let k = 0; k < values.length; k++) if (values[k] === undefined) values[k] = null;
  return values;
}

function cellsOfRegex(inner: string, sst: string[]): unknown[] {
  const values: unknown[] = [];
  let next = 0;
  CELL_RE.lastIndex = 0;
  for (let m = CELL_RE.exec(inner); m; m = CELL_RE.exec(inner)) {
    const attrs = m[1]!;
    const body = m[2];
    const r = R_ATTR.exec(attrs);
    const col = r ? columnIndex(r[1]!) : next;
    next = col + 1;
    if (body === undefined || body === '') continue;
    const value = cellValue(T_ATTR.exec(attrs)?.[1], body, sst);
    if (value !== undefined) values[col] = value;
  }
  for (let i = 0; i < values.length; i++) if (values[i] === undefined) values[i] = null;
  return values;
}

/** Merged ranges of a sheet as [r1, c1, r2, c2] (1-based rows, 0-based columns), sorted by r1. */
async function mergeRanges(src: ByteSource, e: ZipEntry, maxBytes: number): Promise<number[][]> {
  const out: number[][] = [];
  let tail = '';
  const RE = /<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"/g;
  for await (const chunk of entryChunks(src, e, maxBytes)) {
    const text = tail + chunk;
    if (text.indexOf('mergeCell') === -1) {
      tail = text.slice(-200);
      continue;
    }
    RE.lastIndex = 0;
    let last = 0;
    for (let m = RE.exec(text); m; m = RE.exec(text)) {
      out.push([Number(m[2]), columnIndex(m[1]!), Number(m[4]), columnIndex(m[3]!)]);
      last = RE.lastIndex;
    }
    tail = text.slice(Math.max(last, text.length - 200));
  }
  return out.sort((a, b) => a[0]! - b[0]!);
}

/** Fills merged cells row by row (rows arrive in increasing order). */
function merger(ranges: number[][]) {
  let next = 0;
  let active: { r: number[]; value: unknown }[] = [];
  return (row: number, values: unknown[]) => {
    while (next < ranges.length && ranges[next]![0]! <= row) active.push({ r: ranges[next++]!, value: undefined });
    if (active.length === 0) return;
    active = active.filter((a) => a.r[2]! >= row);
    for (const a of active) {
      const [r1, c1, , c2] = a.r as [number, number, number, number];
      if (row === r1) a.value = values[c1] ?? null;
      for (let c = c1; c <= c2; c++) if (row !== r1 || c !== c1) values[c] = a.value ?? null;
    }
    for (let k = 0; k < values.length; k++) if (values[k] === undefined) values[k] = null;
  };
}

/** The worksheets' names, in workbook order. */
export async function xlsxSheetNames(src: ByteSource, options: XlsxOptions = {}): Promise<string[]> {
  return (await structure(src, options.maxEntryBytes ?? DEFAULT_MAX_ENTRY)).sheets.map((s) => s.name);
}

/**
 * Rows of every worksheet, in workbook order, in batches. Throws SheetFileError for a file over
 * a cap, Error for a broken one.
 */
export async function* xlsxRows(src: ByteSource, options: XlsxOptions = {}): AsyncGenerator<RawRow[]> {
  const maxBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY;
  const batch = options.batch ?? 256;
  const { sheets, sst: sstEntry } = await structure(src, maxBytes);
  const sst = await sharedStrings(src, sstEntry, maxBytes);
  for (let s = 0; s < sheets.length; s++) {
    if (options.only !== undefined && s !== options.only) continue;
    const { name, entry } = sheets[s]!;
    const fill = options.merges ? merger(await mergeRanges(src, entry, maxBytes)) : null;
    let buf = '';
    let rowNo = 0;
    let out: RawRow[] = [];
    for await (const chunk of entryChunks(src, entry, maxBytes)) {
      buf += chunk;
      const close = buf.lastIndexOf('row>');
      const selfClose = buf.lastIndexOf('/>');
      const end = Math.max(close === -1 ? -1 : close + 4, selfClose === -1 ? -1 : selfClose + 2);
      if (end <= 0) {
        if (buf.length > MAX_ROW_XML) throw new SheetFileError(`工作表“${name}”中有一行超过 4 MiB：请检查文件是否正确`);
        continue;
      }
      const part = buf.slice(0, end);
      ROW_RE.lastIndex = 0;
      let consumed = 0;
      for (let m = ROW_RE.exec(part); m; m = ROW_RE.exec(part)) {
        const n = ROWNUM.exec(m[1]!);
        rowNo = n ? Number(n[1]) : rowNo + 1;
        consumed = ROW_RE.lastIndex;
        if (m[2] === undefined) continue;
        const values = cellsOf(m[2], sst);
        if (m[2].length > MAX_CELL_CHARS && values.some((v) => typeof v === 'string' && v.length > MAX_CELL_CHARS)) throw cellTooLong();
        fill?.(rowNo, values);
        out.push({ sheet: name, sheetIndex: s, row: rowNo, values });
        if (out.length >= batch) {
          yield out;
          out = [];
        }
      }
      buf = buf.slice(consumed);
      if (buf.length > MAX_ROW_XML) throw new SheetFileError(`工作表“${name}”中有一行超过 4 MiB：请检查文件是否正确`);
    }
    if (out.length) yield out;
  }
}
