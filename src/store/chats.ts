// Binding chats (绑定, src/bot/features/setup.ts) and giving roles from a chat (角色): the reads a
// bind plan needs and the statements that carry it out.
import { and, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { chats, people, roles, townships, villages } from '../../db/schema/index';
import type { Database, Statement } from './database';
import type { Role } from '../core/roles';

export type ChatKind = 'village' | 'leaders' | 'inspectors';
/** What a chat serves: a village's work chat, the leaders' chat or the committee's. */
export interface ChatTarget {
  kind: ChatKind;
  villageId: number | null;
}

/** The other chats bound to `target` today (they would lose their binding). */
export async function chatsBoundTo(d: Database, townshipId: string, target: ChatTarget, exceptChatId: string): Promise<string[]> {
  const rows = await d.db
    .select({ chatId: chats.chatId })
    .from(chats)
    .where(
      and(
        eq(chats.townshipId, townshipId),
        eq(chats.kind, target.kind),
        target.villageId === null ? undefined : eq(chats.villageId, target.villageId),
        ne(chats.chatId, exceptChatId),
      ),
    );
  return rows.map((r) => r.chatId);
}

/** Points the target (the village's or the township's column) at `chatId`; with `onlyIf`, only while it points there. */
export function pointTargetAt(d: Database, townshipId: string, t: ChatTarget, chatId: string | null, onlyIf?: string): Statement {
  if (t.kind === 'village') {
    return d.db
      .update(villages)
      .set({ chatId })
      .where(and(t.villageId === null ? sql`0` : eq(villages.id, t.villageId), onlyIf ? eq(villages.chatId, onlyIf) : undefined));
  }
  const col = t.kind === 'leaders' ? townships.leadersChatId : townships.inspectorsChatId;
  return d.db
    .update(townships)
    .set(t.kind === 'leaders' ? { leadersChatId: chatId } : { inspectorsChatId: chatId })
    .where(and(eq(townships.id, townshipId), onlyIf ? eq(col, onlyIf) : undefined));
}

export const unbindChats = (d: Database, chatIds: string[]): Statement => d.db.delete(chats).where(inArray(chats.chatId, chatIds));

export function bindChat(d: Database, chatId: string, set: { townshipId: string; kind: ChatKind; villageId: number | null; boundBy: string; boundAt: number }): Statement {
  return d.db.insert(chats).values({ chatId, ...set }).onConflictDoUpdate({ target: chats.chatId, set });
}

/** A person first met in a chat (角色 @某人): known by open_id and the name Feishu showed. */
export const addPersonFromChat = (d: Database, townshipId: string, name: string, openId: string): Statement =>
  d.db.insert(people).values({ townshipId, name, openId }).onConflictDoNothing();

/** The id of a person added in the same write, by open_id. */
export const personIdByOpenId = (townshipId: string, openId: string): SQL => sql`(select id from people where township_id = ${townshipId} and open_id = ${openId})`;

export const grantRoleFromChat = (d: Database, townshipId: string, personId: number | SQL, role: Role, villageId: number): Statement =>
  d.db.insert(roles).values({ townshipId, personId, role, villageId, source: 'chat' }).onConflictDoNothing();
