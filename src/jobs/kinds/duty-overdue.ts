// Overdue duties to the discipline committee (DESIGN §7), like overdue stages: every day after a
// duty's due date while households still miss it, one card per village.
import { jobsDue, namesOf, type MessageBase } from '../../core/planner';
import { DUTY_NAMES, type DutyFacts } from '../../core/duties';
import { duePhrase, overdueDutyCard, type VillageDutyData } from '../../bot/cards/duties';
import { readDutyFacts } from '../../store/duties';
import { defineJob } from '../job';
import { chasedDuties } from './duty';

export interface DutyOverdueMessage extends MessageBase {
  kind: 'duty_overdue';
  villageId: string;
  data: VillageDutyData;
}

export const dutyOverdueJob = defineJob<DutyOverdueMessage, DutyFacts>({
  kind: 'duty_overdue',
  due: (due) => due.alerts,
  read: readDutyFacts,
  plan(input, facts) {
    const { today, alerts } = jobsDue(input.config, input.now);
    const chatId = input.chats.inspectors;
    if (!alerts || !facts || chatId === undefined) return [];
    return chasedDuties(input, facts, true).map(({ v, gaps }): DutyOverdueMessage => {
      const responsible = input.responsible[v.village.id] ?? [];
      const text = [
        `【帮扶工作逾期通报】${v.village.name}，责任人：${namesOf(responsible)}`,
        ...gaps.map((g) => `${DUTY_NAMES[g.duty]}（${duePhrase(g.due, g.daysLeft)}）：${g.households.map((h) => `${h.number} ${h.head}`).join('、')}`),
      ].join('\n');
      return {
        key: `duty_overdue:${v.village.id}::${today}`,
        kind: 'duty_overdue',
        chatId,
        villageId: v.village.id,
        date: today,
        text,
        data: { villageId: v.village.id, villageName: v.village.name, gaps, responsible, reportedToInspectors: true },
      };
    });
  },
  card: (m) => [overdueDutyCard(m.data)],
});
