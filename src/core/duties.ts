/**
 * The ongoing duties beside the stages (DESIGN §2, §5, §7), judged from a village snapshot and
 * a few facts the snapshot lacks: every included household has a helper, a five-batches
 * classification, a help card returned (回收), a visit logged and a poverty-exit plan, each by
 * its own due date (campaign.dutyDueDates, default the village stage's deadline). Pure.
 */
import { daysBetween, isValidCalendarDate, type CalendarDate } from './dates';
import type { CampaignConfig } from './campaign';
import { isCurrentlyIncluded, snapshotHelpCardStep, type HelpCardStep, type HouseholdSnapshot, type VillageSnapshot } from './stages';

export const DUTIES = ['helpers', 'classification', 'helpCards', 'visits', 'exitPlans'] as const;
export type DutyKey = (typeof DUTIES)[number];

export const DUTY_NAMES: Record<DutyKey, string> = {
  helpers: '落实帮扶责任人',
  classification: '五个一批分类',
  helpCards: '帮扶卡回收',
  visits: '帮扶走访',
  exitPlans: '脱贫措施（规划）',
};

/** What each duty asks of a household that is missing it, as the reminders say it. */
export const DUTY_TODO: Record<DutyKey, string> = {
  helpers: '未安排帮扶责任人',
  classification: '未作五个一批分类',
  helpCards: '帮扶卡未回收',
  visits: '未登记走访',
  exitPlans: '未制定脱贫措施',
};

/** The helper's own duties (sent to them privately); the helper assignment is the office's. */
export const HELPER_DUTIES: readonly DutyKey[] = ['helpCards', 'visits', 'exitPlans', 'classification'];

/** A help card's step (DESIGN §5): filled by the helper, collected by the village, received by the office. */
export type { HelpCardStep } from './stages';
export const HELP_CARD_STEP_NAMES: Record<HelpCardStep, string> = {
  none: '未填写',
  filled: '已填写，待村两委回收',
  collected: '村两委已回收，待交乡扶贫办',
  received: '乡扶贫办已存档',
};
/** The step as one short word, for tables: 未填写 / 已填写 / 已回收 / 已存档. */
export const HELP_CARD_STEP_SHORT: Record<HelpCardStep, string> = { none: '未填写', filled: '已填写', collected: '已回收', received: '已存档' };

export interface DutyPerson {
  id: string;
  name: string;
  openId: string | null;
}

/** Facts the village snapshot does not carry, read by the store. */
export interface DutyFacts {
  /** helper person id → the person */
  helpers: Record<string, DutyPerson>;
  /** household ids with at least one visit logged */
  visited: ReadonlySet<string>;
  /** household ids with an exit plan */
  planned: ReadonlySet<string>;
  /** household id → help card step (absent: from the snapshot's helpCardReturned) */
  helpCardSteps?: ReadonlyMap<string, HelpCardStep>;
  /** village id → people with the helper role there who help no household yet */
  idleHelpers?: Record<string, DutyPerson[]>;
}

export interface DutyHousehold {
  id: string;
  number: string;
  head: string;
  helper: DutyPerson | null;
  /** help cards: the step the card is at */
  step?: HelpCardStep;
}

export interface DutyGap {
  duty: DutyKey;
  due: CalendarDate;
  /** 0 on the due day, negative once late */
  daysLeft: number;
  households: DutyHousehold[];
  /** helpers duty: helpers of the village without any household */
  idleHelpers?: DutyPerson[];
}

export function dutyDueDate(config: CampaignConfig, duty: DutyKey): CalendarDate {
  const set = (config.dutyDueDates as Partial<Record<DutyKey, CalendarDate>>)[duty];
  return set !== undefined && isValidCalendarDate(set) ? set : config.deadlines.village_evaluation;
}

/** A duty is chased on the reminder days before its due date and every day after it. */
export const isChaseDay = (config: CampaignConfig, daysLeft: number): boolean => daysLeft < 0 || config.reminderOffsets.includes(daysLeft);

export function helpCardStep(h: HouseholdSnapshot, facts: DutyFacts): HelpCardStep {
  return h.helpCardStep ?? facts.helpCardSteps?.get(h.id) ?? snapshotHelpCardStep(h);
}

const stepDone = (s: HelpCardStep): boolean => s === 'collected' || s === 'received';

/** Whether the household misses the duty. */
export function missesDuty(duty: DutyKey, h: HouseholdSnapshot, facts: DutyFacts): boolean {
  switch (duty) {
    case 'helpers':
      return h.helperId === null;
    case 'classification':
      return h.batches.length === 0;
    case 'helpCards':
      return h.helperId !== null && !stepDone(helpCardStep(h, facts));
    case 'visits':
      return h.helperId !== null && !facts.visited.has(h.id);
    case 'exitPlans':
      return !facts.planned.has(h.id);
  }
}

const byNumber = (a: DutyHousehold, b: DutyHousehold) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0);

/** Every open duty of a village today, whatever the day (the caller picks the days to chase). */
export function villageDuties(v: VillageSnapshot, facts: DutyFacts, config: CampaignConfig, today: CalendarDate): DutyGap[] {
  const current = v.households.filter(isCurrentlyIncluded);
  const out: DutyGap[] = [];
  for (const duty of DUTIES) {
    const due = dutyDueDate(config, duty);
    const households = current
      .filter((h) => missesDuty(duty, h, facts))
      .map(
        (h): DutyHousehold => ({
          id: h.id,
          number: h.number,
          head: h.head,
          helper: h.helperId === null ? null : (facts.helpers[h.helperId] ?? { id: h.helperId, name: `帮扶人${h.helperId}`, openId: null }),
          ...(duty === 'helpCards' ? { step: helpCardStep(h, facts) } : {}),
        }),
      )
      .sort(byNumber);
    const idle = duty === 'helpers' ? (facts.idleHelpers?.[v.village.id] ?? []) : [];
    if (households.length === 0 && idle.length === 0) continue;
    out.push({ duty, due, daysLeft: daysBetween(today, due), households, ...(idle.length > 0 ? { idleHelpers: idle } : {}) });
  }
  return out;
}

export interface HelperDuties {
  helper: DutyPerson;
  /** the helper's households, each with the duties it still misses */
  households: (DutyHousehold & { village: string; open: { duty: DutyKey; due: CalendarDate; daysLeft: number }[] })[];
}

/** Each helper's own open duties (HELPER_DUTIES) over the villages, by helper id. */
export function helperDuties(villages: VillageSnapshot[], facts: DutyFacts, config: CampaignConfig, today: CalendarDate): Map<string, HelperDuties> {
  const out = new Map<string, HelperDuties>();
  for (const v of villages) {
    for (const h of v.households) {
      if (!isCurrentlyIncluded(h) || h.helperId === null) continue;
      const helper = facts.helpers[h.helperId];
      if (!helper) continue;
      const open = HELPER_DUTIES.filter((duty) => missesDuty(duty, h, facts)).map((duty) => {
        const due = dutyDueDate(config, duty);
        return { duty, due, daysLeft: daysBetween(today, due) };
      });
      const entry = out.get(h.helperId) ?? { helper, households: [] };
      entry.households.push({ id: h.id, number: h.number, head: h.head, helper, village: v.village.name, step: helpCardStep(h, facts), open });
      out.set(h.helperId, entry);
    }
  }
  for (const e of out.values()) e.households.sort(byNumber);
  return out;
}
