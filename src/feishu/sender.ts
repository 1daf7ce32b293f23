// Drains the outbox: claims due rows, books each a slot under Feishu's limits, sends it with
// its uuid, and records the outcome. Transient failures come back later with backoff; a
// message is never dropped silently. Offline (no credentials) it writes the text to the log.
import type { Database } from '../store/database';
import { claimDue, markFailed, markOffline, markRetry, markSent, type OutboxRow } from '../store/outbox';
import { SendPacer } from '../core/ratelimit';
import { GONE_MESSAGES, goneAmong } from '../store/gone-chats';
import { classifyError, type FeishuApi } from './client';
import { renderMessage } from './render';
import type { Logger } from '../log';

export interface SenderOptions {
  d: Database;
  api: FeishuApi | null;
  log: Logger;
  pacer?: SendPacer;
  now?: () => number;
  batchSize?: number;
  /** give up on a message still failing this long after it was queued */
  giveUpAfterMs?: number;
  maxBackoffMs?: number;
}

export function backoffMs(attempts: number, maxMs: number): number {
  return Math.min(maxMs, 1000 * 2 ** Math.min(attempts, 16));
}

export class OutboxSender {
  private pacer: SendPacer;
  private now: () => number;
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(private o: SenderOptions) {
    this.pacer = o.pacer ?? new SendPacer();
    this.now = o.now ?? Date.now;
  }

  /** Sends what is due now; returns how many rows were handled. */
  async drainOnce(): Promise<number> {
    const claimed = await claimDue(this.o.d, this.now(), this.o.batchSize ?? 200, 5 * 60_000);
    if (claimed.length === 0) return 0;
    const rows = await this.dropGone(claimed);
    if (!this.o.api) {
      for (const row of rows) {
        await this.logOffline(row);
        await new Promise((r) => setTimeout(r, 0)); // let requests in between
      }
      return claimed.length;
    }
    // One token fetch before the burst; if Feishu is unreachable, each send fails and retries.
    await this.o.api.prepare().catch(() => undefined);
    // One queue per chat or person, in order: each send waits for its turn under the limits.
    const byTarget = new Map<string, OutboxRow[]>();
    for (const row of rows) byTarget.set(row.receiveId, [...(byTarget.get(row.receiveId) ?? []), row]);
    await Promise.all(
      [...byTarget.entries()].map(async ([target, queue]) => {
        for (const row of queue) {
          await this.pacer.acquire(target, this.now);
          await this.sendOne(row);
        }
      }),
    );
    return claimed.length;
  }

  /** Messages to a chat the bot was removed from, or that was dissolved, fail now with the reason; the rest are returned. */
  private async dropGone(rows: OutboxRow[]): Promise<OutboxRow[]> {
    const gone = await goneAmong(this.o.d, rows.filter((r) => r.receiveIdType === 'chat_id').map((r) => r.receiveId));
    if (gone.size === 0) return rows;
    const keep: OutboxRow[] = [];
    for (const row of rows) {
      const reason = row.receiveIdType === 'chat_id' ? gone.get(row.receiveId) : undefined;
      if (!reason) {
        keep.push(row);
        continue;
      }
      await markFailed(this.o.d, row.id, GONE_MESSAGES[reason]);
      this.o.log.warn('message not sent: the chat is gone', { outbox: row.id, reason });
    }
    return keep;
  }

  /** Drains until nothing is due now (rows waiting for a retry time are left for later). */
  async drainAll(): Promise<number> {
    let total = 0;
    for (let n = await this.drainOnce(); n > 0; n = await this.drainOnce()) total += n;
    return total;
  }

  private async logOffline(row: OutboxRow) {
    const r = renderMessage(row.msgType, row.content);
    const to = row.receiveIdType === 'chat_id' ? `群 ${row.receiveId}` : `私信 ${row.receiveId}`;
    this.o.log.info(`[离线，未发送] → ${to}${row.replyTo ? ` (回复 ${row.replyTo})` : ''}\n${r.text}`);
    await markOffline(this.o.d, row.id, this.now());
  }

  private async sendOne(row: OutboxRow) {
    try {
      const { messageId } = await this.o.api!.send({
        uuid: row.uuid,
        receiveIdType: row.receiveIdType,
        receiveId: row.receiveId,
        msgType: row.msgType,
        content: row.content,
        replyTo: row.replyTo,
      });
      await markSent(this.o.d, row.id, messageId, this.now());
    } catch (e) {
      const err = classifyError(e);
      const now = this.now();
      const tooOld = now - row.createdAt > (this.o.giveUpAfterMs ?? 24 * 3600_000);
      if (!err.retryable || tooOld) {
        await markFailed(this.o.d, row.id, err.message);
        this.o.log.error('message failed for good', { outbox: row.id, to: row.receiveId, reason: err.message });
        return;
      }
      if (err.retryAfterMs) this.pacer.pause(now + err.retryAfterMs);
      const wait = err.retryAfterMs ?? backoffMs(row.attempts, this.o.maxBackoffMs ?? 60_000);
      await markRetry(this.o.d, row.id, err.message, now + wait);
      this.o.log.warn('message will be retried', { outbox: row.id, inMs: wait, reason: err.message });
    }
  }

  /** Runs in the background, draining whenever woken and at least every `idleMs`. */
  start(idleMs = 1000) {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let n = 0;
        try {
          n = await this.drainOnce();
        } catch (e) {
          this.o.log.error('outbox drain failed', { error: (e as Error).message });
        }
        if (n === 0 && this.running) await new Promise<void>((r) => {
            this.wake = r;
            setTimeout(r, idleMs);
          });
      }
    })();
  }

  kick() {
    this.wake?.();
  }

  async stop() {
    this.running = false;
    this.kick();
    await this.loop;
  }
}
