// Cards of the scheduled alerts (DESIGN §7): the deadline reminder and the overdue notice in a
// village chat, and the overdue / escalation alert in the discipline committee's chat with its
// 已督办 and 记录督查 buttons (and the inspection form).
import { card, md, hr, buttons, checker, form, input, select, type Card, type Element } from '../../feishu/card';
import { INSPECTION_KINDS } from '../../core/accountability';
import { botMention, esc } from '../../feishu/escape';
import { STAGES, deadlinePhrase, isVillageStage, type StageKey } from '../../core/campaign';
import { cstTime, daysBetween, formatCn, type CalendarDate } from '../../core/dates';
import type { EscalationData, OverdueData, Person, ReminderData, StageAlertData } from '../../core/planner';
import { alertAck, alertInspect, alertInspectForm, alertShow } from '../actions/alerts';
import { stageComplete } from '../actions/review';

/** An @-mention inside card markdown (FEISHU.md: `<at id=ou_xxx></at>`). */
export const cardMention = (p: Person): string => botMention(p.openId);

/** '12月11日 10:20' in China Standard Time. */
export function cstClock(ms: number): string {
  const t = cstTime(new Date(ms));
  return `${formatCn(t.date)} ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}

const names = (people: Person[]) => (people.length > 0 ? esc(people.map((p) => p.name).join('、')) : '未指定（请乡扶贫办指定）');
const mentions = (people: Person[]) => people.map(cardMention).join(' ');

function missingBlock(missing: string[]): Element {
  return md(missing.length > 0 ? `**尚缺**\n${missing.map((m, i) => `${i + 1}. ${esc(m)}`).join('\n')}` : '各项条件已满足。');
}

function headBlock(d: StageAlertData, today: CalendarDate, extra = ''): Element {
  return md(`**${d.stageName}**\n${deadlinePhrase(today, d.deadline)}${extra}`);
}

function completeButton(stage: StageKey, met: boolean): Element[] {
  if (!isVillageStage(stage)) return [];
  return [buttons(stageComplete.button(`标记完成：${STAGES[stage].shortName}`, { stage }, met ? 'primary' : 'default'))];
}

/** Deadline reminder to a village chat (D-2, D-1, D). */
export function reminderCard(d: ReminderData, today: CalendarDate): Card {
  const short = STAGES[d.stage].shortName;
  const els: Element[] = [headBlock(d, today), missingBlock(d.missing)];
  if (d.latestNoticeStart) {
    const minDays = daysBetween(d.latestNoticeStart, d.deadline) + 1;
    els.push(md(`📅 村级公示须满 ${minDays} 天，最迟 **${formatCn(d.latestNoticeStart)}** 开始。`));
  }
  const action = d.missing.length === 0 ? `各项条件已满足，请发送“完成 ${short}”确认。` : `完成后发送“完成 ${short}”。`;
  els.push(
    md(
      d.responsible.length > 0
        ? `**责任人**　${names(d.responsible)}\n${mentions(d.responsible)} 请抓紧办理，${action}`
        : `本村尚未指定责任人，请乡扶贫办指定。${action}`,
    ),
  );
  els.push(...completeButton(d.stage, d.missing.length === 0));
  const title = d.daysLeft === 0 ? `今天截止：${d.villageName}「${short}」` : `复核提醒：${d.villageName}「${short}」还剩 ${d.daysLeft} 天`;
  return card(title, els, d.daysLeft === 0 ? 'red' : 'orange');
}

/** The village chat's copy of an overdue flag. */
export function overdueVillageCard(d: OverdueData, today: CalendarDate, reportedToInspectors: boolean): Card {
  const short = STAGES[d.stage].shortName;
  const els: Element[] = [headBlock(d, today, reportedToInspectors ? '，已通报乡纪委' : ''), missingBlock(d.missing)];
  els.push(
    md(
      d.responsible.length > 0
        ? `**责任人**　${names(d.responsible)}\n${mentions(d.responsible)} 请立即办理，完成后发送“完成 ${short}”。`
        : `本村尚未指定责任人，请乡扶贫办指定。完成后发送“完成 ${short}”。`,
    ),
  );
  els.push(...completeButton(d.stage, d.missing.length === 0));
  return card(`逾期：${d.villageName}「${short}」已逾期 ${d.daysLate} 天`, els, 'red');
}

/** What a button on an alert card carries, to find the alert again. */
export interface AlertRef {
  /** kind of the alert */
  k: 'overdue' | 'escalation';
  /** planner village id ('township' for a township stage) */
  v: string;
  s: StageKey;
  /** the alert's day (alerts.date) */
  d: CalendarDate;
  /** escalation: the acknowledgement it follows */
  ad?: CalendarDate;
}

export interface AlertCardInput {
  ref: AlertRef;
  data: StageAlertData & { daysLate: number };
  /** the stage was completed since the alert */
  doneAt?: CalendarDate | null;
  /** days after the deadline it was completed */
  doneLate?: number;
  ack?: { by: string; at: number } | null;
  inspections?: { by: string; at: number; finding: string; action: string | null }[];
  /** show the 记录督查 form */
  showForm?: boolean;
}

/** The alert in the discipline committee's chat: overdue notice or escalation. */
export function alertCard(a: AlertCardInput): Card {
  const { data: d, ref } = a;
  const short = STAGES[d.stage].shortName;
  const lines = [
    `**${d.villageId === 'township' ? '范围' : '村'}**　${esc(d.villageName)}`,
    `**阶段**　${d.stageName}（截止 ${formatCn(d.deadline)}）`,
    `**逾期**　${d.daysLate} 天（${formatCn(ref.d)}）`,
    `**责任人**　${names(d.responsible)}${d.responsible.length > 0 ? `\n${mentions(d.responsible)}` : ''}`,
  ];
  if (ref.k === 'escalation' && ref.ad) lines.splice(3, 0, `**督办**　${formatCn(ref.ad)} 已督办，${daysBetween(ref.ad, ref.d)} 天后仍未完成`);
  const els: Element[] = [md(lines.join('\n')), missingBlock(d.missing)];
  if (a.doneAt) els.push(md(`✅ 该阶段已于 ${formatCn(a.doneAt)} 完成${a.doneLate ? `，逾期 ${a.doneLate} 天` : ''}。`));
  const notes: string[] = [];
  if (a.ack) notes.push(`✅ **已督办**　${esc(a.ack.by)}，${cstClock(a.ack.at)}`);
  for (const i of a.inspections ?? []) {
    notes.push(`📝 **督查记录**（${esc(i.by)}，${cstClock(i.at)}）：${esc(i.finding)}${i.action ? `；措施：${esc(i.action)}` : ''}`);
  }
  if (notes.length > 0) els.push(hr(), md(notes.join('\n')));
  const value = { ...ref };
  if (a.showForm) {
    els.push(
      form(
        'inspection',
        [
          select('kind', '督查方式：明察 / 暗访（可不选）', INSPECTION_KINDS.map((k) => ({ text: k, value: k })), false),
          input('household', '户（户编号或户主姓名，可不填）', { placeholder: '如：01-004' }),
          input('person', '涉及人员（可不填）', { placeholder: '如：王磊（识别责任人）' }),
          input('finding', '督查发现', { placeholder: '如：资格复审未开展，已约谈村支书', required: true }),
          input('action', '采取的措施', { placeholder: '如：限 12月12日 前完成（可不填）' }),
          checker('wrong', '确认识别错误（须填写户；复核结束后报追责）'),
        ],
        '提交督查记录',
        alertInspect.submit(value),
      ),
    );
    els.push(buttons(alertShow.button('取消', value)));
  } else {
    const btns: Element[] = [];
    if (!a.ack) btns.push(alertAck.button('已督办', value, 'primary'));
    btns.push(alertInspectForm.button('记录督查', value));
    els.push(buttons(...btns));
  }
  const title = `${ref.k === 'escalation' ? '再次督办' : '逾期通报'}：${d.villageName}「${short}」逾期 ${d.daysLate} 天`;
  return card(title, els, a.ack || a.doneAt ? 'orange' : 'red');
}

/** The alert card as first sent by the job. */
export function alertCardOf(kind: 'overdue' | 'escalation', date: CalendarDate, d: OverdueData | EscalationData): Card {
  const ref: AlertRef = { k: kind, v: d.villageId, s: d.stage, d: date };
  if (kind === 'escalation' && 'ackDate' in d) ref.ad = d.ackDate;
  return alertCard({ ref, data: d });
}
