// The outbox: every message the bot sends, written in the same atomic write as the change
// that caused it, then drained by the sender. `uuid` is Feishu's idempotency key.
import { and, asc, eq, lte, inArray, sql } from 'drizzle-orm';
import { outbox } from '../../db/schema/index';
import type { Database, Statement } from './database';

export type OutboxRow = typeof outbox.$inferSelect;

export interface NewMessage {
  uuid: string;
  townshipId?: string | null;
  receiveIdType: 'chat_id' | 'open_id';
  receiveId: string;
  msgType: 'text' | 'interactive' | 'post' | 'file';
  content: string;
  replyTo?: string | null;
  /** do not send before (ms) */
  notBefore?: number;
}

export function enqueue(d: Database, m: NewMessage, now: number): Statement {
  return d.db
    .insert(outbox)
    .values({
      uuid: m.uuid,
      townshipId: m.townshipId ?? null,
      receiveIdType: m.receiveIdType,
      receiveId: m.receiveId,
      replyTo: m.replyTo ?? null,
      msgType: m.msgType,
      content: m.content,
      nextAttemptAt: m.notBefore ?? now,
      createdAt: now,
    })
    .onConflictDoNothing();
}

export async function claimDue(d: Database, now: number, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  const due = d.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now), lte(outbox.leaseUntil, now)))
    .orderBy(asc(outbox.id))
    .limit(limit);
  const rows = await d.db
    .update(outbox)
    .set({ leaseUntil: now + leaseMs })
    .where(and(inArray(outbox.id, due), eq(outbox.status, 'pending'), lte(outbox.leaseUntil, now)))
    .returning();
  return rows.sort((a, b) => a.id - b.id);
}

export async function markSent(d: Database, id: number, feishuMessageId: string, now: number) {
  await d.db
    .update(outbox)
    .set({ status: 'sent', sentAt: now, feishuMessageId, attempts: sql`${outbox.attempts} + 1`, lastError: null })
    .where(eq(outbox.id, id));
}

export async function markOffline(d: Database, id: number, now: number) {
  await d.db.update(outbox).set({ status: 'offline', sentAt: now }).where(eq(outbox.id, id));
}

export async function markRetry(d: Database, id: number, error: string, nextAttemptAt: number) {
  await d.db
    .update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, lastError: error, nextAttemptAt, leaseUntil: 0 })
    .where(eq(outbox.id, id));
}

export async function markFailed(d: Database, id: number, error: string) {
  await d.db
    .update(outbox)
    .set({ status: 'failed', attempts: sql`${outbox.attempts} + 1`, lastError: error })
    .where(eq(outbox.id, id));
}

export async function outboxCounts(d: Database) {
  const rows = await d.db.select({ status: outbox.status, n: sql<number>`count(*)` }).from(outbox).groupBy(outbox.status);
  const out = { pending: 0, sent: 0, failed: 0, offline: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

export async function listOutbox(d: Database, ids?: number[]) {
  return d.db
    .select()
    .from(outbox)
    .where(ids ? inArray(outbox.id, ids) : undefined)
    .orderBy(asc(outbox.id));
}

/** When the next pending message may be tried (its retry time or its lease's end), or null when none is pending. */
export async function nextPendingAt(d: Database): Promise<number | null> {
  const [row] = await d.db
    .select({ at: sql<number | null>`min(max(${outbox.nextAttemptAt}, ${outbox.leaseUntil}))` })
    .from(outbox)
    .where(eq(outbox.status, 'pending'));
  return row?.at == null ? null : Number(row.at);
}
