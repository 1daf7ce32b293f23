// The webhook through the real Hono app (app.request), a real SQLite file behind it.
import { describe, it, expect, beforeEach } from 'vitest';
import { createApp } from '../../src/app';
import { createBot } from '../../src/bot/index';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite';
import { memoryLogger } from '../../src/log';
import { encrypt, sign } from '../../src/feishu/crypto';
import { countInbox } from '../../src/store/inbox';
import { ENCRYPT_KEY, VERIFICATION_TOKEN, messageEnvelope, signedRequest } from '../support/events';
import { tempDbPath } from '../support/harness';

let d: SqliteDatabase;
let log: ReturnType<typeof memoryLogger>;
let deferred: (() => Promise<unknown>)[];

function app(opts: { encryptKey?: string; token?: string; appId?: string; maxFutureSeconds?: number } = { encryptKey: ENCRYPT_KEY, token: VERIFICATION_TOKEN }) {
  return createApp({
    d,
    bot: createBot(),
    log,
    webhook: { encryptKey: opts.encryptKey, verificationToken: opts.token, maxSkewSeconds: 12 * 3600, maxFutureSeconds: opts.maxFutureSeconds, maxBodyBytes: 1024 * 1024, appId: opts.appId },
    defer: (w) => void deferred.push(w),
  });
}

const inboxRows = () => d.sqlite.prepare('select count(*) as n from inbox').get() as { n: number };

beforeEach(() => {
  d = openSqlite(tempDbPath());
  log = memoryLogger();
  deferred = [];
});

describe('URL verification', () => {
  it('answers a plain challenge with a good token', async () => {
    const res = await app({ token: VERIFICATION_TOKEN }).request('/feishu/events', {
      method: 'POST',
      body: JSON.stringify({ challenge: 'ajls384kdjx98XX', token: VERIFICATION_TOKEN, type: 'url_verification' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ajls384kdjx98XX' });
  });

  it('answers the encrypted FEISHU.md round-trip vector in plaintext, without signature headers', async () => {
    const body = JSON.stringify({
      encrypt:
        'AAECAwQFBgcICQoLDA0ODw9mLTIAZS9jAmGTQ1wAhHpnBHVL2wRjH9rPunQdQC1vLjsckayA10kZ8cPwtb62F8rC7JprUPR/4S2aZihfR+p8npX7UzWPithZmfKIPZgE',
    });
    const res = await app({ encryptKey: 'test key', token: 'xxxxxx' }).request('/feishu/events', { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ajls384kdjx98XX' });
  });

  it('refuses a challenge with the wrong token', async () => {
    const res = await app().request('/feishu/events', {
      method: 'POST',
      body: JSON.stringify({ challenge: 'x', token: 'wrong', type: 'url_verification' }),
    });
    expect(res.status).toBe(401);
  });
});

describe('signed, encrypted events', () => {
  it('accepts a signed event, stores it once, answers 200 and defers the work', async () => {
    const res = await app().request('/feishu/events', signedRequest(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_1' })));
    expect(res.status).toBe(200);
    expect(inboxRows().n).toBe(1);
    expect(deferred).toHaveLength(1);
  });

  it('checks the signature over the raw bytes: the FEISHU.md vector passes, a changed byte fails', async () => {
    const body = '{"encrypt":"P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="}';
    const headers = { 'x-lark-request-timestamp': '1700000000', 'x-lark-request-nonce': 'abc123' };
    const vector = '69c61fa99760d59824d588297c0036194769fb54331682c9cbcd93e85b9a8aad';
    // The vector decrypts to "hello world", which is not an event: signature passes, then 400.
    const a = await app({ encryptKey: 'test key' }).request('/feishu/events', {
      method: 'POST',
      body,
      headers: { ...headers, 'x-lark-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-lark-signature': sign(String(Math.floor(Date.now() / 1000)), 'abc123', 'test key', new TextEncoder().encode(body)) },
    });
    expect(a.status).toBe(400);
    const b = await app({ encryptKey: 'test key' }).request('/feishu/events', {
      method: 'POST',
      body: body.replace('{"', '{ "'),
      headers: { ...headers, 'x-lark-signature': vector },
    });
    expect(b.status).toBe(401);
    expect(sign('1700000000', 'abc123', 'test key', new TextEncoder().encode(body))).toBe(vector);
  });

  it('refuses a wrong signature, a missing signature and a wrong token with 401, storing nothing', async () => {
    const good = signedRequest(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_1' }));
    const tampered = { ...good, headers: { ...good.headers, 'x-lark-signature': 'f'.repeat(64) } };
    expect((await app().request('/feishu/events', tampered)).status).toBe(401);
    const { ['x-lark-signature']: _drop, ...noSig } = good.headers;
    expect((await app().request('/feishu/events', { ...good, headers: noSig })).status).toBe(401);
    const env = messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_1' });
    env.header.token = 'not-the-token';
    expect((await app().request('/feishu/events', signedRequest(env))).status).toBe(401);
    const otherKey = signedRequest(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_1' }), { key: 'other key' });
    expect((await app().request('/feishu/events', otherKey)).status).toBe(401);
    expect(inboxRows().n).toBe(0);
    expect(log.lines.join('\n')).not.toContain(ENCRYPT_KEY);
    expect(log.lines.join('\n')).not.toContain(VERIFICATION_TOKEN);
  });

  it('accepts Feishu retries 7 hours late but refuses replays beyond the window', async () => {
    const now = Math.floor(Date.now() / 1000);
    const late = signedRequest(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_1' }), { timestamp: now - 7 * 3600 - 600 });
    expect((await app().request('/feishu/events', late)).status).toBe(200);
    const replay = signedRequest(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_1' }), { timestamp: now - 13 * 3600 });
    expect((await app().request('/feishu/events', replay)).status).toBe(401);
    expect(inboxRows().n).toBe(1);
  });

  it('refuses a timestamp more than 5 minutes ahead (the window is asymmetric), the limit configurable', async () => {
    const now = Math.floor(Date.now() / 1000);
    const env = () => messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_1' });
    // clock drift: a few minutes ahead is fine
    expect((await app().request('/feishu/events', signedRequest(env(), { timestamp: now + 240 }))).status).toBe(200);
    for (const ahead of [301, 600, 2 * 3600, 11 * 3600]) {
      expect((await app().request('/feishu/events', signedRequest(env(), { timestamp: now + ahead }))).status, `${ahead} s ahead`).toBe(401);
    }
    // FEISHU_MAX_FUTURE_SECONDS
    const strict = { encryptKey: ENCRYPT_KEY, token: VERIFICATION_TOKEN, maxFutureSeconds: 30 };
    expect((await app(strict).request('/feishu/events', signedRequest(env(), { timestamp: now + 120 }))).status).toBe(401);
    expect((await app(strict).request('/feishu/events', signedRequest(env(), { timestamp: now + 10 }))).status).toBe(200);
    // not a number of seconds
    for (const ts of ['1e10', '0x10', `${now}.5`, '-1', '']) {
      const e = env();
      const body = JSON.stringify({ encrypt: encrypt(JSON.stringify(e), ENCRYPT_KEY) });
      const res = await app().request('/feishu/events', {
        method: 'POST',
        body,
        headers: { 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'n', 'x-lark-signature': sign(ts, 'n', ENCRYPT_KEY, new TextEncoder().encode(body)) },
      });
      expect(res.status, ts).toBe(401);
    }
    expect(inboxRows().n).toBe(2);
    expect(log.lines.filter((l) => l.includes('timestamp outside the replay window'))).toHaveLength(4 + 1 + 4);
  });

  it("refuses an event whose header.app_id is another app's; accepts our app id, an empty or a missing one", async () => {
    const opts = { encryptKey: ENCRYPT_KEY, token: VERIFICATION_TOKEN, appId: 'cli_test' };
    const withApp = (appId: unknown) => {
      const e = messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_1' }) as { header: Record<string, unknown> };
      if (appId === undefined) delete e.header.app_id;
      else e.header.app_id = appId;
      return signedRequest(e);
    };
    for (const other of ['cli_other_app', 'cli_test ', 'CLI_TEST', 42]) {
      expect((await app(opts).request('/feishu/events', withApp(other))).status, String(other)).toBe(401);
    }
    expect(inboxRows().n).toBe(0);
    for (const ok of ['cli_test', '', null, undefined]) {
      expect((await app(opts).request('/feishu/events', withApp(ok))).status, String(ok)).toBe(200);
    }
    expect(inboxRows().n).toBe(4);
    // offline (no app id configured) nothing to compare with
    expect((await app().request('/feishu/events', withApp('cli_other_app'))).status).toBe(200);
    const refused = log.lines.filter((l) => l.includes('event for another app'));
    expect(refused).toHaveLength(4);
    for (const l of refused) {
      expect(l).not.toContain(ENCRYPT_KEY);
      expect(l).not.toContain(VERIFICATION_TOKEN);
      expect(l).not.toContain('帮助');
    }
  });

  it('refuses a plaintext event when an encrypt key is configured', async () => {
    const res = await app().request('/feishu/events', {
      method: 'POST',
      body: JSON.stringify(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_1' })),
    });
    expect(res.status).toBe(401);
    expect(inboxRows().n).toBe(0);
  });
});

describe('bad input', () => {
  it('answers non-JSON with 400 and stores nothing', async () => {
    for (const body of ['not json', '[1,2]', '"x"', '{"encrypt": 5', '\xff\xfe']) {
      const res = await app().request('/feishu/events', { method: 'POST', body });
      expect(res.status).toBe(400);
    }
    expect(inboxRows().n).toBe(0);
  });

  it('answers a body over 1 MiB with 413', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(1024 * 1024) });
    const res = await app().request('/feishu/events', { method: 'POST', body: big });
    expect(res.status).toBe(413);
    expect(inboxRows().n).toBe(0);
  });

  it('answers a JSON body that is not an event at all with 400', async () => {
    const res = await app({}).request('/feishu/events', { method: 'POST', body: JSON.stringify({ hello: 'world' }) });
    expect(res.status).toBe(400);
  });

  it('answers event types the bot does not use 200, logs them and keeps nothing', async () => {
    const env = messageEnvelope({ text: 'x', openId: 'ou_a', chatId: 'oc_1' });
    env.header.event_type = 'im.message.message_read_v1';
    const res = await app().request('/feishu/events', signedRequest(env));
    expect(res.status).toBe(200);
    expect(inboxRows().n).toBe(0);
    expect(deferred).toHaveLength(0);
    expect(log.lines.some((l) => l.startsWith('INFO event type not handled') && l.includes(env.header.event_id) && l.includes('im.message.message_read_v1'))).toBe(true);
  });

  it('acknowledges an authentic event that does not fit the schema, keeps it failed with the reason and logs it without content', async () => {
    const env = messageEnvelope({ text: '进度', openId: 'ou_a', chatId: 'oc_1' });
    const odd = { ...env, schema: '2.1' };
    const res = await app().request('/feishu/events', signedRequest(odd));
    expect(res.status).toBe(200);
    const row = d.sqlite.prepare('select event_id, event_type, status, error from inbox').get() as Record<string, string>;
    expect(row).toMatchObject({ event_id: env.header.event_id, event_type: 'im.message.receive_v1', status: 'failed' });
    expect(row.error).toMatch(/^unreadable: schema: invalid_value/);
    const line = log.lines.find((l) => l.startsWith('WARN event not understood'))!;
    expect(line).toContain(env.header.event_id);
    expect(line).toContain('im.message.receive_v1');
    expect(line).not.toContain('进度');
    expect(line).not.toContain('ou_a');
    // Feishu's redelivery of it is acknowledged and stored once
    expect((await app().request('/feishu/events', signedRequest(odd))).status).toBe(200);
    expect(inboxRows().n).toBe(1);
    expect(deferred).toHaveLength(0);
  });

  it('answers a decryptable payload with a bad encrypt value 401', async () => {
    const body = JSON.stringify({ encrypt: encrypt('{"a":1}', 'other key') });
    const ts = String(Math.floor(Date.now() / 1000));
    const res = await app().request('/feishu/events', {
      method: 'POST',
      body,
      headers: { 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'n', 'x-lark-signature': sign(ts, 'n', ENCRYPT_KEY, new TextEncoder().encode(body)) },
    });
    expect(res.status).toBe(401);
  });
});

describe('deduplication', () => {
  it('stores an event delivered 5 times once, and a message resent under a new event_id once', async () => {
    const env = messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_1' });
    for (let i = 0; i < 5; i++) expect((await app().request('/feishu/events', signedRequest(env))).status).toBe(200);
    const again = { ...env, header: { ...env.header, event_id: 'ev_other' } };
    expect((await app().request('/feishu/events', signedRequest(again))).status).toBe(200);
    expect(inboxRows().n).toBe(1);
    expect(deferred).toHaveLength(1);
    expect(await countInbox(d)).toEqual({ pending: 1, done: 0, failed: 0 });
  });
});

describe('health', () => {
  it('answers GET /healthz', async () => {
    const res = await app().request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
