// Faults (issue 10 §3): the fake Feishu server fails for a minute in the middle of a run — HTTP
// 500, 429 with x-ogw-ratelimit-reset, code 230020, requests hanging past the client timeout,
// connection refused — then recovers. Checked at the server: every message delivered, each uuid
// once, and how long after recovery the last one arrived.
//   npx tsx bench/outbox-faults.ts [messages=600] [faultSeconds=60]
import { startFakeFeishu, type FailMode } from '../test/support/fake-feishu';
import { openSqlite } from '../src/store/sqlite';
import { enqueue, outboxCounts } from '../src/store/outbox';
import { createFeishuClient } from '../src/feishu/client';
import { OutboxSender } from '../src/feishu/sender';
import { memoryLogger } from '../src/log';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const total = Number(process.argv[2] ?? 600);
const faultSeconds = Number(process.argv[3] ?? 60);
const fake = await startFakeFeishu();
const d = openSqlite(join(mkdtempSync(join(tmpdir(), 'fupin-faults-')), 'faults.sqlite'));
const log = memoryLogger();
const sender = new OutboxSender({ d, api: createFeishuClient({ appId: 'cli', appSecret: 's', domain: fake.url, timeoutMs: 2000 }), log, maxBackoffMs: 10_000 });
sender.start(200);

// Messages keep arriving through the run: a third before, a third during, a third after the faults.
const phase = (n: number, from: number) =>
  d.atomic(Array.from({ length: n }, (_, i) => enqueue(d, { uuid: `f-${from + i}`, receiveIdType: 'chat_id', receiveId: `oc_${(from + i) % 40}`, msgType: 'text', content: JSON.stringify({ text: `消息 ${from + i}` }) }, Date.now())));
const third = Math.floor(total / 3);
await phase(third, 0);
sender.kick();
await new Promise((r) => setTimeout(r, 5000));

const modes: (FailMode | 'refused')[] = ['500', '429', '230020', 'hang', 'refused'];
const slot = (faultSeconds * 1000) / modes.length;
const faultStart = Date.now();
let queuedDuring = false;
for (const mode of modes) {
  if (mode === 'refused') await fake.down();
  else fake.fail(mode, { until: Date.now() + slot, resetSeconds: 3 });
  if (!queuedDuring) {
    await phase(third, third);
    sender.kick();
    queuedDuring = true;
  }
  await new Promise((r) => setTimeout(r, slot));
  if (mode === 'refused') await fake.up();
}
const recoveredAt = Date.now();
await phase(total - 2 * third, 2 * third);
sender.kick();
while ((await outboxCounts(d)).pending > 0 && Date.now() - recoveredAt < 120_000) await new Promise((r) => setTimeout(r, 200));
await sender.stop();
const counts = await outboxCounts(d);
const byStatus = fake.calls.reduce<Record<string, number>>((acc, c) => {
  acc[String(c.status)] = (acc[String(c.status)] ?? 0) + 1;
  return acc;
}, {});
const lastAt = Math.max(...fake.messages.map((m) => m.at));
console.log(
  JSON.stringify(
    {
      messages: total,
      faultSeconds: (recoveredAt - faultStart) / 1000,
      delivered: fake.messages.length,
      distinctUuids: new Set(fake.messages.map((m) => m.uuid)).size,
      outbox: counts,
      callsByStatus: byStatus,
      lastDeliveredSecondsAfterRecovery: +((lastAt - recoveredAt) / 1000).toFixed(1),
      retriesLogged: log.lines.filter((l) => l.includes('will be retried')).length,
    },
    null,
    2,
  ),
);
await fake.close();
process.exit(counts.pending === 0 && fake.messages.length === total ? 0 : 1);
