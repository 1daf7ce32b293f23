// The township as the office describes it in township.json: villages, people, roles, chats.
// Every row carries township_id: one deployment may serve several townships of a county.
import { sqliteTable, text, integer, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
import type { CampaignConfig } from '../../src/core/campaign';
import type { Role } from '../../src/core/roles';

export const townships = sqliteTable('townships', {
  id: text('id').primaryKey(), // township.json township.code
  name: text('name').notNull(),
  county: text('county').notNull().default(''),
  /** CampaignConfig as JSON (year, deadlines, notice minimum, helper limit, reminder offsets) */
  campaign: text('campaign', { mode: 'json' }).$type<CampaignConfig>().notNull(),
  leadersChatId: text('leaders_chat_id'),
  inspectorsChatId: text('inspectors_chat_id'),
  /** township_review / county_report facts */
  townshipMeetingAt: integer('township_meeting_at'),
  /** the date the township meeting was held, as typed (乡会议 12-15) */
  townshipMeetingDate: text('township_meeting_date'),
  townshipMeetingBackfilled: integer('township_meeting_backfilled', { mode: 'boolean' }).notNull().default(false),
  townshipMeetingEvidence: text('township_meeting_evidence', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** the last six-exclusions cross-check run (比对, chat or CLI) */
  crosscheckRunAt: integer('crosscheck_run_at'),
  reportExportedAt: integer('report_exported_at'),
  reportSubmittedAt: integer('report_submitted_at'),
  archivedAt: integer('archived_at'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const villages = sqliteTable(
  'villages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    name: text('name').notNull(),
    /** 贫困村 */
    poor: integer('poor', { mode: 'boolean' }).notNull().default(false),
    /** 帮扶部门 (poor villages) */
    assistingDepartment: text('assisting_department'),
    chatId: text('chat_id'),
    /** 资料填报: the village's review data was filed */
    dataFiledAt: integer('data_filed_at'),
    dataFiledBy: text('data_filed_by'),
  },
  (t) => [uniqueIndex('villages_township_name').on(t.townshipId, t.name)],
);

export const people = sqliteTable(
  'people',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    name: text('name').notNull(),
    openId: text('open_id'),
    mobile: text('mobile'),
    email: text('email'),
    partyMember: integer('party_member', { mode: 'boolean' }).notNull().default(false),
    department: text('department'),
  },
  (t) => [
    uniqueIndex('people_township_name').on(t.townshipId, t.name),
    uniqueIndex('people_township_open_id').on(t.townshipId, t.openId),
    index('people_open_id').on(t.openId),
  ],
);

/** A person's role, township-wide (villageId null) or for one village. */
export const roles = sqliteTable(
  'roles',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    personId: integer('person_id').notNull().references(() => people.id),
    role: text('role').$type<Role>().notNull(),
    /** village id, or 0 for a township-wide role (0 keeps the unique index strict) */
    villageId: integer('village_id').notNull().default(0),
    /** 'file' roles are replaced by the next init; 'chat' roles were given with 角色 and stay */
    source: text('source', { enum: ['file', 'chat'] }).notNull().default('file'),
  },
  (t) => [uniqueIndex('roles_unique').on(t.personId, t.role, t.villageId)],
);

/** Bound group chats: a village work group, the leaders' chat, the inspectors' chat. */
export const chats = sqliteTable('chats', {
  chatId: text('chat_id').primaryKey(),
  townshipId: text('township_id').notNull().references(() => townships.id),
  kind: text('kind', { enum: ['village', 'leaders', 'inspectors'] }).notNull(),
  villageId: integer('village_id'),
  boundBy: text('bound_by'),
  boundAt: integer('bound_at').notNull(),
});

/** Append-only audit trail: who, when, what before and after, from which message / card / CLI run. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull(),
    villageId: integer('village_id'),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    /** e.g. message:om_xxx, card:<event_id>, cli:import households roster.xlsx */
    source: text('source').notNull(),
  },
  (t) => [index('audit_township_at').on(t.townshipId, t.at)],
);
