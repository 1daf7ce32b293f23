// A helper's own duties, privately (DESIGN §7): on a day one of their households' duties (help
// card, visit, exit plan, classification) is due soon or late, the list of what each still misses.
import { jobsDue, type MessageBase } from '../../core/planner';
import { DUTY_TODO, helperDuties, isChaseDay, type DutyFacts } from '../../core/duties';
import { helperDutyCard, type HelperDutyData } from '../../bot/cards/duties';
import { readDutyFacts } from '../../store/duties';
import { defineJob } from '../job';

export interface DutyHelperMessage extends MessageBase {
  kind: 'duty_helper' | 'duty_weekly';
  data: HelperDutyData;
}

export const helperDutyText = (d: HelperDutyData): string =>
  [
    `【${d.weekly ? '本周帮扶工作小结' : '帮扶工作提醒'}】${d.helper.name}`,
    ...d.households
      .filter((h) => d.weekly || h.open.length > 0)
      .map((h) => `${h.village} ${h.number} ${h.head}：${h.open.length > 0 ? h.open.map((o) => DUTY_TODO[o.duty]).join('、') : '各项已完成'}`),
  ].join('\n');

export const dutyHelperJob = defineJob<DutyHelperMessage, DutyFacts>({
  kind: 'duty_helper',
  due: (due) => due.alerts,
  read: readDutyFacts,
  plan(input, facts) {
    const { today, alerts } = jobsDue(input.config, input.now);
    if (!alerts || !facts) return [];
    const out: DutyHelperMessage[] = [];
    for (const [id, h] of helperDuties(input.villages, facts, input.config, today)) {
      if (!h.helper.openId) continue;
      const open = h.households.filter((x) => x.open.length > 0);
      if (!open.some((x) => x.open.some((o) => isChaseDay(input.config, o.daysLeft)))) continue;
      const data: HelperDutyData = { ...h, weekly: false };
      out.push({
        key: `duty_helper:${id}::${today}:helper:${h.helper.openId}`,
        kind: 'duty_helper',
        chatId: h.helper.openId,
        receiveIdType: 'open_id',
        date: today,
        text: helperDutyText(data),
        data,
      });
    }
    return out;
  },
  card: (m) => [helperDutyCard(m.data)],
});
