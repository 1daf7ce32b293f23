// Helpers (帮扶): assignments with their history, help visits, poverty-exit plans.
import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { townships } from './township';

/** Every assignment of a helper to a household; the current one has no endedAt. */
export const helperAssignments = sqliteTable(
  'helper_assignments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    householdId: integer('household_id').notNull(),
    helperId: integer('helper_id').notNull(),
    assignedBy: text('assigned_by').notNull(),
    assignedAt: integer('assigned_at').notNull(),
    /** the office's reason for going over helper_max_households (以“原则上”为限) */
    overrideReason: text('override_reason'),
    /** flagged: in a poor village, a helper from outside the assisting department and the village cadres */
    flag: text('flag'),
    endedAt: integer('ended_at'),
    source: text('source').notNull(),
  },
  (t) => [index('helper_assignments_household').on(t.householdId), index('helper_assignments_helper').on(t.helperId)],
);

/** 帮扶记录: a visit or help given, logged by the helper. */
export const helperVisits = sqliteTable(
  'helper_visits',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    householdId: integer('household_id').notNull(),
    helperId: integer('helper_id').notNull(),
    date: text('date').notNull(),
    content: text('content').notNull(),
    evidence: text('evidence', { mode: 'json' }).$type<string[]>().notNull().default([]),
    messageId: text('message_id'),
    at: integer('at').notNull(),
  },
  (t) => [index('helper_visits_household').on(t.householdId), index('helper_visits_helper').on(t.helperId)],
);

/** 脱贫措施/规划: one plan per household. */
export const exitPlans = sqliteTable('exit_plans', {
  householdId: integer('household_id').primaryKey(),
  townshipId: text('township_id').notNull().references(() => townships.id),
  measures: text('measures').notNull(),
  owner: text('owner').notNull(),
  startDate: text('start_date'),
  endDate: text('end_date'),
  updatedBy: text('updated_by').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** 帮扶卡: what the helper filled in (or a photo of the paper card), one per household; its
 * steps (filled, collected, received) are on the household. */
export const helpCards = sqliteTable('help_cards', {
  householdId: integer('household_id').primaryKey(),
  townshipId: text('township_id').notNull().references(() => townships.id),
  /** 家庭情况 */
  situation: text('situation'),
  /** 致贫原因 */
  causes: text('causes'),
  /** 帮扶措施 (agreed with the household) */
  measures: text('measures'),
  /** 帮扶人联系方式 */
  contact: text('contact'),
  /** image keys of a photo of the paper card */
  photos: text('photos', { mode: 'json' }).$type<string[]>().notNull().default([]),
  filledBy: text('filled_by').notNull(),
  filledAt: integer('filled_at').notNull(),
});
