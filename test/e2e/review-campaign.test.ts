// One village (石门村) played through the whole campaign from its chat: commands and card actions
// through the signed webhook, replies read back from the fake Feishu server, a moving CST clock.
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { postEnvelope, AT_BOT } from '../support/events';
import { chatDriver, textOf } from '../support/chat';
import { EX, exampleJson } from '../support/example';
import { playVillageToNotice } from '../support/procedure';
import { loadExample } from '../../src/township/seed';
import { makeIdCard } from '../../src/core/idcard';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJobs } from '../../src/jobs/run';
import { memoryLogger } from '../../src/log';
import { gatherCountyReport } from '../../src/report/county';
import { writeArchive, type Manifest } from '../../src/report/archive';

let h: Harness;
let clock = new Date('2026-12-08T01:30:00Z'); // 09:30 CST
const at = (iso: string) => (clock = new Date(iso));
const S = EX.shimen;

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  await loadExample(h.server.d);
});
afterAll(async () => h?.close());

const { say, sayText, press, one, n, sqlite } = chatDriver(() => h, S.chat);
/** Everything that a refusal must leave alone. */
const state = () => ({
  statuses: sqlite().prepare('select number, status from households order by id').all(),
  township: sqlite().prepare('select township_meeting_at, township_meeting_date from townships').all(),
  stages: n('select count(*) n from stage_progress'),
  meetings: n('select count(*) n from meetings'),
  valid: n('select count(*) n from meetings where valid = 1'),
  households: n("select count(*) n from households where status != 'included'"),
  notices: n('select count(*) n from notices'),
  objections: n('select count(*) n from objections where resolved_at is null'),
});

async function refusedUnchanged(run: () => Promise<string>, expected: RegExp | string) {
  const before = state();
  const reply = await run();
  if (typeof expected === 'string') expect(reply).toContain(expected);
  else expect(reply).toMatch(expected);
  expect(state()).toEqual(before);
  return reply;
}

/** A post with a pasted photo and the command (how a late entry brings its evidence). */
async function sayWithPhoto(text: string, openId: string, chatId: string, imageKey: string) {
  const before = h.fake.messages.length;
  const env = postEnvelope({ openId, chatId, paragraphs: [[AT_BOT, { tag: 'text', text: ` ${text}` }], [{ tag: 'img', image_key: imageKey }]] });
  expect((await h.post(env)).status).toBe(200);
  await h.settle();
  const out = h.fake.messages.slice(before);
  return out;
}
const statusOf = (number: string) => one<{ status: string }>('select status from households where number = ?', number).status;
const example = exampleJson();
const openIdOf = (name: string | undefined) => (name ? example.people.find((p) => p.name === name)?.openId : undefined);

/** Applicants of a village awaiting a vote, as the command names them: `<户主> 同意N 反对N …`. */
const tallies = (vid: number, status: string, t = '同意45 反对5') =>
  (sqlite().prepare('select head_name from households where village_id = ? and applicant = 1 and status = ?').all(vid, status) as { head_name: string }[])
    .map((x) => `${x.head_name} ${t}`)
    .join(' ') || t;
const playVillage = (name: string) => playVillageToNotice(h, name);

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
    expect(one('select status, rejected_step from households where number = ?', '01-012')).toEqual({ status: 'rejected', rejected_step: 'qualification_review' });
  });

  it('12-08 refuses the villagers’ assembly before the qualification review is done, naming it', async () => {
    const r = await refusedUnchanged(() => sayText('会议 村民大会 应到100 实到80 同意60 反对10 缺席意见：无缺席', S.cadre), '还不能登记村民大会');
    expect(r).toBe('还不能登记村民大会：上一步“资格复审”尚未完成。请先对每户申请作出结论，再发送“完成 资格复审”。');
    expect(await sayText('完成 资格复审', S.cadre)).toMatch(/^✅ 石门村已完成“申请农户资格复审”（杨光明，12月8日）。$/);
    expect(await sayText('完成 资格复审', S.cadre)).toContain('已于 12月8日 由 杨光明 标记完成');
    expect(statusOf(applicant)).toBe('qualified');
    // once the review is done, no new application and no changed decision strands a household
    await refusedUnchanged(() => sayText('申请 王小二 家中困难', S.cadre), '资格复审已于 12月8日 完成，本次复核不能再登记新的申请');
    await refusedUnchanged(() => sayText('资格 龙学林 通过 已核实无房', S.cadre), '本村资格复审已于 12月8日 完成，结论不能再改');
  });

  it('12-09 refuses meetings that break the rules, out of order or with a bad date, recording nothing', async () => {
    at('2026-12-09T02:00:00Z');
    const low = await refusedUnchanged(() => sayText('会议 村民大会 应到100 实到69 张大山 同意60 反对5', S.cadre), '村民大会记录未登记');
    expect(low).toMatch(/69%.*70%/);
    const over = await refusedUnchanged(() => sayText('会议 村民大会 应到100 实到80 张大山 同意60 反对30', S.cadre), '村民大会记录未登记');
    expect(over).toContain('张大山的申请票数合计 90 票（同意 60、反对 30）多于实到 80 人');
    await refusedUnchanged(() => sayText('会议 村民大会 应到100 实到80 同意60 反对10', S.cadre), '须对每户申请逐户表决，待表决：张大山（石门村-申01）');
    await refusedUnchanged(() => sayText('会议 村民大会 应到100', S.cadre), '请写明应到和实到人数');
    await refusedUnchanged(() => sayText('会议 茶话会 应到10 实到9', S.cadre), '请写明会议类型');
    // order: each meeting names the missing one before it; the notice names the two-committees meeting
    expect(await refusedUnchanged(() => sayText('会议 村民代表大会 应到30 实到28 同意25 反对2', S.cadre), '还不能登记村民代表大会')).toBe(
      '还不能登记村民代表大会：上一步“村民大会”尚未登记。',
    );
    expect(await refusedUnchanged(() => sayText('会议 两委会议 应到7 实到7', S.cadre), '还不能登记两委会议')).toContain('上一步“村民代表大会”尚未登记');
    expect(await refusedUnchanged(() => sayText('公示 开始', S.cadre), '还不能开始村级公示')).toContain('上一步“两委会议”尚未登记');
    expect(await refusedUnchanged(() => sayText('公示 开始 12-01', S.cadre), '还不能开始村级公示')).toContain('两委会议');
    // dates: not in the future, not before the campaign, not before the step it follows
    expect(await refusedUnchanged(() => sayText('会议 村民大会 应到100 实到80 同意60 反对10 12-10', S.cadre), '还没到')).toBe(
      '村民大会记录未登记：村民大会日期 12月10日 还没到，不能预先登记。请在当天或之后登记，并写明实际日期。',
    );
    expect(await refusedUnchanged(() => sayText('会议 村民大会 应到100 实到80 同意60 反对10 12-07', S.cadre), '早于')).toContain('早于本次复核开始日 12月8日');
    const done = await refusedUnchanged(() => sayText('完成 评议公示', S.cadre), '还不能完成');
    expect(done).toMatch(/缺少有效的会议记录：村民大会、村民代表大会、两委会议/);
    expect(done).toContain('村级公示尚未开始');
  });

  it('records the assembly, which counts only when both overseers confirm; the next meeting waits for it', async () => {
    const [cardMsg] = await say('会议 村民大会 应到100 实到80 张大山 同意60 反对10 缺席意见：外出3户电话表示同意', S.cadre);
    const card = JSON.parse(cardMsg!.content);
    expect(card.header.title.content).toBe('村民大会记录（待确认）');
    const text = JSON.stringify(card);
    expect(text).toContain('到会率 80%');
    expect(text).toContain('缺席人员意见：外出3户电话表示同意');
    const uuid = cardMsg!.uuid!;
    expect(one('select valid, card_message_id, date, backfilled from meetings')).toEqual({ valid: 0, card_message_id: uuid, date: '2026-12-09', backfilled: 0 });

    // A village cadre cannot confirm for the overseers.
    const wrong = await press(S.cadre, { a: 'meeting.confirm', m: uuid, as: 'first_secretary' });
    expect(wrong.toast?.type).toBe('error');
    const pc = await press(S.packageCadre, { a: 'meeting.confirm', m: uuid, as: 'package_cadre' });
    expect(pc.toast).toEqual({ type: 'success', content: '已确认。' });
    expect(JSON.stringify(pc.card!.data)).toContain('第一书记到场确认：⬜ 待确认');

    // Not valid yet: the representatives meeting is refused, naming why.
    expect(await refusedUnchanged(() => sayText('会议 村民代表大会 应到30 实到28 同意25 反对2', S.cadre), '还不能登记村民代表大会')).toBe(
      '还不能登记村民代表大会：上一步“村民大会”已登记但尚未有效（须第一书记、驻村干部确认，并有缺席人员意见和决议签字照片，见会议卡片）。',
    );
    // the vote itself is the household's: voted through, it waits for the record to become valid
    expect(statusOf(applicant)).toBe('assembly_passed');

    const photo = await say('', S.cadre, S.chat, {
      messageType: 'image',
      content: JSON.stringify({ image_key: 'img_resolution_1' }),
      parentId: cardMsg!.messageId,
      atBot: false,
    });
    expect(textOf(photo[0]!)).toMatch(/^已将照片附到村民大会（2026-12-09）记录，作为佐证（共 1 份）。/);
    expect(one<{ evidence: string }>('select evidence from meetings').evidence).toContain('image:img_resolution_1');

    const fs = await press(S.firstSecretary, { a: 'meeting.confirm', m: uuid, as: 'first_secretary' });
    expect(fs.toast?.content).toBe('已确认，村民大会记录有效。');
    expect(fs.card!.data.header).toMatchObject({ title: { content: '村民大会记录' }, template: 'green' });
    expect(n('select count(*) n from meetings where valid = 1')).toBe(1);
    expect(statusOf(applicant)).toBe('assembly_passed');
    // a second assembly is not needed
    await refusedUnchanged(() => sayText('会议 村民大会 应到100 实到90 同意80 反对10', S.cadre), '本村已有有效的村民大会记录（12月9日）');

    expect(n("select count(*) n from audit_log where entity = 'meeting' and action = 'confirm'")).toBe(2);
  });

  it('records the representatives meeting from the card form and the two-committees meeting with the signature', async () => {
    // the progress card offers the next meeting only, and says what comes next
    const [pcard] = await say('进度', S.cadre);
    const ptext = JSON.stringify(JSON.parse(pcard!.content));
    expect(ptext).toContain('下一步');
    expect(ptext).toContain('登记村民代表大会');
    expect(ptext).toContain('顺序：资格复审 → 村民大会 → 村民代表大会 → 两委会议 → 村级公示 → 完成评议公示');
    expect(ptext).not.toContain('登记两委会议');

    const form = await press(S.packageCadre, { a: 'meeting.form', kind: 'representatives', hs: ['石门村-申01'] }, { eligible: '30', present: '28', for_0: '25', against_0: '2' });
    expect(form.toast?.content).toBe('已提交，结果见群消息。');
    const rep = h.fake.messages.at(-1)!;
    expect(JSON.parse(rep.content).header.title.content).toBe('村民代表大会记录（待确认）'); // package cadre confirmed by recording it
    await press(S.firstSecretary, { a: 'meeting.confirm', m: rep.uuid, as: 'first_secretary' });
    expect(statusOf(applicant)).toBe('representatives_passed');

    const [tc] = await say('会议 两委会议 应到7 实到7', S.firstSecretary);
    const tcUuid = tc!.uuid!;
    await press(S.packageCadre, { a: 'meeting.confirm', m: tcUuid, as: 'package_cadre' });
    expect(n("select count(*) n from meetings where kind = 'two_committees' and valid = 1")).toBe(0);
    // the notice waits for the signed minutes
    expect(await refusedUnchanged(() => sayText('公示 开始', S.cadre), '还不能开始村级公示')).toBe(
      '还不能开始村级公示：上一步“两委会议”已登记但尚未有效（须第一书记、驻村干部确认，驻村干部和乡干部签字，见会议卡片）。',
    );
    const signed = await press(S.packageCadre, { a: 'meeting.confirm', m: tcUuid, as: 'package_cadre_sign' });
    expect(signed.toast?.content).toBe('已确认。'); // a township cadre's signature is still missing
    // the office signs its opinion in the minutes from its own account; a village cadre cannot
    expect((await press(S.cadre, { a: 'meeting.township_sign', m: tcUuid })).toast?.type).toBe('error');
    const office = await press(EX.office, { a: 'meeting.township_sign', m: tcUuid });
    expect(office.toast).toEqual({ type: 'success', content: '已签字，两委会议记录有效。' });
    expect(JSON.stringify(office.card!.data)).toContain('乡干部签署意见：周建华');
    expect(n('select count(*) n from meetings where valid = 1')).toBe(3);
    expect(statusOf(applicant)).toBe('evaluated');
    expect(await sayText('资料 已填报', S.cadre)).toBe('已登记：石门村复核资料已填报（杨光明）。');
  });

  it('12-10 runs the notice from the typed date, never before the meeting; an open objection blocks completion', async () => {
    at('2026-12-10T01:10:00Z');
    expect(await refusedUnchanged(() => sayText('公示 开始 12-08', S.cadre), '早于两委会议（12月9日）')).toBe(
      '石门村村级公示未开始：石门村村级公示日期 12月8日 早于两委会议（12月9日），顺序不对，请核对日期。',
    );
    await refusedUnchanged(() => sayText('公示 开始 12-11', S.cadre), '还没到');
    expect(await sayText('公示 开始 12-09', S.cadre)).toContain('石门村村级公示从 12月9日 开始，须满 7 天，至 12月15日 期满。');
    expect(one('select start_date, backfilled from notices')).toEqual({ start_date: '2026-12-09', backfilled: 0 });
    expect(statusOf(applicant)).toBe('on_notice');
    expect(await sayText('公示 开始', S.cadre)).toBe('石门村村级公示已于 12月9日 开始，至 12月15日 期满。');
    await refusedUnchanged(() => sayText('会议 两委会议 应到7 实到7', S.cadre), '村级公示已于 12月9日 开始，不能再登记两委会议');
    expect(await sayText('公示 异议 01-003 家里有小汽车', S.cadre)).toMatch(/^已登记第 1 号异议（01-003 .+）：家里有小汽车/);

    at('2026-12-14T02:00:00Z');
    const early = await refusedUnchanged(() => sayText('完成 评议公示', S.cadre), '尚未期满');
    expect(early).toContain('还有 1 条公示异议未处理：第 1 号');

    at('2026-12-15T02:00:00Z');
    await refusedUnchanged(() => sayText('完成 评议公示', S.cadre), '第 1 号');
    expect(await sayText('公示 处理 1 经核实车辆已于2025年转让', S.cadre)).toBe('第 1 号异议已处理：经核实车辆已于2025年转让');
  });

  it('12-15 completes the village evaluation from the card button and answers with the updated card', async () => {
    const r = await press(S.cadre, { a: 'stage.complete', stage: 'village_evaluation' });
    expect(r.toast).toEqual({ type: 'success', content: '已标记完成' });
    const cardText = JSON.stringify(r.card!.data);
    expect(cardText).toContain('✅ **村“两委”评议、审查复核、资料填报、复核公示**　已完成（12月15日，杨光明）');
    expect(cardText).not.toContain('逾期');
    expect(textOf(h.fake.messages.at(-1)!)).toBe('✅ 石门村已完成“村“两委”评议、审查复核、资料填报、复核公示”（杨光明，12月15日）。');
    expect(statusOf(applicant)).toBe('passed_notice');
    expect(one('select days_late from stage_progress where stage = ? and village_id = (select id from villages where name = ?)', 'village_evaluation', '石门村')).toEqual({ days_late: 0 });
    const again = await press(S.cadre, { a: 'stage.complete', stage: 'village_evaluation' });
    expect(again.toast?.type).toBe('error');
  });
});

describe('the other villages, a late entry and a late stage', () => {
  it('a meeting entered more than two days after it was held needs a photo and is marked 后补登记', async () => {
    at('2026-12-09T01:00:00Z');
    for (const name of ['高坡村', '清水村', '河坝村', '新寨村', '龙井村']) await playVillage(name);
    // 岩脚村 finished its qualification review on 12-09, and enters its assembly of 12-09 only on 12-12
    const Y = EX.yanjiao;
    const yid = one<{ id: number }>('select id from villages where name = ?', '岩脚村').id;
    const open = sqlite().prepare('select number from households where village_id = ? and applicant = 1 and qualification is null').all(yid) as { number: string }[];
    for (const x of open) await sayText(`资格 ${x.number} 通过 符合条件`, Y.packageCadre, Y.chat);
    expect(await sayText('完成 资格复审', Y.packageCadre, Y.chat)).toMatch(/^✅/);
    at('2026-12-12T02:00:00Z');
    const line = `会议 村民大会 应到60 实到50 ${tallies(yid, 'qualified')} 12-09 无缺席`;
    const r = await refusedUnchanged(() => sayText(line, Y.packageCadre, Y.chat), '后补登记');
    expect(r).toBe(
      '村民大会记录未登记：村民大会日期 12月9日，今天（12月12日）才登记，已超过 2 天，属于后补登记：须附佐证照片。请把这条命令和照片放在同一条消息里发送（在输入框粘贴照片后输入命令）。',
    );
    const [cardMsg] = await sayWithPhoto(line, Y.packageCadre, Y.chat, 'img_yanjiao_assembly');
    expect(JSON.stringify(JSON.parse(cardMsg!.content))).toContain('12月9日（后补登记，12月12日登记）');
    expect(one('select date, backfilled, evidence from meetings where village_id = ? and kind = ?', yid, 'villagers_assembly')).toMatchObject({
      date: '2026-12-09',
      backfilled: 1,
    });
    expect(one<{ evidence: string }>('select evidence from meetings where village_id = ?', yid).evidence).toContain('image:img_yanjiao_assembly');
    const audit = one<{ after: string }>("select after from audit_log where entity = 'meeting' and entity_id like '岩脚村/villagers_assembly/%'");
    expect(JSON.parse(audit.after)).toMatchObject({ 后补登记: true, enteredOn: '2026-12-12', date: '2026-12-09' });
    await press(Y.firstSecretary, { a: 'meeting.confirm', m: cardMsg!.uuid, as: 'first_secretary' }, undefined, Y.chat);

    const [pcard] = await say('进度', Y.cadre, Y.chat);
    expect(JSON.stringify(JSON.parse(pcard!.content))).toContain('后补登记**：村民大会 12月9日（后补登记，12月12日登记）');

    for (const text of [`会议 村民代表大会 应到20 实到18 ${tallies(yid, 'assembly_passed', '同意17 反对1')}`, '会议 两委会议 应到7 实到7']) {
      const [c] = await say(text, Y.packageCadre, Y.chat);
      await press(Y.firstSecretary, { a: 'meeting.confirm', m: c!.uuid, as: 'first_secretary' }, undefined, Y.chat);
      if (text.includes('两委会议')) await press(EX.office, { a: 'meeting.township_sign', m: c!.uuid }, undefined, Y.chat);
    }
    expect(n('select count(*) n from meetings where village_id = ? and valid = 1', yid)).toBe(3);
    await sayText('资料 已填报', Y.packageCadre, Y.chat);
    expect(await sayText('公示 开始', Y.packageCadre, Y.chat)).toContain('岩脚村村级公示从 12月12日 开始，须满 7 天，至 12月18日 期满。');
  });

  it('12-16 the five villages complete on time; 12-18 岩脚村 completes a day late, and the lateness is kept', async () => {
    at('2026-12-16T02:00:00Z');
    for (const name of ['高坡村', '清水村', '河坝村', '新寨村', '龙井村']) {
      const v = example.villages.find((x) => x.name === name)!;
      expect(await sayText('完成 评议公示', openIdOf(v.packageCadre)!, v.chatId!)).toMatch(/^✅/);
    }
    at('2026-12-18T02:00:00Z');
    const r = await sayText('完成 评议公示', EX.yanjiao.packageCadre, EX.yanjiao.chat);
    expect(r).toBe('✅ 岩脚村已完成“村“两委”评议、审查复核、资料填报、复核公示”（张敏，12月18日）。\n⚠️ 截止日为 12月17日，逾期 1 天完成，已记录。');
    expect(one("select days_late from stage_progress where stage = 'village_evaluation' and village_id = (select id from villages where name = '岩脚村')")).toEqual({ days_late: 1 });
    const [pcard] = await say('进度', EX.yanjiao.cadre, EX.yanjiao.chat);
    expect(JSON.stringify(JSON.parse(pcard!.content))).toContain('🔴逾期 1 天完成');
    const [tcard] = await say('进度', EX.office, EX.leadersChat);
    expect(JSON.stringify(JSON.parse(tcard!.content))).toContain('✅逾期1天完成');
  });
  it('the digest, the county report and the archive show the late stage and the late entry', async () => {
    // the digest at 18:05 CST on 12-18, from the scheduled jobs
    at('2026-12-18T10:10:00Z');
    const before = h.fake.messages.length;
    await runJobs(h.server.d, clock, memoryLogger());
    await h.settle();
    const digest = h.fake.messages.slice(before).map((m) => m.content).join('\n');
    expect(digest).toContain('每日复核进度');
    expect(digest).toContain('评议公示 ✅逾期1天完成');
    expect(digest).toContain('📝 后补登记：村民大会 12月9日（后补登记，12月12日登记）');
    const report = await gatherCountyReport(h.server.d, 'qingshui', clock);
    expect(report.villages.find((v) => v.village === '岩脚村')!.evaluationDone).toBe('2026-12-18（逾期 1 天）');
    expect(report.meetings.find((m) => m.village === '岩脚村' && m.kind === '村民大会')!.date).toBe('2026-12-09（后补登记，2026-12-12登记）');
    const dir = mkdtempSync(join(tmpdir(), 'late-archive-'));
    await writeArchive(h.server.d, 'qingshui', join(dir, 'a'), { now: clock, actor: 'test' });
    const manifest = JSON.parse(readFileSync(join(dir, 'a', 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.lateStages).toEqual([{ village: '岩脚村', stage: 'village_evaluation', stageName: '村“两委”评议、审查复核、资料填报、复核公示', doneOn: '2026-12-18', daysLate: 1 }]);
  });
});

describe('the township gates', () => {
  const importList = (department: string, at: number) =>
    sqlite()
      .prepare("insert into department_lists (township_id, department, file_name, rows, active, imported_by, imported_at) values ((select id from townships), ?, ?, 0, 1, 'test', ?)")
      .run(department, `${department}.csv`, at);

  it('refuses 乡审核 and the township meeting listing exactly what is missing', async () => {
    at('2026-12-18T03:00:00Z');
    await refusedUnchanged(() => sayText('完成 乡审核', S.cadre, EX.leadersChat), '由乡扶贫办标记完成');
    sqlite().prepare("delete from stage_progress where stage = 'village_evaluation' and village_id in (select id from villages where name in ('龙井村', '新寨村'))").run();
    importList('公安', clock.getTime());
    const r = await refusedUnchanged(() => sayText('完成 乡审核', EX.office, EX.leadersChat), '还不能完成乡审核');
    expect(r).toBe(
      '还不能完成乡审核：2 个村未完成评议公示（新寨村、龙井村）；缺 8 个部门名单（房管、财政、人社、交管、工商、残联、民政、住建）；乡政府办公会审核尚未登记；乡级公示尚未开始。',
    );
    const m = await refusedUnchanged(() => sayText('乡会议 12-18', EX.office, EX.leadersChat), '还不能登记乡政府办公会审核');
    expect(m).toBe('还不能登记乡政府办公会审核：2 个村未完成评议公示（新寨村、龙井村）；缺 8 个部门名单（房管、财政、人社、交管、工商、残联、民政、住建）。');
    await refusedUnchanged(() => sayText('公示 开始', EX.office, EX.leadersChat), '上一步“乡政府办公会审核”尚未登记');
  });

  it('then wants the cross-check after the last import and every hit decided', async () => {
    for (const name of ['新寨村', '龙井村']) {
      const v = example.villages.find((x) => x.name === name)!;
      expect(await sayText('完成 评议公示', openIdOf(v.packageCadre)!, v.chatId!)).toMatch(/逾期 1 天完成/);
    }
    for (const d of ['房管', '财政', '人社', '交管', '工商', '残联', '民政', '住建']) importList(d, clock.getTime());
    expect(await refusedUnchanged(() => sayText('乡会议 12-18', EX.office, EX.leadersChat), '尚未比对')).toBe('还不能登记乡政府办公会审核：尚未比对（发送“比对”）。');
    await say('比对', EX.office, EX.leadersChat);
    // a list imported after the run needs another one
    at('2026-12-18T04:00:00Z');
    sqlite().prepare("update department_lists set active = 0 where department = '交管'").run();
    importList('交管', clock.getTime() + 1);
    expect(await refusedUnchanged(() => sayText('乡会议 12-18', EX.office, EX.leadersChat), '重新比对')).toContain('最近一次导入部门名单后尚未重新比对');
    at('2026-12-18T05:00:00Z');
    await say('比对', EX.office, EX.leadersChat);
    const open = n("select count(*) n from exclusion_hits where status = 'open'");
    if (open > 0) {
      expect(await refusedUnchanged(() => sayText('乡会议 12-18', EX.office, EX.leadersChat), '比对疑点未处理')).toContain(`${open} 条比对疑点未处理`);
      for (const { id } of sqlite().prepare("select id from exclusion_hits where status = 'open'").all() as { id: number }[]) {
        const out = (await say(`核查 排除 ${id} 经核实系登记错误`, EX.office, EX.leadersChat)).map(textOf);
        expect(out.some((t) => t.includes(`已排除线索 #${id}`))).toBe(true);
      }
    }
  });

  it('keeps the typed date of the township meeting (乡会议 12-18 sent on 12-19)', async () => {
    at('2026-12-19T01:30:00Z');
    await refusedUnchanged(() => sayText('乡会议 12-15', EX.office, EX.leadersChat), '早于最后一个村完成评议公示之日（12月18日）');
    expect(await sayText('乡会议 12-18', EX.office, EX.leadersChat)).toBe('已登记乡政府办公会审核（12月18日）。下一步：公示 开始（乡级公示）。');
    expect(one('select township_meeting_date from townships')).toEqual({ township_meeting_date: '2026-12-18' });
    expect(JSON.parse(one<{ after: string }>("select after from audit_log where entity = 'township_meeting'").after)).toMatchObject({ date: '2026-12-18' });
    await refusedUnchanged(() => sayText('公示 开始 12-17', EX.office, EX.leadersChat), '早于乡政府办公会（12月18日）');
    expect(await sayText('公示 开始', EX.office, EX.leadersChat)).toContain('清水乡乡级公示从 12月19日 开始');
    expect(await sayText('完成 乡审核', EX.office, EX.leadersChat)).toMatch(/^✅ 清水乡已完成“乡政府办公会审核并公示”/);
    expect(statusOf('石门村-申01')).toBe('township_approved');
  });

  it('refuses 县批准 before the township notice ran its period, and for a household with an open hit', async () => {
    const r = await refusedUnchanged(() => sayText('县批准 石门村-申01', EX.office, EX.leadersChat), '还不能登记');
    expect(r).toBe('还不能登记 石门村-申01 张大山 县批准：乡级公示至 12月25日 期满，尚未期满。');
    at('2026-12-25T02:00:00Z');
    const hid = one<{ id: number }>("select id from households where number = '石门村-申01'").id;
    const mid = one<{ id: number }>('select id from members where household_id = ?', hid).id;
    sqlite()
      .prepare(
        "insert into exclusion_hits (township_id, household_id, member_id, exclusion, department, evidence_key, status, found_at) values ((select id from townships), ?, ?, 'car', '交管', 'test-car', 'open', ?)",
      )
      .run(hid, mid, clock.getTime());
    const hit = await refusedUnchanged(() => sayText('县批准 石门村-申01', EX.office, EX.leadersChat), '比对疑点未处理');
    expect(hit).toMatch(/^还不能登记 石门村-申01 张大山 县批准：本户有 1 条比对疑点未处理（线索 #\d+）。$/);
    sqlite().prepare("update exclusion_hits set status = 'dismissed', reason = 'test' where evidence_key = 'test-car'").run();
    // the approval's date (kept as typed) and document number (文号); a date before the notice ran its period or in the future is refused
    await refusedUnchanged(() => sayText('县批准 石门村-申01 12-24 某扶移〔2026〕15号', EX.office, EX.leadersChat), '早于乡级公示期满日');
    await refusedUnchanged(() => sayText('县批准 石门村-申01 12-26 某扶移〔2026〕15号', EX.office, EX.leadersChat), '还没到');
    expect(await sayText('县批准 石门村-申01 12-25 某扶移〔2026〕15号', EX.office, EX.leadersChat)).toBe('石门村-申01 张大山 已登记为县批准新纳入（12月25日批准，文号：某扶移〔2026〕15号）。');
    expect(statusOf('石门村-申01')).toBe('county_approved');
    expect(one("select county_approval_date d, county_approval_doc doc from households where number = '石门村-申01'")).toEqual({ d: '2026-12-25', doc: '某扶移〔2026〕15号' });
    const report = await gatherCountyReport(h.server.d, 'qingshui', clock);
    expect(report.households.find((x) => x.number === '石门村-申01')).toMatchObject({ countyApproval: '2026-12-25', countyApprovalDoc: '某扶移〔2026〕15号' });
  });

  it('the county report stage waits for the exported, submitted and archived report', async () => {
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

  it('leaves no household stranded: each one waits for a step still to come, or is final', async () => {
    const rows = sqlite().prepare('select h.number, h.status, v.name from households h join villages v on v.id = h.village_id').all() as { number: string; status: string }[];
    const { strandedBy, isHouseholdStatus } = await import('../../src/core/household-flow');
    for (const r of rows) {
      expect(isHouseholdStatus(r.status)).toBe(true);
      // every village finished its part and the township its review
      expect(strandedBy(r.status, { qualification_review: true, villagers_assembly: true, representatives: true, two_committees: true, village_notice: true, village_evaluation: true, township_review: true })).toBeNull();
    }
  });
});
