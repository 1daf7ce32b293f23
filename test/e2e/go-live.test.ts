// The whole go-live path on Node: offline first start (the example is loaded) → init of the
// township's own file (the example goes) → chats bound from Feishu → the roster imported from the
// chat (the office sends the file, replies 导入 花名册, presses 确认导入) → the first reminder goes
// to the bound chats and nowhere else.
import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { startHarness, tempDbPath, type Harness } from '../support/harness';
import { cardEnvelope, messageEnvelope } from '../support/events';
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
  it('offline first start → init of the real township → bind chats → roster from the chat → first reminder', async () => {
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

    // 4. the roster from the chat: the office sends the file privately, replies 导入 花名册, confirms
    const count = (sql: string) => (h!.server.d.sqlite.prepare(sql).get() as { n: number }).n;
    expect(count('select count(*) n from households')).toBe(0);
    const p2p = 'oc_p2p_office';
    h.fake.files.set('om_roster_file', { fileKey: 'file_v3_roster', name: '花名册.csv', bytes: readFileSync(resolve(EXAMPLES_DIR, 'roster.csv')), chatId: p2p });
    const fileMsg = { file_key: 'file_v3_roster', file_name: '花名册.csv' };
    await h.post(messageEnvelope({ text: '', openId: EX.office, chatId: p2p, chatType: 'p2p', messageType: 'file', content: JSON.stringify(fileMsg), messageId: 'om_roster_file' }));
    await h.settle();
    const sentBefore = h.fake.messages.length;
    await h.post(messageEnvelope({ text: '导入 花名册', openId: EX.office, chatId: p2p, chatType: 'p2p', parentId: 'om_roster_file' }));
    await h.settle();
    const preview = h.fake.messages.slice(sentBefore).find((m) => m.msgType === 'interactive' && m.content.includes('花名册导入预览'));
    expect(preview).toBeDefined();
    expect(count('select count(*) n from households')).toBe(0);
    const confirm = /"value":(\{"a":"import\.confirm","id":"[^"]+"\})/.exec(preview!.content)?.[1];
    expect(confirm).toBeDefined();
    const pressed = await h.post(cardEnvelope({ openId: EX.office, chatId: p2p, value: JSON.parse(confirm!) }), '/feishu/card');
    expect(((await pressed.json()) as { toast?: { type: string } }).toast?.type).toBe('success');
    await h.settle();
    expect(h.fake.messages.some((m) => m.msgType === 'text' && m.content.includes('花名册已导入'))).toBe(true);
    expect(count('select count(*) n from households')).toBeGreaterThan(50);
    expect(count("select count(*) n from audit_log where entity = 'roster' and action = 'import'")).toBe(1);

    // 5. the first reminder: to the bound village chats only
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
