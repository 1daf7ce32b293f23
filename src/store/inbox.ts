// The inbox: every acknowledged Feishu event, written before the 200 goes out.
// Its unique indexes on event_id and message_id are the deduplication store.
import { maskIdsInText } from '../core/idcard';
import { and, asc, desc, eq, isNotNull, lt, or, inArray, sql } from 'drizzle-orm';
import { chatImports, inbox, outbox } from '../../db/schema/index';
import type { Database, Statement } from './database';

export type InboxRow = typeof inbox.$inferSelect;

export interface InboundEvent {
  eventId: string;
  messageId?: string | null;
  eventType: string;
  payload: string;
}

/** Inserts the event unless its event_id or message_id was seen; returns the new row id or null. */
export async function acceptEvent(d: Database, e: InboundEvent, now: number): Promise<number | null> {
  const rows = await d.db
    .insert(inbox)
    .values({ eventId: e.eventId, messageId: e.messageId ?? null, eventType: e.eventType, payload: e.payload, receivedAt: now })
    .onConflictDoNothing()
    .returning({ id: inbox.id });
  return rows[0]?.id ?? null;
}

/**
 * Claims up to `limit` pending rows (or one row by id) for `leaseMs`. Claiming is one UPDATE,
 * so two processors (or two isolates) never work the same row at the same time.
 */
export async function claimEvents(
  d: Database,
  now: number,
  { limit = 50, leaseMs = 60_000, id }: { limit?: number; leaseMs?: number; id?: number } = {},
): Promise<InboxRow[]> {
  const due = d.db
    .select({ id: inbox.id })
    .from(inbox)
    .where(and(eq(inbox.status, 'pending'), lt(inbox.leaseUntil, now), id === undefined ? undefined : eq(inbox.id, id)))
    .orderBy(asc(inbox.id))
    .limit(limit);
  const rows = await d.db
    .update(inbox)
    .set({ leaseUntil: now + leaseMs, attempts: sql`${inbox.attempts} + 1` })
    .where(and(inArray(inbox.id, due), eq(inbox.status, 'pending'), lt(inbox.leaseUntil, now)))
    .returning();
  return rows.sort((a, b) => a.id - b.id);
}

export function markEventDone(d: Database, id: number, now: number): Statement {
  return d.db.update(inbox).set({ status: 'done', processedAt: now, error: null }).where(eq(inbox.id, id));
}

/**
 * An acknowledged event that cannot be understood (it does not fit the shape, or is of a type
 * nobody handles): kept, failed, with the reason, for `cli inbox --errors`. Never retried.
 */
export function markEventUnreadable(d: Database, id: number, reason: string, now: number): Statement {
  return d.db.update(inbox).set({ status: 'failed', processedAt: now, error: `${UNREADABLE}${reason}` }).where(eq(inbox.id, id));
}
export const UNREADABLE = 'unreadable: ';

/** Inserts an event already known to be unreadable, failed with the reason (a redelivery is dropped). */
export async function acceptUnreadable(d: Database, e: InboundEvent, reason: string, now: number): Promise<number | null> {
  const rows = await d.db
    .insert(inbox)
    .values({ eventId: e.eventId, messageId: null, eventType: e.eventType, payload: e.payload, receivedAt: now, status: 'failed', processedAt: now, error: `${UNREADABLE}${reason}` })
    .onConflictDoNothing()
    .returning({ id: inbox.id });
  return rows[0]?.id ?? null;
}

/** Rows that failed (unreadable, or a handler that kept failing) or are waiting for a retry after an error, newest first. */
export async function listInboxErrors(d: Database, limit = 50) {
  return d.db
    .select({ id: inbox.id, eventId: inbox.eventId, eventType: inbox.eventType, status: inbox.status, attempts: inbox.attempts, error: inbox.error, receivedAt: inbox.receivedAt })
    .from(inbox)
    .where(or(eq(inbox.status, 'failed'), and(eq(inbox.status, 'pending'), isNotNull(inbox.error))))
    .orderBy(desc(inbox.id))
    .limit(limit);
}

/** A handler crashed: keep the row for a retry, or give up after `maxAttempts`. The error is kept masked (cli inbox --errors shows it). */
export async function markEventError(d: Database, row: InboxRow, error: string, now: number, maxAttempts = 5) {
  const giveUp = row.attempts >= maxAttempts;
  const masked = maskIdsInText(error);
  await d.db
    .update(inbox)
    .set(giveUp ? { status: 'failed', error: masked, processedAt: now } : { error: masked, leaseUntil: now + 2 ** row.attempts * 1000 })
    .where(eq(inbox.id, row.id));
}

/**
 * A card action that failed while its operator waited: they were told so in the toast, so it is
 * never run again by the sweep (they press the button again if they still want it). Kept failed
 * with the error for `cli inbox --errors`.
 */
export async function markEventFailed(d: Database, id: number, error: string, now: number): Promise<void> {
  await d.db.update(inbox).set({ status: 'failed', error: maskIdsInText(error), processedAt: now }).where(eq(inbox.id, id));
}

/** Failed rows are kept at least this long, for the admin to look at (`cli inbox --errors`). */
export const FAILED_RETENTION_MS = 7 * 24 * 3600_000;

/** Drops handled rows older than the retention (≥ 8 h: Feishu retries for about 7.1 h); failed ones after a week at least. */
export async function pruneInbox(d: Database, now: number, retentionMs: number): Promise<void> {
  await d.db.delete(inbox).where(and(eq(inbox.status, 'done'), lt(inbox.receivedAt, now - retentionMs)));
  await d.db.delete(inbox).where(and(eq(inbox.status, 'failed'), lt(inbox.receivedAt, now - Math.max(retentionMs, FAILED_RETENTION_MS))));
}

export async function countInbox(d: Database) {
  const rows = await d.db
    .select({ status: inbox.status, n: sql<number>`count(*)` })
    .from(inbox)
    .groupBy(inbox.status);
  const out = { pending: 0, done: 0, failed: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}


/**
 * Node runs one process per database: leases held when the last process died are void.
 * (Not for Workers, where other isolates may hold live leases.)
 */
export async function releaseLeases(d: Database): Promise<void> {
  await d.db.update(inbox).set({ leaseUntil: 0 }).where(eq(inbox.status, 'pending'));
  await d.db.update(outbox).set({ leaseUntil: 0 }).where(eq(outbox.status, 'pending'));
  // a chat import whose piece was running when the process stopped (src/chat-import/run.ts)
  await d.db.update(chatImports).set({ leaseUntil: 0 }).where(inArray(chatImports.state, ['downloading', 'validating', 'importing', 'cancelling']));
}
