// export report <out.xlsx>: the workbook opened with exceljs, its sheets, headers and figures
// checked against the database of the example township.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite';
import { loadExample } from '../../src/township/seed';
import { runCli } from '../../src/cli/main';
import { BATCHES, BATCH_KEYS, sortBatches } from '../../src/core/batches';
import { AT, populate } from './fixture';

const dir = mkdtempSync(join(tmpdir(), 'fupin-report-'));
const dbPath = join(dir, 'db.sqlite');
let d: SqliteDatabase;
let wb: ExcelJS.Workbook;
const lines: string[] = [];
const cli = (...args: string[]) => runCli(args, { DATABASE_PATH: dbPath, VITEST: '1' }, { out: (l) => lines.push(l), err: (l) => lines.push(l) });

beforeAll(async () => {
  d = openSqlite(dbPath);
  const tid = await loadExample(d);
  populate(d, tid);
});
afterAll(() => d?.close?.());

const all = <T>(sql: string, ...a: unknown[]) => d.sqlite.prepare(sql).all(...a) as T[];
const one = <T>(sql: string, ...a: unknown[]) => d.sqlite.prepare(sql).get(...a) as T;
const sheet = (name: string) => {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}`);
  return ws;
};
const headers = (name: string) => (sheet(name).getRow(2).values as unknown[]).slice(1);
/** data rows (from row 3) as objects keyed by header */
const rows = (name: string) => {
  const ws = sheet(name);
  const hs = headers(name) as string[];
  const out: Record<string, unknown>[] = [];
  for (let r = 3; r <= ws.rowCount; r++) {
    const vals = ws.getRow(r).values as unknown[];
    out.push(Object.fromEntries(hs.map((h, i) => [h, vals[i + 1] ?? ''])));
  }
  return out;
};

describe('export report', () => {
  it('refuses bad input and writes nothing', async () => {
    expect(await cli('export', 'report')).toBe(2);
    expect(await cli('export', 'report', join(dir, 'out.csv'))).toBe(2);
    expect(await cli('export', 'report', join(dir, 'no/such/dir/out.xlsx'))).toBe(2);
    expect(lines.join('\n')).toContain('输出文件须为 .xlsx');
    expect(one<{ t: number | null }>('select report_exported_at t from townships').t).toBeNull();
    expect(one<{ n: number }>("select count(*) n from audit_log where action = 'export'").n).toBe(0);
  });

  it('writes the workbook, marks the report exported and audits it', async () => {
    const out = join(dir, '清水乡上报.xlsx');
    expect(await cli('export', 'report', out, '--at', new Date(AT).toISOString())).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(lines.at(-2)).toMatch(/^已导出清水乡复核报表到 .*：保留 \d+ 户 \d+ 人，清退 2 户 \d+ 人，新纳入待县审批 1 户 \d+ 人、县已批准 1 户 \d+ 人/);
    expect(one<{ t: number }>('select report_exported_at t from townships').t).toBe(AT);
    const audit = one<{ actor: string; after: string; source: string }>("select actor, after, source from audit_log where action = 'export' and entity = 'report'");
    expect(audit.source).toBe(`cli:export report ${out}`);
    expect(JSON.parse(audit.after).summary.removed.households).toBe(2);
    wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
  });

  it('has the sheets in order, a title and Chinese headers frozen on top, and column widths', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '汇总', '分村汇总', '保留户', '清退户', '新纳入户', '申请未通过', '人员明细', '会议记录', '逐户表决', '公示', '公示异议', '环节进度',
      '比对覆盖', '比对线索', '帮扶责任人', '帮扶卡', '帮扶走访', '脱贫规划', '政策宣讲', '全家外出联系', '五个一批统计', '督查', '追责',
    ]);
    for (const ws of wb.worksheets) {
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
      expect(String(ws.getRow(1).getCell(1).value)).toMatch(/^某县清水乡2026年度建档立卡扶贫对象复核 — .+（导出 2026-12-20 09:30）$/);
      expect(ws.getRow(2).getCell(1).font?.bold).toBe(true);
      const n = (ws.getRow(2).values as unknown[]).length - 1;
      for (let c = 1; c <= n; c++) expect(ws.getColumn(c).width, `${ws.name} column ${c}`).toBeGreaterThanOrEqual(6);
    }
    expect(headers('分村汇总').slice(0, 7)).toEqual(['村', '贫困村', '复核户数', '保留户数', '保留人数', '清退户数', '清退人数']);
    expect(headers('保留户')).toEqual(['村', '户编号', '户主姓名', '户主身份证号', '家庭人口', '致贫原因', '住房情况', '所在区域', '五个一批（到户）', '帮扶责任人', '帮扶卡', '识别责任人', '联系电话', '低保', '特困', '人均纯收入（元/年）']);
    expect(headers('清退户')).toEqual(['村', '户编号', '户主姓名', '户主身份证号', '家庭人口', '原身份', '清退原因', '六个不纳入', '比对部门', '比对证据', '确认人', '确认时间', '识别责任人']);
    expect(headers('人员明细')).toEqual(['村', '户编号', '户主姓名', '类别', '姓名', '与户主关系', '身份证号', '劳动能力', '健康状况', '残疾情况', '残疾证号', '五个一批（逐人分类）', '在校情况', '技能', '务工']);
    expect(headers('会议记录')).toContain('第一书记到场确认');
    expect(headers('五个一批统计').slice(0, 7)).toEqual(['村', '纳入户数', '纳入人数', '已分类户数', '扶持生产和就业发展一批（户数）', '扶持生产和就业发展一批（户内人口）', '扶持生产和就业发展一批（逐人分类）']);
    expect(headers('五个一批统计')).toHaveLength(4 + 3 * 7);
  });

  it('分村汇总: per village figures match the database, with a 合计 row', () => {
    const summary = rows('分村汇总');
    const villages = all<{ id: number; name: string; poor: number }>('select id, name, poor from villages order by id');
    expect(summary.map((r) => r['村'])).toEqual([...villages.map((v) => v.name), '合计']);
    const persons = (where: string, vid: number) =>
      one<{ n: number }>(`select count(*) n from members m join households h on h.id = m.household_id where h.village_id = ? and ${where}`, vid).n;
    const hh = (where: string, vid: number) => one<{ n: number }>(`select count(*) n from households h where h.village_id = ? and ${where}`, vid).n;
    for (const v of villages) {
      const r = summary.find((x) => x['村'] === v.name)!;
      expect(r['贫困村']).toBe(v.poor ? '是' : '否');
      expect(r['复核户数']).toBe(hh('1', v.id));
      expect(r['保留户数']).toBe(hh("h.applicant = 0 and h.status != 'removed'", v.id));
      expect(r['保留人数']).toBe(persons("h.applicant = 0 and h.status != 'removed'", v.id));
      expect(r['清退户数']).toBe(hh("h.status = 'removed'", v.id));
      expect(r['清退人数']).toBe(persons("h.status = 'removed'", v.id));
      expect(r['新纳入待县审批户数']).toBe(hh("h.applicant = 1 and h.status = 'township_approved'", v.id));
      expect(r['新纳入县已批准户数']).toBe(hh("h.applicant = 1 and h.status = 'county_approved'", v.id));
      expect(r['申请未通过户数']).toBe(hh("h.status = 'rejected'", v.id));
      expect(r['现纳入户数']).toBe(hh("h.status in ('included', 'county_approved')", v.id));
      expect(r['已落实帮扶户数']).toBe(hh("h.status in ('included', 'county_approved') and h.helper_id is not null", v.id));
      expect(r['帮扶卡已回收户数']).toBe(hh("h.status in ('included', 'county_approved') and h.help_card_returned_at is not null", v.id));
      expect(r['帮扶卡已填写户数']).toBe(hh("h.status in ('included', 'county_approved') and h.help_card_filled_at is not null", v.id));
      expect(r['帮扶卡已存档户数']).toBe(hh("h.status in ('included', 'county_approved') and h.help_card_received_at is not null", v.id));
      expect(r['政策宣讲次数']).toBe(one<{ n: number }>('select count(*) n from publicity where village_id = ?', v.id).n);
      expect(r['宣讲覆盖人数']).toBe(one<{ n: number }>('select coalesce(sum(reached), 0) n from publicity where village_id = ?', v.id).n);
      expect(r['全家外出户数']).toBe(hh("h.all_away = 1 and h.status not in ('removed', 'rejected')", v.id));
      expect(r['全家外出已联系户数']).toBe(hh("h.all_away = 1 and h.status not in ('removed', 'rejected') and exists (select 1 from contacts c where c.household_id = h.id)", v.id));
    }
    const total = summary.at(-1)!;
    expect(total['复核户数']).toBe(one<{ n: number }>('select count(*) n from households').n);
    expect(total['清退户数']).toBe(2);
    expect(total['新纳入待县审批户数']).toBe(1);
    expect(total['新纳入县已批准户数']).toBe(1);
    expect(total['申请审核中户数']).toBe(2);
    expect(total['申请未通过户数']).toBe(1);
    expect(total['帮扶卡已回收户数']).toBe(2);
    expect(total['帮扶卡已存档户数']).toBe(1);
    // 01-003, all away, was removed in the fixture: not counted among the all-away households still under review
    expect(summary[0]).toMatchObject({ 政策宣讲次数: 2, 宣讲覆盖人数: 98, 全家外出户数: 0, 全家外出已联系户数: 0 });
    expect(total).toMatchObject({ 政策宣讲次数: 2, 宣讲覆盖人数: 98, 全家外出户数: 2 });
    const shimen = summary[0]!;
    expect(shimen).toMatchObject({ 有效会议数: 2, 公示期: '2026-12-10 至 2026-12-16', 公示异议: 2, 异议已处理: 1, 资格复审完成: '2026-12-10', 评议公示完成: '2026-12-19（逾期 2 天）' });
  });

  it('保留户 and 人员明细 carry full ID numbers, stored as text', () => {
    const kept = rows('保留户');
    expect(kept).toHaveLength(one<{ n: number }>("select count(*) n from households where applicant = 0 and status != 'removed'").n);
    // 帮扶卡 by its steps with their dates
    expect(kept.find((r) => r['户编号'] === '01-002')!['帮扶卡']).toBe('已填写 2026-12-16；已回收 2026-12-17；已存档 2026-12-18');
    const h1 = kept.find((r) => r['户编号'] === '01-001')!;
    const head = one<{ id_card: string }>("select m.id_card from members m join households h on h.id = m.household_id where h.number = '01-001' and m.relation = 'head'");
    expect(h1).toMatchObject({ 村: '石门村', 户主姓名: '胡学林', 户主身份证号: head.id_card, 家庭人口: 3, '五个一批（到户）': '扶持生产和就业发展一批、医疗救助扶持一批', 帮扶责任人: expect.stringContaining('冯志刚'), 帮扶卡: '已回收 2026-12-19' });
    expect(sheet('保留户').getCell('D3').numFmt).toBe('@');

    const persons = rows('人员明细');
    expect(persons).toHaveLength(one<{ n: number }>('select count(*) n from members').n);
    for (const m of all<{ id_card: string; name: string }>('select id_card, name from members')) {
      expect(persons.some((p) => p['身份证号'] === m.id_card && p['姓名'] === m.name)).toBe(true);
    }
    // 逐人分类: the member's own batches only
    const spouse = persons.find((p) => p['户编号'] === '01-001' && p['与户主关系'] === '配偶')!;
    expect(spouse['五个一批（逐人分类）']).toBe('医疗救助扶持一批');
    const son = persons.find((p) => p['户编号'] === '01-001' && p['与户主关系'] === '之子')!;
    // not classified on his own: empty (the household's batches are in 保留户), never the household's copied in
    expect(son['五个一批（逐人分类）'] ?? '').toBe('');
    // the optional roster data, as stored
    expect(son).toMatchObject({ 在校情况: '初中', 技能: '无', 务工: '外出（浙江宁波）' });
    expect(persons.find((p) => p['户编号'] === '01-001' && p['与户主关系'] === '户主')).toMatchObject({ 在校情况: '', 技能: '有（电焊）', 务工: '本地' });
    expect(h1).toMatchObject({ 低保: '是', 特困: '否', '人均纯收入（元/年）': 2800 });
    expect(kept.find((r) => r['户编号'] === '01-002')).toMatchObject({ 低保: '', 特困: '', '人均纯收入（元/年）': '' });
  });

  it('清退户: the exclusion and its evidence from the confirmed hit, or the removal reason', () => {
    const removed = rows('清退户');
    expect(removed.map((r) => r['户编号']).sort()).toEqual(['01-003', '02-001']);
    const byHit = removed.find((r) => r['户编号'] === '01-003')!;
    expect(byHit['六个不纳入']).toBe('汽车');
    expect(byHit['比对部门']).toBe('交管');
    expect(byHit['比对证据']).toContain('交管名单第 3 行：汽车 贵J12345（2020-05-01）');
    expect(byHit['比对证据']).toContain('确认理由：经核实车辆登记在户主名下');
    expect(byHit['确认人']).toBe('周建华');
    expect(byHit['清退原因']).toContain('六个不纳入·汽车');
    const byOffice = removed.find((r) => r['户编号'] === '02-001')!;
    expect(byOffice).toMatchObject({ 清退原因: '已稳定脱贫，本人申请退出', 六个不纳入: '', 原身份: '在册户' });
    // the dismissed hit of 01-004 is no removal
    expect(rows('保留户').some((r) => r['户编号'] === '01-004')).toBe(true);
  });

  it('新纳入户 and 申请未通过: where each application stands', () => {
    const added = rows('新纳入户');
    const cat = Object.fromEntries(added.map((r) => [r['户编号'], r['类别']]));
    expect(cat).toEqual({ '01-012': '新纳入·县已批准', '02-012': '新纳入·待县审批', '04-006': '新申请·审核中', '05-006': '新申请·审核中' });
    expect(added.find((r) => r['户编号'] === '02-012')).toMatchObject({ 当前环节: '乡审核通过，待县审批', 申请说明: '家中无劳力', 资格复审: '通过', 县批准日期: '', 批准文号: '' });
    // the county's approval: its date and document number
    expect(added.find((r) => r['户编号'] === '01-012')).toMatchObject({ 县批准日期: '2026-12-19', 批准文号: '某扶移〔2026〕15号' });
    const rejected = rows('申请未通过');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ 户编号: '03-012', 资格复审结论: '不通过（家有商品房）' });
  });

  it('会议记录, 公示 and 公示异议: overseers by name, evidence, objections and their handling', () => {
    const ms = rows('会议记录');
    expect(ms).toHaveLength(one<{ n: number }>('select count(*) n from meetings').n + 1);
    expect(ms[0]).toMatchObject({
      村: '石门村',
      会议: '村民大会',
      日期: '2026-12-09',
      应到人数: 100,
      实到人数: 80,
      到会率: '80%',
      同意: 60,
      反对: 10,
      缺席人员意见: '外出3户电话表示同意',
      第一书记到场确认: '马超',
      驻村干部到场确认: '王磊',
      是否有效: '有效',
      佐证份数: 1,
      佐证: 'image:img_resolution_1#om_photo_1',
    });
    expect(ms[1]).toMatchObject({ 会议: '两委会议', 第一书记到场确认: '', 驻村干部到场确认: '王磊', 是否有效: '未生效（待确认）' });
    expect(ms[2]).toMatchObject({ 会议: '村民代表大会', 日期: '2026-12-11', 实到人数: 25, 是否有效: '有效' });
    // the township meeting (乡会议), with its evidence
    expect(ms[3]).toMatchObject({ 村: '清水乡（乡级）', 会议: '乡政府办公会', 日期: '2026-12-18', 佐证份数: 1, 佐证: 'image:img_township_1#om_township_1' });
    const ns = rows('公示');
    expect(ns).toEqual([
      { 公示范围: '清水乡（乡级）', 开始日期: '2026-12-18', 期满日期: '2026-12-24', 公示天数: 7, 异议条数: 0, 已处理: 0, 发起人: '周建华' },
      { 公示范围: '石门村', 开始日期: '2026-12-10', 期满日期: '2026-12-16', 公示天数: 7, 异议条数: 2, 已处理: 1, 发起人: '杨光明' },
    ]);
    const os = rows('公示异议');
    expect(os.map((o) => [o['编号'], o['状态']])).toEqual([[1, '已处理'], [2, '未处理']]);
    expect(os[0]).toMatchObject({ 涉及户: '01-003 罗某', 处理结果: '经核实属实，已清退', 处理人: '杨光明' });
  });

  it('帮扶责任人: current assignments with the helper load, then included households without a helper', () => {
    const hs = rows('帮扶责任人');
    const feng = hs.filter((r) => r['帮扶责任人'] === '冯志刚');
    expect(feng.map((r) => r['户编号'])).toEqual(['01-001', '01-002', '01-012']);
    expect(feng.every((r) => r['帮扶户数'] === 3)).toBe(true);
    expect(feng.find((r) => r['户编号'] === '01-012')).toMatchObject({ 超限理由: '新纳入户，原则上超限经乡扶贫办同意', 类别: '新纳入·县已批准', 安排日期: '2026-12-17' });
    expect(hs.some((r) => r['帮扶责任人'] === '曹敏')).toBe(false); // ended
    const without = hs.filter((r) => r['帮扶责任人'] === '（未安排）');
    expect(without).toHaveLength(one<{ n: number }>("select count(*) n from households where status in ('included', 'county_approved') and helper_id is null").n);
  });

  it('五个一批统计: 户数, 户内人口 and 逐人分类 per batch match the database', () => {
    const stats = rows('五个一批统计');
    const villages = all<{ id: number; name: string }>('select id, name from villages order by id');
    expect(stats.map((r) => r['村'])).toEqual([...villages.map((v) => v.name), '合计']);
    const hs = all<{ id: number; village_id: number; batches: string }>("select id, village_id, batches from households where status in ('included', 'county_approved')");
    const ms = all<{ household_id: number; batches: string }>('select household_id, batches from members');
    const expected = (vid: number | null) => {
      const list = hs.filter((h) => vid === null || h.village_id === vid);
      const e: Record<string, number> = { 纳入户数: list.length, 纳入人数: 0, 已分类户数: 0 };
      for (const k of BATCH_KEYS) e[`${BATCHES[k].name}（户数）`] = e[`${BATCHES[k].name}（户内人口）`] = e[`${BATCHES[k].name}（逐人分类）`] = 0;
      for (const h of list) {
        const hb = sortBatches(JSON.parse(h.batches));
        const mem = ms.filter((x) => x.household_id === h.id);
        if (hb.length) e['已分类户数']!++;
        for (const k of hb) {
          e[`${BATCHES[k].name}（户数）`]!++;
          e[`${BATCHES[k].name}（户内人口）`]! += mem.length;
        }
        for (const m of mem) {
          e['纳入人数']!++;
          for (const k of sortBatches(JSON.parse(m.batches))) e[`${BATCHES[k].name}（逐人分类）`]!++;
        }
      }
      return e;
    };
    for (const v of villages) expect(stats.find((r) => r['村'] === v.name)).toMatchObject(expected(v.id));
    expect(stats.at(-1)).toMatchObject(expected(null));
    // the figures the fixture set: 01-001 (3 people, 生产就业 + 医疗 for the household; only the spouse 医疗 on her own)
    expect(stats.at(-1)!['医疗救助扶持一批（户数）']).toBe(1);
    expect(stats.at(-1)!['医疗救助扶持一批（户内人口）']).toBe(3);
    expect(stats.at(-1)!['医疗救助扶持一批（逐人分类）']).toBe(1);
    expect(stats.at(-1)!['扶持生产和就业发展一批（户内人口）']).toBe(3);
    expect(stats.at(-1)!['扶持生产和就业发展一批（逐人分类）']).toBe(0);
  });

  it('every sheet: an ID number only where the county needs it (保留户, 清退户, 新纳入户, 申请未通过, 人员明细), masked everywhere else', () => {
    const full = /\d{17}[\dXx]/;
    const withIds = new Set(['保留户', '清退户', '新纳入户', '申请未通过', '人员明细']);
    for (const ws of wb.worksheets) {
      if (withIds.has(ws.name)) continue;
      ws.eachRow((row) => row.eachCell((c) => expect(String(c.value ?? ''), `${ws.name} ${c.address}`).not.toMatch(full)));
    }
    const hit = rows('比对线索').find((r) => r['线索编号'] === 1)!;
    const car = one<{ id_card: string }>('select m.id_card from members m join exclusion_hits x on x.member_id = m.id where x.id = 1');
    expect(hit['成员身份证号']).toBe(`${car.id_card.slice(0, 6)}********${car.id_card.slice(-4)}`);
  });

  it('汇总: the township\'s figures tie to the database', () => {
    const figures = rows('汇总');
    expect(headers('汇总')).toEqual(['类别', '项目', '数量', '单位', '说明']);
    const f = (item: string) => {
      const r = figures.find((x) => x['项目'] === item);
      if (!r) throw new Error(`no figure ${item}`);
      return r['数量'];
    };
    const n = (sql: string) => one<{ n: number }>(sql).n;
    expect(f('复核户数')).toBe(n('select count(*) n from households'));
    expect(f('复核人数')).toBe(n('select count(*) n from members'));
    expect(f('保留户数')).toBe(n("select count(*) n from households where applicant = 0 and status != 'removed'"));
    expect(f('清退户数')).toBe(n("select count(*) n from households where status = 'removed'"));
    expect(f('清退人数')).toBe(n("select count(*) n from members m join households h on h.id = m.household_id where h.status = 'removed'"));
    expect(f('新纳入·县已批准户数')).toBe(n("select count(*) n from households where applicant = 1 and status = 'county_approved'"));
    expect(f('新纳入·待县审批户数')).toBe(n("select count(*) n from households where applicant = 1 and status = 'township_approved'"));
    expect(f('新申请·审核中户数')).toBe(2);
    expect(f('申请未通过户数')).toBe(1);
    expect(f('现纳入户数')).toBe(n("select count(*) n from households where status in ('included', 'county_approved')"));
    // hits by exclusion and by department, dismissed ones
    expect(f('汽车')).toBe(n("select count(*) n from exclusion_hits where exclusion = 'car'"));
    expect(f('个体工商户')).toBe(n("select count(*) n from exclusion_hits where exclusion = 'business'"));
    expect(figures.find((x) => x['项目'] === '个体工商户')!['说明']).toBe('已确认 0，已排除 1，待核实 0');
    expect(f('交管')).toBe(n("select count(*) n from exclusion_hits where department = '交管'"));
    expect(f('工商')).toBe(n("select count(*) n from exclusion_hits where department = '工商'"));
    expect(f('线索总数')).toBe(n('select count(*) n from exclusion_hits'));
    expect(f('已排除')).toBe(n("select count(*) n from exclusion_hits where status = 'dismissed'"));
    expect(f('已确认（清退）')).toBe(n("select count(*) n from exclusion_hits where status = 'confirmed'"));
    expect(f('已导入部门')).toBe(n('select count(distinct department) n from department_lists where active = 1'));
    // helpers and coverage
    expect(f('帮扶责任人')).toBe(n("select count(distinct helper_id) n from households where status in ('included', 'county_approved') and helper_id is not null"));
    expect(f('已落实帮扶户数')).toBe(n("select count(*) n from households where status in ('included', 'county_approved') and helper_id is not null"));
    expect(f('未落实帮扶户数')).toBe(n("select count(*) n from households where status in ('included', 'county_approved') and helper_id is null"));
    expect(f('走访次数')).toBe(n('select count(*) n from helper_visits'));
    expect(f('已制定脱贫规划户数')).toBe(n("select count(*) n from exit_plans p join households h on h.id = p.household_id where h.status in ('included', 'county_approved')"));
    // help cards by step (the furthest step each card reached)
    const inc = "status in ('included', 'county_approved')";
    expect(f('已存档')).toBe(n(`select count(*) n from households where ${inc} and help_card_received_at is not null`));
    expect(f('已回收')).toBe(n(`select count(*) n from households where ${inc} and help_card_received_at is null and help_card_returned_at is not null`));
    expect(f('已填写')).toBe(n(`select count(*) n from households where ${inc} and help_card_received_at is null and help_card_returned_at is null and help_card_filled_at is not null`));
    expect(f('未填写')).toBe(n(`select count(*) n from households where ${inc} and help_card_filled_at is null and help_card_returned_at is null and help_card_received_at is null`));
    // the batches with their three labelled figures
    expect(f('医疗救助扶持一批（户数）')).toBe(1);
    expect(f('医疗救助扶持一批（户内人口）')).toBe(3);
    expect(f('医疗救助扶持一批（逐人分类）')).toBe(1);
    expect(figures.filter((x) => x['类别'] === '五个一批')).toHaveLength(3 * BATCH_KEYS.length);
    // publicity, all-away households, late stages
    expect(f('宣讲次数')).toBe(n('select count(*) n from publicity'));
    expect(f('覆盖人数')).toBe(n('select sum(reached) n from publicity'));
    expect(f('全家外出户数')).toBe(n("select count(*) n from households where all_away = 1 and status not in ('removed', 'rejected')"));
    expect(f('逾期环节')).toBe(rows('环节进度').filter((r) => (r['逾期天数'] as number) > 0).length);
    expect(figures.find((x) => x['项目'] === '逾期环节')!['说明']).toContain('石门村 村“两委”评议、审查复核、资料填报、复核公示：逾期 2 天完成');
  });

  it('逐户表决: each applicant voted by name at its meeting', () => {
    const votes = rows('逐户表决');
    expect(votes).toEqual([
      { 村: '石门村', 会议: '村民代表大会', 日期: '2026-12-11', 户编号: '01-012', 户主姓名: one<{ h: string }>("select head_name h from households where number = '01-012'").h, 实到人数: 25, 同意: 20, 反对: 3, 弃权: 2, 表决结果: '通过', 异议及单独表决: '有人称其家有小汽车，经说明后单独表决' },
    ]);
  });

  it('环节进度: every stage of every village and of the township, its deadline and lateness', () => {
    const stages = rows('环节进度');
    const villages = all<{ id: number; name: string }>('select id, name from villages order by id');
    expect(stages).toHaveLength(villages.length * 2 + 2);
    const campaign = JSON.parse(one<{ c: string }>('select campaign c from townships').c) as { deadlines: Record<string, string> };
    const late = stages.find((r) => r['范围'] === '石门村' && String(r['环节']).startsWith('村“两委”评议'))!;
    expect(late).toMatchObject({ 截止日期: campaign.deadlines.village_evaluation, 完成日期: '2026-12-19', 完成登记人: '杨光明', 逾期天数: 2, 情况: '逾期 2 天完成' });
    expect(stages.find((r) => r['范围'] === '石门村' && r['环节'] === '申请农户资格复审')).toMatchObject({ 完成日期: '2026-12-10', 情况: '按期完成', 逾期天数: 0 });
    // not done in another village, past its deadline on the export day (2026-12-20)
    const open = stages.find((r) => r['范围'] === villages[1]!.name && r['环节'] === '申请农户资格复审')!;
    const days = Math.round((Date.parse('2026-12-20') - Date.parse(campaign.deadlines.qualification_review!)) / 86400_000);
    expect(open).toMatchObject({ 完成日期: '', 逾期天数: days, 情况: `未完成，已逾期 ${days} 天` });
    expect(stages.filter((r) => r['范围'] === '清水乡（乡级）').map((r) => r['环节'])).toEqual(['乡政府办公会审核并公示', '上报县扶贫移民局，乡扶贫办存档']);
  });

  it('比对覆盖 and 比对线索: which departments were imported when, and every hit with its decision and reason', () => {
    const cov = rows('比对覆盖');
    expect(cov.map((r) => r['部门'])).toEqual(['公安', '房管', '财政', '人社', '交管', '工商', '残联', '民政', '住建', '花名册', '合计']);
    expect(cov.find((r) => r['部门'] === '交管')).toMatchObject({ 名单: '已导入', 文件名: 'jiaoguan.xlsx', 行数: 52, 导入次数: 2, 导入时间: '2026-12-17 09:30', 导入人: '周建华', 导入后已比对: '是', 线索数: 1, 已确认: 1 });
    expect(cov.find((r) => r['部门'] === '工商')).toMatchObject({ 名单: '已导入', 线索数: 1, 已排除: 1, 导入后已比对: '是' });
    expect(cov.find((r) => r['部门'] === '公安')).toMatchObject({ 名单: '未导入', 文件名: '', 导入次数: 0 });
    expect(cov.at(-1)).toMatchObject({ 名单: '2/9 个部门已导入', 行数: 61, 线索数: 2, 导入后已比对: '最近比对 2026-12-17 21:31' });
    const hits = rows('比对线索');
    expect(hits).toHaveLength(one<{ n: number }>('select count(*) n from exclusion_hits').n);
    expect(hits.find((r) => r['户编号'] === '01-004')).toMatchObject({ 六个不纳入: '个体工商户', 比对部门: '工商', 处理结果: '已排除', 理由: '已注销多年', 处理人: '周建华' });
    expect(hits.find((r) => r['户编号'] === '01-003')).toMatchObject({ 处理结果: '已确认（清退）', 理由: '经核实车辆登记在户主名下' });
  });

  it('帮扶卡, 帮扶走访 and 脱贫规划: each included household\'s card by step, every visit, every plan or its absence', () => {
    const included = one<{ n: number }>("select count(*) n from households where status in ('included', 'county_approved')").n;
    const cards = rows('帮扶卡');
    expect(cards).toHaveLength(included);
    expect(cards.find((r) => r['户编号'] === '01-002')).toMatchObject({
      当前步骤: '乡扶贫办已存档', 填写人: '冯志刚', 回收人: '杨光明', 存档人: '周建华', 存档时间: '2026-12-18 09:30', 家庭情况: '三口人，房屋安全', 致贫原因: '缺技术', 帮扶措施: '技能培训', 联系方式: '13800001111', 纸质卡照片: 1,
    });
    expect(cards.find((r) => r['户编号'] === '01-001')).toMatchObject({ 当前步骤: '村两委已回收，待交乡扶贫办', 填写人: '', 回收人: '杨光明' });
    expect(cards.filter((r) => r['当前步骤'] === '未填写')).toHaveLength(included - 2);
    const visits = rows('帮扶走访');
    expect(visits).toHaveLength(one<{ n: number }>('select count(*) n from helper_visits').n);
    expect(visits[0]).toMatchObject({ 帮扶责任人: '冯志刚', 村: '石门村', 户编号: '01-001', 走访日期: '2026-12-12', 走访内容: '入户走访，了解就医情况', 佐证份数: 1, 佐证: 'image:img_visit_1#om_visit_1' });
    const plans = rows('脱贫规划');
    expect(plans).toHaveLength(included);
    expect(plans.find((r) => r['户编号'] === '01-001')).toMatchObject({ 规划: '已制定', 脱贫措施: '发展养殖，申请小额信贷', 措施责任人: '冯志刚', 开始日期: '2027-01-01', 完成日期: '2027-12-31', 帮扶责任人: expect.stringContaining('冯志刚') });
    expect(plans.filter((r) => r['规划'] === '未制定')).toHaveLength(included - 1);
  });

  it('政策宣讲 and 全家外出联系: publicity by village and method, each all-away household and its contacts', () => {
    const pub = rows('政策宣讲');
    const byDb = all<{ village: string; method: string; n: number; reached: number }>(
      'select v.name village, p.method, count(*) n, sum(p.reached) reached from publicity p join villages v on v.id = p.village_id group by v.name, p.method',
    );
    expect(pub.slice(0, -1).map((r) => [r['村'], r['宣讲方式'], r['次数'], r['覆盖人数']]).sort()).toEqual(byDb.map((r) => [r.village, r.method, r.n, r.reached]).sort());
    expect(pub.find((r) => r['宣讲方式'] === '群众会')).toMatchObject({ 村: '石门村', 次数: 1, 覆盖人数: 86, 首次日期: '2026-12-15' });
    expect(pub.at(-1)).toMatchObject({ 村: '合计', 次数: 2, 覆盖人数: 98 });
    const away = rows('全家外出联系');
    const list = all<{ number: string; contacted: number }>(
      "select h.number, exists (select 1 from contacts c where c.household_id = h.id) contacted from households h where h.all_away = 1 and h.status not in ('removed', 'rejected') order by h.village_id, h.number",
    );
    expect(away.map((r) => [r['户编号'], r['联系情况']])).toEqual(list.map((h) => [h.number, h.contacted ? '已联系' : '未联系']));
    // 01-003 was contacted but removed: no longer listed
    expect(away.some((r) => r['户编号'] === '01-003')).toBe(false);
  });
});
