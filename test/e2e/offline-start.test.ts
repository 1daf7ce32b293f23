// `npm start` on an empty database without credentials: the example township is loaded and the
// log says so; `npm run chat` plays a chat against the same code path.
import { describe, it, expect, afterEach } from 'vitest';
import { spawn } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { startHarness, tempDbPath, type Harness } from '../support/harness';
import { runChat } from '../../src/cli/chat';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('offline start', () => {
  it('loads the example township and roster into an empty database and says so', async () => {
    h = await startHarness({ online: false, env: { SEED_EXAMPLE: 'auto' } });
    expect(h.log.lines.some((l) => l.includes('数据库为空：已载入示例乡镇 examples/township.json'))).toBe(true);
    expect((h.server.d.sqlite.prepare('select count(*) n from households').get() as { n: number }).n).toBe(60);
    const res = await fetch(`${h.url}/healthz`);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('starts as `npm start` does and answers /healthz', async () => {
    const port = 4600 + Math.floor(Math.random() * 90);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/node.ts'], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: tempDbPath(), FEISHU_APP_ID: '', FEISHU_APP_SECRET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    try {
      let ok = false;
      for (let i = 0; i < 200 && !ok; i++) {
        ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
        if (!ok) await new Promise((r) => setTimeout(r, 50));
      }
      expect(ok).toBe(true);
      expect(output).toContain('离线运行');
      expect(output).toContain('已载入示例乡镇');
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('npm run chat', () => {
  it('plays a village chat: @bot 进度 shows the card, a button is pressed by number', async () => {
    process.env.DATABASE_PATH = tempDbPath();
    const input = new PassThrough();
    let screen = '';
    const output = new Writable({
      write: (c, _e, cb) => {
        screen += c.toString();
        cb();
      },
    });
    input.end(['1', '3', '@bot 进度', '@bot 完成 资格复审', '/退出', ''].join('\n'));
    await runChat(input, output);
    delete process.env.DATABASE_PATH;
    expect(screen).toContain('你是 杨光明，在「石门村 工作群」');
    expect(screen).toContain('【石门村 复核进度】');
    expect(screen).toMatch(/\[\d+\] 标记完成：资格复审/);
    expect(screen).toContain('“申请农户资格复审”还不能完成');
  });
});
