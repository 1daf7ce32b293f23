// The roster (建档立卡): households and their members.
import { sqliteTable, text, integer, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
import { townships, villages, people } from './township';
import type { BatchKey } from '../../src/core/batches';
import type { HouseholdStatus } from '../../src/core/household-flow';

export const households = sqliteTable(
  'households',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    villageId: integer('village_id').notNull().references(() => villages.id),
    /** 户编号 */
    number: text('number').notNull(),
    headName: text('head_name').notNull(),
    /** applied | qualified | assembly_passed | representatives_passed | rejected | evaluated | on_notice | passed_notice | township_approved | county_approved | included | removed */
    status: text('status').$type<HouseholdStatus>().notNull(),
    /** true when the household entered through an application (申请) this campaign */
    applicant: integer('applicant', { mode: 'boolean' }).notNull().default(false),
    qualification: text('qualification', { enum: ['pass', 'fail'] }),
    qualificationReason: text('qualification_reason'),
    povertyCause: text('poverty_cause'),
    housing: text('housing'),
    zone: text('zone'),
    /** 全家外出 */
    allAway: integer('all_away', { mode: 'boolean' }).notNull().default(false),
    phone: text('phone'),
    /** 识别责任人 */
    identificationOwner: text('identification_owner'),
    helperId: integer('helper_id').references(() => people.id),
    /** 帮扶卡, three steps (the card's content is in help_cards): filled by the helper, */
    helpCardFilledAt: integer('help_card_filled_at'),
    helpCardFilledBy: text('help_card_filled_by'),
    /** collected by the village (村两委回收), */
    helpCardReturnedAt: integer('help_card_returned_at'),
    helpCardReturnedBy: text('help_card_returned_by'),
    /** received by the office (交乡扶贫办存档) */
    helpCardReceivedAt: integer('help_card_received_at'),
    helpCardReceivedBy: text('help_card_received_by'),
    /** five batches and the two extra, stacked */
    batches: text('batches', { mode: 'json' }).$type<BatchKey[]>().notNull().default([]),
    removalReason: text('removal_reason'),
    /** the step that rejected an applicant (qualification_review | villagers_assembly | representatives | crosscheck) */
    rejectedStep: text('rejected_step'),
    /** why, in Chinese, with the meeting and its tally when voted down: 村民大会（12月9日）表决未通过：同意 30，反对 45 */
    rejection: text('rejection'),
    /** free text of an application (申请) or a cadre's proposal */
    applicationNote: text('application_note'),
    /** 县批准: the date of the county's approval, as typed, and its document number (文号) */
    countyApprovalDate: text('county_approval_date'),
    countyApprovalDoc: text('county_approval_doc'),
    /** 低保 / 特困 (roster, optional): 'yes' | 'no' */
    minimumLiving: text('minimum_living'),
    extremePoverty: text('extreme_poverty'),
    /** 人均纯收入, yuan a year (roster, optional) */
    incomePerCapita: integer('income_per_capita'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('households_township_number').on(t.townshipId, t.number),
    index('households_village').on(t.villageId),
  ],
);

export const members = sqliteTable(
  'members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipId: text('township_id').notNull().references(() => townships.id),
    householdId: integer('household_id').notNull().references(() => households.id),
    name: text('name').notNull(),
    idCard: text('id_card').notNull(),
    relation: text('relation').notNull(),
    labour: text('labour'),
    health: text('health'),
    disability: text('disability'),
    disabilityCert: text('disability_cert'),
    /** optional roster data: 在校情况 (SCHOOLING), 技能 (SKILL + which), 务工 (WORK + where) */
    schooling: text('schooling'),
    skill: text('skill'),
    skillNote: text('skill_note'),
    work: text('work'),
    workPlace: text('work_place'),
    batches: text('batches', { mode: 'json' }).$type<BatchKey[]>().notNull().default([]),
  },
  (t) => [
    uniqueIndex('members_household_id_card').on(t.householdId, t.idCard),
    index('members_id_card').on(t.idCard),
  ],
);
