// Reading department lists (CSV, xlsx) and `import department`: valid files, every kind of bad
// file (a clear Chinese error, nothing written), --skip-invalid, replacement on re-import.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeIdCard, quickIdCard, validateIdCard } from '../../src/core/idcard';
import {
  DepartmentFileError,
  readDepartmentFile,
  type DepartmentBatch,
  type ReadDepartmentOptions,
} from '../../src/import/department';
import ExcelJS from 'exceljs';
import { parseCsv } from '../../src/sheet/csv';
import { xlsxRows } from '../../src/sheet/xlsx';
import { fileSource } from '../../src/sheet/file';
import type { RawRow } from '../../src/sheet/index';

const xlsxStreamRows = (path: string) => xlsxRows(fileSource(path));

/** xlsx rows streamed sheet by sheet with exceljs (shared strings cached, styles ignored): the reference. */
async function* excelJsRows(path: string): AsyncGenerator<RawRow[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'emit' });
  let sheetIndex = 0;
  for await (const ws of reader) {
    const sheet = (ws as unknown as { name?: string }).name ?? `Sheet${sheetIndex + 1}`;
    const out: RawRow[] = [];
    // row.values is 1-based and sparse
    for await (const row of ws) out.push({ sheet, sheetIndex, row: row.number, values: (row.values as unknown[]).slice(1) });
    if (out.length) yield out;
    sheetIndex++;
  }
}
import { HEADER, cli, count, csvText, exampleDb, footprint, gbk, rows, tmp, writeCsv, writeXlsx, writeZip } from './support';

const ID1 = makeIdCard('522630', '19760504', '755');
const ID2 = makeIdCard('522630', '19800101', '123');
const ID3 = makeIdCard('520102', '19901231', '046');

async function readAll(path: string, options: Partial<ReadDepartmentOptions> = {}) {
  const out: DepartmentBatch = { rows: [], errors: [] };
  for await (const b of readDepartmentFile(path, { department: '交管', ...options })) {
    out.rows.push(...b.rows);
    out.errors.push(...b.errors);
  }
  return out;
}

async function fileError(path: string, options: Partial<ReadDepartmentOptions> = {}) {
  try {
    await readAll(path, options);
  } catch (e) {
    if (e instanceof DepartmentFileError) return e.errors;
    throw e;
  }
  throw new Error('expected a DepartmentFileError');
}

describe('reading a CSV list', () => {
  it('reads BOM, CRLF, quoted fields, a title row, extra columns, aliases, dates and a lower-case x', async () => {
    const idX = makeIdCard('522630', '19710426', '979');
    expect(idX.endsWith('X')).toBe(true);
    const text = csvText([
      ['交管大队 2026 年机动车登记名单'],
      ['序号', '车主', '公民身份号码', '类型', '号牌号码', '登记日期'],
      ['1', '胡学林', ID1, '小型汽车', '贵J,12345', '2020/5/1'],
      ['2', '熊 光明', ID2, '摩托车', '贵J "0000"', '2021年3月9日'],
      ['3', '', idX.toLowerCase(), '机动车', '第一行\n第二行', '20220101'],
      ['', '', '', '', '', ''],
      ['4', '罗春花', ID3, 'SUV', '', '登记日期不详'],
    ]);
    const f = tmp('csv');
    writeFileSync(f, text);
    const r = await readAll(f);
    expect(r.errors).toEqual([]);
    expect(r.rows).toEqual([
      { row: 3, idCard: ID1, name: '胡学林', kind: '汽车', detail: '贵J,12345', date: '2020-05-01' },
      { row: 4, idCard: ID2, name: '熊光明', kind: '摩托车', detail: '贵J "0000"', date: '2021-03-09' },
      { row: 5, idCard: idX, name: null, kind: '机动车', detail: '第一行 第二行', date: '2022-01-01' },
      { row: 7, idCard: ID3, name: '罗春花', kind: '汽车', detail: null, date: '登记日期不详' },
    ]);
  });

  it('reads a GBK CSV as Chinese Excel saves it', async () => {
    const f = tmp('csv');
    const body = `身份证号,姓名,记录类型,详情\r\n${ID1},胡学林,小型汽车,贵J12345\r\n`.repeat(1) + `${ID2},熊光明,摩托车,\r\n`.repeat(3000);
    writeFileSync(f, gbk(body));
    const r = await readAll(f);
    expect(r.errors).toEqual([]);
    expect(r.rows).toHaveLength(3001);
    expect(r.rows[0]).toEqual({ row: 2, idCard: ID1, name: '胡学林', kind: '汽车', detail: '贵J12345', date: null });
    expect(r.rows[3000]).toMatchObject({ row: 3002, name: '熊光明', kind: '摩托车' });
  });

  it('parses records split anywhere across chunks', () => {
    const text = 'a,b\r\n"x\n""y"",z",2\n3,"4"\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const got: unknown[][] = [];
      const rest = parseCsv(text.slice(0, cut), false, (v) => got.push(v));
      parseCsv(rest + text.slice(cut), true, (v) => got.push(v));
      expect(got, `cut at ${cut}`).toEqual([
        ['a', 'b'],
        ['x\n"y",z', '2'],
        ['3', '4'],
      ]);
    }
  });

  it('agrees with validateIdCard on every kind of ID number (the fast path)', () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const samples: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const region = ['522630', '990101', '110105', '000000'][Math.floor(rnd() * 4)]!;
      const y = 1890 + Math.floor(rnd() * 150);
      const m = Math.floor(rnd() * 14);
      const d = Math.floor(rnd() * 33);
      const body = `${region}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${String(Math.floor(rnd() * 1000)).padStart(3, '0')}`;
      const check = '0123456789Xx'[Math.floor(rnd() * 12)]!;
      samples.push(body + check);
    }
    for (let i = 0; i < 500; i++) samples.push(makeIdCard('522630', `19${String(10 + (i % 90))}0101`, i % 1000));
    let valid = 0;
    for (const s of samples) {
      const slow = validateIdCard(s, { today: '2026-11-29' });
      const fast = quickIdCard(s, '20261129');
      expect(fast, s).toBe(slow.ok ? slow.id : '');
      if (slow.ok) valid++;
    }
    expect(valid).toBeGreaterThan(500);
  });
});

describe('reading an xlsx list', () => {
  const sheetRows = () => [
    HEADER,
    [ID1, '胡学林', '商品房', '城关镇幸福小区 3 栋', new Date(Date.UTC(2019, 6, 1))],
    [ID2, { richText: [{ text: '熊' }, { text: '光明' }] }, '经济适用房', '城关镇 & 河西 <2> 号', '2020-02-03'],
    [ID3, '罗春花', '城镇自建房', null, 43831],
  ];

  it('reads shared and inline strings, rich text, dates and Excel day numbers alike', async () => {
    const expected = [
      { row: 2, idCard: ID1, name: '胡学林', kind: '商品房', detail: '城关镇幸福小区 3 栋', date: '2019-07-01' },
      { row: 3, idCard: ID2, name: '熊光明', kind: '政策性住房', detail: '城关镇 & 河西 <2> 号', date: '2020-02-03' },
      { row: 4, idCard: ID3, name: '罗春花', kind: '城镇自建房', detail: null, date: '2020-01-01' },
    ];
    for (const sharedStrings of [true, false]) {
      const f = await writeXlsx([{ name: '房管', rows: sheetRows() }], { sharedStrings });
      const r = await readAll(f, { department: '房管' });
      expect(r.errors).toEqual([]);
      expect(r.rows, `sharedStrings ${sharedStrings}`).toEqual(expected);
    }
  });

  it('gives the same cells as exceljs’s streaming reader', async () => {
    const f = await writeXlsx([
      { name: '说明', rows: [['本表由县房管局导出'], [], ['共 3 行']] },
      { name: '名单', rows: [...sheetRows(), [], [ID1, '胡学林', '商品房', '=A1', true]] },
    ]);
    const mine: unknown[] = [];
    for await (const b of xlsxStreamRows(f)) for (const r of b) mine.push([r.sheet, r.row, r.values.map((v) => (v === null ? undefined : v))]);
    const theirs: unknown[] = [];
    for await (const b of excelJsRows(f)) {
      for (const r of b) {
        const values = r.values.map((v) => (v instanceof Date ? v : v && typeof v === 'object' && 'richText' in (v as object) ? (v as { richText: { text: string }[] }).richText.map((x) => x.text).join('') : v));
        theirs.push([r.sheet, r.row, values]);
      }
    }
    // exceljs without styles reports dates as day numbers too
    expect(mine).toEqual(theirs);
  });

  it('reads what other programs write: namespace prefixes, inline and rich strings, escapes, cells without r, entries in any order', async () => {
    const ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
    const f = writeZip({
      'xl/worksheets/data.xml': `<?xml version="1.0"?><x:worksheet ${ns}><x:sheetData>
        <x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>记录类型</x:t></x:is></x:c><x:c r="E1" t="str"><x:v>日期</x:v></x:c></x:row>
        <x:row r="3"><x:c t="inlineStr"><x:is><x:t>${ID1}</x:t></x:is></x:c><x:c t="s"><x:v>2</x:v></x:c><x:c t="inlineStr"><x:is><x:r><x:t>小型</x:t></x:r><x:r><x:t xml:space="preserve">汽车</x:t></x:r></x:is></x:c><x:c/><x:c><x:v>43831</x:v></x:c></x:row>
        <x:row r="4"><x:c r="A4" t="s"><x:v>3</x:v></x:c><x:c r="B4" t="inlineStr"><x:is><x:t>A&amp;B_x0020_公司</x:t></x:is></x:c><x:c r="C4" t="s"><x:v>4</x:v></x:c></x:row>
      </x:sheetData></x:worksheet>`,
      'xl/sharedStrings.xml': `<x:sst ${ns}><x:si><x:t>身份证号</x:t></x:si><x:si><x:t>姓名</x:t></x:si><x:si><x:r><x:t>胡</x:t></x:r><x:r><x:t>学林</x:t></x:r><x:rPh><x:t>hu</x:t></x:rPh></x:si><x:si><x:t>${ID2}</x:t></x:si><x:si><x:t>机动车</x:t></x:si></x:sst>`,
      'xl/workbook.xml': `<x:workbook ${ns}><x:sheets><x:sheet name="车辆 &amp; 登记" sheetId="1" r:id="rId7"/></x:sheets></x:workbook>`,
      'xl/_rels/workbook.xml.rels': `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    });
    const r = await readAll(f);
    expect(r.errors).toEqual([]);
    expect(r.rows).toEqual([
      { row: 3, idCard: ID1, name: '胡学林', kind: '汽车', detail: null, date: '2020-01-01' },
      { row: 4, idCard: ID2, name: 'A&B公司', kind: '机动车', detail: null, date: null },
    ]);
  });

  it('reads every sheet that has the header, naming the sheet in errors from the second one on', async () => {
    const f = await writeXlsx([
      { name: '填表说明', rows: [['记录类型请填写：商品房、政策性住房、城镇自建房']] },
      { name: '第一部分', rows: [HEADER, [ID1, '胡学林', '商品房', '', '']] },
      { name: '第二部分', rows: [HEADER, [ID2, '熊光明', '商品房', '', ''], ['12345', '罗春花', '商品房', '', '']] },
    ]);
    const r = await readAll(f, { department: '房管' });
    expect(r.rows.map((x) => x.idCard)).toEqual([ID1, ID2]);
    expect(r.errors).toEqual([{ row: 3, sheet: '第二部分', column: '身份证号', reason: '身份证号应为 18 位，实际 5 位' }]);
  });
});

describe('bad files', () => {
  it('names a missing column, a missing header, an empty file and a header without rows', async () => {
    expect(await fileError(writeCsv([[ID1, '胡学林', '汽车']], ['身份证号', '姓名', '车牌']))).toEqual([
      { row: 1, column: '记录类型', reason: '缺少必填列“记录类型”' },
    ]);
    expect((await fileError(writeCsv([[ID1, '胡学林', '汽车']], ['号码', '名字', '东西'])))[0]!.reason).toContain('前 10 行中找不到表头');
    const empty = tmp('csv');
    writeFileSync(empty, '');
    expect((await fileError(empty))[0]!.reason).toBe('文件为空，没有表头和数据');
    const blank = tmp('csv');
    writeFileSync(blank, '\uFEFF\r\n\r\n,,\r\n');
    expect((await fileError(blank))[0]!.reason).toBe('文件为空，没有表头和数据');
    expect((await fileError(writeCsv([])))[0]).toEqual({ row: 1, column: '', reason: '文件只有表头，没有数据行' });
  });

  it('refuses broken and foreign spreadsheets', async () => {
    const junk = tmp('xlsx');
    writeFileSync(junk, 'this is not a spreadsheet at all');
    expect((await fileError(junk))[0]!.reason).toMatch(/^无法读取Excel 文件：文件可能已损坏或格式不对/);
    const good = await writeXlsx([{ name: 'a', rows: [HEADER, [ID1, '胡学林', '汽车', '', '']] }]);
    const cut = tmp('xlsx');
    const bytes = readFileSync(good);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect((await fileError(cut))[0]!.reason).toMatch(/^无法读取Excel 文件/);
    const xls = tmp('xls');
    writeFileSync(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    expect((await fileError(xls))[0]!.reason).toContain('不支持旧版 .xls');
    const utf16 = tmp('csv');
    writeFileSync(utf16, Buffer.from('\ufeff身份证号', 'utf16le'));
    expect((await fileError(utf16))[0]!.reason).toContain('UTF-16');
  });

  it('reports bad rows by row number and column without repeating the ID number', async () => {
    const badCheck = `${ID1.slice(0, 17)}${ID1[17] === '1' ? '2' : '1'}`;
    const r = await readAll(
      writeCsv([
        [badCheck, '胡学林', '汽车', '', ''],
        [ID2, '熊光明', '飞机', '', ''],
        ['', '罗春花', '汽车', '', ''],
        [ID3, '罗春花', '', '', ''],
        [ID2, '熊光明', ID3, '', ''],
      ]),
    );
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual([
      { row: 2, column: '身份证号', reason: expect.stringMatching(/^校验位错误（应为 .）$/) },
      { row: 3, column: '记录类型', reason: '“飞机”不是交管名单的记录类型，应为 汽车/机动车/摩托车/农用车' },
      { row: 4, column: '身份证号', reason: '身份证号不能为空' },
      { row: 5, column: '记录类型', reason: '记录类型不能为空，应为 汽车/机动车/摩托车/农用车' },
      { row: 6, column: '记录类型', reason: `“${ID3.slice(0, 6)}********${ID3.slice(-4)}”不是交管名单的记录类型，应为 汽车/机动车/摩托车/农用车` },
    ]);
  });

  it('refuses an ID number that Excel stored as a number', async () => {
    const f = await writeXlsx([{ name: 'a', rows: [HEADER, [Number(ID2.slice(0, 17)) * 10, '熊光明', '汽车', '', '']] }]);
    const r = await readAll(f);
    expect(r.errors).toEqual([{ row: 2, column: '身份证号', reason: expect.stringContaining('身份证号被 Excel 存成了数字') }]);
  });
});

describe('npm run cli -- import department', () => {
  let db: string;
  beforeAll(async () => {
    db = await exampleDb();
  });

  it('imports a list, audits it, and says how many rows', async () => {
    const f = writeCsv([
      [ID1, '胡学林', '小型汽车', '贵J12345', '2020-05-01'],
      [ID2, '熊光明', '摩托车', '', ''],
    ]);
    const before = footprint(db);
    const r = await cli(db, 'import', 'department', '交管', f);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('已导入交管名单');
    expect(r.out).toContain('2 行');
    const after = footprint(db);
    expect(after.lists - before.lists).toBe(1);
    expect(after.records - before.records).toBe(2);
    expect(count(db, `select count(*) as n from audit_log where action = 'import' and entity = 'department_list' and source like 'cli:import department 交管 %'`)).toBe(1);
  });

  const bad: [string, () => Promise<string>, RegExp][] = [
    ['wrong headers', async () => writeCsv([[ID1, '胡学林', '汽车']], ['身份证', '姓名', '车型']), /缺少必填列“记录类型”/],
    ['a bad ID number', async () => writeCsv([[ID1, '胡学林', '汽车', '', ''], ['52263019760504755', '胡学林', '汽车', '', '']]), /第 3 行「身份证号」：身份证号应为 18 位，实际 17 位/],
    ['an unknown record kind', async () => writeCsv([[ID1, '胡学林', '飞机', '', '']]), /第 2 行「记录类型」：“飞机”不是交管名单的记录类型/],
    ['an empty file', async () => {
      const f = tmp('csv');
      writeFileSync(f, '');
      return f;
    }, /文件为空，没有表头和数据/],
    ['a broken xlsx', async () => {
      const f = tmp('xlsx');
      writeFileSync(f, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]));
      return f;
    }, /无法读取Excel 文件：文件可能已损坏或格式不对/],
    ['a missing file', async () => '/nonexistent/交管.csv', /找不到文件/],
  ];

  it.each(bad)('refuses %s with a Chinese error and writes nothing', async (_what, make, message) => {
    const f = await make();
    const before = footprint(db);
    const r = await cli(db, 'import', 'department', '交管', f);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/未(导入|写入)任何数据/);
    expect(r.err).not.toContain(ID1);
    expect(footprint(db)).toEqual(before);
  });

  it('refuses an unknown department and a missing argument', async () => {
    const before = footprint(db);
    const a = await cli(db, 'import', 'department', '教育', writeCsv([[ID1, '胡学林', '汽车', '', '']]));
    expect(a.code).toBe(2);
    expect(a.err).toContain('没有“教育”这个部门');
    const b = await cli(db, 'import', 'department', '交管');
    expect(b.code).toBe(2);
    expect(b.err).toContain('用法：import department <部门>');
    expect(footprint(db)).toEqual(before);
  });

  it('with --skip-invalid imports the good rows and writes the bad ones to a rejects file', async () => {
    const f = writeCsv([
      [ID1, '胡学林', '汽车', '贵J1', ''],
      [ID2, '熊光明', '飞机', '', ''],
      [ID3, '罗春花', '汽车', '贵J3', ''],
      ['123', '罗春花', '汽车', '', ''],
    ]);
    const r = await cli(db, 'import', 'department', '公安', f, '--skip-invalid');
    expect(r.code).toBe(0);
    expect(r.out).toContain('已导入公安名单');
    expect(r.out).toContain('2 行');
    expect(r.err).toContain(`有 2 行因错误未导入，明细见 ${f}.rejects.csv`);
    const rejects = readFileSync(`${f}.rejects.csv`, 'utf8');
    expect(rejects).toContain(',3,记录类型,“飞机”不是公安名单的记录类型');
    expect(rejects).toContain(',5,身份证号,身份证号应为 18 位，实际 3 位');
    const [list] = rows<{ id: number; rows: number }>(db, `select id, rows from department_lists where department = '公安' and active = 1`);
    expect(list!.rows).toBe(2);
    expect(count(db, 'select count(*) as n from department_records where list_id = ?', list!.id)).toBe(2);
  });

  it('with --skip-invalid still refuses a file without one good row', async () => {
    const before = footprint(db);
    const f = writeCsv([[ID1, '胡学林', '飞机', '', '']]);
    const r = await cli(db, 'import', 'department', '财政', f, '--skip-invalid');
    expect(r.code).toBe(1);
    expect(r.err).toContain('财政名单没有一行有效数据，未导入任何数据');
    expect(footprint(db)).toEqual(before);
  });

  it('replaces a department’s list as a whole, keeping the old one as history; the same file again changes nothing', async () => {
    const first = writeCsv([
      [ID1, '胡学林', '商品房', 'A 栋', ''],
      [ID2, '熊光明', '商品房', 'B 栋', ''],
    ]);
    expect((await cli(db, 'import', 'department', '房管', first)).code).toBe(0);
    const second = await writeXlsx([{ name: '房管', rows: [HEADER, [ID3, '罗春花', '政策性住房', 'C 栋', '']] }]);
    const r = await cli(db, 'import', 'department', '房管局', second);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/原名单（f\d+\.csv，2 行）已停用，留作历史/);
    const lists = rows<{ id: number; active: number; rows: number }>(db, `select id, active, rows from department_lists where department = '房管' order by id`);
    expect(lists.map((l) => [l.active, l.rows])).toEqual([
      [0, 2],
      [1, 1],
    ]);
    // the old rows stay, as the evidence of any hit they gave
    expect(count(db, 'select count(*) as n from department_records where list_id = ?', lists[0]!.id)).toBe(2);
    const before = footprint(db);
    const again = await cli(db, 'import', 'department', '房管', second);
    expect(again.code).toBe(0);
    expect(again.out).toContain('内容完全相同，未重复导入');
    expect(footprint(db)).toEqual(before);
    expect(existsSync(`${second}.rejects.csv`)).toBe(false);
  });
});
