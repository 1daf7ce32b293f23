// Ack latency of the webhook for signed, encrypted message events: the Node server runs in its
// own process (npm start's code path, a fresh SQLite file), this process sends pre-signed
// distinct events over loopback and times each answer.
//   npx tsx bench/ack-latency.ts [count=2000] [concurrency=1]
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messageEnvelope, signedRequest, ENCRYPT_KEY, VERIFICATION_TOKEN } from '../test/support/events';

const count = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 1);
const port = 3900 + Math.floor(Math.random() * 90);
const dir = mkdtempSync(join(tmpdir(), 'fupin-bench-'));

const child = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_PATH: join(dir, 'bench.sqlite'),
    FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
    FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    SEED_EXAMPLE: 'never',
    FEISHU_APP_ID: '',
    FEISHU_APP_SECRET: '',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});

const url = `http://127.0.0.1:${port}`;
for (let i = 0; i < 200; i++) {
  try {
    if ((await fetch(`${url}/healthz`)).ok) break;
  } catch {
    /* not yet */
  }
  await new Promise((r) => setTimeout(r, 100));
}

const requests = Array.from({ length: count + 200 }, (_, i) =>
  signedRequest(messageEnvelope({ text: `进度 ${i}`, openId: 'ou_bench', chatId: `oc_${i % 50}` })),
);
// warm-up
for (const r of requests.splice(0, 200)) await fetch(`${url}/feishu/events`, r);

const latencies: number[] = [];
let next = 0;
let failures = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < requests.length) {
      const r = requests[next++]!;
      const s = performance.now();
      const res = await fetch(`${url}/feishu/events`, r);
      await res.arrayBuffer();
      latencies.push(performance.now() - s);
      if (res.status !== 200) failures++;
    }
  }),
);
const wall = performance.now() - t0;
child.kill('SIGTERM');
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
console.log(
  JSON.stringify({ count: latencies.length, concurrency, failures, medianMs: q(0.5), p99Ms: q(0.99), maxMs: q(1), perSecond: Math.round((latencies.length / wall) * 1000) }),
);
