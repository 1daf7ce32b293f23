// Escalation (DESIGN §7): a stage still late `escalateAfterDays` after the committee's latest
// acknowledgement (已督办) is raised again, to the committee's chat (or the leaders' when unbound).
// Planned from its due day on under that day's key, so a day missed while down is caught up.
import { deadlinePhrase, stageName, type StageKey } from '../../core/campaign';
import { addDays, daysBetween, formatCn, type CalendarDate } from '../../core/dates';
import { alertData, jobsDue, missingBlock, namesOf, openStages, type EscalationData, type MessageBase } from '../../core/planner';
import { alertCardOf } from '../../bot/cards/alerts';
import { alerts } from '../../../db/schema/index';
import { dbVillageId } from '../../store/jobs';
import { defineJob } from '../job';

export interface EscalationMessage extends MessageBase {
  kind: 'escalation';
  villageId: string;
  stage: StageKey;
  data: EscalationData;
}

export const escalationJob = defineJob<EscalationMessage>({
  kind: 'escalation',
  due: (due) => due.alerts,
  plan(input) {
    const { today, alerts: due } = jobsDue(input.config, input.now);
    const chatId = input.chats.inspectors ?? input.chats.leaders;
    if (!due || chatId === undefined) return [];
    // Latest acknowledgement per village and stage; a later one restarts the escalation clock.
    const acks = new Map<string, CalendarDate>();
    for (const a of input.acknowledged) {
      const k = `${a.villageId}:${a.stage}`;
      const prev = acks.get(k);
      if (a.ackDate <= today && (prev === undefined || a.ackDate > prev)) acks.set(k, a.ackDate);
    }
    const out: EscalationMessage[] = [];
    for (const o of openStages(input, today, (s) => s.daysLeft < 0 && acks.has(`${s.id}:${s.stage}`))) {
      const ackDate = acks.get(`${o.id}:${o.stage}`);
      if (ackDate === undefined) continue;
      const dueDate = addDays(ackDate, input.config.escalateAfterDays);
      if (today < dueDate) continue;
      const daysLate = daysBetween(o.deadline, today);
      const daysSinceAck = daysBetween(ackDate, today);
      const text = `【再次督办】${o.name}「${stageName(o.stage)}」${formatCn(ackDate)} 督办后 ${daysSinceAck} 天仍未完成，${deadlinePhrase(today, o.deadline)}。责任人：${namesOf(o.people)}。${missingBlock(o.missing)}`;
      out.push({
        key: `escalation:${o.id}:${o.stage}:${dueDate}`,
        kind: 'escalation',
        chatId,
        villageId: o.id,
        stage: o.stage,
        date: dueDate,
        text,
        data: { ...alertData(o), daysLate, ackDate, daysSinceAck },
      });
    }
    return out;
  },
  card: (m) => [alertCardOf('escalation', m.date, m.data)],
  writes: (d, t, m) => [
    d.db.insert(alerts).values({ townshipId: t.id, villageId: dbVillageId(m.villageId), stage: m.stage, date: m.date }).onConflictDoNothing(),
  ],
});
