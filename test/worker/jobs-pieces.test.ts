// A jobs run on Workers writes in D1 batches within a statement budget per invocation; what is
// left is queued by the next tick, resuming where the last stopped, and nothing is sent twice.
import { describe, it, expect, beforeAll } from 'vitest';
import { type WorkerHarness, useWorker } from '../support/worker';
import { loadExample } from '../../src/township/seed';
import { exampleJson } from '../support/example';

const worker = useWorker({ env: { JOBS_STATEMENTS_PER_INVOCATION: '4' } }, async (w) => {
  await loadExample(w.d);
});
let w: WorkerHarness;
beforeAll(() => {
  w = worker.get();
});

describe('jobs in pieces', () => {
  it('queues the 09:05 reminders over several ticks within the budget, each once', async () => {
    const villageChats = new Set(exampleJson().villages.map((v) => v.chatId!));
    const reminders = () => w.fake.messages.filter((m) => villageChats.has(m.receiveId));
    const at = (min: number) => new Date(Date.UTC(2026, 11, 8, 1, 5 + min));
    expect((await w.scheduled('5 1 * * *', at(0))).outcome).toBe('ok');
    await w.settle(20_000);
    const first = reminders().length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(villageChats.size); // the budget stopped it
    expect(w.logs.some((l) => l.includes('由下次运行继续排队'))).toBe(true);
    for (let i = 1; i <= villageChats.size && reminders().length < villageChats.size; i++) {
      expect((await w.scheduled('*/5 * * * *', at(5 * i))).outcome).toBe('ok');
      await w.settle(20_000);
    }
    expect(new Set(reminders().map((m) => m.receiveId))).toEqual(villageChats);
    expect(reminders()).toHaveLength(villageChats.size);
    // one more tick: nothing new
    await w.scheduled('*/5 * * * *', at(60));
    await w.settle(20_000);
    expect(reminders()).toHaveLength(villageChats.size);
  }, 90_000);
});
