// A helper's own duties, privately (DESIGN §7): on a day one of their households' duties (help
// card, visit, exit plan, classification) is due soon or late, the list of what each still misses.
import { jobsDue, type MessageBase } from '../../core/planner';
import { DUTY_TODO, helperDuties, isChaseDay, type DutyFacts, type HelperDuties } from '../../core/duties';
import type { CampaignConfig } from '../../core/campaign';
import type { CalendarDate } from '../../core/dates';
import type { VillageSnapshot } from '../../core/stages';
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

/** One private message per helper (with an open_id) that `include` keeps: the reminder, or the weekly summary. */
export function helperMessages(
  kind: DutyHelperMessage['kind'],
  villages: VillageSnapshot[],
  facts: DutyFacts,
  config: CampaignConfig,
  today: CalendarDate,
  include: (h: HelperDuties) => boolean = () => true,
): DutyHelperMessage[] {
  const out: DutyHelperMessage[] = [];
  for (const [id, h] of helperDuties(villages, facts, config, today)) {
    if (!h.helper.openId || !include(h)) continue;
    const data: HelperDutyData = { ...h, weekly: kind === 'duty_weekly' };
    out.push({
      key: `${kind}:${id}::${today}:helper:${h.helper.openId}`,
      kind,
      chatId: h.helper.openId,
      receiveIdType: 'open_id',
      date: today,
      text: helperDutyText(data),
      data,
    });
  }
  return out;
}

export const dutyHelperJob = defineJob<DutyHelperMessage, DutyFacts>({
  kind: 'duty_helper',
  due: (due) => due.alerts,
  read: readDutyFacts,
  plan(input, facts) {
    const { today, alerts } = jobsDue(input.config, input.now);
    if (!alerts || !facts) return [];
    // only on a day one of the helper's open duties is due soon or late
    const chased = (h: HelperDuties) => h.households.some((x) => x.open.some((o) => isChaseDay(input.config, o.daysLeft)));
    return helperMessages('duty_helper', input.villages, facts, input.config, today, chased);
  },
  card: (m) => [helperDutyCard(m.data)],
});
