// Oversized input through the real server: every free-text field is refused with a Chinese answer
// that names its limit, nothing is recorded, and nothing is queued that Feishu would refuse.
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { messageEnvelope, cardEnvelope } from '../support/events';
import { EX } from '../support/example';
import { playVillageToNotice } from '../support/procedure';
import { loadExample } from '../../src/township/seed';
import { INPUT_LIMITS } from '../../src/core/limits';

let h: Harness;
const clock = new Date('2026-12-08T02:00:00Z');
const S = EX.shimen;

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  await loadExample(h.server.d);
});
afterAll(async () => h?.close());

async function say(text: string, openId: string = S.cadre, chatId: string = S.chat) {
  const before = h.fake.messages.length;
  await h.post(messageEnvelope({ text, openId, chatId }));
  await h.settle();
  return h.fake.messages.slice(before).map((m) => (m.msgType === 'text' ? String((JSON.parse(m.content) as { text: string }).text) : m.content));
}
async function press(value: Record<string, unknown>, form: Record<string, unknown> | undefined, openId: string, chatId: string = S.chat) {
  const res = await h.post(cardEnvelope({ openId, chatId, value, form }), '/feishu/card');
  const body = (await res.json()) as { toast?: { type: string; content: string }; card?: { data: unknown } };
  await h.settle();
  return body;
}
const count = (sql: string) => (h.server.d.sqlite.prepare(sql).get() as { n: number }).n;
const hid = (n: string) => (h.server.d.sqlite.prepare('select id from households where number = ?').get(n) as { id: number }).id;
const long = (n: number) => '长'.repeat(n);

describe('limits on what people type', () => {
  it('a 100 KB objection gets a short refusal naming the limit, never a 300 KB echo', async () => {
    // 石门村 has its notice running; 岩脚村 is ready for its villagers' assembly
    await playVillageToNotice(h, '石门村');
    await playVillageToNotice(h, '岩脚村', {}, 'qualification');
    const [r] = await say(`公示 异议 01-001 ${long(100_000)}`);
    expect(r).toBe(`消息太长（${100_000 + 13} 字），请控制在 ${INPUT_LIMITS.message} 字以内。内容较多的，请分几条发送。`);
    expect(count('select count(*) n from objections')).toBe(0);
  });

  it('each free-text field refuses text over its own limit, names it, and records nothing', async () => {
    const cases: [string, string, string][] = [
      [`公示 异议 01-001 ${long(501)}`, '异议内容太长（501 字），请控制在 500 字以内。', S.cadre],
      [`会议 村民大会 应到100 实到80 同意60 反对10 缺席意见：${long(501)}`, '缺席人员意见太长（501 字），请控制在 500 字以内。', EX.yanjiao.packageCadre],
      [`资格 01-001 不通过 ${long(301)}`, '理由太长（301 字），请控制在 300 字以内。', S.cadre],
      [`申请 ${long(21)}`, '户主姓名太长（21 字），请控制在 20 字以内。', S.cadre],
      [`申请 王五 ${long(301)}`, '说明太长（301 字），请控制在 300 字以内。', S.cadre],
      [`清退 01-001 ${long(301)}`, '清退理由太长（301 字），请控制在 300 字以内。', EX.office],
      [`联系 01-001 电话 ${long(301)}`, '联系情况太长（301 字），请控制在 300 字以内。', S.cadre],
      [`走访 ${long(31)} 入户`, '户编号或户主姓名太长（31 字），请控制在 30 字以内。', S.cadre],
      [`督办 石门村 ${long(501)}`, '督查内容太长（501 字），请控制在 500 字以内。', EX.inspector],
    ];
    const before = count('select count(*) n from audit_log');
    for (const [text, refusal, who] of cases) {
      const chat = who === EX.inspector ? EX.inspectorsChat : who === EX.yanjiao.packageCadre ? EX.yanjiao.chat : S.chat;
      const answers = await say(text, who, chat);
      expect(answers, text.slice(0, 20)).toEqual([refusal]);
    }
    expect(count('select count(*) n from audit_log')).toBe(before);
  });

  it('card forms: the plan’s measures and owner, an objection’s result, a meeting’s opinion, any field over 2000', async () => {
    const plan = await press({ a: 'plan.save', h: hid('01-001') }, { measures: long(1001), owner: '冯志刚' }, EX.office);
    expect(plan.toast).toEqual({ type: 'error', content: '脱贫措施太长（1001 字），请控制在 1000 字以内。' });
    const owner = await press({ a: 'plan.save', h: hid('01-001') }, { measures: '养殖', owner: long(21) }, EX.office);
    expect(owner.toast).toEqual({ type: 'error', content: '责任人太长（21 字），请控制在 20 字以内。' });
    await say('公示 异议 01-001 家里有车');
    const resolved = await press({ a: 'objection.resolve', no: 1 }, { result: long(501) }, S.cadre);
    expect(resolved.toast).toEqual({ type: 'error', content: '处理结果太长（501 字），请控制在 500 字以内。' });
    const meeting = await press({ a: 'meeting.form' }, { kind: 'villagers_assembly', eligible: '100', present: '80', absentees: long(501) }, EX.yanjiao.packageCadre, EX.yanjiao.chat);
    expect(meeting.toast).toEqual({ type: 'error', content: '缺席人员意见太长（501 字），请控制在 500 字以内。' });
    const huge = await press({ a: 'meeting.form' }, { kind: 'villagers_assembly', eligible: '100', present: '80', absentees: long(100_000) }, EX.yanjiao.packageCadre, EX.yanjiao.chat);
    expect(huge.toast).toEqual({ type: 'error', content: '填写的内容太长（100000 字），请控制在 2000 字以内。' });
    expect(count('select count(*) n from exit_plans')).toBe(0);
    expect(count("select count(*) n from meetings where village_id = (select id from villages where name = '岩脚村')")).toBe(0);
    expect(count('select count(*) n from objections where resolved_at is not null')).toBe(0);
  });

  it('text at the limit is taken, and what goes out stays within Feishu’s limits', async () => {
    const [r] = await say(`公示 异议 01-002 ${long(500)}`);
    expect(r).toContain('已登记第 2 号异议');
    const [card] = await say(`会议 村民大会 应到100 实到80 赵应祥 同意60 反对10 缺席意见：${'<at id=all></at>'.repeat(31)}${long(4)}`, EX.yanjiao.packageCadre, EX.yanjiao.chat);
    expect(card).toContain('缺席人员意见');
    const [progress] = await say('进度');
    expect(progress).toContain('复核进度');
    expect(h.fake.tooLong).toEqual([]);
    for (const m of h.fake.messages) {
      const limit = m.msgType === 'text' ? 150 * 1024 : 30 * 1024;
      expect(Buffer.byteLength(m.content)).toBeLessThanOrEqual(limit);
    }
  });
});
