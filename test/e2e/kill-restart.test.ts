// The Node server (`npm start`'s code) in its own process, killed with SIGKILL under load and
// started again: every acknowledged event is processed exactly once.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { startFakeFeishu, type FakeFeishu } from '../support/fake-feishu';
import { tempDbPath } from '../support/harness';
import { BOT_OPEN_ID, ENCRYPT_KEY, VERIFICATION_TOKEN, messageEnvelope, signedRequest } from '../support/events';

let fake: FakeFeishu;
let child: ChildProcess | null = null;
afterAll(async () => {
  child?.kill('SIGKILL');
  await fake?.close();
});

async function start(dbPath: string, port: number) {
  const c = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: dbPath,
      FEISHU_APP_ID: 'cli_test',
      FEISHU_APP_SECRET: 'secret',
      FEISHU_DOMAIN: fake.url,
      FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
      FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
      FEISHU_BOT_OPEN_ID: BOT_OPEN_ID,
      SEED_EXAMPLE: 'never',
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return c;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  c.kill('SIGKILL'); // never leave a server behind
  throw new Error('server did not start');
}

describe('SIGKILL during load', () => {
  it('processes every acknowledged event exactly once after a restart', async () => {
    fake = await startFakeFeishu();
    const dbPath = tempDbPath();
    const port = 4100 + Math.floor(Math.random() * 800);
    child = await start(dbPath, port);
    // Slow Feishu down so that replies are still queued when the process dies.
    fake.fail('500', { until: Date.now() + 1500 });
    const total = 150;
    const acked: string[] = [];
    await Promise.all(
      Array.from({ length: total }, async (_, i) => {
        const env = messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: `oc_${i % 10}`, messageId: `om_kill_${i}` });
        const res = await fetch(`http://127.0.0.1:${port}/feishu/events`, signedRequest(env));
        if (res.status === 200) acked.push(`om_kill_${i}`);
      }),
    );
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    expect(acked).toHaveLength(total);
    const before = fake.messages.length;
    expect(before).toBeLessThan(total); // the kill really interrupted the work

    child = await start(dbPath, port);
    for (let i = 0; i < 300 && fake.messages.length < total; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500)); // anything sent twice would show up now
    const replies = fake.messages.map((m) => m.replyTo).sort();
    expect(replies).toEqual([...acked].sort());
    child.kill('SIGTERM');
  }, 60_000);
});
