// Meetings of the review (会议, src/bot/features/review-meetings.ts): the applicants a vote is
// for, the meeting rows by their card, and the statements that record and update them.
import { and, desc, eq } from 'drizzle-orm';
import { households, meetings, outbox, villages } from '../../db/schema/index';
import type { Database, Statement } from './database';
import type { HouseholdStatus } from '../core/household-flow';
import type { MeetingKind } from '../core/meetings';

export type MeetingRow = typeof meetings.$inferSelect;

/** The village's applicants in `status`, by number. */
export async function applicantsIn(d: Database, villageId: number, status: HouseholdStatus): Promise<{ id: number; number: string; headName: string }[]> {
  return d.db
    .select({ id: households.id, number: households.number, headName: households.headName })
    .from(households)
    .where(and(eq(households.villageId, villageId), eq(households.applicant, true), eq(households.status, status)))
    .orderBy(households.number);
}

export const addMeeting = (d: Database, row: typeof meetings.$inferInsert): Statement => d.db.insert(meetings).values(row);
export const updateMeeting = (d: Database, id: number, set: Partial<typeof meetings.$inferInsert>): Statement => d.db.update(meetings).set(set).where(eq(meetings.id, id));

export async function villageName(d: Database, villageId: number): Promise<string> {
  return (await d.db.select({ name: villages.name }).from(villages).where(eq(villages.id, villageId)))[0]?.name ?? '';
}

/** The kinds of the village's valid meetings. */
export async function validMeetingKinds(d: Database, villageId: number): Promise<MeetingKind[]> {
  return (await d.db.select({ kind: meetings.kind }).from(meetings).where(and(eq(meetings.villageId, villageId), eq(meetings.valid, true)))).map((r) => r.kind);
}

/** The meeting whose card was sent with this outbox uuid. */
export async function meetingByCard(d: Database, cardUuid: string): Promise<MeetingRow | null> {
  return (await d.db.select().from(meetings).where(eq(meetings.cardMessageId, cardUuid)))[0] ?? null;
}

/** The outbox uuid of the message Feishu knows as `messageId` (a card a photo replies to). */
export async function outboxUuidOf(d: Database, messageId: string): Promise<string | null> {
  return (await d.db.select({ uuid: outbox.uuid }).from(outbox).where(eq(outbox.feishuMessageId, messageId)))[0]?.uuid ?? null;
}

export async function latestMeeting(d: Database, villageId: number, kind: MeetingKind): Promise<MeetingRow | null> {
  const [m] = await d.db
    .select()
    .from(meetings)
    .where(and(eq(meetings.villageId, villageId), eq(meetings.kind, kind)))
    .orderBy(desc(meetings.id))
    .limit(1);
  return m ?? null;
}
