// One village (石门村) played through the whole campaign from its chat: commands and card actions
// through the signed webhook, replies read back from the fake Feishu server, a moving CST clock.
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { messageEnvelope, cardEnvelope } from '../support/events';
import { EX } from '../support/example';
import { loadExample } from '../../src/township/seed';
import { makeIdCard } from '../../src/core/idcard';

let h: Harness;
let clock = new Date('2026-12-08T01:30:00Z'); // 09:30 CST
const at = (iso: string) => (clock = new Date(iso));
const S = EX.shimen;

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  await loadExample(h.server.d);
});
afterAll(async () => h?.close());

const sqlite = () => h.server.d.sqlite;
const one = <T = Record<string, unknown>>(sql: string, ...args: unknown[]) => sqlite().prepare(sql).get(...args) as T;
const n = (sql: string, ...args: unknown[]) => (sqlite().prepare(sql).get(...args) as { n: number }).n;
/** Everything that a refusal must leave alone. */
const state = () => ({
  stages: n('select count(*) n from stage_progress'),
  meetings: n('select count(*) n from meetings'),
  valid: n('select count(*) n from meetings where valid = 1'),
  households: n("select count(*) n from households where status != 'included'"),
  notices: n('select count(*) n from notices'),
  objections: n('select count(*) n from objections where resolved_at is null'),
});

async function say(text: string, openId: string, chatId = S.chat, extra: Partial<Parameters<typeof messageEnvelope>[0]> = {}) {
  const before = h.fake.messages.length;
  expect((await h.post(messageEnvelope({ text, openId, chatId, ...extra }))).status).toBe(200);
  await h.settle();
  return h.fake.messages.slice(before);
}
const textOf = (m: { msgType: string; content: string }) => (m.msgType === 'text' ? (JSON.parse(m.content).text as string) : m.content);
async function sayText(text: string, openId: string, chatId = S.chat) {
  const out = await say(text, openId, chatId);
  expect(out).toHaveLength(1);
  return textOf(out[0]!);
}
async function press(openId: string, value: Record<string, unknown>, form?: Record<string, unknown>, chatId = S.chat) {
  const res = await h.post(cardEnvelope({ openId, chatId, value, form }), '/feishu/card');
  expect(res.status).toBe(200);
  const body = await res.json();
  await h.settle();
  return body as { toast?: { type: string; content: string }; card?: { type: string; data: Record<string, unknown> } };
}
async function refusedUnchanged(run: () => Promise<string>, expected: RegExp | string) {
  const before = state();
  const reply = await run();
  if (typeof expected === 'string') expect(reply).toContain(expected);
  else expect(reply).toMatch(expected);
  expect(state()).toEqual(before);
  return reply;
}

describe('a village through the whole campaign', () => {
  let applicant = '';

  it('12-08 registers an application and decides qualifications; completion waits for every decision', async () => {
    const id = makeIdCard('522630', '19700101', '123');
    const reply = await sayText(`申请 张大山 ${id} 家中无劳力`, S.cadre);
    expect(reply).toMatch(/^已登记 张大山 的申请，编号 石门村-申01（身份证 522630\*{8}\d{3}[\dX]）/);
    expect(reply).not.toContain(id);
    applicant = '石门村-申01';
    await refusedUnchanged(() => sayText('申请 李四 123456789012345678', S.cadre), '身份证号有误');

    await refusedUnchanged(() => sayText('完成 资格复审', S.cadre), /还有 2 户申请未作资格复审：龙学林、张大山/);
    await refusedUnchanged(() => sayText('资格 01-001 通过', S.cadre), '是在册户，不是申请户');
    await refusedUnchanged(() => sayText('资格 张大山 不通过', S.cadre), '“不通过”须写明理由');
    await refusedUnchanged(() => sayText('资格 张大山 通过', EX.yanjiao.cadre), '只有村干部、第一书记、驻村干部、乡扶贫办（石门村）可以使用“资格”');

    expect(await sayText('资格 张大山 通过 无劳力无收入', S.cadre)).toBe('石门村-申01 张大山：资格复审通过。');
    expect(await sayText('资格 龙学林 不通过 家有商品房', S.cadre)).toBe('01-012 龙学林：资格复审不通过（家有商品房）。');
    expect(await sayText('完成 资格复审', S.cadre)).toMatch(/^✅ 石门村已完成“申请农户资格复审”（杨光明，12月8日）。$/);
    expect(await sayText('完成 资格复审', S.cadre)).toContain('已于 12月8日 由 杨光明 标记完成');
    expect(one('select status from households where number = ?', applicant)).toEqual({ status: 'qualified' });
  });

  it('12-09 refuses meetings that break the rules, naming the rule and the numbers, recording nothing', async () => {
    at('2026-12-09T02:00:00Z');
    const low = await refusedUnchanged(() => sayText('会议 村民大会 应到100 实到69 张大山 同意60 反对5', S.cadre), '村民大会记录未登记');
    expect(low).toMatch(/69%.*70%/);
    const over = await refusedUnchanged(() => sayText('会议 村民大会 应到100 实到80 张大山 同意60 反对30', S.cadre), '村民大会记录未登记');
    expect(over).toContain('张大山的申请票数合计 90 票（同意 60、反对 30）多于实到 80 人');
    await refusedUnchanged(() => sayText('会议 村民大会 应到100 实到80 同意60 反对10', S.cadre), '须对每户申请逐户表决，待表决：张大山（石门村-申01）');
    await refusedUnchanged(() => sayText('会议 村民大会 应到100', S.cadre), '请写明应到和实到人数');
    await refusedUnchanged(() => sayText('会议 茶话会 应到10 实到9', S.cadre), '请写明会议类型');
  });

  it('records the assembly, which counts only when both overseers confirm; a photo reply is its evidence', async () => {
    const [cardMsg] = await say('会议 村民大会 应到100 实到80 张大山 同意60 反对10 缺席意见：外出3户电话表示同意', S.cadre);
    const card = JSON.parse(cardMsg!.content);
    expect(card.header.title.content).toBe('村民大会记录（待确认）');
    const text = JSON.stringify(card);
    expect(text).toContain('到会率 80%');
    expect(text).toContain('缺席人员意见：外出3户电话表示同意');
    const uuid = cardMsg!.uuid!;
    expect(one('select valid, card_message_id from meetings')).toEqual({ valid: 0, card_message_id: uuid });

    // A village cadre cannot confirm for the overseers.
    const wrong = await press(S.cadre, { a: 'meeting.confirm', m: uuid, as: 'first_secretary' });
    expect(wrong.toast?.type).toBe('error');
    const pc = await press(S.packageCadre, { a: 'meeting.confirm', m: uuid, as: 'package_cadre' });
    expect(pc.toast).toEqual({ type: 'success', content: '已确认。' });
    expect(JSON.stringify(pc.card!.data)).toContain('第一书记到场确认：⬜ 待确认');

    // A missing overseer keeps the meeting from counting: completion names it.
    const missing = await refusedUnchanged(() => sayText('完成 评议公示', S.cadre), '还不能完成');
    expect(missing).toMatch(/缺少有效的会议记录：村民大会、村民代表大会、两委会议/);

    const photo = await say('', S.cadre, S.chat, {
      messageType: 'image',
      content: JSON.stringify({ image_key: 'img_resolution_1' }),
      parentId: cardMsg!.messageId,
      atBot: false,
    });
    expect(textOf(photo[0]!)).toMatch(/^已将照片附到村民大会（2026-12-09）记录，作为佐证（共 1 份）。\n尚未生效：\n• 缺少第一书记监督/);
    expect(one<{ evidence: string }>('select evidence from meetings').evidence).toContain('image:img_resolution_1');

    const fs = await press(S.firstSecretary, { a: 'meeting.confirm', m: uuid, as: 'first_secretary' });
    expect(fs.toast?.content).toBe('已确认，村民大会记录有效。');
    expect(fs.card!.data.header).toMatchObject({ title: { content: '村民大会记录' }, template: 'green' });
    expect(n('select count(*) n from meetings where valid = 1')).toBe(1);
    expect(n("select count(*) n from audit_log where entity = 'meeting' and action = 'confirm'")).toBe(2);
  });

  it('records the representatives meeting from the card form and the two-committees meeting with the signature', async () => {
    const form = await press(S.packageCadre, { a: 'meeting.form', kind: 'representatives', hs: ['石门村-申01'] }, { eligible: '30', present: '28', for_0: '25', against_0: '2' });
    expect(form.toast?.content).toBe('已提交，结果见群消息。');
    const rep = h.fake.messages.at(-1)!;
    expect(JSON.parse(rep.content).header.title.content).toBe('村民代表大会记录（待确认）'); // package cadre confirmed by recording it
    await press(S.firstSecretary, { a: 'meeting.confirm', m: rep.uuid, as: 'first_secretary' });

    const [tc] = await say('会议 两委会议 应到7 实到7', S.firstSecretary);
    const tcUuid = tc!.uuid!;
    await press(S.packageCadre, { a: 'meeting.confirm', m: tcUuid, as: 'package_cadre' });
    expect(n("select count(*) n from meetings where kind = 'two_committees' and valid = 1")).toBe(0);
    const signed = await press(S.packageCadre, { a: 'meeting.confirm', m: tcUuid, as: 'package_cadre_sign' });
    expect(signed.toast?.content).toBe('已确认。'); // a township cadre's signature is still missing
    // the office signs its opinion in the minutes from its own account; a village cadre cannot
    expect((await press(S.cadre, { a: 'meeting.township_sign', m: tcUuid })).toast?.type).toBe('error');
    const office = await press(EX.office, { a: 'meeting.township_sign', m: tcUuid });
    expect(office.toast).toEqual({ type: 'success', content: '已签字，两委会议记录有效。' });
    expect(JSON.stringify(office.card!.data)).toContain('乡干部签署意见：周建华');
    expect(n('select count(*) n from meetings where valid = 1')).toBe(3);
    expect(one('select status from households where number = ?', applicant)).toEqual({ status: 'evaluated' });
    expect(await sayText('资料 已填报', S.cadre)).toBe('已登记：石门村复核资料已填报（杨光明）。');
  });

  it('12-10 runs the notice: an open objection blocks completion until resolved', async () => {
    at('2026-12-10T01:10:00Z');
    expect(await sayText('公示 开始', S.cadre)).toContain('石门村村级公示从 12月10日 开始，须满 7 天，至 12月16日 期满。');
    expect(one('select status from households where number = ?', applicant)).toEqual({ status: 'on_notice' });
    expect(await sayText('公示 开始', S.cadre)).toBe('石门村村级公示已于 12月10日 开始，至 12月16日 期满。');
    expect(await sayText('公示 异议 01-003 家里有小汽车', S.cadre)).toMatch(/^已登记第 1 号异议（01-003 .+）：家里有小汽车/);

    at('2026-12-15T02:00:00Z');
    const early = await refusedUnchanged(() => sayText('完成 评议公示', S.cadre), '尚未期满');
    expect(early).toContain('还有 1 条公示异议未处理：第 1 号');

    at('2026-12-16T02:00:00Z');
    await refusedUnchanged(() => sayText('完成 评议公示', S.cadre), '第 1 号');
    expect(await sayText('公示 处理 1 经核实车辆已于2025年转让', S.cadre)).toBe('第 1 号异议已处理：经核实车辆已于2025年转让');
  });

  it('12-16 completes the village evaluation from the card button and answers with the updated card', async () => {
    const r = await press(S.cadre, { a: 'stage.complete', stage: 'village_evaluation' });
    expect(r.toast).toEqual({ type: 'success', content: '已标记完成' });
    const cardText = JSON.stringify(r.card!.data);
    expect(cardText).toContain('✅ **村“两委”评议、审查复核、资料填报、复核公示**　已完成（12月16日，杨光明）');
    expect(textOf(h.fake.messages.at(-1)!)).toBe('✅ 石门村已完成“村“两委”评议、审查复核、资料填报、复核公示”（杨光明，12月16日）。');
    expect(one('select status from households where number = ?', applicant)).toEqual({ status: 'passed_notice' });
    const again = await press(S.cadre, { a: 'stage.complete', stage: 'village_evaluation' });
    expect(again.toast?.type).toBe('error');
  });

  it('12-18 the township review: meeting and township notice by the office, then completion', async () => {
    at('2026-12-18T01:30:00Z');
    await refusedUnchanged(() => sayText('完成 乡审核', S.cadre, EX.leadersChat), '由乡扶贫办标记完成');
    const r = await refusedUnchanged(() => sayText('完成 乡审核', EX.office, EX.leadersChat), '还不能完成');
    expect(r).toContain('乡政府办公会审核尚未登记');
    expect(await sayText('乡会议 12-18', EX.office, EX.leadersChat)).toBe('已登记乡政府办公会审核（12月18日）。下一步：公示 开始（乡级公示）。');
    expect(await sayText('公示 开始', EX.office, EX.leadersChat)).toContain('清水乡乡级公示从 12月18日 开始');
    expect(await sayText('完成 乡审核', EX.office, EX.leadersChat)).toMatch(/^✅ 清水乡已完成“乡政府办公会审核并公示”/);
    expect(one('select status from households where number = ?', applicant)).toEqual({ status: 'township_approved' });
    expect(await sayText('县批准 石门村-申01', EX.office, EX.leadersChat)).toBe('石门村-申01 张大山 已登记为县批准新纳入。');
  });

  it('12-20 the county report stage waits for the exported, submitted and archived report', async () => {
    at('2026-12-20T01:30:00Z');
    const r = await refusedUnchanged(() => sayText('完成 上报存档', EX.office, EX.leadersChat), '还不能完成');
    expect(r).toContain('报表尚未导出');
    await refusedUnchanged(() => sayText('上报 已提交', EX.office, EX.leadersChat), '报表还没有导出');
  });

  it('audited every change with who and from which message or card', async () => {
    const rows = sqlite().prepare("select action, source from audit_log where source like 'message:%' or source like 'card:%'").all() as { action: string; source: string }[];
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['apply', 'qualify', 'record', 'confirm', 'sign', 'attach', 'file_data', 'start', 'object', 'resolve', 'complete', 'county_approve']) expect(actions).toContain(a);
    expect(rows.some((r) => r.source.startsWith('card:'))).toBe(true);
  });
});
