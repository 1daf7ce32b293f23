// Issue 16, "Done when": one campaign of the example township run past its close on the real Node
// server, SQLite file and Lark SDK against the fake Feishu, with a fake clock — the duty reminders
// (village chat, the helper privately, the weekly summary, overdue ones to the committee), the
// deadline reminder and overdue alert of a late village, the helper's work (visit, exit plan, help
// card in three steps), publicity and a contact, the township's review, an office removal after
// the close that reaches the discipline committee as a 追责 card and the outcome it records, the
// county's approval with its date and 文号 — then the county report opened with exceljs and every
// sheet checked against the database.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { chatDriver, textOf } from '../support/chat';
import { EX, exampleJson } from '../support/example';
import { importEmptyLists, playVillageToNotice, playVillagesDone, VILLAGE_NAMES } from '../support/procedure';
import type { SentMessage } from '../support/fake-feishu';
import { loadExample } from '../../src/township/seed';
import { runJobs } from '../../src/jobs/run';
import { cstMidnightUtc, type CalendarDate } from '../../src/core/dates';
import { BATCHES, BATCH_KEYS, sortBatches } from '../../src/core/batches';
import { countyReportFile } from '../../src/report/county';

const at = (date: CalendarDate, hhmm: string): Date => {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  return new Date(cstMidnightUtc(date).getTime() + (hh * 60 + mm) * 60_000);
};
const ex = exampleJson();
const FENG = { openId: ex.people.find((p) => p.name === '冯志刚')!.openId!, name: '冯志刚' };
const SHIMEN = EX.shimen.chat;
/** the village that reports 评议公示 a day late */
const LATE = VILLAGE_NAMES.at(-1)!;
const LATE_V = ex.villages.find((v) => v.name === LATE)!;
const LATE_PC = ex.people.find((p) => p.name === LATE_V.packageCadre)!.openId!;

let h: Harness;
let clock = at('2026-12-07', '08:00');
const procedureClock = { at: (iso: string) => void (clock = new Date(iso)) };
const chat = chatDriver(() => h, SHIMEN);
const { say, sayText, press, one, n } = chat;
const all = <T>(sql: string, ...a: unknown[]) => h.server.d.sqlite.prepare(sql).all(...a) as T[];
/** Sends a message and returns the texts of every answer, one of which must match. */
async function sayOk(text: string, openId: string, chatId: string, expected: string | RegExp) {
  const out = (await say(text, openId, chatId)).map(textOf);
  expect(out.some((t) => (typeof expected === 'string' ? t.includes(expected) : expected.test(t))), `${text} → ${out.join(' | ')}`).toBe(true);
  return out;
}

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  await loadExample(h.server.d);
}, 60_000);
afterAll(async () => h?.close());

const title = (m: SentMessage) => (m.msgType === 'interactive' ? ((JSON.parse(m.content) as { header?: { title: { content: string } } }).header?.title.content ?? '') : '');
const to = (sent: SentMessage[], id: string) => sent.filter((m) => m.receiveId === id);
/** The day's 09:10 jobs, twice: the second run queues nothing. */
async function jobsOn(date: CalendarDate): Promise<SentMessage[]> {
  clock = at(date, '09:10');
  const before = h.fake.messages.length;
  await h.server.tick(clock);
  await h.settle();
  expect((await runJobs(h.server.d, clock, h.log)).queued).toBe(0);
  return h.fake.messages.slice(before);
}
const hid = (number: string) => one<{ id: number }>('select id from households where number = ?', number).id;

describe('a whole campaign, past its close', () => {
  it('12-07 / 12-08: a helper assigned; the first campaign day sends the helper’s weekly summary privately', async () => {
    const r = await say('帮扶 01-001 @_user_2', EX.shimen.packageCadre, SHIMEN, { mention: [FENG] });
    expect(r.map(textOf).join('\n')).toContain('已安排 冯志刚 帮扶 01-001');
    const sent = await jobsOn('2026-12-08');
    const mine = to(sent, FENG.openId);
    expect(mine.map(title)).toEqual(['本周帮扶工作小结']);
    expect(mine[0]!.content).toContain('石门村 01-001 胡学林');
    expect(mine[0]!.content).toContain('未登记走访');
  });

  it('12-08 … 12-16: every village through its notice; all but one complete 评议公示 on 12-16', async () => {
    await playVillageToNotice(h, LATE, procedureClock);
    await playVillagesDone(h, procedureClock, VILLAGE_NAMES.filter((v) => v !== LATE));
    expect(n("select count(*) n from stage_progress where stage = 'village_evaluation'")).toBe(VILLAGE_NAMES.length - 1);
  }, 180_000);

  it('12-16: the helper’s work, publicity, a contact and a classification, each through the chat', async () => {
    clock = at('2026-12-16', '15:00');
    await sayOk('走访 01-001 入户了解就医和收入情况', FENG.openId, SHIMEN, '已记录 12月16日 对 01-001 胡学林（石门村） 的走访');
    const plan = await press(FENG.openId, { a: 'plan.save', h: hid('01-001') }, { measures: '发展养殖，申请小额信贷', owner: '冯志刚', start: '2027-01-01', end: '2027-12-31' });
    expect(plan.toast?.type).toBe('success');
    const card = await press(FENG.openId, { a: 'helpcard.fill', h: hid('01-001') }, { situation: '三口人，住土坯房', causes: '因病', measures: '危房改造，技能培训', contact: '13800001111' });
    expect(card.toast?.type).toBe('success');
    await sayOk('帮扶卡 01-001 已回收', EX.shimen.cadre, SHIMEN, '回收');
    await sayOk('帮扶卡 01-001 已存档', EX.office, SHIMEN, '存档');
    await sayOk('宣传 群众会 80', EX.shimen.cadre, SHIMEN, '80');
    await sayOk('联系 01-003 电话 在浙江务工，知晓复核政策', EX.shimen.cadre, SHIMEN, '01-003');
    await sayOk('分类 01-001 按建议', EX.shimen.cadre, SHIMEN, '已将 01-001 胡学林（石门村） 分类为');
    expect(one<{ s: string }>("select help_card_received_at is not null and help_card_returned_at is not null and help_card_filled_at is not null s from households where number = '01-001'").s).toBe(1);
  });

  it('12-17 (D): the late village is told it is due today; the village chat lists the open duties by household with the people @-mentioned', async () => {
    const sent = await jobsOn('2026-12-17');
    expect(to(sent, LATE_V.chatId!).map(title)).toContain(`今天截止：${LATE}「评议公示」`);
    const duty = to(sent, SHIMEN).filter((m) => title(m) === '帮扶工作提醒：石门村');
    expect(duty).toHaveLength(1);
    expect(duty[0]!.content).toContain('01-002 熊光明');
    expect(duty[0]!.content).toContain(`<at id=${EX.shimen.packageCadre}></at>`);
    expect(duty[0]!.content).not.toMatch(/\d{17}[\dX]/);
    // 01-001's duties are done: its helper gets no reminder
    expect(to(sent, FENG.openId).map(title)).not.toContain('帮扶工作提醒');
  });

  it('12-18 (D+1): the late village and the open duties go to the discipline committee; the village is told too', async () => {
    const sent = await jobsOn('2026-12-18');
    const committee = to(sent, EX.inspectorsChat).map(title);
    expect(committee).toContain(`逾期通报：${LATE}「评议公示」逾期 1 天`);
    expect(committee).toContain('帮扶工作逾期通报：石门村');
    expect(to(sent, LATE_V.chatId!).map(title)).toContain(`逾期：${LATE}「评议公示」已逾期 1 天`);
    expect(to(sent, SHIMEN).map(title)).toContain('帮扶工作逾期：石门村');
    expect(n("select count(*) n from alerts where stage = 'village_evaluation' and date = '2026-12-18'")).toBe(1);
  });

  it('12-18: the late village completes a day late; the township reviews (lists, 比对, hits dismissed, 乡会议, notice)', async () => {
    clock = at('2026-12-18', '10:00');
    await sayOk('完成 评议公示', LATE_PC, LATE_V.chatId!, /^✅/);
    expect(one<{ d: number }>("select days_late d from stage_progress where stage = 'village_evaluation' and village_id = (select id from villages where name = ?)", LATE).d).toBe(1);
    importEmptyLists(h, at('2026-12-18', '10:05').getTime());
    clock = at('2026-12-18', '10:10');
    await say('比对', EX.office, EX.leadersChat);
    for (const { id } of all<{ id: number }>("select id from exclusion_hits where status = 'open'")) {
      await sayOk(`核查 排除 ${id} 经核实系登记错误`, EX.office, EX.leadersChat, `已排除线索 #${id}`);
    }
    await sayOk('乡会议 12-18', EX.office, EX.leadersChat, '已登记乡政府办公会审核（12月18日）');
    await sayOk('公示 开始', EX.office, EX.leadersChat, '乡级公示从 12月18日 开始');
    await sayOk('完成 乡审核', EX.office, EX.leadersChat, /^✅ 清水乡已完成“乡政府办公会审核并公示”/);
  });

  it('12-21, after the close: an office removal reaches the committee as a 追责 card with the 识别责任人; the committee records the outcome', async () => {
    clock = at('2026-12-21', '08:30');
    const out = await say('清退 01-004 经暗访发现家有小汽车', EX.office, EX.leadersChat);
    expect(out.map(textOf).join('\n')).toContain('已连同识别责任人报乡纪委');
    const cards = h.fake.messages.filter((m) => m.receiveId === EX.inspectorsChat && title(m).startsWith('追责：'));
    expect(cards).toHaveLength(1);
    expect(title(cards[0]!)).toMatch(/^追责：石门村 01-004 .+（乡扶贫办清退）$/);
    const owner = one<{ o: string }>("select identification_owner o from households where number = '01-004'").o;
    expect(cards[0]!.content).toContain(`**识别责任人**　${owner}`);
    const code = `清退${hid('01-004')}`;
    clock = at('2026-12-21', '10:00');
    await sayOk(`处理 ${code} 约谈 已约谈识别责任人`, EX.inspector, EX.inspectorsChat, '约谈');
    expect(one('select source, outcome, outcome_note, identification_owner from accountability')).toEqual({ source: 'removal', outcome: '约谈', outcome_note: '已约谈识别责任人', identification_owner: owner });
    // the jobs after the close: no hit was left open, so nothing more for 追责
    await jobsOn('2026-12-22');
    expect(n('select count(*) n from accountability')).toBe(1);
  });

  it('12-25: the county approves an applicant with its date and document number', async () => {
    clock = at('2026-12-25', '10:00');
    const a = one<{ number: string; head_name: string }>("select number, head_name from households where status = 'township_approved' order by number limit 1");
    expect(await sayText(`县批准 ${a.number} 12-25 某扶移〔2026〕15号`, EX.office, EX.leadersChat)).toBe(
      `${a.number} ${a.head_name} 已登记为县批准新纳入（12月25日批准，文号：某扶移〔2026〕15号）。`,
    );
  });
});

describe('the county report of that campaign: every sheet against the database', () => {
  let wb: ExcelJS.Workbook;
  const sheet = (name: string) => wb.getWorksheet(name) ?? (() => { throw new Error(`no sheet ${name}`); })();
  const headers = (name: string) => (sheet(name).getRow(2).values as unknown[]).slice(1) as string[];
  const rows = (name: string) => {
    const ws = sheet(name);
    const hs = headers(name);
    const out: Record<string, unknown>[] = [];
    for (let r = 3; r <= ws.rowCount; r++) {
      const vals = ws.getRow(r).values as unknown[];
      out.push(Object.fromEntries(hs.map((x, i) => [x, vals[i + 1] ?? ''])));
    }
    return out;
  };
  const count = (sql: string, ...a: unknown[]) => n(sql, ...a);
  const INCLUDED = "status in ('included', 'county_approved')";

  beforeAll(async () => {
    clock = at('2026-12-25', '11:00');
    const f = await countyReportFile(h.server.d, one<{ id: string }>('select id from townships').id, clock);
    wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(f.bytes) as unknown as ExcelJS.Buffer);
  });

  it('has every sheet, each with its title, Chinese headers, widths and a frozen header row', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '汇总', '分村汇总', '保留户', '清退户', '新纳入户', '申请未通过', '人员明细', '会议记录', '逐户表决', '公示', '公示异议', '环节进度',
      '比对覆盖', '比对线索', '帮扶责任人', '帮扶卡', '帮扶走访', '脱贫规划', '政策宣讲', '全家外出联系', '五个一批统计', '督查', '追责',
    ]);
    for (const ws of wb.worksheets) {
      expect(ws.views[0], ws.name).toMatchObject({ state: 'frozen', ySplit: 2 });
      expect(String(ws.getRow(1).getCell(1).value)).toMatch(/^某县清水乡2026年度建档立卡扶贫对象复核 — .+（导出 2026-12-25 11:00）$/);
      const hs = headers(ws.name);
      expect(hs.length, ws.name).toBeGreaterThan(0);
      for (const x of hs) expect(x, ws.name).toMatch(/[\u4e00-\u9fff]/);
      for (let c = 1; c <= hs.length; c++) expect(ws.getColumn(c).width, `${ws.name} column ${c}`).toBeGreaterThanOrEqual(6);
    }
  });

  it('full ID numbers only in the sheets the county needs them in; masked everywhere else (督查 and 追责 too)', () => {
    const withIds = new Set(['保留户', '清退户', '新纳入户', '申请未通过', '人员明细']);
    let masked = 0;
    for (const ws of wb.worksheets) {
      if (withIds.has(ws.name)) continue;
      ws.eachRow((row) =>
        row.eachCell((c) => {
          const v = String(c.value ?? '');
          expect(v, `${ws.name} ${c.address}`).not.toMatch(/\d{17}[\dXx]/);
          if (/^\d{6}\*{8}[\dXx]{4}$/.test(v)) masked++;
        }),
      );
    }
    expect(masked).toBeGreaterThan(0);
    expect(String(rows('追责')[0]!['户主身份证号'])).toMatch(/^\d{6}\*{8}[\dXx]{4}$/);
  });

  it('汇总 and 分村汇总 tie the figures to the database', () => {
    const f = (item: string) => rows('汇总').find((r) => r['项目'] === item)?.['数量'];
    expect(f('复核户数')).toBe(count('select count(*) n from households'));
    expect(f('保留户数')).toBe(count("select count(*) n from households where applicant = 0 and status != 'removed'"));
    expect(f('清退户数')).toBe(count("select count(*) n from households where status = 'removed'"));
    expect(f('新纳入·县已批准户数')).toBe(1);
    expect(f('新纳入·待县审批户数')).toBe(count("select count(*) n from households where status = 'township_approved'"));
    expect(f('线索总数')).toBe(count('select count(*) n from exclusion_hits'));
    expect(f('已排除')).toBe(count("select count(*) n from exclusion_hits where status = 'dismissed'"));
    expect(f('已导入部门')).toBe(9);
    expect(f('帮扶责任人')).toBe(count(`select count(distinct helper_id) n from households where ${INCLUDED} and helper_id is not null`));
    expect(f('已落实帮扶户数')).toBe(count(`select count(*) n from households where ${INCLUDED} and helper_id is not null`));
    expect(f('已存档')).toBe(count(`select count(*) n from households where ${INCLUDED} and help_card_received_at is not null`));
    expect(f('未填写')).toBe(count(`select count(*) n from households where ${INCLUDED} and help_card_filled_at is null and help_card_returned_at is null and help_card_received_at is null`));
    expect(f('走访次数')).toBe(1);
    expect(f('已制定脱贫规划户数')).toBe(1);
    expect(f('宣讲次数')).toBe(1);
    // the late village's 评议公示, and 上报存档 still open five days after its deadline (12-20)
    expect(f('逾期环节')).toBe(2);
    const lateNote = String(rows('汇总').find((r) => r['项目'] === '逾期环节')!['说明']);
    expect(lateNote).toContain(`${LATE} 村“两委”评议、审查复核、资料填报、复核公示：逾期 1 天完成`);
    expect(lateNote).toContain('清水乡（乡级） 上报县扶贫移民局，乡扶贫办存档：未完成，已逾期 5 天');
    for (const k of BATCH_KEYS) expect(f(`${BATCHES[k].name}（户数）`)).toBe(count(`select count(*) n from households h, json_each(h.batches) b where h.${INCLUDED} and b.value = ?`, k));
    const villages = rows('分村汇总');
    expect(villages.map((r) => r['村'])).toEqual([...VILLAGE_NAMES, '合计']);
    for (const v of all<{ id: number; name: string }>('select id, name from villages')) {
      const r = villages.find((x) => x['村'] === v.name)!;
      expect(r['复核户数']).toBe(count('select count(*) n from households where village_id = ?', v.id));
      expect(r['现纳入户数']).toBe(count(`select count(*) n from households where village_id = ? and ${INCLUDED}`, v.id));
      expect(r['政策宣讲次数']).toBe(count('select count(*) n from publicity where village_id = ?', v.id));
      expect(r['有效会议数']).toBe(count('select count(*) n from meetings where village_id = ? and valid = 1', v.id));
    }
  });

  it('the household sheets, 人员明细 and 五个一批统计 hold every household and member once', () => {
    expect(rows('保留户')).toHaveLength(count("select count(*) n from households where applicant = 0 and status != 'removed'"));
    const removed = rows('清退户');
    expect(removed).toHaveLength(count("select count(*) n from households where status = 'removed'"));
    expect(removed.find((r) => r['户编号'] === '01-004')).toMatchObject({ 清退原因: '经暗访发现家有小汽车', 原身份: '在册户' });
    const added = rows('新纳入户');
    expect(added).toHaveLength(count("select count(*) n from households where applicant = 1 and status not in ('rejected', 'removed')"));
    const approved = one<{ number: string }>("select number from households where status = 'county_approved'").number;
    expect(added.find((r) => r['户编号'] === approved)).toMatchObject({ 类别: '新纳入·县已批准', 县批准日期: '2026-12-25', 批准文号: '某扶移〔2026〕15号' });
    expect(rows('申请未通过')).toHaveLength(count("select count(*) n from households where status = 'rejected'"));
    expect(rows('人员明细')).toHaveLength(count('select count(*) n from members'));
    const total = rows('五个一批统计').at(-1)!;
    expect(total['纳入户数']).toBe(count(`select count(*) n from households where ${INCLUDED}`));
    const classified = all<{ batches: string; persons: number }>(`select h.batches, (select count(*) from members m where m.household_id = h.id) persons from households h where h.${INCLUDED}`);
    for (const k of BATCH_KEYS) {
      const of = classified.filter((x) => sortBatches(JSON.parse(x.batches)).includes(k));
      expect(total[`${BATCHES[k].name}（户数）`]).toBe(of.length);
      expect(total[`${BATCHES[k].name}（户内人口）`]).toBe(of.reduce((s, x) => s + x.persons, 0));
    }
  });

  it('会议记录, 逐户表决, 公示, 公示异议 and 环节进度: the procedure as recorded', () => {
    const ms = rows('会议记录');
    expect(ms).toHaveLength(count('select count(*) n from meetings') + 1);
    expect(ms.at(-1)).toMatchObject({ 村: '清水乡（乡级）', 会议: '乡政府办公会', 日期: '2026-12-18' });
    // each two-committees meeting with the township cadre's signature
    for (const m of ms.filter((x) => x['会议'] === '两委会议')) expect(m['乡干部签署意见']).not.toBe('');
    const votes = rows('逐户表决');
    const perApplicant = all<{ votes: string }>("select votes from meetings where kind in ('villagers_assembly', 'representatives')").reduce((s, m) => {
      const v = JSON.parse(m.votes ?? 'null');
      return s + (Array.isArray(v) ? v.length : 0);
    }, 0);
    expect(votes).toHaveLength(perApplicant);
    expect(votes.length).toBeGreaterThan(0);
    expect(votes.every((v) => v['表决结果'] === '通过')).toBe(true);
    expect(rows('公示')).toHaveLength(count('select count(*) n from notices'));
    expect(rows('公示异议')).toHaveLength(count('select count(*) n from objections'));
    const stages = rows('环节进度');
    expect(stages).toHaveLength(VILLAGE_NAMES.length * 2 + 2);
    expect(stages.find((r) => r['范围'] === LATE && String(r['环节']).startsWith('村“两委”评议'))).toMatchObject({ 完成日期: '2026-12-18', 逾期天数: 1, 情况: '逾期 1 天完成' });
    expect(stages.filter((r) => (r['逾期天数'] as number) > 0)).toHaveLength(2);
    expect(stages.find((r) => r['环节'] === '上报县扶贫移民局，乡扶贫办存档')).toMatchObject({ 截止日期: '2026-12-20', 完成日期: '', 逾期天数: 5 });
    expect(stages.find((r) => r['环节'] === '乡政府办公会审核并公示')).toMatchObject({ 情况: '按期完成' });
  });

  it('比对覆盖 and 比对线索: every department imported and checked after, every hit dismissed with its reason', () => {
    const cov = rows('比对覆盖');
    for (const r of cov.slice(0, 9)) expect(r, String(r['部门'])).toMatchObject({ 名单: '已导入', 导入后已比对: '是' });
    expect(cov.at(-1)).toMatchObject({ 名单: '9/9 个部门已导入', 线索数: count('select count(*) n from exclusion_hits') });
    const hits = rows('比对线索');
    expect(hits).toHaveLength(count('select count(*) n from exclusion_hits'));
    for (const x of hits) expect(x).toMatchObject({ 处理结果: '已排除', 理由: '经核实系登记错误', 处理人: '周建华' });
    for (const x of hits) expect(String(x['成员身份证号'])).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
  });

  it('帮扶责任人, 帮扶卡, 帮扶走访 and 脱贫规划: the helper’s record', () => {
    expect(rows('帮扶责任人').filter((r) => r['帮扶责任人'] === '冯志刚').map((r) => r['户编号'])).toEqual(['01-001']);
    const cards = rows('帮扶卡');
    expect(cards).toHaveLength(count(`select count(*) n from households where ${INCLUDED}`));
    expect(cards.find((r) => r['户编号'] === '01-001')).toMatchObject({ 当前步骤: '乡扶贫办已存档', 家庭情况: '三口人，住土坯房', 帮扶措施: '危房改造，技能培训', 存档人: '周建华' });
    expect(rows('帮扶走访')).toEqual([expect.objectContaining({ 帮扶责任人: '冯志刚', 户编号: '01-001', 走访日期: '2026-12-16', 走访内容: '入户了解就医和收入情况' })]);
    const plans = rows('脱贫规划');
    expect(plans.filter((r) => r['规划'] === '已制定').map((r) => [r['户编号'], r['脱贫措施'], r['开始日期'], r['完成日期']])).toEqual([['01-001', '发展养殖，申请小额信贷', '2027-01-01', '2027-12-31']]);
  });

  it('政策宣讲 and 全家外出联系: by method, and every all-away household with its contacts', () => {
    expect(rows('政策宣讲')).toEqual([
      { 村: '石门村', 宣讲方式: '群众会', 次数: 1, 覆盖人数: 80, 首次日期: '2026-12-16', 最近日期: '2026-12-16' },
      { 村: '合计', 宣讲方式: '群众会', 次数: 1, 覆盖人数: 80, 首次日期: '2026-12-16', 最近日期: '2026-12-16' },
    ]);
    const away = rows('全家外出联系');
    expect(away).toHaveLength(count("select count(*) n from households where all_away = 1 and status not in ('removed', 'rejected')"));
    expect(away.find((r) => r['户编号'] === '01-003')).toMatchObject({ 联系情况: '已联系', 联系次数: 1 });
    expect(String(away.find((r) => r['户编号'] === '01-003')!['联系记录'])).toContain('电话');
  });

  it('督查 and 追责: the committee’s record, with the outcome', () => {
    expect(rows('督查')).toHaveLength(count('select count(*) n from inspections'));
    const acc = rows('追责');
    expect(acc).toHaveLength(1);
    expect(acc[0]).toMatchObject({ 户编号: '01-004', 发现的问题: '经暗访发现家有小汽车', 处理结果: '约谈', 处理说明: '已约谈识别责任人' });
  });
});
