// Long-connection mode configured on Workers: a Worker cannot hold the connection, and says so
// (log and /healthz); the webhook routes keep working.
import { describe, it, expect, beforeAll } from 'vitest';
import { type WorkerHarness, useWorker } from '../support/worker';
import { messageEnvelope, nextId } from '../support/events';

const worker = useWorker({ env: { FEISHU_CONNECTION: 'websocket' }, healthStatus: 503 });
let w: WorkerHarness;
beforeAll(() => {
  w = worker.get();
});

describe('FEISHU_CONNECTION=websocket on Workers', () => {
  it('answers /healthz 503 saying the mode is not available here and what to do, and logs it', async () => {
    const res = await w.fetch('/healthz');
    expect(res.status).toBe(503);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ ok: false, connection: 'websocket', connected: false });
    expect(String(body.error)).toContain('FEISHU_CONNECTION=websocket 在 Workers 上不可用');
    expect(String(body.error)).toContain('/feishu/events');
    expect(w.logs.some((l) => l.includes('ERROR') && l.includes('在 Workers 上不可用'))).toBe(true);
  });

  it('still answers events sent to the request URL', async () => {
    const messageId = nextId('om_w_lc');
    const res = await w.post(messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_w', messageId }));
    expect(res.status).toBe(200);
    await w.settle();
    expect(w.fake.messages.filter((m) => m.replyTo === messageId)).toHaveLength(1);
  });
});
