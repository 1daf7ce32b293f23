// A helper's weekly summary, privately (DESIGN §7): on the campaign's first day and every seventh
// day after it while the campaign runs, every household they help and what each still misses.
import { isCampaignDay } from '../../core/campaign';
import { daysBetween } from '../../core/dates';
import { jobsDue } from '../../core/planner';
import { helperDuties, type DutyFacts } from '../../core/duties';
import { helperDutyCard, type HelperDutyData } from '../../bot/cards/duties';
import { readDutyFacts } from '../../store/duties';
import { defineJob } from '../job';
import { helperDutyText, type DutyHelperMessage } from './duty-helper';

export const dutyWeeklyJob = defineJob<DutyHelperMessage, DutyFacts>({
  kind: 'duty_weekly',
  due: (due) => due.alerts,
  read: readDutyFacts,
  plan(input, facts) {
    const { config, now } = input;
    const { today, alerts } = jobsDue(config, now);
    if (!alerts || !facts || !isCampaignDay(config, today) || daysBetween(config.startDate, today) % 7 !== 0) return [];
    const out: DutyHelperMessage[] = [];
    for (const [id, h] of helperDuties(input.villages, facts, config, today)) {
      if (!h.helper.openId) continue;
      const data: HelperDutyData = { ...h, weekly: true };
      out.push({
        key: `duty_weekly:${id}::${today}:helper:${h.helper.openId}`,
        kind: 'duty_weekly',
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
