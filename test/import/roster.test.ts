import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateRoster } from '../../scripts/make-example-roster';
import { makeIdCard } from '../../src/core/idcard';
import {
  readRoster,
  readRosterRows,
  ROSTER_COLUMNS,
  writeRejects,
  writeRosterCsv,
  writeRosterXlsx,
  type RosterResult,
} from '../../src/import/roster';
import { loadTownshipFile } from '../../src/township/schema';

const EXAMPLES = join(import.meta.dirname, '../../examples');
const dir = mkdtempSync(join(tmpdir(), 'roster-'));
let n = 0;
const tmp = (ext: string) => join(dir, `f${++n}.${ext}`);

const HEADERS = ROSTER_COLUMNS.map((c) => c.header);
const ID_HEAD = makeIdCard('522630', '19700312', '015');
const ID_WIFE = makeIdCard('522630', '19720101', '026');
const ID_SON = makeIdCard('522630', '19980707', '033');
const ID_B = makeIdCard('522630', '19600505', '041');

type Row = Partial<Record<string, string>>;
/** A valid two-household roster; rows are objects keyed by header. */
function baseRows(): Row[] {
  const h1 = { 户编号: '01-001', 村名: '石门村', 户主姓名: '杨国强', 住房情况: '危房', 所在区域: '地灾', 致贫原因: '因病', 户状态: '已纳入', 识别责任人: '王磊', 全家外出: '否', 联系电话: '13800001111' };
  const h2 = { 户编号: '01-002', 村名: '石门村', 户主姓名: '吴秀英', 住房情况: '安全', 所在区域: '一般', 致贫原因: '缺劳力', 户状态: '申请', 识别责任人: '杨光明', 全家外出: '否' };
  const m = { 劳动能力: '有', 健康状况: '健康', 残疾情况: '无' };
  return [
    { ...h1, ...m, 成员姓名: '杨国强', 与户主关系: '户主', 身份证号: ID_HEAD },
    { ...h1, ...m, 成员姓名: '罗春花', 与户主关系: '配偶', 身份证号: ID_WIFE, 健康状况: '残疾', 残疾情况: '二级', 劳动能力: '无', 残疾证号: `${ID_WIFE}22` },
    { ...h1, ...m, 成员姓名: '杨俊杰', 与户主关系: '之子', 身份证号: ID_SON },
    { ...h2, ...m, 成员姓名: '吴秀英', 与户主关系: '本人', 身份证号: ID_B, 劳动能力: '弱' },
  ];
}

function toCsv(rows: Row[], headers: string[] = HEADERS): string {
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [headers, ...rows.map((r) => headers.map((h) => r[h] ?? ''))].map((r) => r.map(esc).join(',')).join('\n') + '\n';
}

async function readCsvText(text: string, options = {}): Promise<RosterResult> {
  const file = tmp('csv');
  writeFileSync(file, text);
  return readRoster(file, options);
}

function expectOk(r: RosterResult): Extract<RosterResult, { ok: true }> {
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.row} ${e.column} ${e.reason}`).join('\n'));
  return r;
}

function expectErrors(r: RosterResult) {
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}

describe('the example roster', () => {
  let villages: string[] = [];
  beforeAll(async () => {
    const t = await loadTownshipFile(join(EXAMPLES, 'township.json'));
    if (!t.ok) throw new Error(t.errors.join('\n'));
    villages = t.value.villages.map((v) => v.name);
  });

  it('reads roster.csv and roster.xlsx to the same households', async () => {
    const csv = expectOk(await readRoster(join(EXAMPLES, 'roster.csv'), { villages }));
    const xlsx = expectOk(await readRoster(join(EXAMPLES, 'roster.xlsx'), { villages }));
    expect(csv.households.length).toBeGreaterThanOrEqual(55);
    expect(csv.households.length).toBeLessThanOrEqual(65);
    const members = csv.households.reduce((s, h) => s + h.members.length, 0);
    expect(members).toBe(csv.rows);
    expect(members).toBeGreaterThanOrEqual(160);
    expect(members).toBeLessThanOrEqual(220);
    expect(xlsx.rows).toBe(csv.rows);
    expect(xlsx.households).toEqual(csv.households);
    expect(csv.rejects).toEqual([]);
  });

  it('covers every village and the interesting cases', async () => {
    const { households } = expectOk(await readRoster(join(EXAMPLES, 'roster.csv')));
    expect(new Set(households.map((h) => h.village))).toEqual(new Set(villages));
    expect(households.filter((h) => h.status === 'applied').length).toBeGreaterThanOrEqual(3);
    expect(households.some((h) => h.housing === 'dangerous')).toBe(true);
    expect(households.some((h) => h.zone === 'geohazard')).toBe(true);
    expect(households.some((h) => h.members.some((m) => m.disability > 0))).toBe(true);
    expect(households.filter((h) => h.allAway).length).toBeGreaterThanOrEqual(2);
    for (const h of households) {
      const heads = h.members.filter((m) => m.isHead);
      expect(heads.map((m) => m.name), h.householdNo).toEqual([h.headName]);
    }
    // one ID in two households on purpose (for the cross-check), which is not an error here
    const ids = households.flatMap((h) => h.members.map((m) => m.idCard));
    expect(ids.length - new Set(ids).size).toBe(1);
  });

  it('has identification owners who are cadres of the village in township.json', async () => {
    const t = await loadTownshipFile(join(EXAMPLES, 'township.json'));
    if (!t.ok) throw new Error(t.errors.join('\n'));
    const { households } = expectOk(await readRoster(join(EXAMPLES, 'roster.xlsx')));
    for (const h of households) {
      const p = t.value.people.find((x) => x.name === h.identifiedBy);
      expect(p?.roles.some((r) => r.village === h.village), `${h.householdNo} ${h.identifiedBy}`).toBe(true);
    }
  });
});

describe('readRoster: parsing', () => {
  it('reads members with normalised values', async () => {
    const r = expectOk(await readCsvText(toCsv(baseRows())));
    expect(r.rows).toBe(4);
    expect(r.rejects).toEqual([]);
    expect(r.households).toHaveLength(2);
    const [h1, h2] = r.households;
    expect(h1).toMatchObject({
      row: 2,
      householdNo: '01-001',
      village: '石门村',
      headName: '杨国强',
      status: 'included',
      housing: 'dangerous',
      zone: 'geohazard',
      povertyCause: '因病',
      identifiedBy: '王磊',
      allAway: false,
      phone: '13800001111',
    });
    expect(h1.members.map((m) => [m.row, m.name, m.relation, m.isHead])).toEqual([
      [2, '杨国强', 'head', true],
      [3, '罗春花', 'spouse', false],
      [4, '杨俊杰', 'son', false],
    ]);
    expect(h1.members[1]).toMatchObject({
      idCard: ID_WIFE,
      birthDate: '1972-01-01',
      gender: 'female',
      labor: 'none',
      health: 'disabled',
      disability: 2,
      disabilityCert: `${ID_WIFE}22`,
    });
    expect(h2).toMatchObject({ householdNo: '01-002', status: 'applied', housing: 'safe', zone: 'normal' });
    expect(h2.phone).toBeUndefined();
    expect(h2.members[0]).toMatchObject({ relation: 'head', labor: 'weak', disability: 0 });
  });

  it('matches headers in any order, with aliases, notes and extra columns, below a title row', async () => {
    const rows = baseRows();
    const shuffled = [...HEADERS].reverse();
    const renamed = shuffled.map((h) =>
      h === '身份证号' ? '身份证号码（18位）' : h === '成员姓名' ? '姓名' : h === '户编号' ? ' 户号 *' : h,
    );
    const lines = toCsv(rows, shuffled).split('\n');
    lines[0] = [...renamed, '备注'].join(',');
    const text = `清水乡建档立卡贫困户花名册,,,\n\n${lines.join('\n')}`;
    const r = expectOk(await readCsvText(text));
    expect(r.households.map((h) => h.members.length)).toEqual([3, 1]);
    // rows are the file's rows: title on 1, blank line 2, header 3
    expect(r.households[0].row).toBe(4);
  });

  it('lets household columns be filled on one row only and defaults blank status, away flag and disability', async () => {
    const rows = baseRows().map((r, i) =>
      i === 1 || i === 2
        ? { ...r, 村名: '', 户主姓名: '', 住房情况: '', 所在区域: '', 致贫原因: '', 识别责任人: '', 联系电话: '', 户状态: '', 全家外出: '' }
        : r,
    );
    rows[3] = { ...rows[3], 户状态: '', 全家外出: '', 残疾情况: '' };
    const r = expectOk(await readCsvText(toCsv(rows)));
    expect(r.households[0]).toMatchObject({ village: '石门村', headName: '杨国强', phone: '13800001111', status: 'included' });
    expect(r.households[1]).toMatchObject({ status: 'included', allAway: false });
    expect(r.households[1].members[0].disability).toBe(0);
  });

  it('accepts common spellings of the choices, a lower-case x and an apostrophe before the ID', async () => {
    const idX = makeIdCard('110105', '19491231', '002');
    const rows = baseRows();
    rows[0] = { ...rows[0], 劳动能力: '有劳动能力', 住房情况: 'D级危房', 所在区域: '地质灾害区', 全家外出: 'N' };
    rows[1] = { ...rows[1], 健康状况: '残疾', 残疾情况: '2级', 住房情况: '危房', 所在区域: '地灾', 全家外出: '否' };
    rows[2] = { ...rows[2], 身份证号: `'${idX.toLowerCase()}`, 与户主关系: '长子' };
    const r = expectOk(await readCsvText(toCsv(rows)));
    expect(r.households[0].housing).toBe('dangerous');
    expect(r.households[0].members[2]).toMatchObject({ idCard: idX, relation: 'son' });
  });

  it('reads a UTF-8 file with BOM and a GBK file (Excel “CSV”) the same as plain UTF-8', async () => {
    const text = toCsv(baseRows());
    const plain = expectOk(await readCsvText(text));

    const bomFile = tmp('csv');
    writeFileSync(bomFile, `\uFEFF${text}`);
    const bom = expectOk(await readRoster(bomFile));
    expect(bom.households).toEqual(plain.households);

    const gbkFile = tmp('csv');
    writeFileSync(gbkFile, encodeGbk(text.replace(/\n/g, '\r\n')));
    const gbk = expectOk(await readRoster(gbkFile));
    expect(gbk.households).toEqual(plain.households);
  });

  it('reads from bytes with a file name, as a file sent in a chat', async () => {
    const xlsx = readFileSync(join(EXAMPLES, 'roster.xlsx'));
    const fromBytes = expectOk(await readRoster({ data: xlsx, name: '花名册.xlsx' }));
    const fromFile = expectOk(await readRoster(join(EXAMPLES, 'roster.xlsx')));
    expect(fromBytes.households).toEqual(fromFile.households);
    const csv = expectOk(await readRoster({ data: Buffer.from(toCsv(baseRows())), name: 'r.csv' }));
    expect(csv.households).toHaveLength(2);
  });

  it('reads rows given directly (readRosterRows)', () => {
    const rows = [HEADERS, ...baseRows().map((r) => HEADERS.map((h) => r[h] ?? ''))];
    const r = expectOk(readRosterRows(rows));
    expect(r.households.map((h) => h.householdNo)).toEqual(['01-001', '01-002']);
  });
  it('reads household columns merged across member rows in an xlsx', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(HEADERS);
    for (const r of baseRows()) ws.addRow(HEADERS.map((h) => r[h] ?? ''));
    // 01-001 occupies rows 2-4: merge its household columns, leaving only the top cell filled
    for (const c of ROSTER_COLUMNS.filter((col) => col.level === 'household' || col.field === 'householdNo')) {
      const col = HEADERS.indexOf(c.header) + 1;
      ws.getCell(3, col).value = null;
      ws.getCell(4, col).value = null;
      ws.mergeCells(2, col, 4, col);
    }
    const file = tmp('xlsx');
    await wb.xlsx.writeFile(file);
    const r = expectOk(await readRoster(file));
    expect(r.households.map((h) => [h.householdNo, h.village, h.members.length])).toEqual([
      ['01-001', '石门村', 3],
      ['01-002', '石门村', 1],
    ]);
  });
});

describe('readRoster: file problems', () => {
  it('names the missing required headers', async () => {
    const headers = HEADERS.filter((h) => h !== '身份证号' && h !== '户编号' && h !== '联系电话');
    const errors = expectErrors(await readCsvText(toCsv(baseRows(), headers)));
    expect(errors).toEqual([
      { row: 1, column: '户编号', reason: '缺少必填列“户编号”' },
      { row: 1, column: '身份证号', reason: '缺少必填列“身份证号”' },
    ]);
  });

  it('says so when no header is recognised at all', async () => {
    const errors = expectErrors(await readCsvText('a,b,c\n1,2,3\n'));
    expect(errors[0]).toMatchObject({ row: 0, column: '' });
    expect(errors[0].reason).toMatch(/找不到表头/);
    expect(errors.filter((e) => e.reason.startsWith('缺少必填列'))).toHaveLength(ROSTER_COLUMNS.filter((c) => c.required).length);
  });

  it('refuses a column given twice', async () => {
    const headers = [...HEADERS, '身份证号码'];
    const errors = expectErrors(await readCsvText(toCsv(baseRows(), headers)));
    expect(errors).toEqual([{ row: 1, column: '身份证号码', reason: '“身份证号”列出现了不止一次' }]);
  });

  it('refuses an empty file, a blank file and a file with only the header', async () => {
    expect(expectErrors(await readCsvText(''))).toEqual([{ row: 0, column: '', reason: '文件为空，没有表头和数据' }]);
    expect(expectErrors(await readCsvText('\n\n,,\n'))).toEqual([{ row: 0, column: '', reason: '文件为空，没有表头和数据' }]);
    expect(expectErrors(await readCsvText(`${HEADERS.join(',')}\n`))).toEqual([
      { row: 1, column: '', reason: '文件只有表头，没有数据行' },
    ]);
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1');
    const file = tmp('xlsx');
    await wb.xlsx.writeFile(file);
    expect(expectErrors(await readRoster(file))).toEqual([{ row: 0, column: '', reason: '文件为空，没有表头和数据' }]);
  });

  it('refuses a missing file, an old .xls file and a broken .xlsx', async () => {
    const missing = expectErrors(await readRoster(join(dir, 'nope.csv')));
    expect(missing[0].reason).toMatch(/^找不到文件/);
    const xls = tmp('xls');
    writeFileSync(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    expect(expectErrors(await readRoster(xls))[0].reason).toMatch(/不支持旧版 \.xls/);
    const utf16 = tmp('txt');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADERS.join('\t'), 'utf16le')]));
    expect(expectErrors(await readRoster(utf16))[0].reason).toMatch(/UTF-16/);
    const broken = tmp('xlsx');
    writeFileSync(broken, Buffer.from('PK\u0003\u0004 not really a zip'));
    expect(expectErrors(await readRoster(broken))[0].reason).toMatch(/^无法读取Excel 文件/);
  });
});

describe('readRoster: row problems', () => {
  it('reports a bad ID number with its row and column, without echoing the number', async () => {
    const rows = baseRows();
    const bad = ID_SON.slice(0, 17) + (ID_SON[17] === '1' ? '2' : '1');
    rows[2] = { ...rows[2], 身份证号: bad };
    const errors = expectErrors(await readCsvText(toCsv(rows)));
    expect(errors).toEqual([{ row: 4, column: '身份证号', reason: `校验位错误（应为 ${ID_SON[17]}）`, householdNo: '01-001' }]);
    expect(JSON.stringify(errors)).not.toContain(bad.slice(0, 14));
  });

  it('reports several problems, sorted by row, then column order', async () => {
    const rows = baseRows();
    rows[3] = { ...rows[3], 身份证号: ID_B.slice(0, 17), 劳动能力: '很强', 成员姓名: '' };
    rows[1] = { ...rows[1], 住房情况: '别墅' };
    const errors = expectErrors(await readCsvText(toCsv(rows)));
    expect(errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [3, '住房情况', '“别墅”不是有效的住房情况，应为 安全/危房/土坯房/无房'],
      [3, '住房情况', '户编号 01-001 在第 2 行的住房情况是“危房”，这一行却是“别墅”'],
      [5, '成员姓名', '成员姓名不能为空'],
      [5, '身份证号', '身份证号应为 18 位，实际 17 位'],
      [5, '劳动能力', '“很强”不是有效的劳动能力，应为 有/无/弱'],
    ]);
  });

  it('refuses unknown values in every choice column', async () => {
    const rows = baseRows();
    rows[0] = { ...rows[0], 与户主关系: '朋友', 健康状况: '一般', 残疾情况: '五级', 所在区域: '平原', 户状态: '待定', 全家外出: '不知道' };
    const errors = expectErrors(await readCsvText(toCsv(rows)));
    const cols = errors.filter((e) => e.row === 2 && e.reason.includes('不是有效的')).map((e) => e.column);
    expect(cols).toEqual(['与户主关系', '健康状况', '残疾情况', '所在区域', '户状态', '全家外出']);
  });

  it('masks an ID number typed into the wrong column when echoing the value', async () => {
    const rows = baseRows();
    rows[0] = { ...rows[0], 劳动能力: ID_HEAD };
    const errors = expectErrors(await readCsvText(toCsv(rows)));
    expect(errors).toEqual([
      { row: 2, column: '劳动能力', reason: `“522630********${ID_HEAD.slice(-4)}”不是有效的劳动能力，应为 有/无/弱`, householdNo: '01-001' },
    ]);
  });

  it('checks disability consistency', async () => {
    const rows = baseRows();
    rows[1] = { ...rows[1], 残疾情况: '无' };
    rows[2] = { ...rows[2], 残疾证号: '52263012345620' };
    const errors = expectErrors(await readCsvText(toCsv(rows)));
    expect(errors.map((e) => [e.row, e.column])).toEqual([
      [3, '残疾情况'],
      [3, '残疾证号'],
      [4, '残疾证号'],
    ]);
  });

  it('refuses a member listed twice in one household, but not an ID repeated across households', async () => {
    const rows = baseRows();
    rows.push({ ...rows[2], 成员姓名: '杨俊杰' });
    const errors = expectErrors(await readCsvText(toCsv(rows)));
    expect(errors).toEqual([
      { row: 6, column: '身份证号', reason: '同一户内成员重复：与第 4 行的身份证号相同', householdNo: '01-001' },
    ]);

    const across = baseRows();
    across.push({ ...across[3], 成员姓名: '杨俊杰', 与户主关系: '之子', 身份证号: ID_SON });
    const ok = expectOk(await readCsvText(toCsv(across)));
    expect(ok.households[1].members.map((m) => m.idCard)).toEqual([ID_B, ID_SON]);
  });

  it('refuses a household number used with another village or head', async () => {
    const rows = baseRows();
    rows[1] = { ...rows[1], 村名: '岩脚村' };
    rows[2] = { ...rows[2], 户主姓名: '杨国平' };
    const errors = expectErrors(await readCsvText(toCsv(rows)));
    expect(errors).toEqual([
      { row: 3, column: '村名', reason: '户编号 01-001 在第 2 行的村名是“石门村”，这一行却是“岩脚村”', householdNo: '01-001' },
      { row: 4, column: '户主姓名', reason: '户编号 01-001 在第 2 行的户主姓名是“杨国强”，这一行却是“杨国平”', householdNo: '01-001' },
    ]);
  });

  it('requires exactly one head, named as 户主姓名', async () => {
    const noHead = baseRows();
    noHead[0] = { ...noHead[0], 与户主关系: '之父' };
    expect(expectErrors(await readCsvText(toCsv(noHead)))).toEqual([
      { row: 2, column: '与户主关系', reason: '户编号 01-001 没有与户主关系为“户主”或“本人”的成员', householdNo: '01-001' },
    ]);

    const twoHeads = baseRows();
    twoHeads[1] = { ...twoHeads[1], 与户主关系: '本人' };
    expect(expectErrors(await readCsvText(toCsv(twoHeads)))).toEqual([
      { row: 3, column: '与户主关系', reason: '户编号 01-001 有 2 名成员的关系为户主（第 2、3 行），只能有一名', householdNo: '01-001' },
    ]);

    const wrongName = baseRows().map((r) => (r.户编号 === '01-001' ? { ...r, 户主姓名: '罗春花' } : r));
    expect(expectErrors(await readCsvText(toCsv(wrongName)))).toEqual([
      { row: 2, column: '户主姓名', reason: '户主姓名“罗春花”与关系为户主的成员“杨国强”不一致', householdNo: '01-001' },
    ]);
  });

  it('reports household fields that are blank on every row and rows without household number', async () => {
    const rows = baseRows();
    rows[3] = { ...rows[3], 识别责任人: '' };
    rows.push({ ...rows[0], 户编号: '', 身份证号: makeIdCard('522630', '19900101', '051') });
    const errors = expectErrors(await readCsvText(toCsv(rows)));
    expect(errors).toEqual([
      { row: 5, column: '识别责任人', reason: '户编号 01-002 的识别责任人没有填写', householdNo: '01-002' },
      { row: 6, column: '户编号', reason: '户编号不能为空' },
    ]);
  });

  it('checks village names against township.json and suggests the right one', async () => {
    const rows = baseRows().map((r) => (r.户编号 === '01-002' ? { ...r, 村名: '石门' } : r));
    const errors = expectErrors(await readCsvText(toCsv(rows), { villages: ['石门村', '岩脚村'] }));
    expect(errors).toEqual([
      { row: 5, column: '村名', reason: '村名“石门”不在 township.json 的村名单中，是否应为“石门村”？', householdNo: '01-002' },
    ]);
  });

  it('catches ID numbers that Excel stored as numbers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(HEADERS);
    for (const r of baseRows()) ws.addRow(HEADERS.map((h) => (h === '身份证号' && r.户编号 === '01-002' ? Number(r[h]) : (r[h] ?? ''))));
    const file = tmp('xlsx');
    await wb.xlsx.writeFile(file);
    const errors = expectErrors(await readRoster(file));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ row: 5, column: '身份证号' });
    expect(errors[0].reason).toMatch(/存成了数字/);
  });
});

describe('readRoster: the optional household data (在校情况, 技能, 务工, 低保, 特困, 人均纯收入)', () => {
  const withData = () => {
    const rows = baseRows();
    rows[0] = { ...rows[0], 技能: '有（电焊）', 务工: '外出 浙江宁波', 低保: '是', 特困: '否', 人均纯收入: '2,800元' };
    rows[1] = { ...rows[1], 技能: '无', 务工: '无' };
    rows[2] = { ...rows[2], 在校情况: '大专', 务工: '本地' };
    rows[3] = { ...rows[3], 在校情况: '不在校', 人均纯收入: '0' };
    return rows;
  };
  const headers = [...HEADERS];

  it('reads each value set with its aliases, the note after 有 / 外出, and the income in yuan', async () => {
    const { households } = expectOk(await readCsvText(toCsv(withData(), headers)));
    const [h1, h2] = households;
    expect(h1).toMatchObject({ minimumLiving: true, extremePoverty: false, income: 2800 });
    expect(h1!.members.map((m) => [m.schooling, m.skill, m.skillNote, m.work, m.workPlace])).toEqual([
      [undefined, 'yes', '电焊', 'away', '浙江宁波'],
      [undefined, 'no', undefined, 'none', undefined],
      ['college', undefined, undefined, 'local', undefined],
    ]);
    expect(h2).toMatchObject({ income: 0 });
    expect(h2!.minimumLiving).toBeUndefined();
    expect(h2!.members[0]).toMatchObject({ schooling: 'none' });
  });

  it('leaves them out when the columns are absent or blank (they are optional)', async () => {
    const { households } = expectOk(await readCsvText(toCsv(baseRows(), HEADERS.filter((h) => !['在校情况', '技能', '务工', '低保', '特困', '人均纯收入'].includes(h)))));
    expect(households[0]).not.toHaveProperty('minimumLiving');
    expect(households[0]!.members[0]).not.toHaveProperty('schooling');
  });

  it('refuses a bad value with its row, column and a Chinese reason that says what to write', async () => {
    const rows = withData();
    rows[0] = { ...rows[0], 在校情况: '博士后', 技能: '会开车', 务工: '无 浙江', 人均纯收入: '约三千' };
    rows[1] = { ...rows[1], 技能: '无 电焊', 低保: '不清楚' };
    const errors = expectErrors(await readCsvText(toCsv(rows, headers)));
    expect(errors.filter((e) => e.row === 2).map((e) => [e.column, e.reason])).toEqual([
      ['在校情况', '“博士后”不是有效的在校情况，应为 学前/小学/初中/高中/中职/大学/不在校'],
      ['技能', '“会开车”不是有效的技能，应为 有/无，可在后面写明，如：有（电焊）'],
      ['务工', '务工为“无”，却写了“浙江”：请写“本地（…）”或“外出（…）”'],
      ['人均纯收入', '人均纯收入“约三千”不是有效的金额：请填写 0 至 1000000 之间的整数（元/年），如 3500'],
    ]);
    expect(errors.filter((e) => e.row === 3).map((e) => [e.column, e.reason])).toEqual([
      ['技能', '技能为“无”，却写了“电焊”：有技能请写“有（电焊）”'],
      ['低保', '“不清楚”不是有效的低保，应为 是/否'],
      ['低保', '户编号 01-001 在第 2 行的低保是“是”，这一行却是“不清楚”'],
    ]);
  });

  it('round-trips through the roster writer', async () => {
    const { households } = expectOk(await readCsvText(toCsv(withData(), headers)));
    const xlsx = tmp('xlsx');
    await writeRosterXlsx(xlsx, households);
    expect(expectOk(await readRoster(xlsx)).households).toEqual(households);
  });
});

describe('readRoster: skipInvalid and writeRejects', () => {
  it('returns the valid households and rejects a household with any invalid row as a whole', async () => {
    const rows = baseRows();
    rows[2] = { ...rows[2], 身份证号: makeIdCard('522630', '19900230', '033') };
    rows.push({ ...rows[3], 户编号: '', 成员姓名: '无户号' });
    const r = expectOk(await readCsvText(toCsv(rows), { skipInvalid: true }));
    expect(r.households.map((h) => h.householdNo)).toEqual(['01-002']);
    expect(r.rows).toBe(5);
    expect(r.rejects).toEqual([
      { row: 4, column: '身份证号', reason: '出生日期 19900230 不存在', householdNo: '01-001' },
      { row: 6, column: '户编号', reason: '户编号不能为空' },
    ]);

    const out = tmp('csv');
    await writeRejects(out, r.rejects);
    const text = readFileSync(out, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.slice(1).split('\r\n')).toEqual([
      '行号,列,户编号,原因',
      '4,身份证号,01-001,出生日期 19900230 不存在',
      '6,户编号,,户编号不能为空',
      '',
    ]);
  });

  it('still fails on file-level problems', async () => {
    const r = await readCsvText(toCsv(baseRows(), HEADERS.filter((h) => h !== '村名')), { skipInvalid: true });
    expect(expectErrors(r)).toEqual([{ row: 1, column: '村名', reason: '缺少必填列“村名”' }]);
  });
});

describe('writing rosters', () => {
  it('round-trips through xlsx and csv', async () => {
    const original = expectOk(await readRoster(join(EXAMPLES, 'roster.csv'))).households;
    const xlsx = tmp('xlsx');
    await writeRosterXlsx(xlsx, original);
    const back = expectOk(await readRoster(xlsx));
    expect(back.households).toEqual(original);

    const csv = tmp('csv');
    await writeRosterCsv(csv, back.households);
    expect(expectOk(await readRoster(csv)).households).toEqual(original);
  });

  it('writes full ID numbers as text in the documented columns', async () => {
    const { households } = expectOk(await readCsvText(toCsv(baseRows())));
    const file = tmp('xlsx');
    await writeRosterXlsx(file, households);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toEqual([undefined, ...HEADERS]);
    const idCol = HEADERS.indexOf('身份证号') + 1;
    expect(ws.getRow(2).getCell(idCol).value).toBe(ID_HEAD);
    expect(ws.getRow(3).getCell(HEADERS.indexOf('与户主关系') + 1).value).toBe('配偶');
  });

  it('round-trips generated households including every relation written back', async () => {
    const generated = generateRoster({
      seed: 7,
      villages: [{ name: '石门村', poor: true, identifiers: ['王磊'], hazard: 'geohazard', households: 40 }],
      applicants: 2,
      allAway: 2,
    });
    const file = tmp('csv');
    await writeRosterCsv(file, generated);
    const back = expectOk(await readRoster(file));
    expect(back.households).toEqual(generated);
  });
});

describe('a large roster', () => {
  it('reads a generated 10,000-row roster correctly', async () => {
    const villages = ['石门村', '岩脚村', '高坡村', '清水村', '河坝村', '新寨村', '龙井村'].map((name, i) => ({
      name,
      poor: i < 3,
      identifiers: ['甲', '乙'],
      households: 500,
    }));
    const all = generateRoster({ seed: 42, villages, applicants: 30, allAway: 40 });
    // whole households up to the first one that reaches 10,000 member rows
    let total = 0;
    const households = all.filter((h) => {
      if (total >= 10_000) return false;
      total += h.members.length;
      return true;
    });
    expect(total).toBeGreaterThanOrEqual(10_000);
    expect(total).toBeLessThan(10_010);

    for (const write of [writeRosterCsv, writeRosterXlsx]) {
      const file = tmp(write === writeRosterCsv ? 'csv' : 'xlsx');
      await write(file, households);
      const r = expectOk(await readRoster(file));
      expect(r.rows).toBe(total);
      expect(r.households).toHaveLength(households.length);
      expect(r.households).toEqual(households);
      const lastHousehold = r.households[r.households.length - 1];
      expect(lastHousehold.members[lastHousehold.members.length - 1].row).toBe(total + 1);
      const applied = households.filter((h) => h.status === 'applied').length;
      expect(applied).toBeGreaterThan(0);
      expect(r.households.filter((h) => h.status === 'applied')).toHaveLength(applied);
    }
  }, 60_000);
});

/** GBK bytes for a string, built from the platform's GBK decoder (tests only). */
function encodeGbk(s: string): Buffer {
  const dec = new TextDecoder('gbk');
  const table = new Map<string, number[]>();
  const needed = new Set([...s].filter((c) => c.charCodeAt(0) > 0x7f));
  for (let lead = 0x81; lead <= 0xfe && table.size < needed.size; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = dec.decode(new Uint8Array([lead, trail]));
      if (needed.has(ch) && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  const bytes: number[] = [];
  for (const c of s) {
    if (c.charCodeAt(0) <= 0x7f) bytes.push(c.charCodeAt(0));
    else {
      const b = table.get(c);
      if (!b) throw new Error(`no GBK code for ${c}`);
      bytes.push(...b);
    }
  }
  return Buffer.from(bytes);
}
