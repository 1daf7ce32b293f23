// What a handler sees and does. Reads go straight to the store; writes, audit entries and
// outgoing messages are collected and committed together with the inbox row, so a handler's
// effects happen all at once or not at all (and re-processing after a crash is harmless).
import { createHash } from 'node:crypto';
import type { Database, Statement } from '../store/database';
import { auditLog } from '../../db/schema/index';
import { enqueue, type NewMessage } from '../store/outbox';
import type { ChatRow, PersonRow, TownshipRow, VillageRow } from '../store/township';
import type { RoleGrant } from '../core/roles';
import { outgoingBodies } from '../feishu/safe-out';
import type { FeishuApi } from '../feishu/client';
import type { ReportService } from '../report/service';

export interface Actor {
  openId: string;
  person: PersonRow | null;
  grants: RoleGrant[];
}

/** A card (JSON 2.0), a text, or a file already uploaded to Feishu (its file_key). */
export type Outgoing = string | { card: Record<string, unknown> } | { file: string };

export interface AuditEntry {
  action: string;
  entity: string;
  entityId: string | number;
  villageId?: number | null;
  before?: unknown;
  after?: unknown;
}

export interface CardAnswer {
  toast?: { type: 'info' | 'success' | 'error' | 'warning'; content: string };
  card?: Record<string, unknown>;
}

export class BotContext {
  readonly writes: Statement[] = [];
  private messages: NewMessage[] = [];
  answer: CardAnswer = {};
  /** the Feishu API, for work a handler must do before answering (uploading a file); null offline */
  api: FeishuApi | null = null;
  /** Node-only report building (src/report/node.ts); null where it is not available (Workers) */
  reports: ReportService | null = null;
  /** `p2p` or `group` for a message; null for a card press */
  chatType: string | null = null;
  /** the message this message replies to, if any */
  parentId: string | null = null;
  /** the chat import's runner (src/chat-import/run.ts): wake it after this handler's writes are committed */
  imports: { kick(): void } | null = null;

  constructor(
    readonly d: Database,
    readonly now: Date,
    /** what caused this: `message:om_x`, `card:<event_id>`, `cli:...` */
    readonly source: string,
    readonly actor: Actor,
    readonly township: TownshipRow | null,
    readonly chat: ChatRow | null,
    readonly chatId: string | null,
    readonly village: VillageRow | null,
    /** the message to reply to, for text commands */
    readonly replyTo: string | null = null,
  ) {}

  /** Through the exit (src/feishu/safe-out.ts): masked, escaped, split to Feishu's limits. */
  private toMessages(msg: Outgoing, uuid: string): Pick<NewMessage, 'uuid' | 'msgType' | 'content'>[] {
    return outgoingBodies(msg).map((b, i) => ({ uuid: i === 0 ? uuid : `${uuid}-${i + 1}`, ...b }));
  }

  private uuids = 0;

  /** A fresh idempotency key, stable for this source: re-processing the same event yields the same keys. */
  newUuid(): string {
    return createHash('sha256').update(`${this.source}#${this.uuids++}`).digest('hex').slice(0, 40);
  }

  /** Answers in the chat the request came from (as a reply to the message when there is one). Returns the outbox uuid. */
  reply(msg: Outgoing, uuid = this.newUuid()): string | null {
    if (!this.chatId) return null;
    for (const m of this.toMessages(msg, uuid)) {
      this.messages.push({ townshipId: this.township?.id ?? null, receiveIdType: 'chat_id', receiveId: this.chatId, replyTo: this.replyTo, ...m });
    }
    return uuid;
  }

  /** Sends to a chat or privately to a person. Returns the outbox uuid. */
  send(to: { chatId: string } | { openId: string }, msg: Outgoing, uuid = this.newUuid()): string {
    for (const m of this.toMessages(msg, uuid)) {
      this.messages.push({
        townshipId: this.township?.id ?? null,
        receiveIdType: 'chatId' in to ? 'chat_id' : 'open_id',
        receiveId: 'chatId' in to ? to.chatId : to.openId,
        ...m,
      });
    }
    return uuid;
  }

  write(...statements: Statement[]) {
    this.writes.push(...statements);
  }

  audit(e: AuditEntry) {
    if (!this.township) throw new Error('audit needs a township');
    this.writes.push(
      this.d.db.insert(auditLog).values({
        townshipId: this.township.id,
        villageId: e.villageId ?? this.village?.id ?? null,
        at: this.now.getTime(),
        actor: this.actor.person ? `${this.actor.person.name}(${this.actor.openId})` : this.actor.openId,
        action: e.action,
        entity: e.entity,
        entityId: String(e.entityId),
        before: e.before ?? null,
        after: e.after ?? null,
        source: this.source,
      }),
    );
  }

  readonly afterCommit: (() => Promise<void>)[] = [];

  /** Work to do once the writes are committed, e.g. rebuilding the card that answers a button. */
  whenCommitted(work: () => Promise<void>) {
    this.afterCommit.push(work);
  }

  toast(type: NonNullable<CardAnswer['toast']>['type'], content: string) {
    this.answer.toast = { type, content };
  }

  /** Everything this handler wants to happen, in order, for one atomic write. */
  effects(): Statement[] {
    // Delivery runs on the wall clock even when the domain clock (ctx.now) is simulated.
    const now = Date.now();
    return [...this.writes, ...this.messages.map((m) => enqueue(this.d, m, now))];
  }

  get outgoing(): readonly NewMessage[] {
    return this.messages;
  }
}
