// Chats the bot can no longer deliver to (removed from the group, group dissolved): the sender
// fails messages to them at once with the reason instead of retrying.
import { eq, inArray } from 'drizzle-orm';
import { goneChats } from '../../db/schema/index';
import { chunks, type Database, type Statement } from './database';

export type GoneReason = (typeof goneChats.$inferSelect)['reason'];

/** Why sends to a gone chat fail: the outbox row's last error. */
export const GONE_MESSAGES: Record<GoneReason, string> = {
  removed: '机器人已被移出该群，不再发送（把机器人拉回群里后恢复）',
  disbanded: '该群已解散，不再发送',
};

export function markChatGone(d: Database, chatId: string, reason: GoneReason, by: string | null, at: number): Statement {
  return d.db
    .insert(goneChats)
    .values({ chatId, reason, by, at })
    .onConflictDoUpdate({ target: goneChats.chatId, set: { reason, by, at } });
}

/** The bot is back in the chat: deliveries resume. */
export function markChatBack(d: Database, chatId: string): Statement {
  return d.db.delete(goneChats).where(eq(goneChats.chatId, chatId));
}

export async function goneChat(d: Database, chatId: string) {
  const [row] = await d.db.select().from(goneChats).where(eq(goneChats.chatId, chatId));
  return row ?? null;
}

/** Of these chat ids, the gone ones and why. */
export async function goneAmong(d: Database, chatIds: string[]): Promise<Map<string, GoneReason>> {
  const out = new Map<string, GoneReason>();
  for (const part of chunks([...new Set(chatIds)])) {
    const rows = await d.db.select({ chatId: goneChats.chatId, reason: goneChats.reason }).from(goneChats).where(inArray(goneChats.chatId, part));
    for (const r of rows) out.set(r.chatId, r.reason);
  }
  return out;
}
