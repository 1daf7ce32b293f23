// The whole go-live path on Node: offline first start (the example is loaded) → init of the
// township's own file (the example goes) → roster import → chats bound from Feishu → the first
// reminder goes to the bound chats and nowhere else.
import { describe, it, expect, afterEach } from 'vitest';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { startHarness, tempDbPath, type Harness } from '../support/harness';
import { messageEnvelope } from '../support/events';
import { exampleJson, EX } from '../support/example';
import { runCli } from '../../src/cli/main';
import { EXAMPLES_DIR } from '../../src/township/seed';
import { runJobs } from '../../src/jobs/run';
import { memoryLogger } from '../../src/log';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('going live on Node', () => {
  it('offline first start → init of the real township → roster → bind chats → first reminder', async () => {
    const db = tempDbPath();
    // 1. first start, offline: the example is loaded
    h = await startHarness({ dbPath: db, online: false, env: { SEED_EXAMPLE: 'auto' } });
    expect(h.log.lines.some((l) => l.includes('已载入示例乡镇'))).toBe(true);
    await h.close();
    h = null;

    // 2. the township's own file, no chat ids yet: the example gives way
    const t = exampleJson();
    t.township = { code: 'mytown', name: '我的乡', county: '某县' };
    t.villages = t.villages.map(({ chatId: _c, ...v }) => v);
    t.chats = {};
    const file = join(dirname(db), 'mytown.json');
    writeFileSync(file, JSON.stringify(t));
    const out: string[] = [];
    const io = { out: (s: string) => void out.push(s), err: (s: string) => void out.push(s) };
    const env = { DATABASE_PATH: db, FEISHU_APP_ID: '', FEISHU_APP_SECRET: '' };
    expect(await runCli(['init', file], env, io)).toBe(0);
    expect(out.join('\n')).toContain('已将它整体删除');
    expect(await runCli(['import', 'households', resolve(EXAMPLES_DIR, 'roster.csv')], env, io)).toBe(0);

    // 3. online; the office binds each chat from inside it
    const now = new Date('2026-12-08T09:06:00+08:00');
    h = await startHarness({ dbPath: db, now: () => now });
    const chatOf = (name: string) => `oc_${Buffer.from(name).toString('hex').slice(0, 32).padEnd(32, '0')}`;
    const bind = async (target: string, chatId: string) => {
      await h!.post(messageEnvelope({ text: `绑定 ${target}`, openId: EX.office, chatId }));
      await h!.settle();
    };
    for (const v of t.villages) await bind(v.name, chatOf(v.name));
    await bind('领导群', chatOf('领导群'));
    await bind('纪委群', chatOf('纪委群'));
    const replies = h.fake.messages.filter((m) => m.msgType === 'text').map((m) => JSON.parse(m.content).text as string);
    expect(replies.filter((r) => r.startsWith('已将本群绑定为'))).toHaveLength(t.villages.length + 2);

    // 4. the first reminder: to the bound village chats only
    const before = h.fake.messages.length;
    const r = await runJobs(h.server.d, now, memoryLogger());
    expect(r.queued).toBeGreaterThan(0);
    await h.settle();
    const sent = h.fake.messages.slice(before);
    const bound = new Set([...t.villages.map((v) => chatOf(v.name)), chatOf('领导群'), chatOf('纪委群')]);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((m) => bound.has(m.receiveId))).toBe(true);
    expect(sent.some((m) => m.receiveId === chatOf('石门村') && m.content.includes('复核提醒'))).toBe(true);
    expect(h.fake.messages.some((m) => m.receiveId === EX.shimen.chat)).toBe(false); // the example's chat
    expect(JSON.stringify(sent)).not.toMatch(/\d{17}[\dX]/);
  });
});
