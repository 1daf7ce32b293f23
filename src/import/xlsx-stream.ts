/**
 * A small streaming reader of .xlsx cell values, for department lists of millions of rows.
 *
 * Why not exceljs's streaming WorkbookReader: on this project's 2-core machines it reads
 * about 100,000 rows a second (a SAX event and several objects per cell, and a temp-file copy
 * of every sheet stored before the shared strings, which is how Excel orders them); the
 * cross-check's import budget needs several times that (docs/BENCHMARKS.md). This reader only
 * does what a list needs: it opens the zip's central directory (random access, so the shared
 * strings are read first whatever the entry order), inflates one sheet at a time as a stream
 * and takes the cells' values out of each <row> with regular expressions. Styles, formulas,
 * merged cells and everything else are ignored; a date cell comes out as Excel's day number
 * (as from exceljs with styles ignored).
 *
 * What it does not handle (ZIP64 archives over 4 GiB, unusual part layouts) throws
 * XlsxUnsupported before any row is produced, and the caller falls back to exceljs.
 */
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';

export class XlsxUnsupported extends Error {}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
  flags: number;
}

async function centralDirectory(path: string): Promise<Map<string, ZipEntry>> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error('不是有效的 zip 文件（找不到目录）');
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new XlsxUnsupported('zip64');
    if (cdOffset + cdSize > size) throw new Error('zip 目录超出文件末尾，文件不完整');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries = new Map<string, ZipEntry>();
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new Error('zip 目录已损坏');
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const compressedSize = cd.readUInt32LE(p + 20);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const localOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      if (compressedSize === 0xffffffff || localOffset === 0xffffffff) throw new XlsxUnsupported('zip64 entry');
      entries.set(name.replace(/^\//, ''), { name, method, compressedSize, localOffset, flags });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

async function entryStream(path: string, e: ZipEntry): Promise<Readable> {
  if (e.flags & 1) throw new Error('文件已加密，请先在 Excel 中取消密码后另存');
  if (e.method !== 0 && e.method !== 8) throw new XlsxUnsupported(`compression method ${e.method}`);
  const fh = await open(path, 'r');
  const head = Buffer.alloc(30);
  try {
    await fh.read(head, 0, 30, e.localOffset);
  } finally {
    await fh.close();
  }
  if (head.readUInt32LE(0) !== 0x04034b50) throw new Error(`zip 条目 ${e.name} 已损坏`);
  const start = e.localOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
  const raw = createReadStream(path, { start, end: start + e.compressedSize - 1, highWaterMark: 1 << 14 });
  if (e.method === 0) {
    raw.setEncoding('utf8');
    return raw;
  }
  const inflate = createInflateRaw({ chunkSize: 1 << 15 });
  raw.on('error', (err) => inflate.destroy(err));
  raw.pipe(inflate);
  inflate.setEncoding('utf8');
  return inflate;
}

async function entryText(path: string, e: ZipEntry): Promise<string> {
  let s = '';
  for await (const chunk of await entryStream(path, e)) s += chunk as string;
  return s;
}

// ---------------------------------------------------------------------------
// XML text

const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXml(raw: string): string {
  let s = raw;
  if (s.indexOf('&') !== -1) {
    s = s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, e: string) => {
      if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10));
      return ENTITY[e] ?? m;
    });
  }
  // OOXML escapes characters XML cannot hold as _xHHHH_
  if (s.indexOf('_x') !== -1) s = s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return s;
}

const T_RE = /<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)<\/(?:\w+:)?t>|<(?:\w+:)?t(?:\s[^>]*)?\/>/g;
const RPH_RE = /<(?:\w+:)?rPh\b[\s\S]*?<\/(?:\w+:)?rPh>/g;

/** The text of an <si> or <is>: its <t>, or its rich-text runs' <t>s; phonetic runs left out. */
function richText(xml: string): string {
  const simple = /^<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)<\/(?:\w+:)?t>$/.exec(xml);
  if (simple) return unescapeXml(simple[1]!);
  const inner = xml.indexOf('rPh') !== -1 ? xml.replace(RPH_RE, '') : xml;
  let out = '';
  T_RE.lastIndex = 0;
  for (let m = T_RE.exec(inner); m; m = T_RE.exec(inner)) out += m[1] ?? '';
  return unescapeXml(out);
}

async function sharedStrings(path: string, e: ZipEntry | undefined): Promise<string[]> {
  if (!e) return [];
  const out: string[] = [];
  const SI = /<(?:\w+:)?si>([\s\S]*?)<\/(?:\w+:)?si>|<(?:\w+:)?si\/>/g;
  let buf = '';
  let prefixed: boolean | null = null;
  for await (const chunk of await entryStream(path, e)) {
    buf += chunk as string;
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
        if (inner.startsWith('<t>') && inner.endsWith('</t>') && inner.indexOf('<', 3) === inner.length - 4) out.push(unescapeXml(inner.slice(3, -4)));
        else out.push(richText(inner));
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
      out.push(m[1] === undefined ? '' : richText(m[1]));
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

async function structure(path: string) {
  const entries = await centralDirectory(path);
  const wb = entries.get('xl/workbook.xml');
  const rels = entries.get('xl/_rels/workbook.xml.rels');
  if (!wb || !rels) throw new Error('不是 Excel 工作簿（缺少 xl/workbook.xml）');
  const relText = await entryText(path, rels);
  const targets = new Map<string, { type: string; target: string }>();
  for (const m of relText.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const id = attr(m[0], 'Id');
    const target = attr(m[0], 'Target');
    if (id && target) targets.set(id, { type: attr(m[0], 'Type') ?? '', target: resolveTarget(unescapeXml(target)) });
  }
  const wbText = await entryText(path, wb);
  const sheets: SheetRef[] = [];
  for (const m of wbText.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const rid = /\s(?:\w+:)?id="([^"]*)"/.exec(m[0])?.[1];
    const t = rid ? targets.get(rid) : undefined;
    if (!t || !/worksheet$/.test(t.type)) continue; // chart sheets, dialog sheets
    const entry = entries.get(t.target);
    if (!entry) throw new XlsxUnsupported(`missing part ${t.target}`);
    sheets.push({ name: unescapeXml(attr(m[0], 'name') ?? `Sheet${sheets.length + 1}`), entry });
  }
  if (sheets.length === 0) throw new Error('工作簿里没有工作表');
  const sstTarget = [...targets.values()].find((t) => /sharedStrings$/.test(t.type))?.target ?? 'xl/sharedStrings.xml';
  return { sheets, sst: entries.get(sstTarget) };
}

// ---------------------------------------------------------------------------
// Rows

export interface XlsxRow {
  sheet: string;
  sheetIndex: number;
  /** 1-based, as Excel shows it */
  row: number;
  /** index 0 = column A; strings, numbers, booleans, or null */
  values: unknown[];
}

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

/**
 * Rows of every worksheet, in workbook order, in batches. Throws XlsxUnsupported (before the
 * first batch) when the file needs the general reader.
 */
export async function* xlsxStreamRows(path: string, batch = 256): AsyncGenerator<XlsxRow[]> {
  const { sheets, sst: sstEntry } = await structure(path);
  const sst = await sharedStrings(path, sstEntry);
  for (let s = 0; s < sheets.length; s++) {
    const { name, entry } = sheets[s]!;
    let buf = '';
    let rowNo = 0;
    let out: XlsxRow[] = [];
    for await (const chunk of await entryStream(path, entry)) {
      buf += chunk as string;
      const close = buf.lastIndexOf('row>');
      const selfClose = buf.lastIndexOf('/>');
      const end = Math.max(close === -1 ? -1 : close + 4, selfClose === -1 ? -1 : selfClose + 2);
      if (end <= 0) continue;
      const part = buf.slice(0, end);
      ROW_RE.lastIndex = 0;
      let consumed = 0;
      for (let m = ROW_RE.exec(part); m; m = ROW_RE.exec(part)) {
        const n = ROWNUM.exec(m[1]!);
        rowNo = n ? Number(n[1]) : rowNo + 1;
        consumed = ROW_RE.lastIndex;
        if (m[2] === undefined) continue;
        out.push({ sheet: name, sheetIndex: s, row: rowNo, values: cellsOf(m[2], sst) });
        if (out.length >= batch) {
          yield out;
          out = [];
        }
      }
      buf = buf.slice(consumed);
    }
    if (out.length) yield out;
  }
}
