// Events through the long connection against the webhook, in the same run and the same server:
// the Node server (FEISHU_CONNECTION=websocket, a fresh SQLite file) with the SDK's real
// WSClient connected to the fake gateway on 127.0.0.1; its webhook route stays open, so the same
// kind of events (distinct `im.message.receive_v1`) go once over each path. Ack latency is timed
// from sending an event to reading its acknowledgement: over the connection the frame answered
// with {"code":200}, over the webhook the HTTP 200 (signed + encrypted, as Feishu sends it).
// Each event is stored in the inbox before it is acknowledged, then processed (reply to the outbox).
//   npx tsx bench/long-connection.ts [count=2000] [concurrency=1]
import { startHarness } from '../test/support/harness';
import { messageEnvelope, overConnection, signedRequest } from '../test/support/events';

const count = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 1);

const h = await startHarness({ gateway: true });
await h.gateway!.connected();
const gw = h.gateway!;
const url = `${h.url}/feishu/events`;

let seq = 0;
const event = () => {
  const i = seq++;
  return messageEnvelope({ text: `进度 ${i}`, openId: 'ou_bench', chatId: `oc_bench_${i % 50}`, eventId: `ev_bench_${i}`, messageId: `om_bench_${i}` });
};

interface Run {
  latencies: number[];
  failures: number;
  wallMs: number;
}

async function run(path: 'webhook' | 'websocket', n: number): Promise<Run> {
  // prepared before timing: the webhook's requests are signed and encrypted here, as Feishu does
  const items =
    path === 'webhook'
      ? Array.from({ length: n }, () => ({ kind: 'webhook' as const, req: signedRequest(event()) }))
      : Array.from({ length: n }, () => ({ kind: 'websocket' as const, env: overConnection(event()) }));
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const it = items[next++]!;
        const s = performance.now();
        if (it.kind === 'webhook') {
          const res = await fetch(url, it.req);
          await res.arrayBuffer();
          if (res.status !== 200) failures++;
        } else {
          const ack = await gw.send(it.env, { timeoutMs: 10_000 });
          if (ack.code !== 200) failures++;
        }
        latencies.push(performance.now() - s);
      }
    }),
  );
  return { latencies, failures, wallMs: performance.now() - t0 };
}

function summary(runs: Run[]) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const q = (p: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2));
  const wall = runs.reduce((s, r) => s + r.wallMs, 0);
  return {
    events: latencies.length,
    failures: runs.reduce((s, r) => s + r.failures, 0),
    medianMs: q(0.5),
    p99Ms: q(0.99),
    maxMs: q(1),
    perSecond: Math.round((latencies.length / wall) * 1000),
  };
}

const stored = () => (h.server.d.sqlite.prepare("select count(*) n from inbox where event_id like 'ev_bench_%'").get() as { n: number }).n;

// warm-up on both paths, then alternate so neither gets the quieter moment
await run('webhook', 200);
await run('websocket', 200);
const runs = { webhook: [] as Run[], websocket: [] as Run[] };
for (const path of ['webhook', 'websocket', 'webhook', 'websocket'] as const) runs[path].push(await run(path, count / 2));
const webhook = summary(runs.webhook);
const websocket = summary(runs.websocket);
const total = 400 + count * 2;
const inInbox = stored();
console.log(
  JSON.stringify({
    concurrency,
    webhook,
    websocket,
    throughputRatio: Number((websocket.perSecond / webhook.perSecond).toFixed(2)),
    medianRatio: Number((websocket.medianMs / webhook.medianMs).toFixed(2)),
    acknowledged: total,
    stored: inInbox,
  }),
);
if (inInbox !== total) {
  console.error(`acknowledged ${total} events but the inbox holds ${inInbox}`);
  process.exitCode = 1;
}
await h.close();
