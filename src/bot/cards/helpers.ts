// Cards of the helper features: assigning a helper, help cards to collect, the five-batches
// classification with its suggestions, the poverty-exit plan, and per-helper activity.
import { card, md, hr, buttons, form, input, select, datePicker, type Card, type Element } from '../../feishu/card';
import { esc, escCell } from '../../feishu/escape';
import { BATCHES, BATCH_KEYS, batchShortNames, type Suggestions } from '../../core/batches';
import { formatCn, type CalendarDate } from '../../core/dates';
import type { VillageRow } from '../../store/township';
import type { ExitPlanRow, HelpCardRow, HelperActivity, HelperCoverage, HouseholdRef, HouseholdRow, MemberRow } from '../../store/helpers';
import { householdLabel, householdSummary } from '../household-info';
import { HELP_CARD_STEP_NAMES, type HelpCardStep } from '../../core/duties';
import { helperAssign, helperPick } from '../actions/helpers';
import { helpcardFill, helpcardReceive, helpcardReturn } from '../actions/helpcards';
import { batchesApply, batchesSet } from '../actions/batches';
import { planSave } from '../actions/plans';

const MAX_ROWS = 30;

function multiSelect(name: string, label: string, selected: readonly string[]): Element {
  return {
    tag: 'multi_select_static',
    name,
    placeholder: { tag: 'plain_text', content: label },
    required: false,
    width: 'fill',
    options: BATCH_KEYS.map((k) => ({ text: { tag: 'plain_text', content: BATCHES[k].short }, value: k })),
    selected_values: [...selected],
  };
}

const textArea = (name: string, label: string, value?: string): Element => ({
  ...input(name, label, { required: true, ...(value !== undefined ? { value } : {}) }),
  input_type: 'multiline_text',
  rows: 3,
});

const refs = (list: HouseholdRef[], max = 8) =>
  list.length > max ? `${list.slice(0, max).map((h) => h.head).join('、')} 等 ${list.length} 户` : list.map((h) => h.head).join('、');

export interface HelperCandidate {
  id: number;
  name: string;
  department: string | null;
  load: number;
  /** would be flagged (poor village, outside the assisting department and the village cadres) */
  flagged: boolean;
}

/** A household with its helper, and the form to assign or change the helper. */
export function assignCard(h: HouseholdRow, v: VillageRow, ms: MemberRow[], helperName: string | null, candidates: HelperCandidate[], max: number): Card {
  const els: Element[] = [md(esc(householdSummary(h, v, ms))), hr(), md(`**帮扶责任人**：${helperName ? esc(helperName) : '未安排'}`)];
  if (candidates.length === 0) {
    els.push(md('没有可选的党员干部。请乡扶贫办先登记帮扶责任人：角色 @某人 帮扶责任人'));
  } else {
    const options = candidates.slice(0, 50).map((c) => ({
      text: `${c.name}（${c.department ?? '单位未填'}，${c.load}/${max} 户${c.load >= max ? '，已满' : ''}${c.flagged ? '，非帮扶部门' : ''}）`,
      value: String(c.id),
    }));
    els.push(
      form(
        'helper_form',
        [select('helper', helperName ? '更换为' : '选择帮扶责任人', options), input('reason', '超限理由（仅乡扶贫办超过上限时填写）')],
        helperName ? '更换帮扶责任人' : '安排帮扶责任人',
        helperAssign.submit({ h: h.id }, ['helper', 'reason']),
      ),
    );
  }
  return card(`帮扶安排 · ${householdLabel(h, v)}`, els, helperName ? 'blue' : 'orange');
}

/** The village's included households without a helper, each with a button to assign one. */
export function unassignedCard(v: VillageRow, list: HouseholdRef[], included: number): Card {
  const els: Element[] = [md(`已落实帮扶 ${included - list.length}/${included} 户。${list.length ? `未安排 ${list.length} 户：` : '全部已安排。'}`)];
  for (const h of list.slice(0, MAX_ROWS)) els.push(buttons(helperPick.button(`安排：${h.number} ${h.head}`, { h: h.id })));
  if (list.length > MAX_ROWS) els.push(md(`另有 ${list.length - MAX_ROWS} 户，可发送：帮扶 <户> @某人`));
  return card(`${v.name} 帮扶安排`, els, list.length ? 'orange' : 'green');
}

/** Help cards of the village: how many at each step, and a button per card waiting for the village. */
export function helpCardsCard(
  v: VillageRow,
  missing: (HouseholdRef & { helper: string | null; step: HelpCardStep })[],
  included: number,
  steps: Record<HelpCardStep, number>,
): Card {
  const els: Element[] = [
    md(
      `**帮扶卡回收** ${included - missing.length}/${included} 户${missing.length ? `，未回收 ${missing.length} 户：` : '，已全部回收。'}\n` +
        `帮扶人已填写 ${steps.filled + steps.collected + steps.received} 户 · 村两委已回收 ${steps.collected + steps.received} 户 · 乡扶贫办已存档 ${steps.received} 户`,
    ),
  ];
  for (const h of missing.slice(0, MAX_ROWS)) {
    const who = h.helper ? `帮扶人 ${h.helper}` : '未安排帮扶人';
    els.push(md(esc(`${h.number} ${h.head}（${who}）：${HELP_CARD_STEP_NAMES[h.step]}`)));
    if (h.step === 'filled') els.push(buttons(helpcardReturn.button(`已回收：${h.number} ${h.head}`, { h: h.id }, 'primary')));
  }
  if (missing.length > MAX_ROWS) els.push(md(`另有 ${missing.length - MAX_ROWS} 户，可发送：帮扶卡 <户> 已回收`));
  return card(`${v.name} 帮扶卡回收`, els, missing.length ? 'orange' : 'green');
}

export interface HelpCardView {
  content: HelpCardRow | null;
  step: HelpCardStep;
  filled: string | null;
  collected: string | null;
  received: string | null;
  helper: string | null;
}

/** One household's help card: what the helper filled in, its three steps with who and when, and what the viewer may do next. */
export function helpCardCard(h: HouseholdRow, v: VillageRow, c: HelpCardView, may: { fill: boolean; collect: boolean; receive: boolean }): Card {
  const step = (label: string, x: string | null) => `${x ? '✅' : '⬜'} ${label}${x ? `：${esc(x)}` : ''}`;
  const els: Element[] = [
    md(`**帮扶责任人**：${c.helper ? esc(c.helper) : '未安排'}\n**当前步骤**：${HELP_CARD_STEP_NAMES[c.step]}`),
    md([step('帮扶人填写', c.filled), step('村两委回收', c.collected), step('交乡扶贫办存档', c.received)].join('\n')),
  ];
  const k = c.content;
  if (k) {
    const lines = [
      ['家庭情况', k.situation],
      ['致贫原因', k.causes],
      ['帮扶措施', k.measures],
      ['联系方式', k.contact],
    ]
      .filter((x): x is [string, string] => Boolean(x[1]))
      .map(([l, t]) => `**${l}**：${esc(t)}`);
    if (k.photos.length) lines.push(`**纸质帮扶卡照片** ${k.photos.length} 张`);
    if (lines.length) els.push(hr(), md(lines.join('\n')));
  }
  if (may.fill) {
    els.push(
      hr(),
      form(
        'helpcard_form',
        [
          textArea('situation', '家庭情况', k?.situation ?? undefined),
          textArea('causes', '致贫原因', k?.causes ?? undefined),
          textArea('measures', '帮扶措施（与户商定）', k?.measures ?? undefined),
          { ...input('contact', '帮扶人联系方式', { required: true, ...(k?.contact ? { value: k.contact } : {}) }) },
        ],
        k ? '更新帮扶卡' : '提交帮扶卡',
        helpcardFill.submit({ h: h.id }, ['situation', 'causes', 'measures', 'contact']),
      ),
      md(`或拍下纸质帮扶卡，在同一条消息里发送：帮扶卡 ${esc(h.number)} 照片`),
    );
  }
  const next: Element[] = [];
  if (may.collect) next.push(helpcardReturn.button('村两委已回收', { h: h.id }, 'primary'));
  if (may.receive) next.push(helpcardReceive.button('乡扶贫办已存档', { h: h.id }, 'primary'));
  if (next.length) els.push(buttons(...next));
  return card(`帮扶卡 · ${householdLabel(h, v)}`, els, c.step === 'received' ? 'green' : c.step === 'none' ? 'orange' : 'blue');
}

/** The classification card: current labels, the suggestion with reasons, and the choice. */
export function batchesCard(h: HouseholdRow, v: VillageRow, ms: MemberRow[], s: Suggestions): Card {
  const els: Element[] = [
    md(
      `**当前分类**（到户）：${batchShortNames(h.batches)}\n` +
        (ms.length ? ms.map((m) => `• ${esc(m.name)}：${m.batches.length ? batchShortNames(m.batches) : '同户'}`).join('\n') : '（花名册无成员）'),
    ),
    hr(),
  ];
  if (s.household.length) {
    els.push(
      md(
        `**建议**（依据花名册，仅供参考，请核实后选择）：\n` +
          s.household.map((x) => `• ${BATCHES[x.batch].short}：${esc(x.reasons.join('；'))}`).join('\n'),
      ),
    );
    els.push(buttons(batchesApply.button('采用建议（到户到人）', { h: h.id }, 'primary')));
  } else {
    els.push(md('花名册中没有可供建议的信号，请按实际情况选择。'));
  }
  els.push(
    form(
      'batches_form',
      [multiSelect('batches', '本户类别（可多选）', h.batches), ...ms.map((m) => multiSelect(`m${m.id}`, `${m.name}（不选则同户）`, m.batches))],
      '保存分类',
      batchesSet.submit({ h: h.id }, ['batches', ...ms.map((m) => `m${m.id}`)]),
    ),
  );
  return card(`五个一批分类 · ${householdLabel(h, v)}`, els, h.batches.length ? 'green' : 'orange');
}

/** The poverty-exit plan with its form. */
export function planCard(h: HouseholdRow, v: VillageRow, plan: ExitPlanRow | null, defaultOwner: string | null): Card {
  const els: Element[] = [
    md(
      plan
        ? `**脱贫措施**：${esc(plan.measures)}\n**责任人**：${esc(plan.owner)}\n**时间**：${plan.startDate ? formatCn(plan.startDate) : '未定'} 至 ${plan.endDate ? formatCn(plan.endDate) : '未定'}\n（${esc(plan.updatedBy)} 最后修改）`
        : '尚未制定脱贫规划。',
    ),
    md(`五个一批：${batchShortNames(h.batches)}`),
    form(
      'plan_form',
      [
        textArea('measures', '脱贫措施', plan?.measures),
        input('owner', '责任人', { required: true, ...(plan?.owner ?? defaultOwner ? { value: plan?.owner ?? defaultOwner ?? '' } : {}) }),
        datePicker('start', '开始日期', plan?.startDate ?? undefined),
        datePicker('end', '完成日期', plan?.endDate ?? undefined),
      ],
      '保存规划',
      planSave.submit({ h: h.id }, ['measures', 'owner', 'start', 'end']),
    ),
  ];
  return card(`脱贫规划 · ${householdLabel(h, v)}`, els, plan ? 'blue' : 'orange');
}

/** 帮扶情况: one row per helper. */
export function helperActivityCard(title: string, rows: HelperActivity[], max: number, today: CalendarDate): Card {
  const households = rows.reduce((n, r) => n + r.households.length, 0);
  const never = rows.reduce((n, r) => n + r.neverVisited.length, 0);
  const over = rows.filter((r) => r.overLimit).length;
  const idle = rows.filter((r) => r.visitsRecent === 0).length;
  const els: Element[] = [
    md(`截至 ${formatCn(today)}：帮扶责任人 ${rows.length} 名，帮扶 ${households} 户；超过 ${max} 户 ${over} 名；近 30 天未走访 ${idle} 名；从未走访 ${never} 户。`),
  ];
  if (rows.length) {
    const shown = rows.slice(0, 40);
    const table = [
      '| 帮扶人 | 单位 | 户数 | 近30天走访 | 从未走访的户 |',
      '|---|---|---|---|---|',
      ...shown.map(
        (r) =>
          `| ${escCell(r.helper.name)} | ${escCell(r.helper.department)} | ${r.load}${r.overLimit ? ' ⚠️' : ''} | ${r.visitsRecent} | ${r.neverVisited.length ? escCell(refs(r.neverVisited, 4)) : '无'} |`,
      ),
    ].join('\n');
    els.push(md(table));
    if (rows.length > shown.length) els.push(md(`另有 ${rows.length - shown.length} 名，完整名单请用：npm run cli -- export helpers <文件.xlsx>`));
  } else {
    els.push(md('还没有安排帮扶责任人。'));
  }
  return card(title, els, never || over ? 'orange' : 'green');
}

/** The helper-duty gaps of a village, for the progress card: one markdown line. */
export function helperCoverageLine(c: HelperCoverage): string {
  const parts: string[] = [];
  if (c.withoutHelper.length) parts.push(`未安排帮扶 ${c.withoutHelper.length} 户（${esc(refs(c.withoutHelper, 5))}）`);
  if (c.unclassified.length) parts.push(`未分类 ${c.unclassified.length} 户`);
  if (c.helpCardsMissing.length) parts.push(`帮扶卡未回收 ${c.helpCardsMissing.length} 户`);
  if (c.notVisited.length) parts.push(`未走访 ${c.notVisited.length} 户`);
  if (c.helpersOverLimit.length) parts.push(`帮扶超限 ${c.helpersOverLimit.map((h) => `${esc(h.name)}（${h.households} 户）`).join('、')}`);
  return parts.length ? `**帮扶缺口** ${parts.join('；')}` : '**帮扶缺口** 无，各户均已落实。';
}
