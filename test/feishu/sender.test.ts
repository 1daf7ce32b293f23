// The outbox sender with the real Lark SDK against the fake Feishu server and a real SQLite file.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startFakeFeishu, type FakeFeishu } from '../support/fake-feishu';
import { tempDbPath } from '../support/harness';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite';
import { createFeishuClient } from '../../src/feishu/client';
import { OutboxSender } from '../../src/feishu/sender';
import { enqueue, listOutbox, outboxCounts } from '../../src/store/outbox';
import { memoryLogger } from '../../src/log';

let fake: FakeFeishu;
let d: SqliteDatabase;
let log: ReturnType<typeof memoryLogger>;

beforeEach(async () => {
  fake = await startFakeFeishu();
  d = openSqlite(tempDbPath());
  log = memoryLogger();
});
afterEach(async () => {
  await fake.close();
  d.close!();
});

const sender = (timeoutMs = 2000) =>
  new OutboxSender({
    d,
    api: createFeishuClient({ appId: 'cli_test', appSecret: 'secret', domain: fake.url, timeoutMs }),
    log,
    maxBackoffMs: 100,
  });

async function queue(n: number, chat = (i: number) => `oc_${i % 3}`) {
  await d.atomic(
    Array.from({ length: n }, (_, i) =>
      enqueue(d, { uuid: `u-${i}`, receiveIdType: 'chat_id', receiveId: chat(i), msgType: 'text', content: JSON.stringify({ text: `第${i}条` }) }, Date.now()),
    ),
  );
}

/** Drains until nothing is pending, waiting out retry times. */
async function drainUntilDone(s: OutboxSender, maxMs = 15_000) {
  const t0 = Date.now();
  while (Date.now() - t0 < maxMs) {
    await s.drainAll();
    if ((await outboxCounts(d)).pending === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('outbox did not drain');
}

describe('OutboxSender', () => {
  it('sends every message once with its uuid through the SDK, reusing the tenant token', async () => {
    await queue(6);
    await drainUntilDone(sender());
    expect(fake.messages.map((m) => m.uuid).sort()).toEqual(['u-0', 'u-1', 'u-2', 'u-3', 'u-4', 'u-5']);
    expect(fake.messages.every((m) => m.receiveIdType === 'chat_id')).toBe(true);
    expect(fake.tokenRequests).toBe(1);
    const rows = await listOutbox(d);
    expect(rows.every((r) => r.status === 'sent' && r.feishuMessageId?.startsWith('om_fake_'))).toBe(true);
  });

  it('does not enqueue the same uuid twice', async () => {
    await queue(2);
    await queue(2);
    expect((await listOutbox(d)).length).toBe(2);
  });

  it('survives a Feishu that answers 500 for a while: nothing lost, nothing twice', async () => {
    await queue(5);
    fake.fail('500', { times: 7 });
    await drainUntilDone(sender());
    expect(fake.messages).toHaveLength(5);
    expect(new Set(fake.messages.map((m) => m.uuid)).size).toBe(5);
    expect(fake.calls.some((c) => c.status === 500)).toBe(true);
    expect(log.lines.some((l) => l.includes('will be retried'))).toBe(true);
  });

  it('waits as long as x-ogw-ratelimit-reset says after a 429', async () => {
    await queue(1);
    fake.fail('429', { times: 1, resetSeconds: 1 });
    const t0 = Date.now();
    await drainUntilDone(sender());
    expect(fake.messages).toHaveLength(1);
    const first = fake.calls.find((c) => c.status === 429)!;
    const ok = fake.calls.find((c) => c.status === 200 && c.path.endsWith('/messages'))!;
    expect(ok.at - first.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('retries code 230020 and a request hanging past the client timeout', async () => {
    await queue(2);
    fake.fail('230020', { times: 2 });
    await drainUntilDone(sender());
    expect(fake.messages).toHaveLength(2);
    await queue(3); // u-0..u-2: u-0, u-1 already sent, u-2 new
    fake.fail('hang', { times: 1 });
    await drainUntilDone(sender(300));
    expect(fake.messages.map((m) => m.uuid).sort()).toEqual(['u-0', 'u-1', 'u-2']);
  });

  it('retries when the connection is refused and delivers after recovery', async () => {
    await queue(3);
    await fake.down();
    const s = sender();
    await s.drainAll();
    expect((await outboxCounts(d)).pending).toBe(3);
    await fake.up();
    await drainUntilDone(s);
    expect(fake.messages).toHaveLength(3);
  });

  it('marks permanent errors failed with the reason and logs them', async () => {
    await queue(1);
    fake.fail('230002', { times: 1 });
    await drainUntilDone(sender());
    const [row] = await listOutbox(d);
    expect(row!.status).toBe('failed');
    expect(row!.lastError).toContain('机器人不在群里');
    expect(log.lines.some((l) => l.startsWith('ERROR message failed for good'))).toBe(true);
  });

  it('paces one chat to at most 5 messages a second, measured at the server', async () => {
    await queue(12, () => 'oc_busy');
    await drainUntilDone(sender());
    const times = fake.calls.filter((c) => c.path.endsWith('/messages')).map((c) => c.at).sort((a, b) => a - b);
    expect(times).toHaveLength(12);
    for (let i = 5; i < times.length; i++) expect(times[i]! - times[i - 5]!).toBeGreaterThanOrEqual(990);
  });
});
