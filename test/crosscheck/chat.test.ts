// 比对 and 核查 in chat, through the real webhook: the office runs the cross-check, confirms and
// dismisses hits from the card (reason typed into the card's form), the village chat is told.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { cardEnvelope, messageEnvelope } from '../support/events';
import { EX } from '../support/example';
import { loadExample } from '../../src/township/seed';
import { cli, exampleRoster, writeCsv } from './support';

let h: Harness;
afterEach(async () => h?.close());

const q = <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => h.server.d.sqlite.prepare(sql).all(...params) as T[];
const one = <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => q<T>(sql, ...params)[0]!;

async function say(text: string, openId: string, chatId: string) {
  const before = h.fake.messages.length;
  const res = await h.post(messageEnvelope({ text, openId, chatId }));
  expect(res.status).toBe(200);
  await h.settle();
  return h.fake.messages.slice(before).map((m) => (m.msgType === 'text' ? (JSON.parse(m.content).text as string) : m.content));
}

async function press(value: Record<string, unknown>, form?: Record<string, unknown>, openId = EX.office, chatId = EX.leadersChat) {
  const res = await h.post(cardEnvelope({ openId, chatId, value, ...(form ? { form } : {}) }), '/feishu/card');
  expect(res.status).toBe(200);
  const body = (await res.json()) as { toast?: { type: string; content: string }; card?: { data: Record<string, unknown> } };
  await h.settle();
  return body;
}

beforeEach(async () => {
  h = await startHarness();
  await loadExample(h.server.d);
  const roster = await exampleRoster();
  const car = roster.find((x) => x.householdNo === '01-001')!.members[0]!;
  const shop = roster.find((x) => x.householdNo === '01-003')!.members[0]!;
  const f1 = writeCsv([[car.idCard, car.name, '小型汽车', '贵J12345', '2020-05-01']]);
  const f2 = writeCsv([[shop.idCard, shop.name, '个体工商户', '谢记小卖部', '2019-03-01']]);
  for (const [d, f] of [['交管', f1], ['工商', f2]] as const) {
    const r = await cli(h.config.DATABASE_PATH, 'import', 'department', d, f);
    if (r.code !== 0) throw new Error(r.err);
  }
});

describe('比对 in chat', () => {
  it('runs the cross-check for the office and answers with the result card', async () => {
    const [card] = await say('比对', EX.office, EX.leadersChat);
    const c = JSON.parse(card!);
    expect(c.schema).toBe('2.0');
    expect(c.header.title.content).toBe('清水乡 六个不纳入比对结果');
    const text = JSON.stringify(c);
    expect(text).toContain('新发现线索 **4** 条'); // car, business, and the roster's duplicate ID twice
    expect(text).toContain('"a":"hit.list"');
    expect(text).toContain('尚未导入名单的部门：公安、房管、财政、人社、残联、民政、住建');
    expect(one<{ n: number }>('select count(*) as n from exclusion_hits').n).toBe(4);
    expect(one<{ n: number }>(`select count(*) as n from audit_log where action = 'crosscheck' and source like 'message:%'`).n).toBe(1);
    // the button runs it again: nothing new
    const body = await press({ a: 'crosscheck.run' });
    expect(body.toast).toEqual({ type: 'success', content: '比对完成，新发现线索 0 条。' });
    expect(one<{ n: number }>('select count(*) as n from exclusion_hits').n).toBe(4);
  });

  it('is refused to anyone but the office, and nothing is written', async () => {
    const [r] = await say('比对', EX.shimen.cadre, EX.shimen.chat);
    expect(r).toBe('只有乡扶贫办（石门村）可以使用“比对”。如需开通，请联系乡扶贫办。');
    const [r2] = await say('核查', EX.inspector, EX.inspectorsChat);
    expect(r2).toContain('只有乡扶贫办可以使用“核查”');
    expect(one<{ n: number }>('select count(*) as n from exclusion_hits').n).toBe(0);
  });
});

describe('核查 in chat', () => {
  beforeEach(async () => {
    await say('比对', EX.office, EX.leadersChat);
  });

  const hitId = (department: string) => one<{ id: number }>(`select id from exclusion_hits where department = ? order by id limit 1`, department).id;

  it('lists the open hits with a reason form and 确认清退 / 排除 buttons, IDs masked', async () => {
    const [card] = await say('核查', EX.office, EX.leadersChat);
    const c = JSON.parse(card!);
    expect(c.header.title.content).toBe('比对线索核查（待处理 4 条）');
    const text = JSON.stringify(c);
    const id = hitId('交管');
    expect(text).toContain(`"name":"hit_${id}"`);
    expect(text).toContain(`"name":"reason_${id}"`);
    expect(new Set(text.match(/"name":"[^"]+"/g)).size).toBe(text.match(/"name":"[^"]+"/g)!.length); // names unique
    expect(text).toContain(`{"a":"hit.decide","id":${id},"decision":"confirm","offset":0}`);
    expect(text).toContain(`{"a":"hit.decide","id":${id},"decision":"dismiss","offset":0}`);
    expect(text).toContain('交管名单第 2 行：汽车 贵J12345（2020-05-01）');
    expect(text).not.toMatch(/\d{17}[\dX]/);
    expect(text).toContain('522630********7554');
  });

  it('confirms a hit from the card: household removed, card refreshed, village chat told, audited', async () => {
    const id = hitId('交管');
    const before = h.fake.messages.length;
    const body = await press({ a: 'hit.decide', id, decision: 'confirm', offset: 0 }, { [`reason_${id}`]: '经核实，户主有小型汽车一辆' });
    expect(body.toast?.type).toBe('success');
    expect(body.toast?.content).toContain(`已确认线索 #${id}，01-001 胡学林户已清退。已通知石门村工作群。`);
    expect(body.card!.data.header).toMatchObject({ title: { content: '比对线索核查（待处理 3 条）' } });
    expect(JSON.stringify(body.card)).not.toContain(`"name":"hit_${id}"`);
    expect(one('select status, reason from exclusion_hits where id = ?', id)).toEqual({ status: 'confirmed', reason: '经核实，户主有小型汽车一辆' });
    expect(one(`select status, removal_reason from households where number = '01-001'`)).toEqual({
      status: 'removed',
      removal_reason: `六个不纳入·汽车（交管比对，线索 #${id}）：经核实，户主有小型汽车一辆`,
    });
    const sent = h.fake.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.receiveId).toBe(EX.shimen.chat);
    const text = JSON.parse(sent[0]!.content).text as string;
    expect(text).toContain('01-001 胡学林户：成员 胡学林（522630********7554）');
    expect(text).toContain('本户清退');
    expect(text).not.toContain('522630197605047554');
    const audits = q<{ action: string; source: string }>(`select action, source from audit_log where entity in ('exclusion_hit', 'household') and action in ('confirm', 'remove') order by id`);
    expect(audits.map((a) => a.action)).toEqual(['confirm', 'remove']);
    expect(audits.every((a) => a.source.startsWith('card:'))).toBe(true);
  });

  it('refuses a decision without a reason, and a second decision, changing nothing', async () => {
    const id = hitId('工商');
    const empty = await press({ a: 'hit.decide', id, decision: 'dismiss', offset: 0 }, { reason: '  ' });
    expect(empty.toast).toEqual({ type: 'error', content: '请填写排除理由（如：同名同号系登记错误，已由公安更正）。' });
    expect(one('select status from exclusion_hits where id = ?', id)).toEqual({ status: 'open' });
    const ok = await press({ a: 'hit.decide', id, decision: 'dismiss', offset: 0 }, { reason: '小卖部已于 2023 年注销' });
    expect(ok.toast?.type).toBe('success');
    expect(one('select status, reason from exclusion_hits where id = ?', id)).toEqual({ status: 'dismissed', reason: '小卖部已于 2023 年注销' });
    expect(one(`select status from households where number = '01-003'`)).toEqual({ status: 'included' });
    const again = await press({ a: 'hit.decide', id, decision: 'confirm', offset: 0 }, { reason: '改主意了' });
    expect(again.toast?.type).toBe('error');
    expect(again.toast?.content).toContain('不能重复处理');
    expect(one('select status from exclusion_hits where id = ?', id)).toEqual({ status: 'dismissed' });
    // only the office may press
    const stranger = await press({ a: 'hit.decide', id: hitId('花名册'), decision: 'dismiss', offset: 0 }, { reason: 'x' }, EX.shimen.cadre, EX.shimen.chat);
    expect(stranger.toast?.type).toBe('error');
  });

  it('takes decisions as text too', async () => {
    const id = hitId('花名册');
    const sent = await say(`核查 排除 ${id} 已核实为同一人，另一户已注销`, EX.office, EX.leadersChat);
    expect(sent).toHaveLength(2); // the notice to 石门村, the answer here
    expect(sent.find((t) => t.includes('核查结果'))).toContain('理由：已核实为同一人，另一户已注销');
    expect(sent.find((t) => t.startsWith('已排除'))).toBe(`已排除线索 #${id}（01-002 熊光明户）。已通知石门村工作群。`);
    const [u] = await say('核查 同意 1', EX.office, EX.leadersChat);
    expect(u).toContain('用法：核查');
    expect(one('select status from exclusion_hits where id = ?', id)).toEqual({ status: 'dismissed' });
  });
});
