// The inbox as deduplication store: unique keys, claiming with a lease, pruning after retention.
import { describe, it, expect } from 'vitest';
import { openSqlite } from '../../src/store/sqlite';
import { acceptEvent, acceptUnreadable, claimEvents, countInbox, markEventDone, markEventUnreadable, pruneInbox } from '../../src/store/inbox';
import { tempDbPath } from '../support/harness';

const HOUR = 3600_000;
const ev = (i: number, messageId: string | null = `om_${i}`) => ({ eventId: `ev_${i}`, messageId, eventType: 'im.message.receive_v1', payload: '{}' });

describe('inbox', () => {
  it('drops a second delivery by event_id or by message_id', async () => {
    const d = openSqlite(tempDbPath());
    expect(await acceptEvent(d, ev(1), 0)).not.toBeNull();
    expect(await acceptEvent(d, ev(1), 0)).toBeNull();
    expect(await acceptEvent(d, { ...ev(2), messageId: 'om_1' }, 0)).toBeNull();
    expect(await acceptEvent(d, ev(3, null), 0)).not.toBeNull();
    expect(await acceptEvent(d, ev(4, null), 0)).not.toBeNull(); // events without a message id never collide
    expect(await countInbox(d)).toEqual({ pending: 3, done: 0, failed: 0 });
  });

  it('gives a row to one claimer at a time, and again after the lease ends', async () => {
    const d = openSqlite(tempDbPath());
    const id = (await acceptEvent(d, ev(1), 0))!;
    expect((await claimEvents(d, 1000, { id })).map((r) => r.id)).toEqual([id]);
    expect(await claimEvents(d, 2000, { id })).toEqual([]);
    const again = await claimEvents(d, 1000 + 60_001, { id });
    expect(again[0]!.attempts).toBe(2);
  });

  it('keeps dedup keys for the retention and prunes handled rows after it, never pending ones', async () => {
    const d = openSqlite(tempDbPath());
    const now = 100 * HOUR;
    const old = (await acceptEvent(d, ev(1), now - 25 * HOUR))!;
    const recent = (await acceptEvent(d, ev(2), now - 9 * HOUR))!;
    await acceptEvent(d, ev(3), now - 30 * HOUR); // still pending: must survive
    await d.atomic([markEventDone(d, old, now), markEventDone(d, recent, now)]);
    await pruneInbox(d, now, 24 * HOUR);
    expect(await countInbox(d)).toEqual({ pending: 1, done: 1, failed: 0 });
    // the pruned key can be accepted again (Feishu stops retrying after ~7.1 h); the kept one cannot
    expect(await acceptEvent(d, ev(1), now)).not.toBeNull();
    expect(await acceptEvent(d, ev(2), now)).toBeNull();
  });

  it('keeps failed rows (events not understood) a week for the admin, then prunes them', async () => {
    const d = openSqlite(tempDbPath());
    const now = 1000 * HOUR;
    const read = (await acceptEvent(d, ev(1), now - 30 * HOUR))!;
    await d.atomic([markEventUnreadable(d, read, 'event.sender.sender_id.open_id: invalid_type', now - 30 * HOUR)]);
    await acceptUnreadable(d, { eventId: 'ev_old', eventType: 'x', payload: '{}' }, 'schema: invalid_value', now - 8 * 24 * HOUR);
    expect(await acceptUnreadable(d, { eventId: 'ev_old', eventType: 'x', payload: '{}' }, 'again', now)).toBeNull();
    await pruneInbox(d, now, 24 * HOUR);
    expect(await countInbox(d)).toEqual({ pending: 0, done: 0, failed: 1 });
    expect(d.sqlite.prepare('select error from inbox').get()).toEqual({ error: 'unreadable: event.sender.sender_id.open_id: invalid_type' });
  });
});
