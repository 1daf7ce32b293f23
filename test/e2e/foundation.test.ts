// End to end through real parts: the Node server listening on 127.0.0.1, a real SQLite file,
// the real Lark SDK sending to the fake Feishu server.
import { describe, it, expect, afterEach } from 'vitest';
import { startHarness, tempDbPath, type Harness } from '../support/harness';
import { messageEnvelope, cardEnvelope } from '../support/events';
import { openSqlite } from '../../src/store/sqlite';
import { acceptEvent } from '../../src/store/inbox';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('message commands through the webhook', () => {
  it('answers 帮助 with the usage lines, as a reply to the message', async () => {
    h = await startHarness();
    const env = messageEnvelope({ text: '帮助', openId: 'ou_stranger', chatId: 'oc_x', messageId: 'om_help_1' });
    const res = await h.post(env);
    expect(res.status).toBe(200);
    await h.settle();
    expect(h.fake.messages).toHaveLength(1);
    const m = h.fake.messages[0]!;
    expect(m.replyTo).toBe('om_help_1');
    expect(JSON.parse(m.content).text).toContain('帮助：查看可用命令');
    expect(m.uuid).toMatch(/^[0-9a-f]{40}$/);
  });

  it('answers an unknown command with a short Chinese hint, never silence', async () => {
    h = await startHarness();
    await h.post(messageEnvelope({ text: '吃饭了吗', openId: 'ou_a', chatId: 'oc_x' }));
    await h.settle();
    expect(h.fake.texts()).toEqual(['没有“吃饭了吗”这个命令。发送“帮助”查看可用命令，例如：进度']);
  });

  it('ignores group messages that do not @ the bot, and messages from bots', async () => {
    h = await startHarness();
    await h.post(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x', atBot: false }));
    const fromApp = messageEnvelope({ text: '帮助', openId: 'ou_app', chatId: 'oc_x' });
    fromApp.event.sender.sender_type = 'app';
    await h.post(fromApp);
    await h.settle();
    expect(h.fake.messages).toHaveLength(0);
  });

  it('answers in a p2p chat without an @', async () => {
    h = await startHarness();
    await h.post(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_p2p', chatType: 'p2p' }));
    await h.settle();
    expect(h.fake.messages).toHaveLength(1);
  });

  it('has one effect for an event delivered 5 times and for one message under two event_ids', async () => {
    h = await startHarness();
    const env = messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x' });
    const results = await Promise.all(Array.from({ length: 5 }, () => h!.post(env)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await h.post({ ...env, header: { ...env.header, event_id: 'ev_again' } });
    await h.settle();
    expect(h.fake.messages).toHaveLength(1);
    expect(h.fake.calls.filter((c) => c.path.includes('/messages'))).toHaveLength(1);
  });

  it('routes an unknown card action to a toast and answers within the time limit', async () => {
    h = await startHarness();
    const t0 = Date.now();
    const res = await h.post(cardEnvelope({ openId: 'ou_a', chatId: 'oc_x', value: { a: 'no.such.action' } }), '/feishu/card');
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ toast: { type: 'error', content: '这个按钮已失效，请发送“进度”获取新卡片。' } });
  });
});

describe('size limit over real HTTP', () => {
  it('answers 413 for a body over 1 MiB sent with its Content-Length, and stores nothing', async () => {
    h = await startHarness();
    const res = await fetch(`${h.url}/feishu/events`, { method: 'POST', body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }) });
    expect(res.status).toBe(413);
    expect((h.server.d.sqlite.prepare('select count(*) n from inbox').get() as { n: number }).n).toBe(0);
  });
});

describe('restart', () => {
  it('processes inbox rows acknowledged before a crash, exactly once, on the next start', async () => {
    const dbPath = tempDbPath();
    // Acknowledged but never processed: the state a SIGKILL right after the 200 leaves.
    const d = openSqlite(dbPath);
    for (let i = 0; i < 3; i++) {
      const env = messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x', messageId: `om_crash_${i}` });
      expect(await acceptEvent(d, { eventId: env.header.event_id, messageId: `om_crash_${i}`, eventType: env.header.event_type, payload: JSON.stringify(env) }, Date.now())).not.toBeNull();
    }
    d.close!();
    h = await startHarness({ dbPath });
    await h.settle();
    expect(h.fake.messages.map((m) => m.replyTo).sort()).toEqual(['om_crash_0', 'om_crash_1', 'om_crash_2']);
    // A second restart finds nothing left to do and sends nothing again.
    await h.close();
    h = await startHarness({ dbPath });
    await h.settle();
    expect(h.fake.messages).toHaveLength(0);
  });
});

describe('offline', () => {
  it('writes what it would send to the log as readable text and marks it offline', async () => {
    h = await startHarness({ online: false });
    await h.post(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x' }));
    await h.settle();
    expect(h.fake.messages).toHaveLength(0);
    const logged = h.log.lines.join('\n');
    expect(logged).toContain('[离线，未发送] → 群 oc_x');
    expect(logged).toContain('帮助：查看可用命令');
    const row = h.server.d.sqlite.prepare('select status from outbox').get() as { status: string };
    expect(row.status).toBe('offline');
  });
});
