// The review steps from the progress card's forms and buttons (phone users rarely type).
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { messageEnvelope, cardEnvelope } from '../support/events';
import { EX } from '../support/example';
import { playVillageToNotice } from '../support/procedure';
import { loadExample } from '../../src/township/seed';

let h: Harness;
let clock = new Date('2026-12-08T02:00:00Z');
const S = EX.yanjiao;

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  await loadExample(h.server.d);
});
afterAll(async () => h?.close());

const one = (sql: string, ...a: unknown[]) => h.server.d.sqlite.prepare(sql).get(...a) as Record<string, unknown>;
async function say(text: string, openId = S.cadre) {
  const before = h.fake.messages.length;
  await h.post(messageEnvelope({ text, openId, chatId: S.chat }));
  await h.settle();
  return h.fake.messages.slice(before);
}
async function press(value: Record<string, unknown>, form?: Record<string, unknown>, openId = S.cadre) {
  const res = await h.post(cardEnvelope({ openId, chatId: S.chat, value, form }), '/feishu/card');
  const body = (await res.json()) as { toast?: { type: string; content: string } };
  await h.settle();
  return body;
}

describe('review from the card', () => {
  it('offers a form per undecided applicant and records the decision from it', async () => {
    await say('申请 王二 家中无劳力');
    const [card] = await say('进度');
    const text = card!.content;
    expect(text).toContain('"a":"qualify.form"');
    expect(text).toContain('岩脚村-申01 王二');
    const refused = await press({ a: 'qualify.form', h: '岩脚村-申01' }, { verdict: '不通过', reason: '' });
    expect(refused.toast).toEqual({ type: 'error', content: '“不通过”须写明理由，例如：资格 张三 不通过 家有商品房' });
    expect(one("select qualification q from households where number = '岩脚村-申01'")).toEqual({ q: null });
    const ok = await press({ a: 'qualify.form', h: '岩脚村-申01' }, { verdict: '不通过', reason: '有商品房' });
    expect(ok.toast).toEqual({ type: 'success', content: '岩脚村-申01 王二：资格复审不通过（有商品房）。' });
    expect(one("select qualification q, status s from households where number = '岩脚村-申01'")).toEqual({ q: 'fail', s: 'rejected' });
  });

  it('starts the notice from its form, resolves an objection from its form, files the data from a button', async () => {
    // the notice follows the qualification review and the three meetings (held on 12-08)
    await playVillageToNotice(h, '岩脚村', {}, 'meetings');
    clock = new Date('2026-12-10T02:00:00Z');
    await press({ a: 'notice.form' }, { start: '2026-12-10' });
    expect(one('select start_date s, end_date e from notices')).toEqual({ s: '2026-12-10', e: '2026-12-16' });
    await say('公示 异议 02-001 家里有人在县城上班');
    const [card] = await say('进度');
    expect(card!.content).toContain('"a":"objection.resolve"');
    const empty = await press({ a: 'objection.resolve', no: 1 }, { result: '' });
    expect(empty.toast?.type).toBe('error');
    const r = await press({ a: 'objection.resolve', no: 1 }, { result: '经核实系临时工，不属财政供养' });
    expect(r.toast).toEqual({ type: 'success', content: '第 1 号异议已处理：经核实系临时工，不属财政供养' });
    expect(one('select resolution from objections where no = 1')).toEqual({ resolution: '经核实系临时工，不属财政供养' });
    const filed = await press({ a: 'data.filed' });
    expect(filed.toast?.content).toBe('已登记：岩脚村复核资料已填报（龙德贵）。');
    const again = await press({ a: 'data.filed' });
    expect(again.toast?.type).toBe('info');
    // a person from another village cannot press these buttons here
    const other = await press({ a: 'data.filed' }, undefined, EX.shimen.cadre);
    expect(other.toast?.type).toBe('error');
  });
});
