// The scheduled jobs on Workers: the cron trigger runs the same jobs as the Node server, against
// D1, and a trigger fired twice (two isolates) sends each reminder once.
import { describe, it, expect, beforeAll } from 'vitest';
import { type WorkerHarness, useWorker } from '../support/worker';
import { loadExample } from '../../src/township/seed';
import { exampleJson } from '../support/example';

const worker = useWorker({}, async (w) => {
  await loadExample(w.d); // written into the worker's D1 through the app's own store functions
});
let w: WorkerHarness;
beforeAll(() => {
  w = worker.get();
});

describe('scheduled() runs the jobs', () => {
  it('sends the 09:05 reminders to every village chat once, though the cron fires twice at once and again', async () => {
    const villageChats = new Set(exampleJson().villages.map((v) => v.chatId!));
    const at = new Date('2026-12-08T01:05:00Z'); // 09:05 China time, two days before the first deadline
    const outcomes = await Promise.all([w.scheduled('5 1 * * *', at), w.scheduled('5 1 * * *', at)]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['ok', 'ok']);
    await w.settle(20_000);
    const reminders = () => w.fake.messages.filter((m) => villageChats.has(m.receiveId));
    expect(reminders()).toHaveLength(villageChats.size);
    expect(new Set(reminders().map((m) => m.receiveId))).toEqual(villageChats);
    expect(new Set(reminders().map((m) => m.uuid)).size).toBe(villageChats.size);
    const text = reminders().map((m) => m.content).join('\n');
    expect(text).toContain('申请农户资格复审');
    expect(text).not.toMatch(/\d{17}[\dX]/);

    expect((await w.scheduled('*/5 * * * *', new Date('2026-12-08T01:10:00Z'))).outcome).toBe('ok');
    await w.settle(20_000);
    expect(reminders()).toHaveLength(villageChats.size);
    const sends = w.fake.calls.filter((c) => c.path === '/open-apis/im/v1/messages' && c.status === 200).length;
    expect(sends).toBe(w.fake.messages.length); // nothing was sent twice and left to Feishu's uuid
  });
});
