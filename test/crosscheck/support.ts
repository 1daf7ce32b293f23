// Shared by the cross-check tests: a fresh database with the example township and roster,
// department files written to a temp dir, and the admin CLI run in-process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { runCli } from '../../src/cli/main';
import { EXAMPLES_DIR } from '../../src/township/seed';
import { readRoster, type RosterHousehold } from '../../src/import/roster';

export const dir = mkdtempSync(join(tmpdir(), 'crosscheck-'));
let n = 0;
export const tmp = (ext: string) => join(dir, `f${++n}.${ext}`);

export const HEADER = ['身份证号', '姓名', '记录类型', '详情', '日期'];

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function cli(db: string, ...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { DATABASE_PATH: db, VITEST: '1' }, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A database file with examples/township.json and examples/roster.csv loaded through the CLI. */
export async function exampleDb(): Promise<string> {
  const db = join(mkdtempSync(join(tmpdir(), 'crosscheck-db-')), 'test.sqlite');
  const a = await cli(db, 'init', resolve(EXAMPLES_DIR, 'township.json'));
  if (a.code !== 0) throw new Error(a.err);
  const b = await cli(db, 'import', 'households', resolve(EXAMPLES_DIR, 'roster.csv'));
  if (b.code !== 0) throw new Error(b.err);
  return db;
}

let rosterCache: RosterHousehold[] | null = null;
export async function exampleRoster(): Promise<RosterHousehold[]> {
  if (rosterCache) return rosterCache;
  const r = await readRoster(resolve(EXAMPLES_DIR, 'roster.csv'));
  if (!r.ok) throw new Error('example roster');
  rosterCache = r.households;
  return rosterCache;
}

export const csvText = (rows: readonly (readonly string[])[]) =>
  `\uFEFF${rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n')}\r\n`;

export function writeCsv(rows: readonly (readonly string[])[], header: readonly string[] = HEADER): string {
  const f = tmp('csv');
  writeFileSync(f, csvText([header, ...rows]));
  return f;
}

export async function writeXlsx(
  sheets: { name: string; rows: unknown[][] }[],
  o: { sharedStrings?: boolean } = {},
): Promise<string> {
  const f = tmp('xlsx');
  if (o.sharedStrings === false) {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: f, useSharedStrings: false });
    for (const s of sheets) {
      const ws = wb.addWorksheet(s.name);
      for (const r of s.rows) ws.addRow(r).commit();
      ws.commit();
    }
    await wb.commit();
    return f;
  }
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const r of s.rows) ws.addRow(r);
  }
  await wb.xlsx.writeFile(f);
  return f;
}

/** Reads one number from the database (the CLI has closed its own connection). */
export function count(db: string, sql: string, ...params: unknown[]): number {
  const c = new BetterSqlite3(db, { readonly: true });
  try {
    return (c.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    c.close();
  }
}

export function rows<T = Record<string, unknown>>(db: string, sql: string, ...params: unknown[]): T[] {
  const c = new BetterSqlite3(db, { readonly: true });
  try {
    return c.prepare(sql).all(...params) as T[];
  } finally {
    c.close();
  }
}

export function exec(db: string, sql: string, ...params: unknown[]) {
  const c = new BetterSqlite3(db);
  try {
    c.prepare(sql).run(...params);
  } finally {
    c.close();
  }
}

/** Counts of everything an import or a cross-check could write. */
export function footprint(db: string) {
  return {
    lists: count(db, 'select count(*) as n from department_lists'),
    records: count(db, 'select count(*) as n from department_records'),
    hits: count(db, 'select count(*) as n from exclusion_hits'),
    audit: count(db, 'select count(*) as n from audit_log'),
    outbox: count(db, 'select count(*) as n from outbox'),
  };
}

/** A zip written by hand (deflated entries, central directory), for xlsx files exceljs does not write. */
export function writeZip(entries: Record<string, string>, path = tmp('xlsx')): string {
  const { deflateRawSync, crc32 } = zlib;
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text, 'utf8');
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, packed);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(packed.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(nameBytes.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(path, Buffer.concat([...locals, cd, end]));
  return path;
}

let gbkTable: Map<string, number[]> | null = null;
/** GBK bytes of a text (Node has no GBK encoder: the decoder's table, inverted). */
export function gbk(text: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const dec = new TextDecoder('gbk');
    for (let a = 0x81; a <= 0xfe; a++) {
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = dec.decode(new Uint8Array([a, b]));
        if (ch.length === 1 && !gbkTable.has(ch)) gbkTable.set(ch, [a, b]);
      }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else out.push(...(gbkTable.get(ch) ?? [0x3f]));
  }
  return Buffer.from(out);
}
