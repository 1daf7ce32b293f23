// Deadline reminder (DESIGN §7): 09:05 on the configured days before a village stage's deadline,
// to the village chat, with what is missing and the responsible people @-mentioned.
import { deadlinePhrase, isVillageStage, latestNoticeStart, stageName, stageShortName, type VillageStageKey } from '../../core/campaign';
import type { CalendarDate } from '../../core/dates';
import { alertData, jobsDue, mention, missingBlock, openStages, type MessageBase, type PlanInput, type ReminderData } from '../../core/planner';
import { reminderCard } from '../../bot/cards/alerts';
import { defineJob } from '../job';

export interface ReminderMessage extends MessageBase {
  kind: 'reminder';
  villageId: string;
  stage: VillageStageKey;
  data: ReminderData;
}

const openReminders = (input: PlanInput, today: CalendarDate) =>
  openStages(
    input,
    today,
    (s) => isVillageStage(s.stage) && s.daysLeft >= 0 && s.villageChat !== undefined && input.config.reminderOffsets.includes(s.daysLeft),
  );

export const reminderJob = defineJob<ReminderMessage>({
  kind: 'reminder',
  due: (due) => due.alerts,
  plan(input) {
    const { config, now } = input;
    const { today, alerts } = jobsDue(config, now);
    if (!alerts) return [];
    // Reminders need the village chat; an unbound village shows up in the digest instead.
    const open = openReminders(input, today);
    return open.map((o) => {
      const stage = o.stage as VillageStageKey;
      const data: ReminderData = { ...alertData(o), daysLeft: o.daysLeft };
      if (stage === 'village_evaluation' && !o.noticeStarted) data.latestNoticeStart = latestNoticeStart(o.deadline, config.noticeMinDays);
      const action =
        o.missing.length === 0 ? `各项条件已满足，请发送“完成 ${stageShortName(stage)}”确认。` : `完成后发送“完成 ${stageShortName(stage)}”。`;
      const who = o.people.length > 0 ? `请 ${o.people.map(mention).join(' ')} 抓紧办理，${action}` : `本村尚未指定责任人，请乡扶贫办指定。${action}`;
      const text = `【复核提醒】${o.name}「${stageName(stage)}」${deadlinePhrase(today, o.deadline)}。${missingBlock(o.missing)}\n${who}`;
      return { key: `reminder:${o.id}:${stage}:${today}`, kind: 'reminder', chatId: o.villageChat as string, villageId: o.id, stage, date: today, text, data };
    });
  },
  card: (m) => [reminderCard(m.data, m.date)],
});

