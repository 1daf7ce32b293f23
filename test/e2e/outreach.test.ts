// 宣传 (publicity) and 联系 (contact with all-away households, 全家外出) through the chat, and what
// the daily digest and the progress card say of them. Real server, real SQLite, fake Feishu, a fake clock.
// The example roster has three all-away households: 01-003 谢廷福 (石门村), 02-008 欧朝贵 (岩脚村), 07-001 张建军 (龙井村).
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { messageEnvelope } from '../support/events';
import { EX } from '../support/example';
import { loadExample } from '../../src/township/seed';
import { cstMidnightUtc, type CalendarDate } from '../../src/core/dates';

const at = (date: CalendarDate, hhmm: string): Date => {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  return new Date(cstMidnightUtc(date).getTime() + (hh * 60 + mm) * 60_000);
};
const SHIMEN = EX.shimen.chat;

let h: Harness;
let clock = at('2026-12-09', '10:00');
beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  await loadExample(h.server.d);
}, 60_000);
afterAll(async () => h?.close());

async function say(text: string, openId: string, chatId = SHIMEN): Promise<string[]> {
  const before = h.fake.messages.length;
  const res = await h.post(messageEnvelope({ text, openId, chatId }));
  expect(res.status).toBe(200);
  await h.settle();
  return h.fake.messages.slice(before).map((m) => (m.msgType === 'text' ? (JSON.parse(m.content).text as string) : m.content));
}
const count = (q: string) => (h.server.d.sqlite.prepare(q).get() as { n: number }).n;

describe('宣传 and 联系', () => {
  it('宣传 records an activity with the people reached; bad input is refused and records nothing', async () => {
    expect(await say('宣传 群众会 86', EX.shimen.cadre)).toEqual(['已登记：石门村群众会宣讲，覆盖 86 人。']);
    expect(await say('宣传 入户 12', EX.shimen.cadre)).toEqual(['已登记：石门村入户宣讲，覆盖 12 人。']);
    expect(await say('宣传 群众会 30', EX.yanjiao.cadre, EX.yanjiao.chat)).toEqual(['已登记：岩脚村群众会宣讲，覆盖 30 人。']);
    const usage = '用法：宣传 <群众会/入户/资料/专栏> <人数>，例如：宣传 群众会 86';
    expect(await say('宣传 广播 20', EX.shimen.cadre)).toEqual([usage]);
    expect(await say('宣传 群众会 0', EX.shimen.cadre)).toEqual([usage]);
    expect(await say('宣传 群众会 很多', EX.shimen.cadre)).toEqual([usage]);
    // a village cadre of 岩脚村 cannot record for 石门村
    const [other] = await say('宣传 群众会 5', EX.yanjiao.cadre);
    expect(other).toContain('宣传');
    expect(other).not.toContain('已登记');
    expect(count('select count(*) n from publicity')).toBe(3);
    expect(count("select count(*) n from audit_log where entity = 'publicity'")).toBe(3);
  });

  it('联系 records a contact with an all-away household; bad input is refused, user text escaped in the cards', async () => {
    const usage = '用法：联系 <户> <电话/短信/微信/视频> [情况]';
    expect(await say('联系 01-003', EX.shimen.cadre)).toEqual([usage]);
    expect(await say('联系 01-003 写信', EX.shimen.cadre)).toEqual([usage]);
    const [long] = await say(`联系 01-003 电话 ${'长'.repeat(301)}`, EX.shimen.cadre);
    expect(long).toBe('联系情况太长（301 字），请控制在 300 字以内。');
    const [unknown] = await say('联系 99-999 电话', EX.shimen.cadre);
    expect(unknown).not.toContain('已登记');
    expect(count('select count(*) n from contacts')).toBe(0);
    expect(await say('联系 01-003 电话 <b>在浙江务工</b>，已告知复核', EX.shimen.cadre)).toEqual(['已登记：通过电话联系了 01-003 谢廷福（全家外出户）。']);
    const row = h.server.d.sqlite.prepare('select method, note from contacts').get() as { method: string; note: string };
    expect(row).toEqual({ method: '电话', note: '<b>在浙江务工</b>，已告知复核' });
    expect(count("select count(*) n from audit_log where entity = 'household' and action = 'contact'")).toBe(1);

    // the progress card: publicity and the all-away households contacted
    const [card] = await say('进度', EX.shimen.cadre);
    expect(card).toContain('**政策宣讲** 2 次，覆盖 98 人　**全家外出户** 已联系 1/1');
  });

  it('the daily digest counts publicity by method and the all-away households contacted / not yet', async () => {
    clock = at('2026-12-09', '18:10');
    const before = h.fake.messages.length;
    await h.server.tick(clock);
    await h.settle();
    const digest = h.fake.messages.slice(before).filter((m) => m.receiveId === EX.leadersChat);
    expect(digest.length).toBeGreaterThan(0);
    const body = digest.map((m) => m.content).join('\n');
    // 石门村 and 岩脚村 together; three all-away households in the township, one contacted
    expect(body).toContain('**政策宣讲**　群众会 2 次 116 人、入户 1 次 12 人；全家外出户已联系 1/3 户，未联系 2 户');
    expect(body).not.toContain('<b>');
  });
});
