// Helpers (帮扶), help cards, the five-batches classification, exit plans, visits and coverage,
// through the real webhook, the real bot and a real SQLite file.
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { startHarness, type Harness } from '../support/harness';
import { messageEnvelope, cardEnvelope, nextId, postEnvelope, AT_BOT } from '../support/events';
import { EX, exampleJson } from '../support/example';
import { loadExample } from '../../src/township/seed';
import { getTownship } from '../../src/store/township';
import { helperCoverage, villageSnapshots } from '../../src/store/helpers';
import { digestStats } from '../../src/core/planner';
import { runCli } from '../../src/cli/main';

let h: Harness;
afterEach(async () => h?.close());

const ex = exampleJson();
const id = (name: string) => ex.people.find((p) => p.name === name)!.openId!;
const P = {
  feng: { openId: id('冯志刚'), name: '冯志刚' }, // 县交通局: the assisting department of 石门村
  cao: { openId: id('曹敏'), name: '曹敏' }, // 县交通局
  wanglei: { openId: id('王磊'), name: '王磊' }, // 石门村 package cadre, 乡政府
  yang: { openId: id('杨光明'), name: '杨光明' }, // 石门村 village cadre
  ouyang: { openId: id('欧阳芳'), name: '欧阳芳' }, // not a party member
  peng: { openId: id('彭立新'), name: '彭立新' }, // 县农业农村局 (岩脚村's department)
};
const SHIMEN = EX.shimen.chat;

type Extra = Partial<Parameters<typeof messageEnvelope>[0]>;
async function say(text: string, openId: string, chatId: string, extra: Extra = {}) {
  const before = h.fake.messages.length;
  const res = await h.post(messageEnvelope({ text, openId, chatId, ...extra }));
  expect(res.status).toBe(200);
  await h.settle();
  // what the bot said in this chat (private notices are read with privateTo)
  return h.fake.messages
    .slice(before)
    .filter((m) => m.receiveIdType !== 'open_id')
    .map((m) => (m.msgType === 'text' ? (JSON.parse(m.content).text as string) : m.content));
}
const assign = (ref: string, who: { openId: string; name: string }, by: string, tail = '', chatId = SHIMEN) =>
  say(`帮扶 ${ref} @_user_2${tail ? ` ${tail}` : ''}`, by, chatId, { mention: [who] });
async function press(openId: string, chatId: string, value: Record<string, unknown>, form?: Record<string, unknown>) {
  const before = h.fake.messages.length;
  const res = await h.post(cardEnvelope({ openId, chatId, value, ...(form ? { form } : {}) }), '/feishu/card');
  const body = (await res.json()) as { toast?: { type: string; content: string }; card?: { data: Record<string, unknown> } };
  await h.settle();
  const sent = h.fake.messages.slice(before).map((m) => (m.msgType === 'text' ? (JSON.parse(m.content).text as string) : m.content));
  return { body, sent };
}

const sqlite = () => h.server.d.sqlite;
const count = (q: string, ...args: unknown[]) => (sqlite().prepare(q).get(...args) as { n: number }).n;
const hid = (number: string) => (sqlite().prepare('select id from households where number = ?').get(number) as { id: number }).id;
const helperOf = (number: string) =>
  (sqlite().prepare('select p.name from households h left join people p on p.id = h.helper_id where h.number = ?').get(number) as { name: string | null }).name;
const batchesOf = (number: string) => JSON.parse((sqlite().prepare('select batches from households where number = ?').get(number) as { batches: string }).batches);
const memberBatches = (name: string) => JSON.parse((sqlite().prepare('select batches from members where name = ?').get(name) as { batches: string }).batches);
const privateTo = (openId: string) => h.fake.messages.filter((m) => m.receiveIdType === 'open_id' && m.receiveId === openId).map((m) => JSON.parse(m.content).text as string);

async function start() {
  h = await startHarness();
  await loadExample(h.server.d);
}

describe('帮扶: assigning helpers', () => {
  it('enforces the limit: the 6th household is refused for a package cadre, allowed for the office with a recorded reason', async () => {
    await start();
    for (const n of ['01-001', '01-002', '01-003', '01-004', '01-005']) {
      const [r] = await assign(n, P.feng, P.wanglei.openId);
      expect(r).toContain('已安排 冯志刚 帮扶');
    }
    expect(count("select count(*) n from households h join people p on p.id = h.helper_id where p.name = '冯志刚'")).toBe(5);

    const [refused] = await assign('01-006', P.feng, P.wanglei.openId);
    expect(refused).toBe('冯志刚 已帮扶 5 户，达到上限 5 户。只有乡扶贫办可以超限安排（须注明理由），请另选帮扶责任人。');
    // a reason does not help someone who is not the office
    const [still] = await assign('01-006', P.feng, P.wanglei.openId, '超限理由：熟悉情况');
    expect(still).toContain('只有乡扶贫办可以超限安排');
    expect(helperOf('01-006')).toBeNull();

    const [noReason] = await assign('01-006', P.feng, EX.office);
    expect(noReason).toBe('冯志刚 已帮扶 5 户，达到上限 5 户。确需超限的，请注明理由：帮扶 01-006 @冯志刚 超限理由：…');
    expect(helperOf('01-006')).toBeNull();

    const [ok] = await assign('01-006', P.feng, EX.office, '超限理由：本组仅此一名交通局干部');
    expect(ok).toContain('已安排 冯志刚 帮扶 01-006 吴开元（石门村）（现帮扶 6 户）。');
    expect(ok).toContain('超过上限 5 户，理由已记录：本组仅此一名交通局干部');
    const row = sqlite().prepare("select override_reason, flag, assigned_by, source, ended_at from helper_assignments where household_id = ?").get(hid('01-006')) as Record<string, unknown>;
    expect(row.override_reason).toBe('本组仅此一名交通局干部');
    expect(row.flag).toBeNull(); // 县交通局 is 石门村's assisting department
    expect(row.assigned_by).toContain('周建华');
    expect(String(row.source)).toMatch(/^message:/);
    expect(row.ended_at).toBeNull();
    expect(count("select count(*) n from audit_log where entity = 'household_helper' and action = 'assign'")).toBe(6);
    // the limit is shown where it matters
    const [card] = await say('进度', EX.shimen.cadre, SHIMEN);
    expect(card).toContain('帮扶超限 冯志刚（6 户）');
  });

  it('refuses a non-party member, a stranger, a household not included, and people who may not assign', async () => {
    await start();
    const [np] = await assign('01-001', P.ouyang, P.wanglei.openId);
    expect(np).toContain('欧阳芳 未登记为党员，帮扶责任人须为党员干部，请另选。');
    const [stranger] = await assign('01-001', { openId: 'ou_stranger', name: '路人甲' }, P.wanglei.openId);
    expect(stranger).toBe('路人甲 不在本乡人员名单里，不能担任帮扶责任人。请乡扶贫办先登记：角色 @路人甲 帮扶责任人');
    const [applicant] = await assign('01-012', P.feng, P.wanglei.openId);
    expect(applicant).toBe('01-012 龙学林（石门村） 不是已纳入的贫困户，只有已纳入的户才安排帮扶责任人。');
    const [cadre] = await assign('01-001', P.feng, P.yang.openId);
    expect(cadre).toBe('只有乡扶贫办、驻村干部（石门村）可以使用“帮扶”。如需开通，请联系乡扶贫办。');
    // another village's package cadre, privately: the household's village decides
    const [other] = await assign('01-001', P.feng, EX.yanjiao.packageCadre, '', 'oc_p2p_zhangmin');
    expect(other).toBe('只有乡扶贫办、驻村干部（石门村）可以安排帮扶责任人。');
    const [unknown] = await assign('09-999', P.feng, P.wanglei.openId);
    expect(unknown).toContain('石门村没有户编号或户主为“09-999”的户');
    expect(count('select count(*) n from helper_assignments')).toBe(0);
    expect(count("select count(*) n from audit_log where entity = 'household_helper'")).toBe(0);
  });

  it('tells the helper privately with the household summary, IDs masked; flags a helper from outside the assisting department', async () => {
    await start();
    const [r] = await assign('胡学林', P.feng, P.wanglei.openId);
    expect(r).toContain('已安排 冯志刚 帮扶 01-001 胡学林（石门村）（现帮扶 1 户）。');
    expect(r).toContain('已私信通知 冯志刚。');
    const [notice] = privateTo(P.feng.openId);
    expect(notice).toContain('【帮扶任务】王磊 安排你为以下农户的帮扶责任人');
    expect(notice).toContain('石门村 01-001 户主 胡学林，共 3 人');
    expect(notice).toContain('住房：土坯房；区域：一般；致贫原因：因病；电话：13803361386');
    expect(notice).toContain('罗春花（配偶）522630********6783，弱劳动能力，长期慢性病');
    expect(notice).toContain('走访 01-001 <内容>');
    expect(notice).not.toMatch(/\d{17}[\dX]/);
    // the helper may now use the helper commands in the village
    expect(count("select count(*) n from roles r join people p on p.id = r.person_id where p.name = '冯志刚' and r.role = 'helper'")).toBe(1);

    // 彭立新 is from 县农业农村局, not 石门村's 县交通局 and not a 石门村 cadre: assigned, but flagged
    const [flagged] = await assign('01-002', P.peng, P.wanglei.openId);
    expect(flagged).toContain('已安排 彭立新 帮扶 01-002 熊光明（石门村）');
    expect(flagged).toContain('⚠️ 石门村是贫困村，帮扶责任人原则上来自帮扶部门（县交通局）或本村干部；彭立新（县农业农村局）已标记');
    expect((sqlite().prepare('select flag from helper_assignments where household_id = ?').get(hid('01-002')) as { flag: string }).flag).toBe('非帮扶部门（县交通局）或本村干部');
    // a village cadre is expected: no flag
    await assign('01-003', P.yang, P.wanglei.openId);
    expect((sqlite().prepare('select flag from helper_assignments where household_id = ?').get(hid('01-003')) as { flag: string | null }).flag).toBeNull();

    const [mine] = await say('我的帮扶', P.feng.openId, 'oc_p2p_feng', { chatType: 'p2p' });
    expect(mine).toContain('冯志刚，你帮扶 1 户（上限 5 户）：');
    expect(mine).toContain('• 石门村 01-001 胡学林：未分类；帮扶卡未填写；走访 0 次');
  });

  it('reassigns: ends the old assignment, tells both, and is audited', async () => {
    await start();
    await assign('01-001', P.feng, P.wanglei.openId);
    const [same] = await assign('01-001', P.feng, P.wanglei.openId);
    expect(same).toBe('冯志刚 已是 01-001 胡学林（石门村） 的帮扶责任人，无需重复安排。');
    const [r] = await assign('01-001', P.cao, P.wanglei.openId);
    expect(r).toContain('已将 01-001 胡学林（石门村） 的帮扶责任人由 冯志刚 改为 曹敏（现帮扶 1 户）。');
    expect(r).toContain('已私信通知 曹敏 和 冯志刚。');
    expect(helperOf('01-001')).toBe('曹敏');
    const rows = sqlite().prepare('select p.name, a.ended_at from helper_assignments a join people p on p.id = a.helper_id where a.household_id = ? order by a.id').all(hid('01-001')) as { name: string; ended_at: number | null }[];
    expect(rows.map((x) => x.name)).toEqual(['冯志刚', '曹敏']);
    expect(rows[0]!.ended_at).not.toBeNull();
    expect(rows[1]!.ended_at).toBeNull();
    expect(privateTo(P.feng.openId).at(-1)).toBe('【帮扶调整】01-001 胡学林（石门村） 的帮扶责任人已由 王磊 改为 曹敏，你不再帮扶该户。请把帮扶资料交给 曹敏。');
    expect(privateTo(P.cao.openId).at(-1)).toContain('【帮扶任务】王磊 安排你为以下农户的帮扶责任人');
    const audit = sqlite().prepare("select before, after from audit_log where entity = 'household_helper' and action = 'reassign'").get() as { before: string; after: string };
    expect(JSON.parse(audit.before).helper).toBe('冯志刚');
    expect(JSON.parse(audit.after).helper).toBe('曹敏');
    const [mine] = await say('我的帮扶', P.feng.openId, 'oc_p2p_feng', { chatType: 'p2p' });
    expect(mine).toBe('冯志刚，你目前没有帮扶户。帮扶责任人由乡扶贫办或驻村干部安排。');
  });

  it('assigns from the card: the list of households without a helper, the form, and a refused choice', async () => {
    await start();
    const [list] = await say('帮扶', P.wanglei.openId, SHIMEN);
    expect(JSON.parse(list!).header.title.content).toBe('石门村 帮扶安排');
    expect(list).toContain('已落实帮扶 0/11 户。未安排 11 户');
    expect(list).toContain('"a":"helper.pick"');
    const picked = await press(P.wanglei.openId, SHIMEN, { a: 'helper.pick', h: hid('01-004') });
    expect(picked.body.toast?.content).toContain('已发出 01-004 蒋应祥（石门村） 的帮扶安排卡片');
    const form = JSON.parse(picked.sent[0]!);
    expect(form.header.title.content).toBe('帮扶安排 · 01-004 蒋应祥（石门村）');
    const text = JSON.stringify(form);
    expect(text).toContain('"a":"helper.assign"');
    expect(text).toContain('冯志刚（县交通局，0/5 户）');
    expect(text).not.toContain('欧阳芳'); // not a party member: never offered
    expect(text).not.toMatch(/\d{17}[\dX]/);

    const fengId = (sqlite().prepare("select id from people where name = '冯志刚'").get() as { id: number }).id;
    const done = await press(P.wanglei.openId, SHIMEN, { a: 'helper.assign', h: hid('01-004') }, { helper: String(fengId), reason: '' });
    expect(done.body.toast).toEqual({ type: 'success', content: '已安排 冯志刚 帮扶 01-004 蒋应祥（石门村）（现帮扶 1 户）。' });
    expect(done.body.card?.data).toBeTruthy();
    expect(JSON.stringify(done.body.card!.data)).toContain('**帮扶责任人**：冯志刚');
    expect(helperOf('01-004')).toBe('冯志刚');
    expect(count("select count(*) n from audit_log where entity = 'household_helper' and source like 'card:%'")).toBe(1);
    expect(privateTo(P.feng.openId)).toHaveLength(1);

    // a village cadre pressing the same form is refused by role
    const refused = await press(P.yang.openId, SHIMEN, { a: 'helper.assign', h: hid('01-005') }, { helper: String(fengId) });
    expect(refused.body.toast?.type).toBe('error');
    expect(refused.body.toast?.content).toContain('只有乡扶贫办、驻村干部');
    expect(helperOf('01-005')).toBeNull();
  });
});

describe('帮扶卡', () => {
  const FORM = { situation: '三口人，户主腿伤，<b>种玉米</b>', causes: '因病', measures: '养牛两头，申请小额信贷', contact: '冯志刚 13800000000' };
  it('three steps, each with who and when: the helper fills the form, the village collects, the office files; refusals change nothing', async () => {
    await start();
    const [noHelper] = await say('帮扶卡 01-001 已回收', P.yang.openId, SHIMEN);
    expect(noHelper).toBe('01-001 胡学林（石门村） 还没有帮扶责任人，无从回收帮扶卡。请先安排：帮扶 01-001 @某人');
    await assign('01-001', P.feng, P.wanglei.openId);
    await assign('01-002', P.feng, P.wanglei.openId);
    // not filled yet: the village cannot collect it
    const [early] = await say('帮扶卡 01-001 已回收', P.yang.openId, SHIMEN);
    expect(early).toBe('01-001 胡学林（石门村） 的帮扶卡帮扶人还没有填写，不能登记回收。请帮扶人先发送：帮扶卡 01-001');
    // the helper opens the card: the form
    const [form] = await say('帮扶卡 01-001', P.feng.openId, SHIMEN);
    expect(form).toContain('"a":"helpcard.fill"');
    expect(form).toContain('**当前步骤**：未填写');
    // another helper may not fill it
    const other = await press(P.cao.openId, SHIMEN, { a: 'helpcard.fill', h: hid('01-001') }, FORM);
    expect(other.body.toast?.type).toBe('error');
    // a field missing, a field too long: refused, nothing written
    const missing = await press(P.feng.openId, SHIMEN, { a: 'helpcard.fill', h: hid('01-001') }, { ...FORM, causes: '' });
    expect(missing.body.toast?.content).toBe('请填写致贫原因。');
    const long = await press(P.feng.openId, SHIMEN, { a: 'helpcard.fill', h: hid('01-001') }, { ...FORM, measures: '很'.repeat(501) });
    expect(long.body.toast?.content).toBe('帮扶措施太长（501 字），请控制在 500 字以内。');
    expect(count('select count(*) n from help_cards')).toBe(0);
    const filled = await press(P.feng.openId, SHIMEN, { a: 'helpcard.fill', h: hid('01-001') }, FORM);
    expect(filled.body.toast?.type).toBe('success');
    const shown = JSON.stringify(filled.body.card?.data);
    expect(shown).toContain('**当前步骤**：已填写，待村两委回收');
    expect(shown).toContain('**家庭情况**：三口人，户主腿伤，&#60;b&#62;种玉米&#60;/b&#62;');
    const card = sqlite().prepare('select situation, causes, measures, contact, filled_by by from help_cards where household_id = ?').get(hid('01-001')) as Record<string, string>;
    expect(card).toMatchObject({ situation: FORM.situation, causes: '因病', measures: FORM.measures, contact: FORM.contact });
    expect(card.by).toContain('冯志刚');

    // step 2: the helper may not collect; the village cadre does
    const [helper] = await say('帮扶卡 01-001 已回收', P.feng.openId, SHIMEN);
    expect(helper).toBe('只有村干部、乡扶贫办（石门村）可以登记帮扶卡回收。');
    const [ok] = await say('帮扶卡 01-001 已回收', P.yang.openId, SHIMEN);
    expect(ok).toBe('已登记 01-001 胡学林（石门村） 的帮扶卡已回收（帮扶人 冯志刚）。石门村帮扶卡已回收 1/11 户。');
    const [again] = await say('帮扶卡 01-001 已回收', P.yang.openId, SHIMEN);
    expect(again).toContain('无需重复登记');
    const [bad] = await say('帮扶卡 01-001 好了', P.yang.openId, SHIMEN);
    expect(bad).toContain('请写明“照片”“已回收”或“已存档”。');
    // collected: the helper can no longer change it
    const late = await press(P.feng.openId, SHIMEN, { a: 'helpcard.fill', h: hid('01-001') }, FORM);
    expect(late.body.toast?.content).toContain('村两委已回收，不能再修改');

    // step 3: the office files it (the village cadre may not)
    const [notOffice] = await say('帮扶卡 01-001 已存档', P.yang.openId, SHIMEN);
    expect(notOffice).toBe('只有乡扶贫办可以登记帮扶卡存档。');
    const [early3] = await say('帮扶卡 01-002 已存档', EX.office, SHIMEN);
    expect(early3).toBe('01-002 熊光明（石门村） 的帮扶卡村两委还没有回收（未填写），不能存档。');
    const [office] = await say('帮扶卡 01-001', EX.office, SHIMEN);
    expect(office).toContain('"a":"helpcard.receive"');
    const received = await press(EX.office, SHIMEN, { a: 'helpcard.receive', h: hid('01-001') });
    expect(received.body.toast?.content).toBe('已登记 01-001 胡学林（石门村） 的帮扶卡交乡扶贫办存档。');
    expect(JSON.stringify(received.body.card?.data)).toContain('**当前步骤**：乡扶贫办已存档');
    const [undo] = await say('帮扶卡 01-001 未回收', EX.office, SHIMEN);
    expect(undo).toBe('01-001 胡学林（石门村） 的帮扶卡乡扶贫办已存档，不能撤销回收。');

    // each step who and when, audited
    const row = sqlite().prepare("select help_card_filled_at f, help_card_filled_by fb, help_card_returned_at r, help_card_returned_by rb, help_card_received_at c, help_card_received_by cb from households where number = '01-001'").get() as Record<string, string | number>;
    expect(row.fb).toContain('冯志刚');
    expect(row.rb).toContain('杨光明');
    expect(row.cb).toContain(EX.office);
    expect(Number(row.f)).toBeGreaterThan(0);
    expect(Number(row.r)).toBeGreaterThan(0);
    expect(Number(row.c)).toBeGreaterThan(0);
    const audited = sqlite().prepare("select action from audit_log where entity = 'help_card' order by id").all() as { action: string }[];
    expect(audited.map((a) => a.action)).toEqual(['fill', 'return', 'receive']);

    // the helper's own card shows the step
    const [mine] = await say('我的帮扶', P.feng.openId, 'oc_p2p_feng', { chatType: 'p2p' });
    expect(mine).toContain('• 石门村 01-001 胡学林：未分类；帮扶卡乡扶贫办已存档；走访 0 次');
    expect(mine).toContain('• 石门村 01-002 熊光明：未分类；帮扶卡未填写；走访 0 次');
  });

  it('a photo of the paper card fills it; the list card and its button; the progress card shows the steps; the undo', async () => {
    await start();
    await assign('01-001', P.feng, P.wanglei.openId);
    await assign('01-002', P.feng, P.wanglei.openId);
    const [noPhoto] = await say('帮扶卡 01-002 照片', P.feng.openId, SHIMEN);
    expect(noPhoto).toBe('请把纸质帮扶卡的照片和“帮扶卡 01-002 照片”放在同一条消息里发送。');
    const before = h.fake.messages.length;
    await h.post(
      postEnvelope({
        openId: P.feng.openId,
        chatId: SHIMEN,
        paragraphs: [[AT_BOT, { tag: 'text', text: ' 帮扶卡 01-002 照片' }], [{ tag: 'img', image_key: 'img_card_1' }]],
      }),
    );
    await h.settle();
    const answer = JSON.parse(h.fake.messages.slice(before).find((m) => m.msgType === 'text')!.content).text as string;
    expect(answer).toBe('已登记 01-002 熊光明（石门村） 的帮扶卡（纸质卡照片）。下一步：村两委回收后发送：帮扶卡 01-002 已回收');
    const photos = JSON.parse((sqlite().prepare('select photos from help_cards where household_id = ?').get(hid('01-002')) as { photos: string }).photos) as string[];
    expect(photos).toHaveLength(1);
    expect(photos[0]).toMatch(/^image:img_card_1#/);

    // the list card: 01-002 waits for the village (button), 01-001 not filled (no button)
    const [list] = await say('帮扶卡', P.yang.openId, SHIMEN);
    expect(list).toContain('**帮扶卡回收** 0/11 户，未回收 11 户');
    expect(list).toContain('帮扶人已填写 1 户 · 村两委已回收 0 户 · 乡扶贫办已存档 0 户');
    expect(list).toContain('01-002 熊光明（帮扶人 冯志刚）：已填写，待村两委回收');
    expect(list).toContain('01-001 胡学林（帮扶人 冯志刚）：未填写');
    expect(list).toContain('"a":"helpcard.return","h":' + hid('01-002'));
    expect(list).not.toContain('"a":"helpcard.return","h":' + hid('01-001') + '}');
    const pressed = await press(EX.office, SHIMEN, { a: 'helpcard.return', h: hid('01-002') });
    expect(pressed.body.toast?.type).toBe('success');
    expect(JSON.stringify(pressed.body.card?.data)).toContain('**帮扶卡回收** 1/11 户');

    const [card] = await say('进度', EX.shimen.cadre, SHIMEN);
    expect(card).toContain('**帮扶卡回收** 1/11');
    expect(card).toContain('**帮扶卡三步** 帮扶人已填写 1 · 村两委已回收 1 · 乡扶贫办已存档 0（未填写 1）');
    expect(card).toContain('帮扶卡未回收 10 户');
    const [undo] = await say('帮扶卡 01-002 未回收', EX.office, SHIMEN);
    expect(undo).toBe('已撤销 01-002 熊光明（石门村） 的帮扶卡回收登记。石门村帮扶卡已回收 0/11 户。');
  });
});

describe('分类: five batches and the two more', () => {
  it('sets stacked labels per household and per member; counts by household and by person differ', async () => {
    await start();
    // a village cadre classifies a household with two labels (stacked)
    const [a] = await say('分类 01-004 生产就业 医疗救助', P.yang.openId, SHIMEN);
    expect(a).toBe('已将 01-004 蒋应祥（石门村） 分类为：生产就业、医疗救助。');
    expect(batchesOf('01-004')).toEqual(['production_employment', 'medical']);
    // one member on their own: the household carries the new label too
    const [b] = await say('分类 01-004 熊桂兰 低保兜底、医疗救助扶持一批', P.yang.openId, SHIMEN);
    expect(b).toContain('已将 01-004 蒋应祥（石门村） 分类为：生产就业、医疗救助、低保兜底。');
    expect(b).toContain('• 熊桂兰：医疗救助、低保兜底');
    expect(b).toContain('（成员的类别 低保兜底 已一并计入本户）');
    expect(memberBatches('熊桂兰')).toEqual(['medical', 'minimum_living']);
    expect(batchesOf('01-004')).toEqual(['production_employment', 'medical', 'minimum_living']);
    // full official name for another household
    const [c] = await say('分类 01-001 移民搬迁安置一批', EX.office, SHIMEN);
    expect(c).toBe('已将 01-001 胡学林（石门村） 分类为：易地搬迁。');

    // 01-001: 3 people, relocation. 01-004: 6 people; 熊桂兰 has her own two labels, the other
    // five count under the household's three.
    const [counts] = await say('分类统计', P.yang.openId, SHIMEN);
    expect(counts).toContain('石门村 五个一批统计（到户到人）：已纳入 11 户 43 人，已分类 2 户，未分类 9 户。');
    // three figures per batch, each labelled: only 熊桂兰 is classified on her own
    expect(counts).toContain('• 生产就业：户数 1 户，户内人口 6 人，逐人分类 0 人');
    expect(counts).toContain('• 易地搬迁：户数 1 户，户内人口 3 人，逐人分类 0 人');
    expect(counts).toContain('• 医疗救助：户数 1 户，户内人口 6 人，逐人分类 1 人');
    expect(counts).toContain('• 低保兜底：户数 1 户，户内人口 6 人，逐人分类 1 人');
    expect(counts).not.toContain('医疗救助：1 户 6 人');

    // the store's per-village figures agree with the digest's township totals
    const t = (await getTownship(h.server.d, 'qingshui'))!;
    const cov = (await helperCoverage(h.server.d, t)).values();
    const shimen = [...cov].find((x) => x.included === 11 && x.batches.classifiedHouseholds === 2)!;
    expect(shimen.batches.byHousehold).toMatchObject({ production_employment: 1, relocation: 1, medical: 1, minimum_living: 1 });
    expect(shimen.batches.inHouseholds).toMatchObject({ production_employment: 6, relocation: 3, medical: 6, minimum_living: 6 });
    expect(shimen.batches.individually).toMatchObject({ production_employment: 0, relocation: 0, medical: 1, minimum_living: 1 });
    const stats = digestStats(await villageSnapshots(h.server.d, t));
    expect(stats.batchesByHousehold).toEqual({ production_employment: 1, relocation: 1, medical: 1, minimum_living: 1 });
    expect(stats.batchesInHouseholds).toEqual({ production_employment: 6, relocation: 3, medical: 6, minimum_living: 6 });
    expect(stats.batchesIndividually).toEqual({ medical: 1, minimum_living: 1 });
    expect(count("select count(*) n from audit_log where entity = 'household_batches'")).toBe(3);
  });

  it('lets the helper of that household classify, and nobody else; refuses unknown labels with the choices', async () => {
    await start();
    await assign('01-002', P.feng, P.wanglei.openId);
    const [mine] = await say('分类 01-002 易地搬迁', P.feng.openId, 'oc_p2p_feng', { chatType: 'p2p' });
    expect(mine).toBe('已将 01-002 熊光明（石门村） 分类为：易地搬迁。');
    // 曹敏 is a helper in 石门村 but not of this household
    const [notMine] = await say('分类 01-002 医疗救助', P.cao.openId, SHIMEN);
    expect(notMine).toBe('只有乡扶贫办、本村村干部或该户的帮扶责任人可以给 01-002 熊光明（石门村） 分类。');
    const [leader] = await say('分类 01-002 医疗救助', EX.leader, SHIMEN);
    expect(leader).toContain('只有乡扶贫办、村干部、帮扶责任人');
    const [unknown] = await say('分类 01-002 养猪', P.yang.openId, SHIMEN);
    expect(unknown).toBe(
      '没有“养猪”这个类别，01-002 熊光明（石门村） 也没有叫“养猪”的成员。类别可选：生产就业、易地搬迁、医疗救助、低保兜底、灾后重建、生态补偿、发展教育。用法：分类 <户> <类别…> 或 分类 <户> <成员名> <类别…>（只写 分类 <户> 则发卡片并给出建议）',
    );
    const [none] = await say('分类 01-002 熊语桐', P.yang.openId, SHIMEN);
    expect(none).toContain('请写明 熊语桐 的类别（可多选）');
    const [applicant] = await say('分类 01-012 生产就业', P.yang.openId, SHIMEN);
    expect(applicant).toContain('不是已纳入的贫困户');
    expect(batchesOf('01-002')).toEqual(['relocation']);
    expect(count("select count(*) n from audit_log where entity = 'household_batches'")).toBe(1);
  });

  it('suggests from the roster with reasons; the suggestion and the form are applied from the card', async () => {
    await start();
    const [card] = await say('分类 蒋应祥', P.yang.openId, SHIMEN);
    const c = JSON.parse(card!);
    expect(c.header.title.content).toBe('五个一批分类 · 01-004 蒋应祥（石门村）');
    const text = JSON.stringify(c);
    expect(text).toContain('易地搬迁：住房为土坯房');
    expect(text).toContain('医疗救助：熊桂兰 大病；蒋文涛 大病');
    expect(text).toContain('低保兜底：熊桂兰 大病；蒋文涛 大病');
    expect(text).toContain('生产就业：蒋应祥、王玉兰、蒋宇航 等 4 人有劳动能力');
    expect(text).toContain('"a":"batches.apply"');
    expect(text).toContain('"tag":"multi_select_static"');
    expect(batchesOf('01-004')).toEqual([]); // a suggestion decides nothing

    const applied = await press(P.yang.openId, SHIMEN, { a: 'batches.apply', h: hid('01-004') });
    expect(applied.body.toast).toEqual({ type: 'success', content: '已将 01-004 蒋应祥（石门村） 分类为：生产就业、易地搬迁、医疗救助、低保兜底。' });
    expect(batchesOf('01-004')).toEqual(['production_employment', 'relocation', 'medical', 'minimum_living']);
    expect(memberBatches('熊桂兰')).toEqual(['relocation', 'medical', 'minimum_living']);
    expect(memberBatches('蒋宇航')).toEqual(['production_employment', 'relocation']);
    expect(JSON.stringify(applied.body.card?.data)).toContain('**当前分类**（到户）：生产就业、易地搬迁、医疗救助、低保兜底');

    // the form: household labels plus one member's own
    const mid = (sqlite().prepare("select id from members where name = '胡学林'").get() as { id: number }).id;
    const set = await press(P.yang.openId, SHIMEN, { a: 'batches.set', h: hid('01-001') }, { batches: ['relocation'], [`m${mid}`]: ['production_employment', 'relocation'] });
    expect(set.body.toast?.type).toBe('success');
    expect(batchesOf('01-001')).toEqual(['production_employment', 'relocation']);
    expect(memberBatches('胡学林')).toEqual(['production_employment', 'relocation']);
    const empty = await press(P.yang.openId, SHIMEN, { a: 'batches.set', h: hid('01-003') }, { batches: [] });
    expect(empty.body.toast).toEqual({ type: 'error', content: '请至少选择一个类别。' });

    // the text shortcut takes the suggestion as well
    const [bySuggestion] = await say('分类 01-011 按建议', P.yang.openId, SHIMEN);
    expect(bySuggestion).toContain('已将 01-011 蒋国强（石门村） 分类为：易地搬迁、低保兜底。');
  });

  it('suggests from the optional roster data too (在校情况, 技能, 务工, 低保, 特困), and the helper is told it', async () => {
    await start();
    // 07-001 of the example roster: 低保 是, all away; the parents with skills working away, children in school
    const [card] = await say('分类 07-001', EX.office, EX.leadersChat);
    const text = JSON.stringify(JSON.parse(card!));
    expect(text).toContain('发展教育：张晓燕 在读中职；张海洋 在读高中');
    expect(text).toContain('生产就业：张建军 有劳动能力、有技能（种植）、外出务工（贵阳）；周凤英 有劳动能力、有技能（厨师）、外出务工（广东东莞）');
    expect(text).toMatch(/低保兜底：[^"]*享受低保/);
    // the helper's notice carries the household's data
    const [ok] = await assign('07-001', P.feng, EX.office, '', EX.leadersChat);
    expect(ok).toContain('已安排 冯志刚 帮扶 07-001 张建军（龙井村）');
    const notice = privateTo(P.feng.openId).join('\n');
    expect(notice).toContain('低保：是；特困：否；人均纯收入：2000 元/年');
    expect(notice).toContain('张建军（户主）522630********9252，有劳动能力，健康，不在校，技能：有（种植），务工：外出（贵阳）');
    expect(notice).toContain('张晓燕（之女）');
    expect(notice).toContain('在校：中职');
  });

  it('answers an ambiguous head name with the households to choose from', async () => {
    await start();
    const v = sqlite().prepare("select id, township_id t from villages where name = '石门村'").get() as { id: number; t: string };
    sqlite().prepare("insert into households (township_id, village_id, number, head_name, status, updated_at) values (?, ?, '01-099', '胡学林', 'included', 0)").run(v.t, v.id);
    const [r] = await say('分类 胡学林 易地搬迁', P.yang.openId, SHIMEN);
    expect(r).toContain('石门村有 2 户户主叫“胡学林”');
    expect(r).toContain('01-001');
    expect(r).toContain('01-099');
    expect(count("select count(*) n from audit_log where entity = 'household_batches'")).toBe(0);
  });
});

describe('规划: the poverty-exit plan', () => {
  it('shows the card with its form and saves from the form', async () => {
    await start();
    await assign('01-001', P.feng, P.wanglei.openId);
    const [card] = await say('规划 01-001', P.feng.openId, SHIMEN);
    const c = JSON.parse(card!);
    expect(c.header.title.content).toBe('脱贫规划 · 01-001 胡学林（石门村）');
    expect(JSON.stringify(c)).toContain('尚未制定脱贫规划');
    expect(JSON.stringify(c)).toContain('"a":"plan.save"');
    expect(JSON.stringify(c)).toContain('"default_value":"冯志刚"');

    const bad = await press(P.feng.openId, SHIMEN, { a: 'plan.save', h: hid('01-001') }, { measures: '养殖', owner: '冯志刚', start: '2027-03-01 +0800', end: '2026-12-10 +0800' });
    expect(bad.body.toast).toEqual({ type: 'error', content: '完成日期 12月10日 早于开始日期 3月1日，请更正。' });
    const ok = await press(
      P.feng.openId,
      SHIMEN,
      { a: 'plan.save', h: hid('01-001') },
      { measures: '发展生猪养殖 10 头；落实慢性病签约服务', owner: '冯志刚', start: '2026-12-10 +0800', end: '2027-06-30 +0800' },
    );
    expect(ok.body.toast).toEqual({ type: 'success', content: '已保存 01-001 胡学林（石门村） 的脱贫规划。' });
    expect(ok.sent[0]).toBe('冯志刚 已制定 01-001 胡学林（石门村） 的脱贫规划：发展生猪养殖 10 头；落实慢性病签约服务（责任人 冯志刚，12月10日 至 6月30日）。');
    const row = sqlite().prepare('select measures, owner, start_date s, end_date e from exit_plans where household_id = ?').get(hid('01-001'));
    expect(row).toEqual({ measures: '发展生猪养殖 10 头；落实慢性病签约服务', owner: '冯志刚', s: '2026-12-10', e: '2027-06-30' });
    expect(count("select count(*) n from audit_log where entity = 'exit_plan' and action = 'create'")).toBe(1);
    // another helper may not
    const other = await press(P.cao.openId, SHIMEN, { a: 'plan.save', h: hid('01-001') }, { measures: 'x', owner: 'y' });
    expect(other.body.toast?.content).toContain('只有乡扶贫办、驻村干部、第一书记、本村村干部或该户的帮扶责任人可以填写');
    expect(count('select count(*) n from exit_plans')).toBe(1);
  });
});

describe('走访 and 帮扶情况', () => {
  it('logs a visit by the helper, attaches photos sent in reply, and reports per-helper activity', async () => {
    await start();
    await assign('01-001', P.feng, P.wanglei.openId);
    await assign('01-002', P.feng, P.wanglei.openId);
    await assign('01-003', P.cao, P.wanglei.openId);
    const cmd = nextId('om');
    const [r] = await say('走访 01-001 入户了解生产情况，送去化肥两袋', P.feng.openId, SHIMEN, { messageId: cmd });
    expect(r).toMatch(/^已记录 \d+月\d+日 对 01-001 胡学林（石门村） 的走访。如有照片或文件，请回复本消息发送，作为佐证。$/);
    const visit = sqlite().prepare('select id, date, content, message_id m, evidence from helper_visits').get() as Record<string, string>;
    expect(visit.content).toBe('入户了解生产情况，送去化肥两袋');
    expect(visit.m).toBe(cmd);
    expect(visit.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const [notHelper] = await say('走访 01-001 顺路看看', P.cao.openId, SHIMEN);
    expect(notHelper).toBe('01-001 胡学林（石门村） 的帮扶责任人是 冯志刚，只有帮扶责任人本人可以登记走访。');
    const [noContent] = await say('走访 01-001', P.feng.openId, SHIMEN);
    expect(noContent).toContain('用法：走访 <户> <内容>');

    // a photo replying to the command, then a file replying to the bot's answer
    const photo = { text: '', atBot: false, messageType: 'image', content: JSON.stringify({ image_key: 'img_v2_visit1' }) };
    const [p1] = await say('', P.feng.openId, SHIMEN, { ...photo, parentId: cmd });
    expect(p1).toMatch(/^已将照片附到 \d+月\d+日 对 01-001 胡学林（石门村） 的走访记录（共 1 份佐证）。$/);
    const botReply = h.fake.messages.find((m) => m.replyTo === cmd)!.messageId;
    const [p2] = await say('', P.feng.openId, SHIMEN, { text: '', atBot: false, messageType: 'file', content: JSON.stringify({ file_key: 'file_v2_x', file_name: '帮扶照片.pdf' }), parentId: botReply });
    expect(p2).toContain('（共 2 份佐证）');
    const ev = JSON.parse((sqlite().prepare('select evidence from helper_visits').get() as { evidence: string }).evidence) as string[];
    expect(ev[0]).toMatch(/^image:img_v2_visit1#om_/);
    expect(ev[1]).toMatch(/^file:file_v2_x:帮扶照片\.pdf#om_/);
    // someone else's photo is not taken as evidence
    const [p3] = await say('', P.cao.openId, SHIMEN, { ...photo, parentId: cmd });
    expect(p3).toContain('只有登记这次走访的帮扶责任人可以补充佐证');
    expect(count("select count(*) n from audit_log where entity = 'helper_visit' and action = 'attach'")).toBe(2);
    expect(count("select count(*) n from audit_log where entity = 'helper_visit' and action = 'visit'")).toBe(1);

    // 帮扶情况: office and inspectors only
    const [refused] = await say('帮扶情况', P.yang.openId, SHIMEN);
    expect(refused).toContain('只有乡扶贫办、乡纪委');
    const [act] = await say('帮扶情况', EX.inspector, EX.inspectorsChat);
    const a = JSON.parse(act!);
    expect(a.header.title.content).toBe('清水乡 帮扶情况');
    const body = JSON.stringify(a);
    expect(body).toContain('帮扶责任人 2 名，帮扶 3 户');
    expect(body).toContain('| 冯志刚 | 县交通局 | 2 | 1 | 熊光明 |');
    expect(body).toContain('| 曹敏 | 县交通局 | 1 | 0 | 谢廷福 |');
    expect(body).toContain('从未走访 2 户');

    // coverage of the village: not visited = with a helper but no visit
    const t = (await getTownship(h.server.d, 'qingshui'))!;
    const vid = (sqlite().prepare("select id from villages where name = '石门村'").get() as { id: number }).id;
    const cov = (await helperCoverage(h.server.d, t, [vid])).get(vid)!;
    expect(cov.notVisited.map((x) => x.number)).toEqual(['01-002', '01-003']);

    // the year-end sheet
    const out = join(mkdtempSync(join(tmpdir(), 'helpers-')), '帮扶情况.xlsx');
    const lines: string[] = [];
    const code = await runCli(['export', 'helpers', out], { DATABASE_PATH: h.config.DATABASE_PATH, VITEST: '1' }, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    expect(code).toBe(0);
    expect(lines.join('\n')).toContain('帮扶责任人 2 名（超限 0 名），已纳入 55 户（未安排帮扶 52 户），走访记录 1 条');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['帮扶责任人', '帮扶户明细', '走访记录']);
    const ws = wb.getWorksheet('帮扶责任人')!;
    // sorted by village, then name in pinyin order: 曹敏 before 冯志刚
    expect((ws.getRow(2).values as unknown[]).slice(1, 6)).toEqual([1, '曹敏', '县交通局', '是', 1]);
    expect((ws.getRow(3).values as unknown[]).slice(1, 6)).toEqual([2, '冯志刚', '县交通局', '是', 2]);
    expect(ws.getRow(3).getCell(11).value).toBe(1); // 走访次数
    expect(String(ws.getRow(3).getCell(14).value)).toBe('01-002 熊光明'); // 从未走访的户
    expect(wb.getWorksheet('走访记录')!.getRow(2).getCell(6).value).toBe('入户了解生产情况，送去化肥两袋');
    expect(wb.getWorksheet('帮扶户明细')!.rowCount).toBe(56);
    const badCode = await runCli(['export', 'helpers', 'out.csv'], { DATABASE_PATH: h.config.DATABASE_PATH, VITEST: '1' }, { out: () => {}, err: () => {} });
    expect(badCode).toBe(2);
  });
});

describe('coverage on the progress card', () => {
  it('shows households without a helper, unclassified, help cards missing, not visited, helpers over the limit', async () => {
    await start();
    const [before] = await say('进度', EX.shimen.cadre, SHIMEN);
    expect(before).toContain('**帮扶落实** 0/11');
    expect(before).toContain('**帮扶缺口** 未安排帮扶 11 户（');
    expect(before).toContain('未分类 11 户；帮扶卡未回收 11 户');
    await assign('01-001', P.feng, P.wanglei.openId);
    await say('分类 01-001 易地搬迁', P.yang.openId, SHIMEN);
    await press(P.feng.openId, SHIMEN, { a: 'helpcard.fill', h: hid('01-001') }, { situation: '三口人', causes: '因病', measures: '养牛', contact: '13800000000' });
    await say('帮扶卡 01-001 已回收', P.yang.openId, SHIMEN);
    const [after] = await say('进度', EX.shimen.cadre, SHIMEN);
    expect(after).toContain('**帮扶落实** 1/11　**五个一批分类** 1/11　**帮扶卡回收** 1/11');
    expect(after).toContain('未安排帮扶 10 户（');
    expect(after).toContain('未分类 10 户；帮扶卡未回收 10 户；未走访 1 户');
    // the figures the digest reads, per village
    const t = (await getTownship(h.server.d, 'qingshui'))!;
    const snaps = await villageSnapshots(h.server.d, t);
    const s = snaps.find((x) => x.village.name === '石门村')!;
    expect(s.helpers).toMatchObject({ included: 11, helpCardsReturned: 1 });
    expect(s.helpers!.withoutHelper).toHaveLength(10);
    expect(s.helpers!.unclassified).toHaveLength(10);
    expect(s.helpers!.helpCardsMissing).toHaveLength(10);
    expect(s.helpers!.notVisited.map((x) => x.number)).toEqual(['01-001']);
    expect(s.helpers!.helpersOverLimit).toEqual([]);
  });
});
