// The webhook and card callback of the Workers deployment, inside workerd: the bundle that
// `npm run deploy` uploads, a local D1, the real Lark SDK sending to the fake Feishu server.
import { describe, it, expect, beforeAll } from 'vitest';
import { nodeOnlyImports, type BuiltWorker, type WorkerHarness, useWorker } from '../support/worker';
import { AT_BOT, cardEnvelope, chatEventEnvelope, messageEnvelope, postEnvelope, signedRequest, nextId, VERIFICATION_TOKEN } from '../support/events';
import { eq } from 'drizzle-orm';
import { goneChats, inbox, outbox } from '../../db/schema/index';
import { countInbox } from '../../src/store/inbox';

const worker = useWorker();
let w: WorkerHarness;
let built: BuiltWorker;
beforeAll(() => {
  w = worker.get();
  built = worker.built();
});

describe('the worker bundle', () => {
  it('pulls nothing Node-only into the Workers import graph', () => {
    expect(Object.keys(built.meta.inputs)).toContain('src/worker.ts');
    // better-sqlite3, @hono/node-server, node-cron, src/node.ts, src/store/sqlite.ts, and `fs`
    // from our own code. (The Lark SDK imports `fs` for its version string; nodejs_compat serves
    // it and the read fails harmlessly.)
    expect(nodeOnlyImports(built.meta)).toEqual([]);
  });

  it('is small enough to deploy', () => {
    expect(built.bytes).toBeLessThan(10 * 1024 * 1024); // paid plan limit after compression is 10 MB
  });
});

describe('webhook on Workers', () => {
  it('answers a signed, encrypted 帮助 with a reply sent through the outbox', async () => {
    const messageId = nextId('om_w_help');
    const res = await w.post(messageEnvelope({ text: '帮助', openId: 'ou_stranger', chatId: 'oc_w', messageId }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    // No cron fires here: ctx.waitUntil alone processes the event and drains the outbox.
    await w.settle();
    const sent = w.fake.messages.filter((m) => m.replyTo === messageId);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.content).text).toContain('帮助：查看可用命令');
    expect(sent[0]!.uuid).toMatch(/^[0-9a-f]{40}$/);
  });

  it('has one effect for an event delivered 5 times at once and for one message under a new event_id', async () => {
    const messageId = nextId('om_w_dup');
    const env = messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_w', messageId });
    const results = await Promise.all(Array.from({ length: 5 }, () => w.post(env)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const again = await w.post({ ...env, header: { ...env.header, event_id: nextId('ev_again') } });
    expect(again.status).toBe(200);
    await w.settle();
    expect(w.fake.messages.filter((m) => m.replyTo === messageId)).toHaveLength(1);
    expect(w.fake.calls.filter((c) => c.path === `/open-apis/im/v1/messages/${messageId}/reply`)).toHaveLength(1);
  });

  it('refuses a bad signature (401), a stale timestamp (401) and a body that is not JSON (400), storing nothing', async () => {
    const before = await countInbox(w.d);
    const env = messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_w' });

    const forged = signedRequest(env);
    forged.headers['x-lark-signature'] = '0'.repeat(64);
    expect((await w.fetch('/feishu/events', forged)).status).toBe(401);

    const stale = signedRequest(env, { timestamp: Math.floor(Date.now() / 1000) - 13 * 3600 });
    expect((await w.fetch('/feishu/events', stale)).status).toBe(401);

    const notJson = await w.fetch('/feishu/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'not json{' });
    expect(notJson.status).toBe(400);

    expect(await countInbox(w.d)).toEqual(before);
    expect(w.logs.some((l) => l.includes('webhook refused') && l.includes('bad signature'))).toBe(true);
  });

  it('answers the URL verification challenge', async () => {
    const res = await w.fetch('/feishu/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ challenge: 'ajls384kdjx98XX', token: VERIFICATION_TOKEN, type: 'url_verification' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ajls384kdjx98XX' });
  });
});

describe('card callback on Workers', () => {
  it('answers within 3 s, and a redelivery is answered without running the action again', async () => {
    const card = cardEnvelope({ openId: 'ou_a', chatId: 'oc_w', value: { a: 'no.such.action' } });
    const t0 = performance.now();
    const res = await w.post(card, '/feishu/card');
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ toast: { type: 'error', content: '这个按钮已失效，请发送“进度”获取新卡片。' } });

    const again = await w.post(card, '/feishu/events'); // the same callback on the event URL
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ toast: { type: 'info', content: '这次操作已经处理过了。' } });
  });

  it('started cold (first request to a fresh isolate) well within Feishu’s 3 s', () => {
    expect(w.coldStartMs).toBeLessThan(3000);
  });
});

describe('real Feishu shapes on Workers', () => {
  it('answers a post with null IDs, marks a chat gone on D1 and fails sends there at once, keeps an unreadable event', async () => {
    const postId = nextId('om_w_post');
    const post = postEnvelope({ openId: 'ou_w_post', chatId: 'oc_w_post', messageId: postId, paragraphs: [[AT_BOT, { tag: 'text', text: ' 帮助' }]] });
    expect((await w.post(post)).status).toBe(200);
    await w.settle();
    expect(JSON.parse(w.fake.messages.find((m) => m.replyTo === postId)!.content).text).toContain('帮助：查看可用命令');

    expect((await w.post(chatEventEnvelope('deleted', { chatId: 'oc_w_gone', operatorOpenId: 'ou_w_someone' }))).status).toBe(200);
    await w.settle();
    expect(await w.d.db.select({ chatId: goneChats.chatId, reason: goneChats.reason }).from(goneChats)).toEqual([{ chatId: 'oc_w_gone', reason: 'removed' }]);
    const msgId = nextId('om_w_gone');
    expect((await w.post(messageEnvelope({ text: '帮助', openId: 'ou_w_someone', chatId: 'oc_w_gone', messageId: msgId }))).status).toBe(200);
    await w.settle();
    const [row] = await w.d.db.select({ status: outbox.status, lastError: outbox.lastError }).from(outbox).where(eq(outbox.replyTo, msgId));
    expect(row).toEqual({ status: 'failed', lastError: '机器人已被移出该群，不再发送（把机器人拉回群里后恢复）' });
    expect(w.fake.calls.filter((c) => c.path.includes(msgId))).toHaveLength(0);

    const odd = messageEnvelope({ text: '帮助', openId: 'ou_w_odd', chatId: 'oc_w' });
    (odd.event.sender.sender_id as { open_id: string | null }).open_id = null;
    expect((await w.post(odd)).status).toBe(200);
    await w.settle();
    const [kept] = await w.d.db.select({ status: inbox.status, error: inbox.error }).from(inbox).where(eq(inbox.eventId, odd.header.event_id));
    expect(kept).toEqual({ status: 'failed', error: 'unreadable: event.sender.sender_id.open_id: invalid_type (expected string)' });
  });
});
