// Long-connection mode through real parts: the Node server with FEISHU_CONNECTION=websocket, the
// SDK's real WSClient talking pbbp2 frames to the fake gateway on 127.0.0.1, a real SQLite file.
import { describe, it, expect, afterEach } from 'vitest';
import { startHarness, tempDbPath, type Harness } from '../support/harness';
import { startFakeFeishu } from '../support/fake-feishu';
import { startFakeGateway } from '../support/fake-gateway';
import { BOT_OPEN_ID, LC_APP_ID, cardEnvelope, messageEnvelope, overConnection, signedRequest } from '../support/events';
import { loadConfig } from '../../src/config';
import { startNodeServer } from '../../src/node';
import { memoryLogger } from '../../src/log';
import { connectionEnvelope } from '../../src/feishu/long-connection';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 5000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (await ok()) return;
  throw new Error(`timed out waiting for ${what}`);
}
const inboxCount = (hh: Harness, where = '1 = 1', ...a: unknown[]) =>
  (hh.server.d.sqlite.prepare(`select count(*) n from inbox where ${where}`).get(...a) as { n: number }).n;
const health = async (hh: Harness) => {
  const res = await fetch(`${hh.url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const HELP = '帮助：查看可用命令';

async function connectedHarness(config: Parameters<typeof startHarness>[0] = {}) {
  const hh = await startHarness({ gateway: true, ...config });
  await hh.gateway!.connected();
  return hh;
}

describe('events over the long connection', () => {
  it('connects with the app id and secret, and answers a message; the ack is sent once the inbox row is committed', async () => {
    h = await connectedHarness();
    const gw = h.gateway!;
    expect(gw.endpointCalls[0]).toEqual({ AppID: LC_APP_ID, AppSecret: 'secret' });
    const env = overConnection(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x', messageId: 'om_lc_1' }));
    const ack = await gw.send(env);
    expect(ack.code).toBe(200);
    expect(ack.data).toBeUndefined(); // a plain {"code":200}
    expect(ack.bizRt).toMatch(/^-?\d+$/);
    expect(inboxCount(h, 'event_id = ?', env.header.event_id)).toBe(1); // stored before the ack left
    await h.settle();
    expect(h.fake.messages).toHaveLength(1);
    expect(h.fake.messages[0]!.replyTo).toBe('om_lc_1');
    expect(JSON.parse(h.fake.messages[0]!.content).text).toContain(HELP);
    expect(h.log.lines.some((l) => l.includes('飞书长连接已连接') && l.includes('"connects":1'))).toBe(true);
    expect(await health(h)).toEqual({ status: 200, body: { ok: true, connection: 'websocket', connected: true } });
  });

  it('has one effect for an event delivered three times and for one message under two event ids', async () => {
    h = await connectedHarness();
    const env = overConnection(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x' }));
    const acks = await Promise.all([h.gateway!.send(env), h.gateway!.send(env), h.gateway!.send(env)]);
    expect(acks.map((a) => a.code)).toEqual([200, 200, 200]);
    expect((await h.gateway!.send({ ...env, header: { ...env.header, event_id: 'ev_lc_again' } })).code).toBe(200);
    await h.settle();
    expect(inboxCount(h)).toBe(1);
    expect(h.fake.messages).toHaveLength(1);
  });

  it('puts an event sent in parts back together, in whatever order the parts come', async () => {
    h = await connectedHarness();
    // a large message: the text plus a long field the parser ignores
    const big = (id: string) =>
      overConnection(
        messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x', messageId: id, content: JSON.stringify({ text: '@_user_1 帮助', pad: '扶'.repeat(40_000) }) }),
      );
    const one = big('om_parts_1');
    const [a, b] = await Promise.all([h.gateway!.send(one, { parts: 4 }), h.gateway!.send(big('om_parts_2'), { parts: 3, reverse: true })]);
    expect([a.code, b.code]).toEqual([200, 200]);
    await h.settle();
    expect(h.fake.messages.map((m) => m.replyTo).sort()).toEqual(['om_parts_1', 'om_parts_2']);
    const stored = h.server.d.sqlite.prepare("select payload from inbox where message_id = 'om_parts_1'").get() as { payload: string };
    expect(JSON.parse(stored.payload)).toEqual(one);
  });

  it('answers a card callback through the frame, within 3 s; /feishu/card keeps working', async () => {
    h = await connectedHarness();
    const env = overConnection(cardEnvelope({ openId: 'ou_a', chatId: 'oc_x', value: { a: 'no.such.action' } }));
    const t0 = Date.now();
    const ack = await h.gateway!.send(env);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(ack.code).toBe(200);
    expect(ack.data).toEqual({ toast: { type: 'error', content: '这个按钮已失效，请发送“进度”获取新卡片。' } });
    // the same callback again: already handled, nothing runs twice
    expect((await h.gateway!.send(env)).data).toEqual({ toast: { type: 'info', content: '这次操作已经处理过了。' } });
    // tenants whose callbacks go to a request URL: the webhook route, with its checks
    const viaUrl = cardEnvelope({ openId: 'ou_a', chatId: 'oc_x', value: { a: 'no.such.action' } });
    const res = await h.post({ ...viaUrl, header: { ...viaUrl.header, app_id: LC_APP_ID } }, '/feishu/card');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ toast: { type: 'error', content: '这个按钮已失效，请发送“进度”获取新卡片。' } });
  });

  it('never takes a webhook request for a long-connection event: an empty token without a signature is refused', async () => {
    h = await connectedHarness();
    const env = overConnection(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x' }));
    const plain = await fetch(`${h.url}/feishu/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(env) });
    expect(plain.status).toBe(401);
    const signedEmptyToken = await fetch(`${h.url}/feishu/events`, signedRequest(env));
    expect(signedEmptyToken.status).toBe(401);
    const card = await fetch(`${h.url}/feishu/card`, signedRequest(overConnection(cardEnvelope({ openId: 'ou_a', chatId: 'oc_x', value: { a: 'x' } }))));
    expect(card.status).toBe(401);
    expect(inboxCount(h)).toBe(0);
  });

  it('acknowledges an event it cannot read (no retry would help) and stores nothing', async () => {
    h = await connectedHarness();
    const ack = await h.gateway!.send({ schema: '2.0', header: { event_type: 'im.message.receive_v1' }, event: {} });
    expect(ack.code).toBe(200);
    expect(inboxCount(h)).toBe(0);
    expect(h.log.lines.some((l) => l.includes('长连接收到无法识别的事件'))).toBe(true);
  });

  it("acknowledges an event naming another app in header.app_id, stores nothing, and says so (no content in the log)", async () => {
    h = await connectedHarness();
    const env = overConnection(messageEnvelope({ text: '帮助 522630198506121231', openId: 'ou_a', chatId: 'oc_x' }));
    const ack = await h.gateway!.send({ ...env, header: { ...env.header, app_id: 'cli_0000000000000000' } });
    expect(ack.code).toBe(200);
    expect(inboxCount(h)).toBe(0);
    const line = h.log.lines.find((l) => l.includes('发给其他应用的事件'));
    expect(line).toContain(env.header.event_id);
    expect(line).not.toContain('522630');
    expect(line).not.toContain('secret');
    // the app's own id, or none, is taken
    const ours = overConnection(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x' }));
    expect((await h.gateway!.send(ours)).code).toBe(200);
    const none = overConnection(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x' }));
    expect((await h.gateway!.send({ ...none, header: { ...none.header, app_id: '' } })).code).toBe(200);
    expect(inboxCount(h)).toBe(2);
  });

  it('answers 500 when the inbox write fails, so Feishu delivers the event again', async () => {
    h = await connectedHarness();
    h.server.d.sqlite.exec("create trigger no_insert before insert on inbox begin select raise(abort, 'disk full'); end");
    const env = overConnection(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x' }));
    expect((await h.gateway!.send(env)).code).toBe(500);
    h.server.d.sqlite.exec('drop trigger no_insert');
    expect((await h.gateway!.send(env)).code).toBe(200);
    await h.settle();
    expect(h.fake.messages).toHaveLength(1);
  });

  it('pings at the interval the endpoint set, and takes a new one from a pong', async () => {
    h = await startHarness({ gateway: { PingInterval: 0.1 } });
    await h.gateway!.connected();
    await until('pings every 100 ms', () => h!.gateway!.pings >= 4, 2000);
    h.gateway!.config.PingInterval = 60; // the next pong carries it
    const p = h.gateway!.pings;
    await until('the next pong', () => h!.gateway!.pings > p, 2000);
    await sleep(600);
    expect(h.gateway!.pings).toBeLessThanOrEqual(p + 2);
  });
});

describe('reconnects', () => {
  it('reconnects after a drop, by the interval the gateway set; the outbox keeps sending meanwhile; the next event is answered', async () => {
    h = await connectedHarness({ gateway: { ReconnectInterval: 0.3, ReconnectNonce: 0 } });
    const gw = h.gateway!;
    // a reply still waiting in the outbox when the connection goes
    h.fake.fail('500', { times: 1 });
    await gw.send(overConnection(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x', messageId: 'om_before' })));
    gw.refuse(1000040343, 'internal error'); // the endpoint fails for a while: the SDK retries
    gw.drop();
    await until('disconnected in /healthz', async () => (await health(h!)).body.connected === false);
    expect((await health(h)).body).toEqual({ ok: true, connection: 'websocket', connected: false });
    await h.settle(); // sent while disconnected
    expect(h.fake.messages.map((m) => m.replyTo)).toEqual(['om_before']);
    await until('two failed attempts', () => gw.endpointCalls.length >= 3);
    gw.accept();
    await gw.connected();
    await until('connected in /healthz', async () => (await health(h!)).body.connected === true);
    const ack = await gw.send(overConnection(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x', messageId: 'om_after' })));
    expect(ack.code).toBe(200);
    await h.settle();
    expect(h.fake.messages.map((m) => m.replyTo)).toEqual(['om_before', 'om_after']);
    expect(gw.connections).toBe(2);
    const log = h.log.lines.join('\n');
    expect(log).toMatch(/飞书长连接断开了，正在重连.*"disconnects":1/);
    expect(log).toMatch(/飞书长连接正在重连.*"attempt":2/);
    expect(log).toMatch(/飞书长连接已恢复.*"connects":2.*"disconnects":1/);
    expect(log).toContain('飞书长连接服务内部错误，稍后会重试');
  });

  it('logs a refused endpoint (bad secret) with what to do, and /healthz answers 503 once the SDK gives up', async () => {
    h = await connectedHarness({ gateway: { ReconnectInterval: 0.1, ReconnectNonce: 0 } });
    h.gateway!.refuse(514, 'auth failed');
    h.gateway!.drop();
    await until('the SDK gave up', async () => (await health(h!)).status === 503);
    const { body } = await health(h);
    expect(body).toMatchObject({ ok: false, connection: 'websocket', connected: false });
    expect(String(body.error)).toContain('514');
    const log = h.log.lines.join('\n');
    expect(log).toContain('应用 ID 或密钥不对：请核对 FEISHU_APP_ID / FEISHU_APP_SECRET');
    expect(log).toContain('飞书长连接已放弃');
    const calls = h.gateway!.endpointCalls.length;
    await sleep(400);
    expect(h.gateway!.endpointCalls.length).toBe(calls); // gave up: no retry loop
  });

  it('gives up at start on a refused endpoint, and says so', async () => {
    const fake = await startFakeFeishu();
    const gw = await startFakeGateway(fake);
    gw.refuse(1000040350, 'exceed connection limit');
    const log = memoryLogger();
    const cfg = loadConfig({
      PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: tempDbPath(), FEISHU_DOMAIN: fake.url, SEED_EXAMPLE: 'never',
      FEISHU_APP_ID: LC_APP_ID, FEISHU_APP_SECRET: 'secret', FEISHU_CONNECTION: 'websocket', FEISHU_BOT_OPEN_ID: BOT_OPEN_ID,
    });
    const s = await startNodeServer(cfg, log, { cron: false });
    try {
      await until('the SDK gave up', () => s.connection!.status().failed !== null);
      expect(log.lines.join('\n')).toContain('长连接数已达上限');
      expect(s.connection!.health()).toMatchObject({ ok: false, connected: false });
    } finally {
      await s.close();
      await gw.close();
      await fake.close();
    }
  });
});

describe('refused at start', () => {
  it('refuses the mode offline (no app id / secret) with a clear message', async () => {
    await expect(startHarness({ gateway: true, online: false })).rejects.toThrow(/FEISHU_CONNECTION=websocket 需要 FEISHU_APP_ID 和 FEISHU_APP_SECRET/);
  });

  it('refuses an app id the SDK would silently ignore', async () => {
    await expect(startHarness({ gateway: true, env: { FEISHU_APP_ID: 'cli_test' } })).rejects.toThrow(/FEISHU_APP_ID 格式不对：长连接要求 cli_ 加 16 位十六进制字符/);
  });

  it('rejects an unknown connection mode in the configuration', () => {
    expect(() => loadConfig({ FEISHU_CONNECTION: 'ws' })).toThrow(/FEISHU_CONNECTION/);
  });
});

describe('connectionEnvelope', () => {
  it('takes the envelope as the SDK hands it over: plaintext, empty token', () => {
    const env = overConnection(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x' }));
    const got = connectionEnvelope(env);
    expect(got?.envelope.header.event_id).toBe(env.header.event_id);
    expect(JSON.parse(got!.json)).toEqual(env);
    expect(connectionEnvelope({ schema: '1.0' })).toBeNull();
    expect(connectionEnvelope({ encrypt: 'abc' })).toBeNull();
  });
});
