// The cron side of the Workers deployment and the D1 store under it, inside workerd:
// scheduled() drains the outbox exactly once however often it fires, retries what failed,
// and finishes inbox events left pending; D1's batch is the atomic write.
import { describe, it, expect, beforeAll } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { wranglerToml, type WorkerHarness, useWorker } from '../support/worker';
import { messageEnvelope, nextId } from '../support/events';
import { acceptEvent, claimEvents } from '../../src/store/inbox';
import { claimDue, enqueue, listOutbox } from '../../src/store/outbox';
import { inbox, jobRuns, outbox } from '../../db/schema/index';

const worker = useWorker();
let w: WorkerHarness;
beforeAll(() => {
  w = worker.get();
});

const textMessage = (uuid: string, chatId = 'oc_cron') => ({
  uuid,
  receiveIdType: 'chat_id' as const,
  receiveId: chatId,
  msgType: 'text' as const,
  content: JSON.stringify({ text: `cron ${uuid}` }),
});

/** Queues messages the way a job or handler does: one atomic write (db.batch on D1). */
async function queue(uuids: string[]) {
  const now = Date.now();
  // spread over chats so Feishu's 5/s per chat does not pace the test
  await w.d.atomic(uuids.map((u, i) => enqueue(w.d, textMessage(u, `oc_cron_${i % 3}`), now)));
}

describe('wrangler.toml', () => {
  it('fires at 09:05 and 18:05 Asia/Shanghai, sweeps every 5 minutes, and uses the shared migrations', () => {
    const toml = wranglerToml();
    expect(toml.crons).toEqual(['5 1 * * *', '5 10 * * *', '*/5 * * * *']);
    const cst = (h: number, m: number) =>
      new Date(Date.UTC(2026, 8, 1, h, m)).toLocaleTimeString('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' });
    expect([cst(1, 5), cst(10, 5)]).toEqual(['09:05', '18:05']);
    expect(toml.compatibilityFlags).toContain('nodejs_compat');
    expect(toml.text).toMatch(/^migrations_dir\s*=\s*"db\/migrations"/m);
    expect(toml.text).toMatch(/^binding\s*=\s*"DB"/m);
    expect(toml.text).toMatch(/^__dirname\s*=\s*'"\/"'/m);
  });
});

describe('scheduled() on Workers', () => {
  it('sends pending outbox messages once when the cron fires twice at the same time and again later', async () => {
    const uuids = Array.from({ length: 6 }, () => nextId('u_cron'));
    await queue(uuids);
    const sendCalls = () => w.fake.calls.filter((c) => c.path === '/open-apis/im/v1/messages').length;
    const before = sendCalls();
    const at = new Date();
    const outcomes = await Promise.all([w.scheduled('*/5 * * * *', at), w.scheduled('*/5 * * * *', at)]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['ok', 'ok']);
    expect((await w.scheduled('5 1 * * *')).outcome).toBe('ok');

    const got = w.fake.messages.filter((m) => uuids.includes(m.uuid ?? ''));
    expect(got.map((m) => m.uuid).sort()).toEqual([...uuids].sort());
    // Each uuid was sent once: never twice and left to Feishu's uuid to deduplicate.
    expect(sendCalls() - before).toBe(uuids.length);
    const rows = await w.d.db.select().from(outbox).where(inArray(outbox.uuid, uuids));
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(uuids.map(() => ['sent', 1]));
  });

  it('retries a send that failed on a later tick, and delivers it once', async () => {
    const uuid = nextId('u_retry');
    w.fake.fail('500', { times: 1 });
    await queue([uuid]);
    await w.scheduled();
    let [row] = await w.d.db.select().from(outbox).where(eq(outbox.uuid, uuid));
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row!.lastError).toContain('HTTP 500');

    // Not due yet: a tick now leaves it alone.
    await w.scheduled();
    expect(w.fake.messages.filter((m) => m.uuid === uuid)).toHaveLength(0);

    await new Promise((r) => setTimeout(r, Math.max(0, row!.nextAttemptAt - Date.now() + 50)));
    await w.scheduled();
    await w.scheduled();
    [row] = await w.d.db.select().from(outbox).where(eq(outbox.uuid, uuid));
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(w.fake.messages.filter((m) => m.uuid === uuid)).toHaveLength(1);
  });

  it('finishes inbox events acknowledged but never processed, exactly once', async () => {
    const ids = [nextId('om_lost'), nextId('om_lost')];
    for (const messageId of ids) {
      const env = messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_cron', messageId });
      expect(await acceptEvent(w.d, { eventId: env.header.event_id, messageId, eventType: env.header.event_type, payload: JSON.stringify(env) }, Date.now())).not.toBeNull();
    }
    await Promise.all([w.scheduled(), w.scheduled()]);
    await w.scheduled();
    await w.settle();
    expect(w.fake.messages.filter((m) => ids.includes(m.replyTo ?? '')).map((m) => m.replyTo).sort()).toEqual([...ids].sort());
    const rows = await w.d.db.select().from(inbox).where(inArray(inbox.messageId, ids));
    expect(rows.map((r) => r.status)).toEqual(['done', 'done']);
  });
});

describe('the D1 store', () => {
  it('writes an atomic batch all or nothing (db.batch, no interactive transaction)', async () => {
    const key = nextId('job');
    const uuid = nextId('u_atomic');
    const d = w.d;
    const statements = [
      enqueue(d, textMessage(uuid), Date.now()),
      d.db.insert(jobRuns).values({ key, townshipId: 't1', ranAt: 1 }),
      d.db.insert(jobRuns).values({ key, townshipId: 't1', ranAt: 2 }), // primary key conflict
    ];
    await expect(d.atomic(statements)).rejects.toThrow();
    expect(await d.db.select().from(outbox).where(eq(outbox.uuid, uuid))).toEqual([]);
    expect(await d.db.select().from(jobRuns).where(eq(jobRuns.key, key))).toEqual([]);

    await d.atomic(statements.slice(0, 2));
    expect(await d.db.select().from(outbox).where(eq(outbox.uuid, uuid))).toHaveLength(1);
    // A job that already ran cannot run again: the key is a primary key.
    await expect(d.atomic([d.db.insert(jobRuns).values({ key, townshipId: 't1', ranAt: 3 })])).rejects.toThrow();
  });

  it('deduplicates on event_id and message_id by unique index', async () => {
    const base = { eventId: nextId('ev_d1'), messageId: nextId('om_d1'), eventType: 'im.message.receive_v1', payload: '{}' };
    const first = await acceptEvent(w.d, base, Date.now());
    expect(first).not.toBeNull();
    const dupes = await Promise.all([
      acceptEvent(w.d, base, Date.now()),
      acceptEvent(w.d, { ...base, eventId: nextId('ev_d1') }, Date.now()),
      acceptEvent(w.d, { ...base, messageId: null }, Date.now()),
    ]);
    expect(dupes).toEqual([null, null, null]);
    await w.d.db.update(inbox).set({ status: 'done' }).where(eq(inbox.id, first!));
  });

  it('gives each claimer its own rows: claiming is one UPDATE … RETURNING with a lease', async () => {
    const uuids = Array.from({ length: 12 }, () => nextId('u_claim'));
    const now = Date.now() + 60_000; // later than anything the other tests left due
    await w.d.atomic(uuids.map((u) => enqueue(w.d, { ...textMessage(u), notBefore: now }, now)));
    const claims = await Promise.all(Array.from({ length: 4 }, () => claimDue(w.d, now, 5, 60_000)));
    const ids = claims.flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length); // no row went to two claimers
    const mine = (await listOutbox(w.d)).filter((r) => uuids.includes(r.uuid)).map((r) => r.id);
    expect(mine.every((id) => ids.includes(id))).toBe(true);
    expect(await claimDue(w.d, now, 5, 60_000)).toEqual([]); // all leased
    await w.d.db.update(outbox).set({ status: 'failed' }).where(inArray(outbox.uuid, uuids));

    const inboxClaims = await Promise.all([claimEvents(w.d, Date.now()), claimEvents(w.d, Date.now())]);
    const claimedTwice = inboxClaims[0]!.filter((a) => inboxClaims[1]!.some((b) => b.id === a.id));
    expect(claimedTwice).toEqual([]);
  });
});
