// Cards of the duty reminders (DESIGN §7): the village chat's list of what is missing by
// household, the discipline committee's copy of the overdue ones, and a helper's own open duties
// (sent privately: when a duty is due soon or late, and weekly during the campaign).
import { card, md, type Card, type Element } from '../../feishu/card';
import { formatCn, type CalendarDate } from '../../core/dates';
import { DUTY_NAMES, DUTY_TODO, HELP_CARD_STEP_NAMES, type DutyGap, type DutyHousehold, type DutyPerson, type HelperDuties } from '../../core/duties';
import type { Person } from '../../core/planner';
import { cardMention } from './alerts';

/** User text shown in card markdown: no tags, no emphasis. */
export const plain = (s: string): string => s.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/[*_~`[\]]/g, (c) => `\\${c}`);

const MAX_SHOWN = 20;

/** '还剩 2 天（12月17日截止）' / '今天截止' / '已逾期 3 天（12月17日截止）' */
export function duePhrase(due: CalendarDate, daysLeft: number): string {
  if (daysLeft > 0) return `还剩 ${daysLeft} 天（${formatCn(due)}截止）`;
  if (daysLeft === 0) return `今天截止（${formatCn(due)}）`;
  return `已逾期 ${-daysLeft} 天（${formatCn(due)}截止）`;
}

const who = (h: DutyHousehold) => `${plain(h.number)} ${plain(h.head)}${h.helper ? `（帮扶人 ${plain(h.helper.name)}）` : ''}`;

export function gapLines(g: DutyGap): string {
  const shown = g.households.slice(0, MAX_SHOWN).map((h) => `- ${who(h)}${g.duty === 'helpCards' && h.step ? `：${HELP_CARD_STEP_NAMES[h.step]}` : ''}`);
  if (g.households.length > MAX_SHOWN) shown.push(`- 另有 ${g.households.length - MAX_SHOWN} 户`);
  if (g.idleHelpers?.length) shown.push(`- 尚未分配农户的帮扶人：${g.idleHelpers.map((p) => plain(p.name)).join('、')}`);
  const n = g.households.length > 0 ? `${g.households.length} 户${DUTY_TODO[g.duty]}` : '帮扶人未分配农户';
  return `**${DUTY_NAMES[g.duty]}**　${duePhrase(g.due, g.daysLeft)}，${n}\n${shown.join('\n')}`;
}

/** The people to @: the village's responsible people, then each listed household's helper. */
export function dutyMentions(gaps: DutyGap[], responsible: Person[]): Person[] {
  const out: Person[] = [...responsible];
  const seen = new Set(out.map((p) => p.openId));
  for (const g of gaps) {
    for (const p of [...g.households.map((h) => h.helper), ...(g.idleHelpers ?? [])]) {
      if (p?.openId && !seen.has(p.openId)) {
        seen.add(p.openId);
        out.push({ openId: p.openId, name: p.name });
      }
    }
  }
  return out;
}

export interface VillageDutyData {
  villageId: string;
  villageName: string;
  gaps: DutyGap[];
  responsible: Person[];
  reportedToInspectors: boolean;
}

/** To the village chat: every duty due soon or late, by household, the people @-mentioned. */
export function villageDutyCard(d: VillageDutyData): Card {
  const late = d.gaps.some((g) => g.daysLeft < 0);
  const people = dutyMentions(d.gaps, d.responsible);
  const els: Element[] = d.gaps.map((g) => md(gapLines(g)));
  if (late && d.reportedToInspectors) els.push(md('⚠️ 逾期事项已通报乡纪委。'));
  els.push(
    md(
      people.length > 0
        ? `${people.map(cardMention).join(' ')} 请抓紧办理。分类：“分类 <户> <类别>”；帮扶卡：“帮扶卡 <户>”；走访：“走访 <户> <内容>”；脱贫规划：“规划 <户>”。`
        : '本村尚未指定责任人，请乡扶贫办指定。',
    ),
  );
  return card(`${late ? '帮扶工作逾期' : '帮扶工作提醒'}：${d.villageName}`, els, late ? 'red' : 'orange');
}

/** To the discipline committee: the overdue duties of one village. */
export function overdueDutyCard(d: VillageDutyData): Card {
  const els: Element[] = [
    md(`**村**　${plain(d.villageName)}\n**责任人**　${d.responsible.length > 0 ? d.responsible.map((p) => plain(p.name)).join('、') : '未指定'}`),
    ...d.gaps.map((g) => md(gapLines(g))),
    md(`可发送“督办 ${plain(d.villageName)} <督查情况>”记录督查。`),
  ];
  return card(`帮扶工作逾期通报：${d.villageName}`, els, 'red');
}

export interface HelperDutyData extends HelperDuties {
  /** the weekly summary (every household), else a reminder of the duties due soon or late */
  weekly: boolean;
}

/** To a helper privately: their households and what each still misses. */
export function helperDutyCard(d: HelperDutyData): Card {
  const open = d.households.filter((h) => h.open.length > 0);
  const lines = (d.weekly ? d.households : open).map((h) => {
    const todo = h.open.map((o) => `${DUTY_TODO[o.duty]}（${duePhrase(o.due, o.daysLeft)}）`);
    const step = h.step && h.step !== 'none' ? `；帮扶卡：${HELP_CARD_STEP_NAMES[h.step]}` : '';
    return `- ${plain(h.village)} ${plain(h.number)} ${plain(h.head)}：${todo.length > 0 ? todo.join('、') : '各项已完成'}${step}`;
  });
  const els: Element[] = [
    md(`${plain(d.helper.name)}，您帮扶 ${d.households.length} 户，${open.length > 0 ? `其中 ${open.length} 户还有未完成的事项` : '各项帮扶工作均已完成'}：`),
    md(lines.join('\n')),
    md('填写帮扶卡：“帮扶卡 <户> 填写”；登记走访：“走访 <户> <内容>”；脱贫规划：“规划 <户>”。发送“我的帮扶”查看详情。'),
  ];
  const late = open.some((h) => h.open.some((o) => o.daysLeft < 0));
  return card(d.weekly ? '本周帮扶工作小结' : late ? '您的帮扶工作已逾期' : '帮扶工作提醒', els, late ? 'red' : d.weekly ? 'blue' : 'orange');
}

export type { DutyPerson };
