// Duty reminders (DESIGN §7): the ongoing duties (helper, five-batches classification, help card,
// visit, exit plan; all due 12-17 by default) chased in the village chat, privately to each helper
// for their own households, weekly to each helper during the campaign, and overdue ones to the
// discipline committee; idempotent. Real server, real SQLite, fake Feishu, a fake clock.
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { cardEnvelope, messageEnvelope } from '../support/events';
import { EX, exampleJson } from '../support/example';
import { loadExample } from '../../src/township/seed';
import { runJobs } from '../../src/jobs/run';
import { cstMidnightUtc, type CalendarDate } from '../../src/core/dates';
import type { SentMessage } from '../support/fake-feishu';

const at = (date: CalendarDate, hhmm: string): Date => {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  return new Date(cstMidnightUtc(date).getTime() + (hh * 60 + mm) * 60_000);
};
const ex = exampleJson();
const FENG = { openId: ex.people.find((p) => p.name === '冯志刚')!.openId!, name: '冯志刚' };
const SHIMEN = EX.shimen.chat;

let h: Harness;
let clock = at('2026-12-07', '08:00');
beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  await loadExample(h.server.d);
  const res = await h.post(messageEnvelope({ text: '帮扶 01-001 @_user_2', openId: EX.shimen.packageCadre, chatId: SHIMEN, mention: [FENG] }));
  expect(res.status).toBe(200);
  await h.settle();
}, 60_000);
afterAll(async () => h?.close());

const title = (m: SentMessage) => (JSON.parse(m.content) as { header?: { title: { content: string } } }).header?.title.content ?? '';
/** Runs the day's 09:10 jobs twice (the second run queues nothing) and returns what was sent. */
async function day(date: CalendarDate): Promise<SentMessage[]> {
  clock = at(date, '09:10');
  const before = h.fake.messages.length;
  await h.server.tick(clock);
  await h.settle();
  const again = await runJobs(h.server.d, clock, h.log);
  expect(again.queued).toBe(0);
  return h.fake.messages.slice(before);
}
const to = (sent: SentMessage[], id: string) => sent.filter((m) => m.receiveId === id);

describe('duty reminders', () => {
  it('12-08 (first campaign day): the helper’s weekly summary privately, nothing in the village chat yet', async () => {
    const sent = await day('2026-12-08');
    const mine = to(sent, FENG.openId);
    expect(mine.map(title)).toEqual(['本周帮扶工作小结']);
    expect(mine[0]!.receiveIdType).toBe('open_id');
    const body = mine[0]!.content;
    expect(body).toContain('石门村 01-001 胡学林');
    expect(body).toContain('帮扶卡未回收（还剩 9 天（12月17日截止））');
    expect(body).toContain('未登记走访');
    expect(body).toContain('未制定脱贫措施');
    expect(to(sent, SHIMEN).map(title).filter((t) => t.startsWith('帮扶工作'))).toEqual([]);
  });

  it('12-15 (D-2): the village chat lists what is missing by household with the people @-mentioned; the helper privately', async () => {
    const sent = await day('2026-12-15');
    const village = to(sent, SHIMEN).filter((m) => title(m) === '帮扶工作提醒：石门村');
    expect(village).toHaveLength(1);
    const card = village[0]!.content;
    expect(card).toContain('**帮扶卡回收**　还剩 2 天（12月17日截止），1 户帮扶卡未回收');
    expect(card).toContain('01-001 胡学林（帮扶人 冯志刚）：未填写');
    expect(card).toMatch(/\*\*落实帮扶责任人\*\*　还剩 2 天（12月17日截止），\d+ 户未安排帮扶责任人/);
    expect(card).toContain('01-002 熊光明');
    expect(card).toContain(`<at id=${EX.shimen.cadre}></at>`);
    expect(card).toContain(`<at id=${EX.shimen.packageCadre}></at>`);
    expect(card).toContain(`<at id=${FENG.openId}></at>`);
    expect(card).not.toMatch(/\d{17}[\dX]/);
    // the helper: the reminder and (12-15 is seven days after the start) the weekly summary
    expect(to(sent, FENG.openId).map(title).sort()).toEqual(['帮扶工作提醒', '本周帮扶工作小结']);
    expect(to(sent, EX.inspectorsChat).map(title).filter((t) => t.startsWith('帮扶工作'))).toEqual([]);
  });

  it('a visit logged and a help card returned leave the lists', async () => {
    clock = at('2026-12-15', '15:00');
    await h.post(messageEnvelope({ text: '走访 01-001 入户了解收入情况', openId: FENG.openId, chatId: SHIMEN }));
    const form = { situation: '三口人', causes: '因病', measures: '养牛两头', contact: '13800000000' };
    const hid = (h.server.d.sqlite.prepare("select id from households where number = '01-001'").get() as { id: number }).id;
    await h.post(cardEnvelope({ openId: FENG.openId, chatId: SHIMEN, value: { a: 'helpcard.fill', h: hid }, form }), '/feishu/card');
    await h.post(messageEnvelope({ text: '帮扶卡 01-001 已回收', openId: EX.shimen.cadre, chatId: SHIMEN }));
    await h.settle();
    const sent = await day('2026-12-16');
    const mine = to(sent, FENG.openId);
    expect(mine.map(title)).toEqual(['帮扶工作提醒']);
    expect(mine[0]!.content).not.toContain('未登记走访');
    expect(mine[0]!.content).not.toContain('帮扶卡未回收');
    expect(mine[0]!.content).toContain('未制定脱贫措施（还剩 1 天（12月17日截止））');
    const card = to(sent, SHIMEN).find((m) => title(m) === '帮扶工作提醒：石门村')!.content;
    expect(card).not.toContain('01-001 胡学林（帮扶人 冯志刚）：');
  });

  it('12-18 (D+1): overdue duties go to the discipline committee, the village chat and the helper; every day after', async () => {
    const sent = await day('2026-12-18');
    const committee = to(sent, EX.inspectorsChat).filter((m) => title(m) === '帮扶工作逾期通报：石门村');
    expect(committee).toHaveLength(1);
    expect(committee[0]!.content).toContain('已逾期 1 天（12月17日截止）');
    expect(committee[0]!.content).toContain('01-001 胡学林（帮扶人 冯志刚）');
    expect(committee[0]!.content).toContain('督办 石门村');
    const village = to(sent, SHIMEN).filter((m) => title(m) === '帮扶工作逾期：石门村');
    expect(village).toHaveLength(1);
    expect(village[0]!.content).toContain('逾期事项已通报乡纪委');
    expect(to(sent, FENG.openId).map(title)).toEqual(['您的帮扶工作已逾期']);
    // after the close: still chased, no weekly summary
    const later = await day('2026-12-22');
    expect(to(later, EX.inspectorsChat).map(title)).toContain('帮扶工作逾期通报：石门村');
    expect(to(later, FENG.openId).map(title)).toEqual(['您的帮扶工作已逾期']);
  });
});
