import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// A roster import in progress (src/store/roster-import.ts): rows are staged here batch by
// batch, then applied to households / members in one atomic write and deleted. Nothing here
// is read by the bot; a stage left by an import that never finished is cleared by the next.
export const rosterImports = sqliteTable('roster_imports', {
  id: text('id').primaryKey(),
  townshipId: text('township_id').notNull(),
  startedAt: integer('started_at').notNull(),
});

export const rosterStageHouseholds = sqliteTable(
  'roster_stage_households',
  {
    importId: text('import_id').notNull(),
    number: text('number').notNull(),
    villageId: integer('village_id').notNull(),
    headName: text('head_name').notNull(),
    status: text('status').notNull(),
    povertyCause: text('poverty_cause'),
    housing: text('housing'),
    zone: text('zone'),
    allAway: integer('all_away', { mode: 'boolean' }).notNull(),
    phone: text('phone'),
    identificationOwner: text('identification_owner'),
  },
  (t) => [primaryKey({ columns: [t.importId, t.number] })],
);

export const rosterStageMembers = sqliteTable(
  'roster_stage_members',
  {
    importId: text('import_id').notNull(),
    number: text('number').notNull(),
    idCard: text('id_card').notNull(),
    name: text('name').notNull(),
    relation: text('relation').notNull(),
    labour: text('labour'),
    health: text('health'),
    disability: text('disability'),
    disabilityCert: text('disability_cert'),
  },
  (t) => [primaryKey({ columns: [t.importId, t.number, t.idCard] })],
);
