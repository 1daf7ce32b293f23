// The daily digest (每日进度) for the leaders' chat and each area leader: villages late first,
// a chart of every village's stage progress (card `chart`, a VChart bar spec: plain data, no
// functions), and the DESIGN §7 totals. A card stays under Feishu's 30 KB: when the villages do
// not fit in one, the digest becomes a summary card followed by cards of villages.
import { card, md, hr, cardBytes, CARD_MAX_BYTES, type Card, type Element } from '../../feishu/card';
import { esc } from '../../feishu/escape';
import { STAGES, TOWNSHIP_STAGES, VILLAGE_STAGES, type VillageStageKey } from '../../core/campaign';
import { formatCn } from '../../core/dates';
import { BATCH_NAMES, outreachLine, type DigestData, type StageState, type VillageDigestRow } from '../../core/planner';

export interface DigestCardOptions {
  townshipName: string;
  helperMaxHouseholds: number;
  /** helper id → name, for the helpers over the limit */
  helperNames?: Record<string, string>;
  maxBytes?: number;
  /** villages per chart (a card holds at most 5 charts) */
  villagesPerChart?: number;
}

const STATE_NAMES = { done: '已完成', open: '进行中', overdue: '逾期' } as const;
const STATE_COLORS = ['#34C724', '#FFC60A', '#F54A45'];

const cell = (st: StageState): string =>
  st.state === 'done' ? (st.daysLate ? `✅逾期${st.daysLate}天完成` : '✅') : st.state === 'overdue' ? `🔴逾期${st.daysLate}天` : st.daysLeft === 0 ? '⏳今天截止' : `⏳剩${st.daysLeft}天`;

const maxLate = (r: VillageDigestRow): number =>
  Math.max(0, ...VILLAGE_STAGES.map((k) => (r.stages[k].state === 'overdue' ? (r.stages[k] as { daysLate: number }).daysLate : 0)));
const openCount = (r: VillageDigestRow): number => VILLAGE_STAGES.filter((k) => r.stages[k].state !== 'done').length;

/** Late villages first (most days late first), then villages with open stages, then done ones. */
export function orderRows(rows: VillageDigestRow[]): VillageDigestRow[] {
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => maxLate(b.r) - maxLate(a.r) || openCount(b.r) - openCount(a.r) || a.i - b.i)
    .map((x) => x.r);
}

const pct = (n: number, of: number) => (of === 0 ? '—' : `${Math.round((n / of) * 100)}%`);

function villageLine(r: VillageDigestRow): string {
  const icon = maxLate(r) > 0 ? '🔴' : openCount(r) > 0 ? '⏳' : '✅';
  const stages = VILLAGE_STAGES.map((k) => `${STAGES[k].shortName} ${cell(r.stages[k])}`).join(' · ');
  const c = r.coverage;
  const duties = c.included > 0 ? `　帮扶 ${c.withHelper}/${c.included} · 分类 ${c.classified}/${c.included} · 帮扶卡 ${c.helpCardsReturned}/${c.included}` : '';
  const late = r.backfilled?.length ? `\n　📝 后补登记：${esc(r.backfilled.join('；'))}` : '';
  return `${icon} **${esc(r.name)}**　${stages}${duties}${r.hasChat ? '' : '（未绑定工作群）'}${late}`;
}

/** VChart stacked bars: per village, how many of its stages are done, open and late. */
export function villageChart(rows: VillageDigestRow[], title: string): Element {
  const values: { v: string; s: string; n: number }[] = [];
  for (const r of rows) {
    for (const state of ['done', 'open', 'overdue'] as const) {
      const n = VILLAGE_STAGES.filter((k) => r.stages[k].state === state).length;
      if (n > 0) values.push({ v: r.name, s: STATE_NAMES[state], n });
    }
  }
  return chart(title, values, 'v', VILLAGE_STAGES.length, '阶段数');
}

/** VChart stacked bars: per village stage, how many villages are done, open and late. */
export function stageChart(rows: VillageDigestRow[]): Element {
  const values: { v: string; s: string; n: number }[] = [];
  for (const k of VILLAGE_STAGES) {
    for (const state of ['done', 'open', 'overdue'] as const) {
      const n = rows.filter((r) => r.stages[k].state === state).length;
      if (n > 0) values.push({ v: STAGES[k].shortName, s: STATE_NAMES[state], n });
    }
  }
  return chart('各阶段完成情况（村数）', values, 'v', rows.length, '村数');
}

function chart(title: string, values: { v: string; s: string; n: number }[], xField: string, max: number, yTitle: string): Element {
  return {
    tag: 'chart',
    aspect_ratio: '16:9',
    chart_spec: {
      type: 'bar',
      title: { text: title },
      data: [{ id: 'progress', values }],
      xField,
      yField: 'n',
      seriesField: 's',
      stack: true,
      color: { type: 'ordinal', domain: Object.values(STATE_NAMES), range: STATE_COLORS },
      axes: [
        { orient: 'left', type: 'linear', min: 0, max: Math.max(1, max), title: { visible: true, text: yTitle } },
        { orient: 'bottom', type: 'band' },
      ],
      legends: { visible: true, orient: 'bottom' },
    },
  };
}

function stagesSummary(data: DigestData): string {
  const n = data.stats.villages;
  const village = VILLAGE_STAGES.map((k: VillageStageKey) => {
    const late = data.villages.filter((r) => r.stages[k].state === 'overdue').length;
    return `${STAGES[k].shortName} 完成 ${data.stats.villageStagesDone[k]}/${n} 村${late > 0 ? `（逾期 ${late} 村）` : ''}`;
  }).join('；');
  const township = TOWNSHIP_STAGES.map((k) => {
    const st = data.township[k];
    return `${STAGES[k].shortName} ${st.state === 'done' ? `✅已完成${st.daysLate ? `（逾期 ${st.daysLate} 天）` : ''}` : st.state === 'overdue' ? `🔴逾期 ${st.daysLate} 天` : '⏳未完成'}`;
  }).join('；');
  return `**村级阶段**　${village}\n**乡级阶段**　${township}`;
}

function lateList(rows: VillageDigestRow[], limit: number): string {
  const late = rows.filter((r) => maxLate(r) > 0);
  if (late.length === 0) return '**逾期村**　无';
  const items = late.slice(0, limit).map((r) => {
    const what = VILLAGE_STAGES.filter((k) => r.stages[k].state === 'overdue')
      .map((k) => `${STAGES[k].shortName} ${(r.stages[k] as { daysLate: number }).daysLate} 天`)
      .join('、');
    return `${esc(r.name)}（${what}）`;
  });
  const more = late.length > limit ? ` 等 ${late.length} 个村，详见各村进度` : '';
  return `🔴 **逾期村（${late.length}）**　${items.join('、')}${more}`;
}

function totals(data: DigestData, o: DigestCardOptions): string {
  const s = data.stats;
  const batches = (rec: Record<string, number>, unit: string): string =>
    Object.keys(BATCH_NAMES)
      .filter((k) => rec[k])
      .concat(Object.keys(rec).filter((k) => !(k in BATCH_NAMES)))
      .map((k) => `${BATCH_NAMES[k] ?? k} ${rec[k]} ${unit}`)
      .join('、') || '无';
  const over = s.helpersOverLimit;
  const overNames = over
    .slice(0, 10)
    .map((h) => `${esc(o.helperNames?.[h.helperId] ?? `#${h.helperId}`)} ${h.households} 户`)
    .join('、');
  const lines = [
    `**农户**　已复审 ${s.reviewed}/${s.households} 户，保留 ${s.kept} 户，清退 ${s.removed} 户，新纳入 ${s.newlyIncluded} 户`,
    `**比对疑点**　待处理 ${s.openExclusionHits} 条`,
    `**帮扶落实**　${s.withHelper}/${s.included} 户（${pct(s.withHelper, s.included)}），帮扶人 ${s.helpers} 名；超过 ${o.helperMaxHouseholds} 户的 ${over.length} 名${over.length > 0 ? `：${overNames}${over.length > 10 ? ' 等' : ''}` : ''}`,
    `**帮扶卡回收**　${s.helpCardsReturned}/${s.included} 户（${pct(s.helpCardsReturned, s.included)}）`,
    `**五个一批（户数）**　${batches(s.batchesByHousehold, '户')}；未分类 ${s.unclassified} 户`,
    `**五个一批（户内人口）**　${batches(s.batchesInHouseholds, '人')}${s.householdsWithoutMemberData > 0 ? `（${s.householdsWithoutMemberData} 户无成员数据，未计入）` : ''}`,
    `**五个一批（逐人分类）**　${batches(s.batchesIndividually, '人')}`,
    ...(data.outreach ? [`**政策宣讲**　${outreachLine(data.outreach)}`] : []),
  ];
  return lines.join('\n');
}

const lateTemplate = (data: DigestData) =>
  data.villages.some((r) => maxLate(r) > 0) || TOWNSHIP_STAGES.some((k) => data.township[k].state === 'overdue') ? 'red' : 'blue';

export function digestTitle(data: DigestData, townshipName: string): string {
  return data.leader
    ? `${data.leader.name} 包片村每日进度（${formatCn(data.date)}）`
    : `${townshipName} 每日复核进度（${formatCn(data.date)}）`;
}

function villageBlocks(rows: VillageDigestRow[], perChart: number, label: string): Element[] {
  const els: Element[] = [];
  for (let i = 0; i < rows.length; i += perChart) {
    const part = rows.slice(i, i + perChart);
    const suffix = rows.length > perChart ? `（${i + 1}–${i + part.length}）` : '';
    els.push(villageChart(part, `${label}${suffix}`));
  }
  els.push(md(rows.map(villageLine).join('\n')));
  return els;
}

/**
 * The digest as one card when it fits, else a summary card (stage chart, late villages, totals)
 * followed by as many village cards as needed, each under the byte limit.
 */
export function digestCards(data: DigestData, o: DigestCardOptions): Card[] {
  const max = o.maxBytes ?? CARD_MAX_BYTES;
  const perChart = o.villagesPerChart ?? 30;
  const rows = orderRows(data.villages);
  const title = digestTitle(data, o.townshipName);
  const template = lateTemplate(data);
  const count = `共 ${data.stats.villages} 个村`;
  const unbound = rows.filter((r) => !r.hasChat).length;
  const unboundNote = unbound > 0 ? md(`⚠️ ${unbound} 个村未绑定工作群，收不到提醒。`) : null;

  if (rows.length <= perChart * 5) {
    const single = card(
      title,
      [
        md(`${count}。\n${stagesSummary(data)}`),
        md(lateList(rows, rows.length)),
        ...villageBlocks(rows, perChart, '各村阶段进度'),
        ...(unboundNote ? [unboundNote] : []),
        hr(),
        md(totals(data, o)),
      ],
      template,
    );
    if (cardBytes(single) <= max) return [single];
  }

  // Summary first; the list of late villages shortens until the card fits.
  let summary: Card | null = null;
  for (let limit = rows.length; ; limit = Math.floor(limit / 2)) {
    summary = card(
      title,
      [
        md(`${count}，各村明细见后续卡片。\n${stagesSummary(data)}`),
        stageChart(rows),
        md(lateList(rows, limit)),
        ...(unboundNote ? [unboundNote] : []),
        hr(),
        md(totals(data, o)),
      ],
      template,
    );
    if (cardBytes(summary) <= max || limit === 0) break;
  }
  // Village cards: as many villages as fit, at most 5 charts each.
  let size = Math.min(rows.length, perChart * 5);
  for (;;) {
    const parts: VillageDigestRow[][] = [];
    for (let i = 0; i < rows.length; i += size) parts.push(rows.slice(i, i + size));
    const cards = parts.map((part, i) =>
      card(`${title} 各村 ${i + 1}/${parts.length}`, villageBlocks(part, perChart, '各村阶段进度'), template),
    );
    if (cards.every((c) => cardBytes(c) <= max) || size === 1) return [summary, ...cards];
    size = Math.max(1, Math.floor(size * 0.75));
  }
}
