// Group commit for the inbox on better-sqlite3: events arriving in the same turn of the event
// loop are written in one transaction, then all of them are acknowledged. Each event is still
// on disk (in the WAL) before its 200 goes out; a burst costs one commit instead of one each.
import type BetterSqlite3 from 'better-sqlite3';
import type { InboundEvent } from './inbox';

interface Waiting {
  e: InboundEvent;
  now: number;
  resolve(id: number | null): void;
  reject(err: unknown): void;
}

export class InboxWriter {
  private queue: Waiting[] = [];
  private scheduled = false;
  private insert: BetterSqlite3.Statement;
  private writeAll: (batch: Waiting[]) => (number | null)[];

  constructor(sqlite: BetterSqlite3.Database, private maxBatch = 256) {
    this.insert = sqlite.prepare(
      'insert into inbox (event_id, message_id, event_type, payload, received_at) values (?, ?, ?, ?, ?) on conflict do nothing returning id',
    );
    this.writeAll = sqlite.transaction((batch: Waiting[]) =>
      batch.map((w) => {
        const row = this.insert.get(w.e.eventId, w.e.messageId ?? null, w.e.eventType, w.e.payload, w.now) as { id: number } | undefined;
        return row?.id ?? null;
      }),
    );
  }

  accept(e: InboundEvent, now: number): Promise<number | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ e, now, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush() {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    let ids: (number | null)[];
    try {
      ids = this.writeAll(batch);
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    for (const [i, w] of batch.entries()) w.resolve(ids[i]!);
  }
}
