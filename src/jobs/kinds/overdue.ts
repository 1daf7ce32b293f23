// Overdue flag (DESIGN §7): 09:05 on every day after a stage's deadline while it is still open,
// to the discipline committee's chat (an alert it acknowledges, 已督办) and to the village chat.
import { deadlinePhrase, stageName, stageShortName, type StageKey } from '../../core/campaign';
import { daysBetween } from '../../core/dates';
import { alertData, jobsDue, mention, missingBlock, namesOf, openStages, type MessageBase, type OverdueData } from '../../core/planner';
import { alertCardOf, overdueVillageCard } from '../../bot/cards/alerts';
import { alerts } from '../../../db/schema/index';
import { dbVillageId } from '../../store/jobs';
import { defineJob } from '../job';

export interface OverdueMessage extends MessageBase {
  kind: 'overdue';
  villageId: string;
  stage: StageKey;
  data: OverdueData;
}

export const overdueJob = defineJob<OverdueMessage>({
  kind: 'overdue',
  due: (due) => due.alerts,
  plan(input) {
    const { today, alerts: due } = jobsDue(input.config, input.now);
    if (!due) return [];
    const inspectors = input.chats.inspectors;
    const out: OverdueMessage[] = [];
    for (const o of openStages(input, today, (s) => s.daysLeft < 0)) {
      const daysLate = daysBetween(o.deadline, today);
      const key = `overdue:${o.id}:${o.stage}:${today}`;
      const head = `「${stageName(o.stage)}」${deadlinePhrase(today, o.deadline)}`;
      const base = { kind: 'overdue' as const, villageId: o.id, stage: o.stage, date: today };
      if (inspectors !== undefined) {
        const text = `【逾期通报】${o.name}${head}。责任人：${namesOf(o.people)}。${missingBlock(o.missing)}`;
        out.push({ ...base, key, chatId: inspectors, text, data: { ...alertData(o), daysLate, audience: 'inspectors' } });
      }
      if (o.villageChat !== undefined) {
        const reported = inspectors !== undefined ? '，已通报乡纪委' : '';
        const who = o.people.length > 0 ? `请 ${o.people.map(mention).join(' ')} 立即办理` : '本村尚未指定责任人，请乡扶贫办指定';
        const text = `【逾期】${o.name}${head}${reported}。${missingBlock(o.missing)}\n${who}，完成后发送“完成 ${stageShortName(o.stage)}”。`;
        out.push({ ...base, key: `${key}:village`, chatId: o.villageChat, text, data: { ...alertData(o), daysLate, audience: 'village' } });
      }
    }
    return out;
  },
  card: (m, ctx) =>
    m.data.audience === 'village'
      ? [overdueVillageCard(m.data, m.date, ctx.township.inspectorsChatId !== null)]
      : [alertCardOf('overdue', m.date, m.data)],
  // The discipline committee's alerts are rows it acknowledges (已督办) from the card.
  writes: (d, t, m) =>
    m.data.audience === 'inspectors'
      ? [d.db.insert(alerts).values({ townshipId: t.id, villageId: dbVillageId(m.villageId), stage: m.stage, date: m.date }).onConflictDoNothing()]
      : [],
});
