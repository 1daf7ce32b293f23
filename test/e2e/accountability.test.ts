// 追责 after the close (DESIGN §7), through the real server, the Lark SDK and the fake Feishu:
// every wrongly identified household found after the campaign closed — a new cross-check hit,
// an office removal, an inspection the committee confirms, a hit still open at the close —
// reaches the discipline committee's chat as one card with its 识别责任人, once; the committee
// records 处理结果 on the card or by text (audited, re-recorded, refused when wrong); inspections
// record kind, village, household, person, finding and action.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { chatDriver } from '../support/chat';
import { EX } from '../support/example';
import { loadExample } from '../../src/township/seed';
import { cli, exampleRoster, writeCsv } from '../crosscheck/support';

// the example campaign closes on 2026-12-20
const DURING = new Date('2026-12-15T10:00:00+08:00');
const AFTER_CLOSE_EARLY = new Date('2026-12-21T08:30:00+08:00');
const AFTER_CLOSE = new Date('2026-12-21T09:10:00+08:00');
const CUTOFF = new Date('2026-12-21T00:00:00+08:00').getTime();

let h: Harness;
let clock = DURING;
const chat = chatDriver(() => h, EX.leadersChat);
const { say, sayText, press, one, n } = chat;

interface CardJson {
  header: { title: { content: string } };
  body: { elements: Record<string, unknown>[] };
}
const cardsToCommittee = () =>
  h.fake.messages
    .filter((m) => m.receiveId === EX.inspectorsChat && m.msgType === 'interactive')
    .map((m) => JSON.parse(m.content) as CardJson)
    .filter((c) => c.header.title.content.startsWith('追责：'));
const textOfCard = (c: unknown) => JSON.stringify(c);
const member = async (no: string, i = 0) => (await exampleRoster()).find((x) => x.householdNo === no)!.members[i]!;
const owner = (no: string) => one<{ o: string }>('select identification_owner as o from households where number = ?', no).o;
const hid = (no: string) => one<{ id: number }>('select id from households where number = ?', no).id;

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  await loadExample(h.server.d);
});
afterAll(async () => h?.close());

describe('findings after the close reach the committee as cards', () => {
  it('during the campaign: hits, a removal and a confirmed inspection are not flagged', async () => {
    const m = await member('01-005');
    expect((await cli(h.config.DATABASE_PATH, 'import', 'department', '财政', writeCsv([[m.idCard, m.name, '财政供养', '县林业局', '']]))).code).toBe(0);
    await say('比对', EX.office);
    await say('清退 01-003 有汽车', EX.office);
    const reply = await sayText('明察 石门村 01-006 住房已翻新未申报 确认识别错误', EX.inspector, EX.inspectorsChat);
    expect(reply).toContain('复核工作尚未结束：请乡扶贫办核实后按“清退”处理');
    expect(cardsToCommittee()).toEqual([]);
    expect(n('select count(*) as n from accountability')).toBe(0);
    expect(n(`select count(*) as n from exclusion_hits where status = 'open'`)).toBeGreaterThan(0);
  });

  it('(b) an office removal after the close: one card with the household, the reason and the 识别责任人', async () => {
    clock = AFTER_CLOSE_EARLY;
    const before = cardsToCommittee().length;
    const out = await say('清退 02-001 经暗访发现家有小汽车', EX.office);
    const cards = cardsToCommittee().slice(before);
    expect(cards).toHaveLength(1);
    const c = textOfCard(cards[0]);
    const head = await member('02-001');
    expect(cards[0]!.header.title.content).toBe(`追责：岩脚村 02-001 ${head.name}（乡扶贫办清退）`);
    expect(c).toContain(`**编号**　清退${hid('02-001')}`);
    expect(c).toContain(`02-001 户主 ${head.name}（${head.idCard.slice(0, 6)}********${head.idCard.slice(-4)}）`);
    expect(c).not.toContain(head.idCard);
    expect(c).toContain('**发现**　经暗访发现家有小汽车');
    expect(c).toContain(`**识别责任人**　${owner('02-001')}`);
    expect(out.some((m) => m.content.includes('已连同识别责任人报乡纪委'))).toBe(true);
    // the hits still open at the close are not flagged before 09:05
    expect(n(`select count(*) as n from accountability where source = 'open_hit'`)).toBe(0);
  });

  it('(a) a new cross-check hit after the close: one card 新比对疑点', async () => {
    const m = await member('01-004');
    expect((await cli(h.config.DATABASE_PATH, 'import', 'department', '工商', writeCsv([[m.idCard, m.name, '个体工商户', '蒋记农资店', '2026-01-05']]))).code).toBe(0);
    const before = cardsToCommittee().length;
    await say('比对', EX.office);
    const cards = cardsToCommittee().slice(before);
    expect(cards).toHaveLength(1);
    const c = textOfCard(cards[0]);
    const hit = one<{ id: number }>(`select e.id from exclusion_hits e join households h on h.id = e.household_id where h.number = '01-004' and e.department = '工商'`);
    expect(cards[0]!.header.title.content).toContain('（新比对疑点）');
    expect(c).toContain(`**编号**　疑点${hit.id}`);
    expect(c).toContain('石门村');
    expect(c).toContain('个体工商户——工商名单第 2 行：个体工商户 蒋记农资店（2026-01-05）');
    expect(c).toContain(`**识别责任人**　${owner('01-004')}`);
    expect(c).not.toContain(m.idCard);
    // a second 比对 sends nothing again
    await say('比对', EX.office);
    expect(cardsToCommittee()).toHaveLength(before + 1);
  });

  it('(c) an inspection confirmed as a wrong identification after the close: recorded with all fields, one card 督查确认', async () => {
    const before = cardsToCommittee().length;
    // the answer, and the card, both in the committee's chat
    const out = await say('暗访 石门村 01-007 家有小汽车未申报 人员：王磊 措施：已报乡扶贫办清退 确认识别错误', EX.inspector, EX.inspectorsChat);
    expect(out).toHaveLength(2);
    const reply = JSON.parse(out.find((m) => m.msgType === 'text')!.content).text as string;
    expect(reply).toContain('已记录暗访：石门村 01-007');
    expect(reply).toContain('追责卡片已发到纪委群');
    const i = one<Record<string, unknown>>(`select * from inspections where kind = '暗访'`);
    expect(i).toMatchObject({
      kind: '暗访',
      village_id: one<{ id: number }>(`select id from villages where name = '石门村'`).id,
      household_id: hid('01-007'),
      person: '王磊',
      finding: '家有小汽车未申报',
      action: '已报乡扶贫办清退',
      wrong_identification: 1,
      recorded_by: EX.inspector,
    });
    const cards = cardsToCommittee().slice(before);
    expect(cards).toHaveLength(1);
    const c = textOfCard(cards[0]);
    expect(cards[0]!.header.title.content).toContain('01-007');
    expect(cards[0]!.header.title.content).toContain('（督查确认）');
    expect(c).toContain(`**编号**　督查${i.id}`);
    expect(c).toContain('暗访发现：家有小汽车未申报；涉及人员：王磊；措施：已报乡扶贫办清退');
    expect(c).toContain(`**识别责任人**　${owner('01-007')}`);
  });

  it('(d) the hits still open at the close: one card each on the day after, once (the job run twice)', async () => {
    clock = AFTER_CLOSE;
    const open = chat
      .sqlite()
      .prepare(
        `select e.id, h.number from exclusion_hits e join households h on h.id = e.household_id
          where e.status = 'open' and e.found_at < ? and h.status in ('included', 'county_approved') order by e.id`,
      )
      .all(CUTOFF) as { id: number; number: string }[];
    expect(open.length).toBeGreaterThanOrEqual(2);
    expect(open.some((x) => x.number === '01-005')).toBe(true);
    const before = cardsToCommittee().length;
    await h.server.jobs(clock);
    await h.settle();
    await h.server.jobs(clock);
    await h.settle();
    const cards = cardsToCommittee().slice(before);
    expect(cards).toHaveLength(open.length);
    for (const x of open) {
      const c = cards.find((k) => textOfCard(k).includes(`**编号**　疑点${x.id}`));
      expect(c, `card of hit ${x.id}`).toBeDefined();
      expect(c!.header.title.content).toContain(`${x.number} `);
      expect(c!.header.title.content).toContain('（结束时未处理的疑点）');
      expect(textOfCard(c)).toContain(`**识别责任人**　${owner(x.number)}`);
    }
    const rows = chat.sqlite().prepare(`select source, count(*) as n from accountability group by source order by source`).all();
    expect(rows).toEqual([
      { source: 'hit', n: 1 },
      { source: 'inspection', n: 1 },
      { source: 'open_hit', n: open.length },
      { source: 'removal', n: 1 },
    ]);
    // a later day flags nothing again
    await h.server.jobs(new Date('2026-12-22T09:10:00+08:00'));
    await h.settle();
    expect(cardsToCommittee()).toHaveLength(before + open.length);
  });
});

describe('the committee records 处理结果', () => {
  const removal = () => ({ s: 'removal', sid: hid('02-001') });
  const row = () => one<Record<string, unknown>>(`select outcome, outcome_note, outcome_by, outcome_at from accountability where source = 'removal'`);
  const audits = () => n(`select count(*) as n from audit_log where entity = 'accountability'`);

  it('on the card: the form, then the card shows the outcome, who and when; audited', async () => {
    const form = await press(EX.inspector, { a: 'acc.form', ...removal() }, undefined, EX.inspectorsChat);
    const formCard = JSON.stringify(form.card);
    expect(formCard).toContain('"tag":"form"');
    for (const o of ['约谈', '通报', '免职', '党纪政纪处分', '其他']) expect(formCard).toContain(`"value":"${o}"`);
    const r = await press(EX.inspector, { a: 'acc.outcome', ...removal() }, { outcome: '约谈', note: '已约谈村支书和识别责任人' }, EX.inspectorsChat);
    expect(r.toast).toEqual({ type: 'success', content: '已记录处理结果：约谈。' });
    const shown = JSON.stringify(r.card);
    expect(shown).toContain('处理结果**　约谈：已约谈村支书和识别责任人（陈静，12月21日 09:10）');
    expect(shown).toContain('修改处理结果');
    expect(row()).toEqual({ outcome: '约谈', outcome_note: '已约谈村支书和识别责任人', outcome_by: EX.inspector, outcome_at: AFTER_CLOSE.getTime() });
    const a = one<{ action: string; before: string | null; after: string }>(`select action, before, after from audit_log where entity = 'accountability' order by id desc limit 1`);
    expect(a.action).toBe('record_outcome');
    expect(a.before).toBeNull();
    expect(JSON.parse(a.after)).toEqual({ outcome: '约谈', note: '已约谈村支书和识别责任人', via: 'card' });
  });

  it('by text, again: the outcome changes, the change audited with what it was', async () => {
    const reply = await sayText(`处理 清退${hid('02-001')} 通报 全乡通报批评`, EX.inspector, EX.inspectorsChat);
    expect(reply).toContain('的处理结果：通报：全乡通报批评。（原为：约谈：已约谈村支书和识别责任人');
    expect(row()).toMatchObject({ outcome: '通报', outcome_note: '全乡通报批评', outcome_by: EX.inspector });
    const a = one<{ action: string; before: string; after: string }>(`select action, before, after from audit_log where entity = 'accountability' order by id desc limit 1`);
    expect(a.action).toBe('change_outcome');
    expect(JSON.parse(a.before)).toMatchObject({ outcome: '约谈', note: '已约谈村支书和识别责任人' });
    expect(JSON.parse(a.after)).toEqual({ outcome: '通报', note: '全乡通报批评', via: 'text' });
  });

  it('refuses a non-inspector and bad values in Chinese, changing nothing', async () => {
    const was = row();
    const count = audits();
    const office = await press(EX.office, { a: 'acc.outcome', ...removal() }, { outcome: '免职', note: '' }, EX.inspectorsChat);
    expect(office.toast?.type).toBe('error');
    expect(office.toast?.content).toContain('只有乡纪委');
    const bad = await press(EX.inspector, { a: 'acc.outcome', ...removal() }, { outcome: '罚款', note: '' }, EX.inspectorsChat);
    expect(bad.toast).toEqual({ type: 'error', content: '处理结果只能是：约谈、通报、免职、党纪政纪处分、其他。' });
    const other = await press(EX.inspector, { a: 'acc.outcome', ...removal() }, { outcome: '其他' }, EX.inspectorsChat);
    expect(other.toast?.content).toContain('选“其他”时请写明处理结果');
    const long = await press(EX.inspector, { a: 'acc.outcome', ...removal() }, { outcome: '其他', note: '长'.repeat(301) }, EX.inspectorsChat);
    expect(long.toast?.content).toContain('说明');
    expect(long.toast?.content).toContain('300');
    const stale = await press(EX.inspector, { a: 'acc.outcome', s: 'removal', sid: 999999 }, { outcome: '约谈' }, EX.inspectorsChat);
    expect(stale.toast?.content).toBe('找不到这件追责事项，请发送“追责”查看。');
    const code = `清退${hid('02-001')}`;
    expect(await sayText(`处理 ${code} 罚款`, EX.inspector, EX.inspectorsChat)).toContain('处理结果只能是：约谈、通报、免职、党纪政纪处分、其他。');
    expect(await sayText(`处理 ${code} 其他`, EX.inspector, EX.inspectorsChat)).toContain('选“其他”时请写明处理结果');
    expect(await sayText('处理 清退999999 约谈', EX.inspector, EX.inspectorsChat)).toBe('没有编号为 清退999999 的追责事项。发送“追责”查看。');
    expect(await sayText('处理 abc 约谈', EX.inspector, EX.inspectorsChat)).toContain('“abc”不是追责编号');
    expect(await sayText('处理', EX.inspector, EX.inspectorsChat)).toContain('用法：处理 <编号>');
    expect(await sayText(`处理 ${code} 免职`, EX.office, EX.inspectorsChat)).toContain('只有乡纪委');
    expect(row()).toEqual(was);
    expect(audits()).toBe(count);
  });

  it('追责 lists the findings still without an outcome, with their 编号', async () => {
    const text = await sayText('追责', EX.inspector, EX.inspectorsChat);
    const total = n('select count(*) as n from accountability');
    expect(text).toContain(`复核结束后发现的识别错误共 ${total} 件，已处理 1 件，待处理 ${total - 1} 件。`);
    expect(text).not.toContain(`清退${hid('02-001')} `);
    const insp = one<{ id: number }>(`select id from inspections where kind = '暗访'`);
    expect(text).toContain(`• 督查${insp.id} 石门村 01-007 户主`);
    expect(text).toContain(`识别责任人：${owner('01-007')}`);
  });
});

describe('inspections', () => {
  const shimen = () => one<{ id: number }>(`select id from villages where name = '石门村'`).id;
  const ref = () => ({ k: 'overdue', v: String(shimen()), s: 'qualification_review', d: '2026-12-11' });

  it('the alert card’s 记录督查 form has kind, household, person, finding, action and 确认识别错误', async () => {
    const r = await press(EX.inspector, { a: 'alert.inspect_form', ...ref() }, undefined, EX.inspectorsChat);
    const c = JSON.stringify(r.card);
    for (const name of ['"name":"kind"', '"name":"household"', '"name":"person"', '"name":"finding"', '"name":"action"', '"tag":"checker"', '"name":"wrong"']) {
      expect(c).toContain(name);
    }
  });

  it('records every field from the form (household by head name); a wrong identification there goes to accountability too', async () => {
    const head = await member('01-008');
    const before = cardsToCommittee().length;
    const r = await press(
      EX.inspector,
      { a: 'alert.inspect', ...ref() },
      { kind: '明察', household: head.name, person: '杨光明', finding: '未入户核实收入', action: '责令重新核实', wrong: true },
      EX.inspectorsChat,
    );
    expect(r.toast?.type).toBe('success');
    expect(r.toast?.content).toContain('已记为识别错误');
    expect(JSON.stringify(r.card)).toContain('明察：未入户核实收入（确认识别错误）；措施：责令重新核实');
    const i = one<Record<string, unknown>>(`select * from inspections where finding = '未入户核实收入'`);
    expect(i).toMatchObject({ kind: '明察', village_id: shimen(), household_id: hid('01-008'), person: '杨光明', action: '责令重新核实', wrong_identification: 1 });
    expect(cardsToCommittee().slice(before)).toHaveLength(1);
    expect(n(`select count(*) as n from accountability where source = 'inspection' and source_id = ?`, i.id)).toBe(1);
  });

  it('refuses an unknown household, a wrong identification without one, and a missing finding, recording nothing', async () => {
    const count = n('select count(*) as n from inspections');
    const unknown = await press(EX.inspector, { a: 'alert.inspect', ...ref() }, { household: '查无此人', finding: '某问题' }, EX.inspectorsChat);
    expect(unknown.toast?.content).toContain('石门村没有户编号或户主为“查无此人”的户');
    const noHousehold = await press(EX.inspector, { a: 'alert.inspect', ...ref() }, { finding: '某问题', wrong: true }, EX.inspectorsChat);
    expect(noHousehold.toast?.content).toBe('确认识别错误时请填写户编号或户主姓名。');
    const empty = await press(EX.inspector, { a: 'alert.inspect', ...ref() }, { kind: '明察' }, EX.inspectorsChat);
    expect(empty.toast?.content).toBe('请填写督查发现。');
    expect(await sayText('暗访 石门村 确认识别错误 家有小汽车', EX.inspector, EX.inspectorsChat)).toContain('确认识别错误须写明是哪一户');
    expect(await sayText('暗访 无此村 家有小汽车', EX.inspector, EX.inspectorsChat)).toContain('本乡没有“无此村”');
    expect(await sayText('暗访 石门村', EX.inspector, EX.inspectorsChat)).toContain('请写明暗访发现的问题');
    expect(await sayText('明察 石门村 走访', EX.office, EX.inspectorsChat)).toContain('只有乡纪委');
    expect(n('select count(*) as n from inspections')).toBe(count);
  });

  it('a head name shared by two households of the village gets the list to choose from, by text and on the form, recording nothing', async () => {
    const head = await member('01-009');
    const h0 = one<Record<string, unknown>>(`select township_id, village_id, updated_at from households where number = '01-009'`);
    chat
      .sqlite()
      .prepare(`insert into households (township_id, village_id, number, head_name, status, updated_at) values (?, ?, '01-099', ?, 'included', ?)`)
      .run(h0.township_id, h0.village_id, head.name, h0.updated_at);
    const count = n('select count(*) as n from inspections');
    const reply = await sayText(`暗访 石门村 ${head.name} 家有小汽车 确认识别错误`, EX.inspector, EX.inspectorsChat);
    expect(reply).toContain(`石门村有 2 户户主叫“${head.name}”，请改用户编号：`);
    expect(reply).toContain('01-009');
    expect(reply).toContain('01-099');
    const r = await press(EX.inspector, { a: 'alert.inspect', ...ref() }, { household: head.name, finding: '某问题' }, EX.inspectorsChat);
    expect(r.toast?.content).toContain(`石门村有 2 户户主叫“${head.name}”`);
    expect(n('select count(*) as n from inspections')).toBe(count);
    chat.sqlite().prepare(`delete from households where number = '01-099'`).run();
  });

  it('a 明察 by text without a household; 督办 still works', async () => {
    const reply = await sayText('明察 岩脚村 公示栏未张贴名单 措施：当场责令张贴', EX.inspector, EX.inspectorsChat);
    expect(reply).toBe('已记录明察：岩脚村\n发现：公示栏未张贴名单\n措施：当场责令张贴');
    expect(one(`select kind, household_id, person, action, wrong_identification from inspections where finding = '公示栏未张贴名单'`)).toEqual({
      kind: '明察',
      household_id: null,
      person: null,
      action: '当场责令张贴',
      wrong_identification: 0,
    });
    expect(await sayText('督办 清水村 资格复审未开展，已约谈村支书', EX.inspector, EX.inspectorsChat)).toContain('已记录对 清水村 的督查：资格复审未开展，已约谈村支书');
    expect(one(`select kind, household_id from inspections where finding = '资格复审未开展，已约谈村支书'`)).toEqual({ kind: null, household_id: null });
  });
});

describe('the county report: 督查 and 追责', () => {
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'acc-report-')), 'report.xlsx');
    const r = await cli(h.config.DATABASE_PATH, 'export', 'report', out, '--at', '2026-12-22T10:00:00+08:00');
    expect(r.code, r.err).toBe(0);
    wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
  });
  const rowsOf = (name: string) => {
    const ws = wb.getWorksheet(name)!;
    const hs = (ws.getRow(2).values as unknown[]).slice(1) as string[];
    const out: Record<string, unknown>[] = [];
    for (let r = 3; r <= ws.rowCount; r++) {
      const vals = ws.getRow(r).values as unknown[];
      out.push(Object.fromEntries(hs.map((x, i) => [x, vals[i + 1] ?? ''])));
    }
    return { ws, hs, out };
  };

  it('追责: one row per finding, with its source, household (ID masked), finding, 识别责任人 and outcome, as in the database', () => {
    const { ws, hs, out } = rowsOf('追责');
    expect(hs).toEqual(['编号', '来源', '村', '户编号', '户主姓名', '户主身份证号', '发现的问题', '识别责任人', '报送时间', '处理结果', '处理说明', '登记人', '登记时间']);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    for (let c = 1; c <= hs.length; c++) expect(ws.getColumn(c).width).toBeGreaterThan(0);
    const db = chat
      .sqlite()
      .prepare(
        `select a.source, a.source_id, a.finding, a.identification_owner, a.outcome, a.outcome_note, h.number, h.head_name, v.name as village,
                (select id_card from members m where m.household_id = h.id and m.relation = 'head') as head_id
           from accountability a join households h on h.id = a.household_id join villages v on v.id = a.village_id order by a.found_at, a.id`,
      )
      .all() as Record<string, string | number | null>[];
    expect(out).toHaveLength(db.length);
    const SOURCES: Record<string, [string, string]> = { hit: ['新比对疑点', '疑点'], open_hit: ['结束时未处理的疑点', '疑点'], removal: ['乡扶贫办清退', '清退'], inspection: ['督查确认', '督查'] };
    db.forEach((a, i) => {
      const [name, prefix] = SOURCES[a.source as string]!;
      const id = String(a.head_id ?? '');
      expect(out[i]).toMatchObject({
        编号: `${prefix}${a.source_id}`,
        来源: name,
        村: a.village,
        户编号: a.number,
        户主姓名: a.head_name,
        发现的问题: a.finding,
        识别责任人: a.identification_owner ?? '',
        处理结果: a.outcome ?? '未处理',
        处理说明: a.outcome_note ?? '',
      });
      expect(out[i]!['户主身份证号']).toBe(id ? `${id.slice(0, 6)}********${id.slice(-4)}` : '');
    });
    const removal = out.find((r) => r['来源'] === '乡扶贫办清退')!;
    expect(removal).toMatchObject({ 处理结果: '通报', 处理说明: '全乡通报批评', 登记人: '陈静', 登记时间: '2026-12-21 09:10' });
  });

  it('督查: every inspection with kind, village, household, person, finding, action and 确认识别错误, as in the database', () => {
    const { ws, hs, out } = rowsOf('督查');
    expect(hs).toEqual(['时间', '方式', '村', '户编号', '户主姓名', '涉及人员', '督查发现', '采取的措施', '确认识别错误', '记录人']);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    const db = chat
      .sqlite()
      .prepare(
        `select i.kind, i.person, i.finding, i.action, i.wrong_identification as wrong, h.number, h.head_name, coalesce(v.name, '乡级') as village
           from inspections i left join households h on h.id = i.household_id left join villages v on v.id = i.village_id order by i.at, i.id`,
      )
      .all() as Record<string, string | number | null>[];
    expect(out).toHaveLength(db.length);
    expect(db.length).toBeGreaterThanOrEqual(5);
    db.forEach((x, i) => {
      expect(out[i]).toMatchObject({
        方式: x.kind ?? '督办',
        村: x.village,
        户编号: x.number ?? '',
        户主姓名: x.head_name ?? '',
        涉及人员: x.person ?? '',
        督查发现: x.finding,
        采取的措施: x.action ?? '',
        确认识别错误: x.wrong ? '是' : '',
        记录人: '陈静',
      });
    });
  });

  it('the archive’s manifest counts the inspections and the findings, and those still without an outcome', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'acc-archive-')), '存档');
    const r = await cli(h.config.DATABASE_PATH, 'archive', dir, '--at', '2026-12-22T11:00:00+08:00');
    expect(r.code, r.err).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { counts: Record<string, number> };
    expect(manifest.counts).toMatchObject({
      inspections: n('select count(*) as n from inspections'),
      accountability: n('select count(*) as n from accountability'),
      accountabilityOpen: n('select count(*) as n from accountability where outcome is null'),
    });
    expect(manifest.counts.accountabilityOpen).toBe(manifest.counts.accountability - 1);
  });
});
