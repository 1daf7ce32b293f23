// Property tests over the webhook: whatever arrives, the answer is 200/400/401/413 (never 5xx,
// never a crash) and a rejected request stores nothing.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { createApp } from '../../src/app';
import { createBot } from '../../src/bot/index';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite';
import { memoryLogger } from '../../src/log';
import { encrypt, sign } from '../../src/feishu/crypto';
import { ENCRYPT_KEY, VERIFICATION_TOKEN, messageEnvelope, signedRequest } from '../support/events';
import { tempDbPath } from '../support/harness';

let d: SqliteDatabase;
let app: ReturnType<typeof createApp>;
const rows = () => (d.sqlite.prepare('select count(*) n from inbox').get() as { n: number }).n;
const CASES: Record<string, number> = {};

beforeAll(() => {
  d = openSqlite(tempDbPath());
  app = createApp({
    d,
    bot: createBot(),
    log: memoryLogger(),
    webhook: { encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, maxSkewSeconds: 12 * 3600, maxBodyBytes: 1024 * 1024 },
    defer: () => undefined,
  });
});

function signedRaw(body: string | Uint8Array): RequestInit {
  const bytes = new Uint8Array(typeof body === 'string' ? new TextEncoder().encode(body) : body);
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    method: 'POST',
    body: bytes,
    headers: { 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'n', 'x-lark-signature': sign(ts, 'n', ENCRYPT_KEY, bytes) },
  };
}

const OK = new Set([200, 400, 401, 413]);

describe('webhook fuzz', () => {
  it('random bytes, signed or not: never 5xx, nothing stored', async () => {
    const before = rows();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), async (bytes, signIt) => {
        const res = await app.request('/feishu/events', signIt ? signedRaw(bytes) : { method: 'POST', body: new Uint8Array(bytes) });
        expect([400, 401]).toContain(res.status);
      }),
      { numRuns: 300 },
    );
    CASES.randomBytes = 300;
    expect(rows()).toBe(before);
  });

  it('truncated JSON of a real event, signed over what was sent: 400, nothing stored', async () => {
    const before = rows();
    const full = signedRequest(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x' })).body;
    const inner = JSON.stringify(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x' }));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: full.length - 1 }), fc.integer({ min: 1, max: inner.length - 1 }), async (cut, cutInner) => {
        const a = await app.request('/feishu/events', signedRaw(full.slice(0, cut)));
        expect([400, 401]).toContain(a.status);
        const b = await app.request('/feishu/events', signedRaw(JSON.stringify({ encrypt: encrypt(inner.slice(0, cutInner), ENCRYPT_KEY) })));
        expect(b.status).toBe(400);
      }),
      { numRuns: 200 },
    );
    CASES.truncated = 400;
    expect(rows()).toBe(before);
  });

  it('wrong types and huge fields in the envelope: never 5xx; accepted only when it is a valid event', async () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 2 }), fc.string({ minLength: 1000, maxLength: 200_000 }));
    await fc.assert(
      fc.asyncProperty(
        fc.record({ schema: fc.oneof(fc.constant('2.0'), value), header: fc.oneof(fc.record({ event_id: value, event_type: fc.oneof(fc.constant('im.message.receive_v1'), value), token: fc.constant(VERIFICATION_TOKEN) }), value), event: fc.oneof(fc.object({ maxDepth: 3 }), value) }),
        async (env) => {
          const res = await app.request('/feishu/events', signedRaw(JSON.stringify({ encrypt: encrypt(JSON.stringify(env), ENCRYPT_KEY) })));
          expect(OK.has(res.status)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    CASES.wrongTypes = 300;
  });

  it('wrong signatures, wrong tokens, stale and future timestamps: 401, nothing stored', async () => {
    const before = rows();
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 80 }), fc.integer({ min: 13 * 3600, max: 10 * 365 * 86400 }), fc.string({ maxLength: 30 }), async (sig, age, token) => {
        const env = messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x' });
        const good = signedRequest(env);
        const badSig = await app.request('/feishu/events', { ...good, headers: { ...good.headers, 'x-lark-signature': sig } });
        expect(badSig.status).toBe(401);
        const stale = await app.request('/feishu/events', signedRequest(env, { timestamp: Math.floor(Date.now() / 1000) - age }));
        expect(stale.status).toBe(401);
        // stamped ahead: more than 5 minutes is refused too (a prepared replay, not clock drift)
        const ahead = await app.request('/feishu/events', signedRequest(env, { timestamp: Math.floor(Date.now() / 1000) + 301 + (age % (13 * 3600)) }));
        expect(ahead.status).toBe(401);
        if (token !== VERIFICATION_TOKEN) {
          const badToken = await app.request('/feishu/events', signedRequest({ ...env, header: { ...env.header, token } }));
          expect(badToken.status).toBe(401);
        }
      }),
      { numRuns: 200 },
    );
    CASES.badAuth = 800;
    expect(rows()).toBe(before);
  });

  it('replays of one event: each answered 200, stored once', async () => {
    const env = messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x' });
    const before = rows();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), async (times) => {
        for (let i = 0; i < times; i++) expect((await app.request('/feishu/events', signedRequest(env))).status).toBe(200);
      }),
      { numRuns: 50 },
    );
    CASES.replays = 50;
    expect(rows()).toBe(before + 1);
  });
});
