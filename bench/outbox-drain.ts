// Outbox drain at Feishu's limits (issue 10 §2): 2,000 messages to 100 chats through the real
// sender and the real Lark SDK to the fake Feishu server on 127.0.0.1. Measured at the server:
// the most messages in any 1 s window per chat and per app, in any 60 s window per app, and the
// drain time against the limits' minimum.
//   npx tsx bench/outbox-drain.ts [messages=2000] [chats=100]
import { startFakeFeishu } from '../test/support/fake-feishu';
import { openSqlite } from '../src/store/sqlite';
import { enqueue, outboxCounts } from '../src/store/outbox';
import { createFeishuClient } from '../src/feishu/client';
import { OutboxSender } from '../src/feishu/sender';
import { memoryLogger } from '../src/log';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxInWindow } from '../test/support/windows';

const total = Number(process.argv[2] ?? 2000);
const chats = Number(process.argv[3] ?? 100);

/**
 * First-to-last send time of the fastest schedule Feishu's limits allow (50 in any second and
 * 1000 in any minute per app, 5 in any second per chat): bursts at whole seconds.
 */
export function floorMs(n: number, chatCount: number): number {
  const perChat = Math.ceil(n / chatCount);
  const byChat = Math.floor((perChat - 1) / 5) * 1000;
  const minutes = Math.floor((n - 1) / 1000);
  const rest = (n - 1) % 1000;
  const byApp = minutes * 60_000 + Math.floor(rest / 50) * 1000;
  return Math.max(byChat, byApp);
}

const fake = await startFakeFeishu();
const d = openSqlite(join(mkdtempSync(join(tmpdir(), 'fupin-drain-')), 'drain.sqlite'));
const now = Date.now();
await d.atomic(
  Array.from({ length: total }, (_, i) =>
    enqueue(d, { uuid: `drain-${i}`, receiveIdType: 'chat_id', receiveId: `oc_${i % chats}`, msgType: 'text', content: JSON.stringify({ text: `消息 ${i}` }) }, now),
  ),
);
const sender = new OutboxSender({ d, api: createFeishuClient({ appId: 'cli', appSecret: 's', domain: fake.url }), log: memoryLogger() });
const t0 = Date.now();
while ((await outboxCounts(d)).pending > 0) {
  if ((await sender.drainOnce()) === 0) await new Promise((r) => setTimeout(r, 20));
}
const sendCalls = fake.calls.filter((c) => c.path === '/open-apis/im/v1/messages');
const times = sendCalls.map((c) => c.at);
const drainMs = Math.max(...times) - Math.min(...times);
const perChat = new Map<string, number[]>();
for (const m of fake.messages) perChat.set(m.receiveId, [...(perChat.get(m.receiveId) ?? []), m.at]);
const floor = floorMs(total, chats);
console.log(
  JSON.stringify(
    {
      messages: total,
      chats,
      delivered: fake.messages.length,
      distinctUuids: new Set(fake.messages.map((m) => m.uuid)).size,
      sendCalls: sendCalls.length,
      maxPerAppIn1s: maxInWindow(times, 1000),
      maxPerAppIn60s: maxInWindow(times, 60_000),
      maxPerChatIn1s: Math.max(...[...perChat.values()].map((t) => maxInWindow(t, 1000))),
      drainSeconds: +(drainMs / 1000).toFixed(2),
      floorSeconds: +(floor / 1000).toFixed(2),
      overFloor: `${(((drainMs - floor) / floor) * 100).toFixed(1)}%`,
      wallSeconds: +((Date.now() - t0) / 1000).toFixed(2),
    },
    null,
    2,
  ),
);
await fake.close();
process.exit(0);
