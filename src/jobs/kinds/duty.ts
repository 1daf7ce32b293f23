// Duty reminders to the village chat (DESIGN §7): on the reminder days before each duty's due
// date and every day after it, what is missing by household, the village's responsible people
// and the households' helpers @-mentioned. The discipline committee's copy of the overdue ones
// is duty-overdue.ts; the helpers' private ones duty-helper.ts and duty-weekly.ts.
import { jobsDue, type MessageBase, type PlanInput } from '../../core/planner';
import { isChaseDay, villageDuties, type DutyFacts } from '../../core/duties';
import { DUTY_NAMES } from '../../core/duties';
import { villageDutyCard, duePhrase, dutyMentions, type VillageDutyData } from '../../bot/cards/duties';
import { readDutyFacts } from '../../store/duties';
import { defineJob } from '../job';

export interface DutyMessage extends MessageBase {
  kind: 'duty';
  villageId: string;
  data: VillageDutyData;
}

/** The villages' duties to chase today (due soon or late), with their village. */
export function chasedDuties(input: PlanInput, facts: DutyFacts, onlyLate = false) {
  const { today } = jobsDue(input.config, input.now);
  return input.villages
    .map((v) => ({
      v,
      gaps: villageDuties(v, facts, input.config, today).filter((g) => (onlyLate ? g.daysLeft < 0 : isChaseDay(input.config, g.daysLeft))),
    }))
    .filter((x) => x.gaps.length > 0);
}

export const dutyJob = defineJob<DutyMessage, DutyFacts>({
  kind: 'duty',
  due: (due) => due.alerts,
  read: readDutyFacts,
  plan(input, facts) {
    const { today, alerts } = jobsDue(input.config, input.now);
    if (!alerts || !facts) return [];
    const out: DutyMessage[] = [];
    for (const { v, gaps } of chasedDuties(input, facts)) {
      const chatId = input.chats.villages[v.village.id];
      if (chatId === undefined) continue; // an unbound village shows up in the digest instead
      const responsible = input.responsible[v.village.id] ?? [];
      const data: VillageDutyData = {
        villageId: v.village.id,
        villageName: v.village.name,
        gaps,
        responsible,
        reportedToInspectors: input.chats.inspectors !== undefined,
      };
      const people = dutyMentions(gaps, responsible);
      const text = [
        `【帮扶工作提醒】${v.village.name}`,
        ...gaps.map((g) => `${DUTY_NAMES[g.duty]}（${duePhrase(g.due, g.daysLeft)}）：${g.households.map((h) => `${h.number} ${h.head}`).join('、')}`),
        people.length > 0 ? `请 ${people.map((p) => `<at user_id="${p.openId}">${p.name}</at>`).join(' ')} 抓紧办理。` : '本村尚未指定责任人，请乡扶贫办指定。',
      ].join('\n');
      out.push({ key: `duty:${v.village.id}::${today}`, kind: 'duty', chatId, villageId: v.village.id, date: today, text, data });
    }
    return out;
  },
  card: (m) => [villageDutyCard(m.data)],
});
