// What leaves the bot, through the real server, SDK and fake Feishu: no ID number in any spelling,
// no markup typed by a cadre, in messages, cards, card-callback answers and toasts.
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { messageEnvelope, cardEnvelope } from '../support/events';
import { EX } from '../support/example';
import { playVillageToNotice } from '../support/procedure';
import { loadExample } from '../../src/township/seed';
import { makeIdCard } from '../../src/core/idcard';
import { idSpellings, leaks } from '../support/ids';

let h: Harness;
const clock = new Date('2026-12-08T02:00:00Z');
const S = EX.shimen;
const ID = makeIdCard('522630', '19850612', '123');
const spelled = idSpellings(ID);

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  await loadExample(h.server.d);
});
afterAll(async () => h?.close());

async function say(text: string, openId: string = S.cadre, chatId: string = S.chat) {
  const before = h.fake.messages.length;
  await h.post(messageEnvelope({ text, openId, chatId }));
  await h.settle();
  return h.fake.messages.slice(before);
}
async function press(value: Record<string, unknown>, form: Record<string, unknown> | undefined, openId: string, chatId: string = S.chat) {
  const res = await h.post(cardEnvelope({ openId, chatId, value, form }), '/feishu/card');
  const body = (await res.json()) as { toast?: { type: string; content: string }; card?: { data: unknown } };
  await h.settle();
  return body;
}
const hid = (n: string) => (h.server.d.sqlite.prepare('select id from households where number = ?').get(n) as { id: number }).id;
const textOf = (m: { msgType: string; content: string }) => (m.msgType === 'text' ? String((JSON.parse(m.content) as { text: string }).text) : m.content);
const markdownOf = (content: string): string[] => {
  const out: string[] = [];
  const visit = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (o.tag === 'markdown' && typeof o.content === 'string') out.push(o.content);
    Object.values(o).forEach(visit);
  };
  visit(JSON.parse(content));
  return out;
};

describe('no ID number leaves the bot', () => {
  it('the 规划 form: the reply, the answer card and the toast are masked in every spelling', async () => {
    for (const s of spelled) {
      const r = await press({ a: 'plan.save', h: hid('01-001') }, { measures: `发展养殖，户主身份证${s}`, owner: `冯志刚`, start: '2026-12-10 +0800', end: '2027-06-30 +0800' }, EX.office);
      expect(r.toast?.type, `${s} ${r.toast?.content}`).toBe('success');
      expect(r.card, s).toBeDefined();
      expect(leaks(JSON.stringify(r), ID), JSON.stringify(s)).toBe(false);
    }
    for (const m of h.fake.messages) expect(leaks(m.content, ID)).toBe(false);
    // the data itself is kept as typed (it is the record); only what is shown is masked
    const row = h.server.d.sqlite.prepare('select measures from exit_plans').get() as { measures: string };
    expect(row.measures).toContain('身份证');
  });

  it('an objection resolved from the card: toast and chat message masked', async () => {
    await playVillageToNotice(h, '石门村');
    await say('公示 异议 01-002 家里有车');
    const r = await press({ a: 'objection.resolve', no: 1 }, { result: `核实无车，身份证${spelled[6]}` }, S.cadre);
    expect(r.toast?.type).toBe('success');
    expect(leaks(JSON.stringify(r), ID)).toBe(false);
    for (const m of h.fake.messages) expect(leaks(m.content, ID)).toBe(false);
    for (const l of h.log.lines) expect(leaks(l, ID)).toBe(false);
  });
});

describe('cadre text is data, not markup', () => {
  it('公示 异议 with <at user_id="all"> does not make the bot @ everyone', async () => {
    const [m] = await say('公示 异议 01-003 <at user_id="all"></at> 请大家注意 [领取补贴](https://evil.example/x) **急**');
    const text = textOf(m!);
    expect(text).toContain('请大家注意');
    expect(text).not.toMatch(/<\s*at/i);
    expect(text).not.toMatch(/\]\(/);
    expect(text).not.toContain('**');
    expect(text).not.toContain('://');
  });

  it('an absentee opinion with <at id=all> and a link cannot reach the meeting card’s markdown', async () => {
    await playVillageToNotice(h, '岩脚村', {}, 'qualification');
    const [m] = await say(`会议 村民大会 应到100 实到80 赵应祥 同意60 反对10 缺席意见：<at id=all></at>[领取补贴](https://evil.example/x)<font color=red>红</font> ${spelled[12]}`, EX.yanjiao.packageCadre, EX.yanjiao.chat);
    expect(m!.msgType).toBe('interactive');
    const mds = markdownOf(m!.content);
    const opinion = mds.flatMap((x) => x.split('\n')).find((x) => x.includes('缺席人员意见'))!;
    expect(opinion).toBeDefined();
    expect(opinion).not.toMatch(/<\s*(at|font)/i);
    expect(opinion).not.toContain('](');
    expect(opinion).not.toContain('://');
    // the bot's own mention of the package cadre is still a real mention
    expect(mds.join('\n')).toContain(`<at id=${EX.yanjiao.packageCadre}></at>`);
    expect(leaks(m!.content, ID)).toBe(false);
    // and Feishu shows the opinion as it was typed (entities decode to the characters)
    expect(opinion).toContain('&#60;at id=all&#62;');
  });
});
