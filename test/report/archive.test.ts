// archive <folder>: the report, the roster, the audit trail, the evidence references and a
// manifest whose SHA-256 checksums are recomputed here; archive check finds a changed file.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite';
import { loadExample } from '../../src/township/seed';
import { runCli } from '../../src/cli/main';
import type { Manifest } from '../../src/report/archive';
import { AT, populate } from './fixture';

const dir = mkdtempSync(join(tmpdir(), 'fupin-archive-'));
const dbPath = join(dir, 'db.sqlite');
const folder = join(dir, '存档-2026');
let d: SqliteDatabase;
const lines: string[] = [];
const cli = (...args: string[]) => runCli(args, { DATABASE_PATH: dbPath, VITEST: '1' }, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
const one = <T>(sql: string, ...a: unknown[]) => d.sqlite.prepare(sql).get(...a) as T;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** CSV text (UTF-8 with BOM, CRLF) → rows; fields may be quoted */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === '"' && s[i + 1] === '"') {
        f += '"';
        i++;
      }
      else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(f);
      f = '';
    }
    else if (c === '\r') continue;
    else if (c === '\n') {
      row.push(f);
      rows.push(row);
      row = [];
      f = '';
    }
    else f += c;
  }
  return rows;
}

beforeAll(async () => {
  d = openSqlite(dbPath);
  const tid = await loadExample(d);
  populate(d, tid);
});
afterAll(() => d?.close?.());

describe('archive', () => {
  it('refuses a folder that is not empty, writing nothing', async () => {
    const used = join(dir, 'used');
    mkdirSync(used);
    writeFileSync(join(used, 'x.txt'), 'x');
    expect(await cli('archive', used)).toBe(2);
    expect(await cli('archive')).toBe(2);
    expect(lines.join('\n')).toContain('不是空的');
    expect(readdirSync(used)).toEqual(['x.txt']);
    expect(one<{ t: number | null }>('select archived_at t from townships').t).toBeNull();
  });

  it('writes the files and a manifest whose checksums verify; records archivedAt, audited', async () => {
    const auditBefore = one<{ n: number }>('select count(*) n from audit_log').n;
    expect(await cli('archive', folder, '--at', new Date(AT).toISOString())).toBe(0);
    const files = readdirSync(folder).sort();
    expect(files).toEqual(['README.txt', 'audit.csv', 'county-report.xlsx', 'evidence.csv', 'manifest.json', 'roster.xlsx']);
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.township).toEqual({ id: 'qingshui', name: '清水乡', county: '某县' });
    expect(manifest.createdAt).toBe(new Date(AT).toISOString());
    expect(manifest.files.map((f) => f.path).sort()).toEqual(files.filter((f) => f !== 'manifest.json'));
    for (const f of manifest.files) {
      const bytes = readFileSync(join(folder, f.path));
      expect(sha(bytes), f.path).toBe(f.sha256);
      expect(bytes.length).toBe(f.bytes);
    }
    expect(one<{ t: number }>('select archived_at t from townships').t).toBe(AT);
    const audit = one<{ after: string; source: string }>("select after, source from audit_log where action = 'archive'");
    expect(audit.source).toBe(`cli:archive ${folder}`);
    expect(JSON.parse(audit.after).manifestSha256).toBe(sha(readFileSync(join(folder, 'manifest.json'))));

    // the audit trail: every entry up to the archive, oldest first
    const auditCsv = parseCsv(readFileSync(join(folder, 'audit.csv'), 'utf8'));
    expect(auditCsv[0]).toEqual(['编号', '时间（北京时间）', '村', '操作人', '操作', '对象', '对象编号', '修改前', '修改后', '来源']);
    expect(auditCsv).toHaveLength(auditBefore + 1);
    expect(manifest.counts.auditEntries).toBe(auditBefore);

    // evidence references: the meeting photo, the visit photo, the decided hits
    const ev = parseCsv(readFileSync(join(folder, 'evidence.csv'), 'utf8'));
    expect(ev[0]).toEqual(['类别', '村', '对象', '日期', '佐证引用', '说明', '登记人']);
    expect(ev).toContainEqual(['会议', '石门村', '村民大会（2026-12-09，有效）', '2026-12-09', 'image:img_resolution_1#om_photo_1', '决议或会议记录的照片/文件', '杨光明']);
    expect(ev.some((r) => r[0] === '走访' && r[4] === 'image:img_visit_1#om_visit_1' && r[6] === '冯志刚')).toBe(true);
    expect(ev.some((r) => r[0] === '比对线索（已确认，清退）' && r[4] === '交管:row:3' && r[5]!.includes('汽车 贵J12345'))).toBe(true);
    expect(ev.some((r) => r[0] === '比对线索（已排除）' && r[5]!.includes('已注销多年'))).toBe(true);

    // the report inside is the county workbook
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(folder, 'county-report.xlsx'));
    expect(wb.worksheets[0]!.name).toBe('汇总');
    const roster = new ExcelJS.Workbook();
    await roster.xlsx.readFile(join(folder, 'roster.xlsx'));
    expect(roster.worksheets[0]!.rowCount - 1).toBe(one<{ n: number }>('select count(*) n from members').n);

    expect(await cli('archive', 'check', folder)).toBe(0);
    expect(lines.at(-1)).toBe('存档核对通过：5 个文件的 SHA-256 与 manifest.json 一致。');
  });

  it('archive check names a changed file, a missing one and an extra one', async () => {
    appendFileSync(join(folder, 'audit.csv'), '9999,伪造\r\n');
    writeFileSync(join(folder, 'extra.txt'), 'x');
    expect(await cli('archive', 'check', folder)).toBe(1);
    const msg = lines.at(-1)!;
    expect(msg).toContain('audit.csv 已被改动');
    expect(msg).toContain('清单中没有的文件：extra.txt');
    expect(msg).not.toContain('roster.xlsx');
  });
});
