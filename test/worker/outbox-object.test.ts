// The app's one sender on Workers (src/workers/outbox-object.ts), in workerd: however many
// producers queue messages and poke it at once — webhook answers and cron ticks together — the
// sends measured at the fake Feishu stay within 50/s and 1,000/min per app and 5/s per chat,
// each message is delivered once, and no invocation sends more than its subrequest budget.
import { describe, it, expect, beforeAll } from 'vitest';
import { type WorkerHarness, useWorker } from '../support/worker';
import { messageEnvelope, nextId } from '../support/events';
import { enqueue } from '../../src/store/outbox';
import { maxInWindow } from '../support/windows';

const BUDGET = 10;
const worker = useWorker({ env: { OUTBOX_SENDS_PER_INVOCATION: String(BUDGET) } });
let w: WorkerHarness;
beforeAll(() => {
  w = worker.get();
});

describe('one outbox object per app', () => {
  it('holds Feishu limits across concurrent producers, sends each message once, within the per-invocation budget', async () => {
    const chats = Array.from({ length: 25 }, (_, i) => `oc_do_${i}`);
    const uuids: string[] = [];
    const now = Date.now();
    // 150 messages queued by 15 producers at once, each poking the object (a cron tick) as it goes.
    const producers = Array.from({ length: 15 }, async (_, p) => {
      const batch = Array.from({ length: 10 }, (_, i) => {
        const uuid = nextId(`u_do${p}`);
        uuids.push(uuid);
        const chat = chats[(p * 10 + i) % chats.length]!;
        return enqueue(w.d, { uuid, receiveIdType: 'chat_id', receiveId: chat, msgType: 'text', content: JSON.stringify({ text: `第${p}-${i}条` }) }, now);
      });
      await w.d.atomic(batch);
      return w.scheduled('*/5 * * * *', new Date());
    });
    const outcomes = await Promise.all(producers);
    expect(outcomes.every((o) => o.outcome === 'ok')).toBe(true);
    await w.settle(60_000);

    const got = w.fake.messages.filter((m) => uuids.includes(m.uuid ?? ''));
    expect(got.map((m) => m.uuid).sort()).toEqual([...uuids].sort()); // each once
    const times = got.map((m) => m.at).sort((a, b) => a - b);
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(50);
    expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(1000);
    for (const chat of chats) {
      const t = got.filter((m) => m.receiveId === chat).map((m) => m.at).sort((a, b) => a - b);
      expect(maxInWindow(t, 1000), chat).toBeLessThanOrEqual(5);
    }
    // Sent by the object, in rounds of at most BUDGET sends each (one subrequest per send).
    const rounds = w.logs.filter((l) => l.includes('outbox object: sent')).map((l) => Number(/"sent":(\d+)/.exec(l)?.[1] ?? Number.NaN));
    expect(rounds.length).toBeGreaterThanOrEqual(Math.ceil(uuids.length / BUDGET));
    expect(Math.max(...rounds)).toBeLessThanOrEqual(BUDGET);
    expect(rounds.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(uuids.length);
  }, 90_000);

  it('sends the replies of many concurrent webhook requests from the object, once each, 5/s per chat at most', async () => {
    const before = w.logs.filter((l) => l.includes('outbox object: sent')).length;
    const ids = Array.from({ length: 30 }, () => nextId('om_do'));
    const results = await Promise.all(
      ids.map((messageId, i) => w.post(messageEnvelope({ text: '帮助', openId: 'ou_stranger', chatId: `oc_dw_${i % 3}`, messageId }))),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    await w.settle(30_000);
    const sent = w.fake.messages.filter((m) => ids.includes(m.replyTo ?? ''));
    expect(sent.map((m) => m.replyTo).sort()).toEqual([...ids].sort());
    for (let c = 0; c < 3; c++) {
      const t = sent.filter((m) => ids.indexOf(m.replyTo ?? '') % 3 === c).map((m) => m.at).sort((a, b) => a - b);
      // measured on arrival at the fake: allow 100 ms of loopback jitter under a loaded machine
      // (unpaced, the 10 replies of a chat would arrive within a few ms)
      expect(maxInWindow(t, 900)).toBeLessThanOrEqual(5);
    }
    expect(w.logs.filter((l) => l.includes('outbox object: sent')).length).toBeGreaterThan(before);
  }, 60_000);
});
