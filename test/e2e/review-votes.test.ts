// Per-applicant votes at the 村民大会 and the 村民代表大会 (DESIGN §3.4), through the chat: the
// text command with a tally per household, the progress card's form, an objector's speech and
// separate vote, and a household voted down that leaves as 未通过 and is never carried forward.
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { chatDriver, textOf } from '../support/chat';
import { EX } from '../support/example';
import { loadExample } from '../../src/township/seed';

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
const statusOf = (number: string) => one<{ status: string }>('select status from households where number = ?', number).status;
/** Everything a refused meeting must leave alone. */
const state = () => ({
  meetings: n('select count(*) n from meetings'),
  statuses: sqlite().prepare('select number, status from households order by id').all(),
  audit: n('select count(*) n from audit_log'),
});

async function refused(text: string, expected: string) {
  const before = state();
  const reply = await sayText(text, S.cadre);
  expect(reply).toContain(expected);
  expect(state()).toEqual(before);
  return reply;
}
/** The progress card's meeting form: its fields and the value of its submit button. */
async function meetingForm() {
  const [msg] = await say('进度', S.cadre);
  const c = JSON.parse(msg!.content) as { body: { elements: { tag: string; name?: string; elements?: Record<string, unknown>[] }[] } };
  const f = c.body.elements.find((e) => e.tag === 'form' && e.name === 'meeting_form');
  if (!f) return null;
  const submit = f.elements!.find((e) => e.tag === 'button') as { behaviors: { value: Record<string, unknown> }[] };
  return { text: JSON.stringify(f), value: submit.behaviors[0]!.value };
}

/** Both overseers confirm a recorded meeting and the resolution's photo replies to its card. */
async function validate(kind: string) {
  const m = one<{ card_message_id: string }>('select card_message_id from meetings where kind = ?', kind);
  await press(S.firstSecretary, { a: 'meeting.confirm', m: m.card_message_id, as: 'first_secretary' });
  await press(S.packageCadre, { a: 'meeting.confirm', m: m.card_message_id, as: 'package_cadre' });
  const [card] = h.fake.messages.filter((x) => x.uuid === m.card_message_id);
  await say('', S.cadre, S.chat, { messageType: 'image', content: JSON.stringify({ image_key: `img_${kind}` }), parentId: card!.messageId, atBot: false });
  expect(n('select valid n from meetings where card_message_id = ?', m.card_message_id)).toBe(1);
}

describe('per-applicant votes at the two voting meetings', () => {
  it('12-08 three applications, qualified', async () => {
    for (const name of ['张大山', '李小花', '王二']) expect(await sayText(`申请 ${name}`, S.cadre)).toContain(`已登记 ${name} 的申请`);
    for (const name of ['张大山', '李小花', '王二']) expect(await sayText(`资格 ${name} 通过 无劳力`, S.cadre)).toContain('资格复审通过');
    expect(await sayText('资格 龙学林 不通过 家有商品房', S.cadre)).toContain('资格复审不通过');
    expect(await sayText('完成 资格复审', S.cadre)).toMatch(/^✅/); // the assembly follows the qualification review
  });

  it('12-09 bad tallies get a Chinese error naming what to fix, and record nothing', async () => {
    at('2026-12-09T02:00:00Z');
    const base = '会议 村民大会 应到100 实到80';
    await refused(`${base} 同意60 反对10`, '须对每户申请逐户表决，待表决：张大山（石门村-申01）、李小花（石门村-申02）、王二（石门村-申03）');
    await refused(`${base} 张大山 同意60 李小花 同意50 反对10 王二 同意50 反对10`, '张大山的表决须同时写明同意和反对票数，如：张大山 同意60 反对10');
    await refused(`${base} 张大山 同意六十 反对10`, '“同意六十”不是数字，请写成 同意60 这样。');
    await refused(`${base} 张大山 同意60 反对10 李小花 同意50 反对10`, '还有 1 户未写票数：王二（石门村-申03）');
    await refused(`${base} 张大山 同意60 反对10 李小花 同意50 反对10 王二 同意50 反对10 赵六 同意50 反对1`, '“赵六”不是待村民大会表决的申请户。待表决：');
    await refused(`${base} 张大山 同意60 反对10 李小花 同意50 反对10 王二 同意50 反对10 龙学林 同意50 反对1`, '“龙学林”不是待村民大会表决的申请户');
    await refused(`${base} 张大山 同意60 反对10 张大山 同意50 反对10 李小花 同意50 反对10 王二 同意50 反对10`, '张大山（石门村-申01）写了两次');
    await refused(`${base} 张大山 同意60 反对10 同意50 李小花 同意50 反对10 王二 同意50 反对10`, '张大山的同意票数写了两次');
    await refused(`${base} 张大山 同意60 反对30 李小花 同意50 反对10 王二 同意50 反对10`, '张大山的申请票数合计 90 票（同意 60、反对 30）多于实到 80 人');
    await refused(`${base} 张大山 同意60 反对10 李小花 同意30 反对45 异议 王五说她家有车 王二 同意50 反对10`, '异议的内容请写在括号里');
    await refused(`${base} 异议（王五：有车） 张大山 同意60 反对10`, '异议须写在对应户的票数后面');
    await refused(`${base} 张大山 同意60 反对10 李小花 同意50 反对10 王二 同意50 反对10 同意70 反对5`, '王二的同意票数写了两次');
    await refused('会议 两委会议 应到7 实到7 张大山 同意6 反对1', '两委会议不逐户表决');
  });

  it('records each household’s outcome: one voted down after an objector spoke leaves as 未通过 and the cadre is told', async () => {
    const out = await say(
      '会议 村民大会 应到100 实到80 张大山 同意60 反对10 李小花 同意30 反对45 异议（王五：她家在县城有商品房） 王二 同意41 反对39 缺席意见：外出3户电话表示同意',
      S.cadre,
    );
    expect(out).toHaveLength(2);
    const card = JSON.stringify(JSON.parse(out[0]!.content));
    expect(card).toContain('✅ 张大山（石门村-申01）：同意 60，反对 10，通过');
    expect(card).toContain('❌ 李小花（石门村-申02）：同意 30，反对 45，未通过（异议演说后单独表决：王五：她家在县城有商品房）');
    expect(card).toContain('✅ 王二（石门村-申03）：同意 41，反对 39，通过');
    expect(textOf(out[1]!)).toBe(
      '村民大会表决未通过 1 户，已退出本次识别程序（未通过），不再进入后续环节：\n• 李小花（石门村-申02）：同意 30，反对 45，未超过实到 80 人的半数（异议演说后单独表决）',
    );
    expect(one('select status, rejected_step, rejection from households where number = ?', '石门村-申02')).toEqual({
      status: 'rejected',
      rejected_step: 'villagers_assembly',
      rejection: '村民大会（12月9日）表决未通过：同意 30，反对 45（实到 80 人），异议演说后单独表决（王五：她家在县城有商品房）',
    });
    expect(statusOf('石门村-申01')).toBe('assembly_passed');
    expect(statusOf('石门村-申03')).toBe('assembly_passed');
    // the objector's speech and the separate vote are recorded with the household, in its audit trail
    const vote = one<{ after: string }>("select after from audit_log where entity = 'household' and action = 'vote' and entity_id = '石门村-申02'");
    expect(JSON.parse(vote.after)).toMatchObject({ status: 'rejected', meeting: 'villagers_assembly', for: 30, against: 45, objection: '王五：她家在县城有商品房', passed: false });
    // stored per applicant on the meeting
    const votes = JSON.parse(one<{ votes: string }>("select votes from meetings where kind = 'villagers_assembly'").votes) as { head: string; passed: boolean }[];
    expect(votes.map((v) => [v.head, v.passed])).toEqual([['张大山', true], ['李小花', false], ['王二', true]]);
  });

  it('a household voted down cannot be brought back: no new qualification, not voted at the next meeting', async () => {
    // the assembly becomes valid first (the representatives meeting follows it): overseers and the resolution's photo
    await validate('villagers_assembly');
    await refused('资格 李小花 通过 重新申请', '已因村民大会（12月9日）表决未通过');
    // the progress card names the households that left the procedure
    const [progress] = await say('进度', S.cadre);
    const shown = JSON.parse(progress!.content) as { body: { elements: { tag: string; content?: string }[] } };
    const line = shown.body.elements.find((e) => e.tag === 'markdown' && e.content?.includes('未通过'))?.content ?? '';
    expect(line).toContain('**未通过**（已退出本次识别程序）：');
    expect(line).toContain('李小花');
    expect(line).not.toContain('张大山');
    await refused('会议 村民代表大会 应到30 实到28 李小花 同意20 反对2 张大山 同意20 反对2 王二 同意20 反对2', '“李小花”不是待村民代表大会表决的申请户。待表决：张大山（石门村-申01）、王二（石门村-申03）');
  });

  it('the progress card’s form lists the applicants awaiting the next meeting; a tie there votes a household down', async () => {
    const f = await meetingForm();
    expect(f!.value).toMatchObject({ a: 'meeting.form', kind: 'representatives', hs: ['石门村-申01', '石门村-申03'] });
    expect(f!.text).toContain('登记村民代表大会');
    expect(f!.text).toContain('张大山 同意票');
    expect(f!.text).not.toContain('李小花');
    // a blank tally is refused with a toast and records nothing
    const before = state();
    const blank = await press(S.packageCadre, f!.value, { eligible: '30', present: '28', for_0: '25', against_0: '2' });
    expect(blank.toast).toEqual({ type: 'error', content: '请填写 石门村-申03 的同意、反对票数（整数）。' });
    expect(state()).toEqual(before);

    const msgs = h.fake.messages.length;
    const ok = await press(S.packageCadre, f!.value, { eligible: '30', present: '28', for_0: '25', against_0: '2', for_1: '14', against_1: '14' });
    expect(ok.toast?.content).toBe('已提交，结果见群消息。');
    const [, told] = h.fake.messages.slice(msgs);
    expect(textOf(told!)).toBe('村民代表大会表决未通过 1 户，已退出本次识别程序（未通过），不再进入后续环节：\n• 王二（石门村-申03）：同意 14，反对 14，未超过实到 28 人的半数');
    expect(statusOf('石门村-申01')).toBe('representatives_passed');
    expect(one('select status, rejected_step from households where number = ?', '石门村-申03')).toEqual({ status: 'rejected', rejected_step: 'representatives' });
    // once the representatives meeting is valid, the next form is the two-committees meeting, with no votes
    expect(await meetingForm()).toBeNull();
    await validate('representatives');
    const next = await meetingForm();
    expect(next!.value).toMatchObject({ kind: 'two_committees', hs: [] });
  });

  it('only the households voted through both meetings go on; the voted-down ones stay 未通过 through the notice', async () => {
    const [tc] = await say('会议 两委会议 应到7 实到7', S.firstSecretary);
    await press(S.packageCadre, { a: 'meeting.confirm', m: tc!.uuid, as: 'package_cadre' });
    await press(S.packageCadre, { a: 'meeting.confirm', m: tc!.uuid, as: 'package_cadre_sign' });
    await press(EX.office, { a: 'meeting.township_sign', m: tc!.uuid });
    expect(n('select count(*) n from meetings where valid = 1')).toBe(3);
    expect(statusOf('石门村-申01')).toBe('evaluated');
    at('2026-12-10T01:10:00Z');
    expect(await sayText('公示 开始', S.cadre)).toContain('石门村村级公示从 12月10日 开始');
    expect(statusOf('石门村-申01')).toBe('on_notice');
    expect(statusOf('石门村-申02')).toBe('rejected');
    expect(statusOf('石门村-申03')).toBe('rejected');
  });
});
