// The job cards: the digest stays under Feishu's 30 KB for 60 villages in one card, and splits
// for 300; its charts are plain VChart data; the alert card's buttons, acknowledgement and form.
import { describe, it, expect } from 'vitest';
import { cstMidnightUtc, type CalendarDate } from '../../src/core/dates';
import { defaultCampaign } from '../../src/core/campaign';
import type { DigestData, VillageProgress } from '../../src/core/planner';
import { planJobs } from '../../src/jobs/plan';
import type { HouseholdSnapshot } from '../../src/core/stages';
import { digestCards } from '../../src/bot/cards/digest';
import { alertCard, reminderCard } from '../../src/bot/cards/alerts';
import { CARD_MAX_BYTES, cardBytes, type Card } from '../../src/feishu/card';
import { renderMessage } from '../../src/feishu/render';

const config = defaultCampaign(2026);
const at = (date: CalendarDate, hhmm: string): Date => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return new Date(cstMidnightUtc(date).getTime() + (h * 60 + m) * 60_000);
};

const SYLLABLES = '石岩高清河新龙井坝寨松柏桃李杏梅竹兰菊水山田林';
/** Village names of the usual length, or long ones (the worst case for the card's size). */
const villageName = (i: number, long: boolean) =>
  `${SYLLABLES[i % 23]}${SYLLABLES[(i * 7) % 23]}${long ? `${SYLLABLES[(i * 3) % 23]}${SYLLABLES[(i * 5) % 23]}${SYLLABLES[(i * 11) % 23]}` : ''}${i}村`;

function digestFor(n: number, { long = false } = {}): DigestData {
  const villages: VillageProgress[] = [];
  const chats: Record<string, string> = {};
  for (let v = 0; v < n; v++) {
    const households: HouseholdSnapshot[] = [];
    for (let h = 0; h < 100; h++) {
      households.push({
        id: `${v}-${h}`,
        number: `${v}-${h}`,
        head: '户主',
        status: h % 25 === 0 ? 'removed' : 'included',
        isApplicant: h % 10 === 0,
        qualificationDecision: h % 7 === 0 ? null : 'pass',
        included: h % 25 !== 0,
        helperId: h % 3 === 0 ? null : `${v * 20 + (h % 20)}`,
        batches: h % 2 === 0 ? ['medical', 'minimum_living'] : ['production_employment', 'education'],
        helpCardReturned: h % 4 === 0,
        members: [{ batches: [] }, { batches: ['education'] }],
      });
    }
    if (v % 5 !== 0) chats[String(v)] = `oc_${v}`;
    villages.push({
      village: { id: String(v), name: villageName(v, long), poor: v % 3 === 0, hasFirstSecretary: true },
      households,
      meetings: [],
      notice: null,
      objections: [],
      dataFiled: false,
      openExclusionHits: v % 4,
      stagesDone: v % 3 === 0 ? {} : { qualification_review: { doneAt: '2026-12-09', by: 'ou_x' } },
    });
  }
  const msgs = planJobs({
    now: at('2026-12-18', '18:05'),
    config,
    villages,
    township: { townshipMeetingRecorded: false, townshipNoticeStarted: false, reportExported: false, reportSubmitted: false, archived: false, stagesDone: {} },
    chats: { leaders: 'oc_leaders', villages: chats },
    responsible: {},
    acknowledged: [],
  });
  const d = msgs.find((m) => m.kind === 'digest');
  if (d?.kind !== 'digest') throw new Error('no digest');
  return d.data;
}

const options = { townshipName: '清水乡', helperMaxHouseholds: 5, helperNames: { '1': '张三' } };
const charts = (c: Card) => JSON.stringify(c).split('"tag":"chart"').length - 1;
const chartSpecs = (c: Card): unknown[] => {
  const out: unknown[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (o.tag === 'chart') out.push(o.chart_spec);
      Object.values(o).forEach(walk);
    }
  };
  walk(c);
  return out;
};
/** Names of the villages listed in a card's village lines, in order. */
const listed = (c: Card) => [...JSON.stringify(c).matchAll(/(?:🔴|⏳|✅) \*\*([^*]+)\*\*　资格复审/g)].map((m) => m[1]!);
const onlyPlainData = (x: unknown): boolean =>
  x === null || ['string', 'number', 'boolean'].includes(typeof x) || (typeof x === 'object' && Object.values(x as object).every(onlyPlainData));

describe('digest card', () => {
  it('60 villages: one card under 30 KB, late villages first, with charts and the totals', () => {
    const data = digestFor(60);
    const cards = digestCards(data, options);
    expect(cards).toHaveLength(1);
    const c = cards[0]!;
    expect(cardBytes(c)).toBeLessThanOrEqual(CARD_MAX_BYTES);
    expect(charts(c)).toBe(2);
    const names = listed(c);
    expect(names).toHaveLength(60);
    // villages 0, 3, 6… are late on both stages, the others only on village_evaluation
    expect(names.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => villageName(i * 3, false)));
    const text = renderMessage('interactive', JSON.stringify(c)).text;
    expect(text).toContain('【清水乡 每日复核进度（12月18日）】');
    expect(text).toContain('资格复审 完成 40/60 村（逾期 20 村）；评议公示 完成 0/60 村（逾期 60 村）');
    expect(text).toContain('已复审 5160/6000 户，保留 5280 户，清退 240 户，新纳入 480 户');
    expect(text).toContain('比对疑点　待处理 90 条');
    expect(text).toContain('帮扶落实　3840/5760 户（67%），帮扶人 1200 名；超过 5 户的 0 名');
    expect(text).toContain('帮扶卡回收　1440/5760 户（25%）');
    expect(text).toContain('五个一批（户数）　扶持生产和就业发展一批 2880 户、医疗救助扶持一批 2880 户、低保政策兜底一批 2880 户、发展教育脱贫一批 2880 户；未分类 0 户');
    // two members per household, one of them classified 发展教育 on her own
    expect(text).toContain('五个一批（户内人口）　扶持生产和就业发展一批 5760 人、医疗救助扶持一批 5760 人、低保政策兜底一批 5760 人、发展教育脱贫一批 5760 人');
    expect(text).toContain('五个一批（逐人分类）　发展教育脱贫一批 5760 人');
    expect(text).toContain('🔴 逾期村（60）');
    expect(text).toContain('12 个村未绑定工作群');
  });

  it('charts are VChart bar specs of plain data (no functions), at most 5 per card', () => {
    const c = digestCards(digestFor(60), options)[0]!;
    const specs = chartSpecs(c);
    expect(specs).toHaveLength(2);
    for (const s of specs) {
      expect(onlyPlainData(s)).toBe(true);
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      expect(s).toMatchObject({ type: 'bar', xField: 'v', yField: 'n', seriesField: 's', stack: true });
      const values = (s as { data: { values: { v: string; s: string; n: number }[] }[] }).data[0]!.values;
      expect(new Set(values.map((x) => x.s))).toEqual(new Set(['已完成', '逾期']));
    }
    expect(JSON.stringify(c)).not.toMatch(/function|=>/);
  });

  for (const long of [false, true]) {
    it(`300 villages${long ? ' with long names' : ''}: a summary card then village cards, each under 30 KB, every village once`, () => {
      const data = digestFor(300, { long });
      const cards = digestCards(data, options);
      expect(cards.length).toBeGreaterThan(1);
      for (const c of cards) {
        expect(cardBytes(c)).toBeLessThanOrEqual(CARD_MAX_BYTES);
        expect(charts(c)).toBeLessThanOrEqual(5);
      }
      const [summary, ...rest] = cards;
      const s = renderMessage('interactive', JSON.stringify(summary)).text;
      expect(s).toContain('共 300 个村，各村明细见后续卡片。');
      expect(s).toContain('逾期村（300）');
      expect(s).toContain('帮扶落实');
      expect(chartSpecs(summary!)).toHaveLength(1);
      const names = rest.flatMap(listed);
      expect(names).toHaveLength(300);
      expect(new Set(names).size).toBe(300);
      expect((rest[0]!.header as { title: { content: string } }).title.content).toBe(`清水乡 每日复核进度（12月18日） 各村 1/${rest.length}`);
    });
  }
});

describe('alert cards', () => {
  const data = {
    villageId: '3',
    villageName: '清水村',
    stage: 'qualification_review' as const,
    stageName: '申请农户资格复审',
    deadline: '2026-12-10',
    missing: ['还有 1 户申请未作资格复审：张三。请逐户作出复审结论。'],
    responsible: [{ openId: 'ou_a', name: '田建国' }],
    daysLate: 4,
  };

  it('the inspectors’ card names the village, stage, days late, @-mentions, and has 已督办 / 记录督查', () => {
    const c = alertCard({ ref: { k: 'overdue', v: '3', s: 'qualification_review', d: '2026-12-14' }, data });
    const json = JSON.stringify(c);
    expect(json).toContain('<at id=ou_a></at>');
    expect(json).toContain('{"a":"alert.ack","k":"overdue","v":"3","s":"qualification_review","d":"2026-12-14"}');
    expect(json).toContain('"a":"alert.inspect_form"');
    const text = renderMessage('interactive', json).text;
    expect(text.split('\n').slice(0, 5)).toEqual([
      '【逾期通报：清水村「资格复审」逾期 4 天】',
      '村　清水村',
      '阶段　申请农户资格复审（截止 12月10日）',
      '逾期　4 天（12月14日）',
      '责任人　田建国',
    ]);
    expect((c.header as { template: string }).template).toBe('red');
  });

  it('once acknowledged it says by whom and when and drops the button; the form has the inspection’s fields', () => {
    const ref = { k: 'escalation' as const, v: '3', s: 'qualification_review' as const, d: '2026-12-14', ad: '2026-12-11' };
    const acked = alertCard({ ref, data, ack: { by: '陈静', at: at('2026-12-14', '10:20').getTime() } });
    const text = renderMessage('interactive', JSON.stringify(acked)).text;
    expect(text).toContain('再次督办：清水村「资格复审」逾期 4 天');
    expect(text).toContain('督办　12月11日 已督办，3 天后仍未完成');
    expect(text).toContain('✅ 已督办　陈静，12月14日 10:20');
    expect(JSON.stringify(acked)).not.toContain('alert.ack');
    const withForm = renderMessage('interactive', JSON.stringify(alertCard({ ref, data, showForm: true })));
    expect(withForm.formFields).toEqual(['kind', 'household', 'person', 'finding', 'action', 'wrong']);
    expect(withForm.buttons.map((b) => b.label)).toEqual(['提交督查记录', '取消']);
  });

  it('a reminder gives the deadline, what is missing, the latest notice start and @-mentions', () => {
    const c = reminderCard({ ...data, stage: 'village_evaluation', stageName: '村“两委”评议、审查复核、资料填报、复核公示', deadline: '2026-12-17', daysLeft: 2, latestNoticeStart: '2026-12-11' }, '2026-12-15');
    const text = renderMessage('interactive', JSON.stringify(c)).text;
    expect(text).toContain('【复核提醒：清水村「评议公示」还剩 2 天】');
    expect(text).toContain('还剩 2 天截止（12月17日）');
    expect(text).toContain('村级公示须满 7 天，最迟 12月11日 开始。');
    expect(text).toContain('@ou_a 请抓紧办理，完成后发送“完成 评议公示”。');
  });
});
