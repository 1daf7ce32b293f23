// The Node server (`npm start`'s code) in long-connection mode, in its own process: killed with
// SIGKILL after acknowledging a burst of events over the connection and started again, it answers
// every acknowledged event exactly once. And the mode is refused at start when offline.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { startFakeFeishu, type FakeFeishu } from '../support/fake-feishu';
import { startFakeGateway, type FakeGateway } from '../support/fake-gateway';
import { tempDbPath } from '../support/harness';
import { BOT_OPEN_ID, LC_APP_ID, messageEnvelope, overConnection } from '../support/events';

let fake: FakeFeishu | null = null;
let gw: FakeGateway | null = null;
let child: ChildProcess | null = null;
afterAll(async () => {
  child?.kill('SIGKILL');
  await gw?.close();
  await fake?.close();
});

const env = (dbPath: string, port: number, extra: Record<string, string> = {}) => ({
  ...process.env,
  PORT: String(port),
  HOST: '127.0.0.1',
  DATABASE_PATH: dbPath,
  FEISHU_CONNECTION: 'websocket',
  FEISHU_APP_ID: LC_APP_ID,
  FEISHU_APP_SECRET: 'secret',
  FEISHU_DOMAIN: fake?.url ?? 'http://127.0.0.1:9',
  FEISHU_BOT_OPEN_ID: BOT_OPEN_ID,
  SEED_EXAMPLE: 'never',
  ...extra,
});

describe('long connection: SIGKILL after acknowledgements', () => {
  it('answers every acknowledged event exactly once after a restart', async () => {
    fake = await startFakeFeishu();
    gw = await startFakeGateway(fake, { ReconnectInterval: 0.2, ReconnectNonce: 0 });
    const dbPath = tempDbPath();
    const port = 4900 + Math.floor(Math.random() * 90);
    const start = async () => {
      const c = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], { env: env(dbPath, port), stdio: ['ignore', 'ignore', 'ignore'] });
      await gw!.connected(60_000); // a loaded machine starts tsx slowly
      return c;
    };
    child = await start();
    // Slow Feishu down so that replies are still queued when the process dies.
    fake.fail('500', { until: Date.now() + 1500 });
    const total = 150;
    const sent = Array.from({ length: total }, (_, i) => {
      const e = overConnection(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: `oc_${i % 10}`, messageId: `om_lckill_${i}` }));
      return { messageId: `om_lckill_${i}`, frameId: gw!.push(e, { parts: i % 3 === 0 ? 2 : 1 }) };
    });
    for (let i = 0; i < 400 && gw.acks.length < total; i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const ackedFrames = new Set(gw.acks.filter((a) => a.code === 200).map((a) => a.frameId));
    const acked = sent.filter((s) => ackedFrames.has(s.frameId)).map((s) => s.messageId);
    expect(acked).toHaveLength(total);
    const before = fake.messages.length;
    expect(before).toBeLessThan(total); // the kill really interrupted the work

    child = await start();
    expect(gw.connections).toBe(2);
    for (let i = 0; i < 300 && fake.messages.length < total; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500)); // anything sent twice would show up now
    expect(fake.messages.map((m) => m.replyTo).sort()).toEqual([...acked].sort());
    // and the connection works on: the next event is answered
    const ack = await gw.send(overConnection(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_1', messageId: 'om_lckill_next' })));
    expect(ack.code).toBe(200);
    for (let i = 0; i < 100 && fake.messages.length <= total; i++) await new Promise((r) => setTimeout(r, 50));
    expect(fake.messages.at(-1)?.replyTo).toBe('om_lckill_next');
    child.kill('SIGTERM');
    await new Promise((r) => child!.once('exit', r));
    child = null;
  }, 180_000);
});

describe('long connection refused at start', () => {
  it('`npm start` offline with FEISHU_CONNECTION=websocket exits 1 and says what to set', async () => {
    const c = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
      env: env(tempDbPath(), 4990, { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    c.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((r) => c.once('exit', r));
    expect(code).toBe(1);
    expect(err).toContain('FEISHU_CONNECTION=websocket 需要 FEISHU_APP_ID 和 FEISHU_APP_SECRET');
  }, 90_000);
});
