// A helper's weekly summary, privately (DESIGN §7): on the campaign's first day and every seventh
// day after it while the campaign runs, every household they help and what each still misses.
import { isCampaignDay } from '../../core/campaign';
import { daysBetween } from '../../core/dates';
import { jobsDue } from '../../core/planner';
import type { DutyFacts } from '../../core/duties';
import { helperDutyCard } from '../../bot/cards/duties';
import { readDutyFacts } from '../../store/duties';
import { defineJob } from '../job';
import { helperMessages, type DutyHelperMessage } from './duty-helper';

export const dutyWeeklyJob = defineJob<DutyHelperMessage, DutyFacts>({
  kind: 'duty_weekly',
  due: (due) => due.alerts,
  read: readDutyFacts,
  plan(input, facts) {
    const { config, now } = input;
    const { today, alerts } = jobsDue(config, now);
    if (!alerts || !facts || !isCampaignDay(config, today) || daysBetween(config.startDate, today) % 7 !== 0) return [];
    return helperMessages('duty_weekly', input.villages, facts, config, today);
  },
  card: (m) => [helperDutyCard(m.data)],
});
