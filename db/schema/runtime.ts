// Delivery plumbing: the inbox of acknowledged Feishu events (also the dedup store),
// the outbox of messages to send, and the scheduled jobs' run keys.
import { sqliteTable, text, integer, uniqueIndex, index } from 'drizzle-orm/sqlite-core';

export const inbox = sqliteTable(
  'inbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** header.event_id: unique, so a redelivery is dropped by the database */
    eventId: text('event_id').notNull(),
    /** event.message.message_id for messages: Feishu may resend one message under a new event_id */
    messageId: text('message_id'),
    eventType: text('event_type').notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'done', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** a processor claims a row until this time (ms); lets several isolates share the inbox */
    leaseUntil: integer('lease_until').notNull().default(0),
    error: text('error'),
    receivedAt: integer('received_at').notNull(),
    processedAt: integer('processed_at'),
  },
  (t) => [
    uniqueIndex('inbox_event_id').on(t.eventId),
    uniqueIndex('inbox_message_id').on(t.messageId),
    index('inbox_status').on(t.status, t.id),
  ],
);

export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** idempotency key sent to Feishu as `uuid` (≤50 chars); stable across retries and re-processing */
    uuid: text('uuid').notNull(),
    townshipId: text('township_id'),
    receiveIdType: text('receive_id_type').notNull(),
    receiveId: text('receive_id').notNull(),
    /** when set, the message is sent as a reply to this message_id */
    replyTo: text('reply_to'),
    msgType: text('msg_type').notNull(),
    content: text('content').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed', 'offline'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    leaseUntil: integer('lease_until').notNull().default(0),
    lastError: text('last_error'),
    feishuMessageId: text('feishu_message_id'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [uniqueIndex('outbox_uuid').on(t.uuid), index('outbox_due').on(t.status, t.nextAttemptAt)],
);

/** One row per scheduled message key: (campaign, village, stage, kind, day). */
export const jobRuns = sqliteTable('job_runs', {
  key: text('key').primaryKey(),
  townshipId: text('township_id').notNull(),
  ranAt: integer('ran_at').notNull(),
});

/**
 * Chats the bot can no longer deliver to: it was removed from the group, or the group was
 * dissolved. Sends there fail at once with this reason instead of retrying; the bot added back
 * to the group deletes the row.
 */
export const goneChats = sqliteTable('gone_chats', {
  chatId: text('chat_id').primaryKey(),
  /** removed: the bot was taken out of the group; disbanded: the group was dissolved */
  reason: text('reason', { enum: ['removed', 'disbanded'] }).notNull(),
  /** open_id of who did it, when Feishu said */
  by: text('by'),
  at: integer('at').notNull(),
});
