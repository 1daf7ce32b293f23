// A card action that fails while its operator waits: the toast says so, the inbox row records
// the failure (masked), the sweep never runs it again, and the log has the error and its stack once.
import { describe, it, expect } from 'vitest';
import { openSqlite } from '../../src/store/sqlite';
import { createBot } from '../../src/bot/index';
import { defineAction } from '../../src/bot/action';
import { ingestEvent, type IngestDeps } from '../../src/ingest';
import { readEvent } from '../../src/feishu/events';
import { processPending } from '../../src/bot/dispatch';
import { listInboxErrors } from '../../src/store/inbox';
import { memoryLogger } from '../../src/log';
import { cardEnvelope } from '../support/events';
import { tempDbPath } from '../support/harness';

const ID = '522630198506121231';

function setup(run: () => unknown, cardTimeoutMs?: number) {
  const d = openSqlite(tempDbPath());
  const log = memoryLogger();
  const deferred: Promise<unknown>[] = [];
  const bot = createBot().use((b) => b.action(defineAction({ name: 'test_boom' }), run));
  const deps: IngestDeps = { d, bot, log, defer: (w) => void deferred.push(w()), ...(cardTimeoutMs ? { cardTimeoutMs } : {}) };
  const press = async () => {
    const env = cardEnvelope({ openId: 'ou_a', chatId: 'oc_x', value: { a: 'test_boom' } });
    const json = JSON.stringify(env);
    return ingestEvent(deps, readEvent(JSON.parse(json))!, json, Date.now());
  };
  return { d, log, deps, deferred, press };
}

describe('a failing card action', () => {
  it('answers an error toast, is recorded failed on its row and is never run again', async () => {
    let calls = 0;
    const t = setup(() => {
      calls++;
      throw new Error(`写入失败 ${ID}`);
    });
    const r = await t.press();
    expect(r).toEqual({ kind: 'card', answer: { toast: { type: 'error', content: '处理失败，没有保存。请稍后再点一次；如仍不行请联系乡扶贫办。' } } });
    const row = t.d.sqlite.prepare('select status, error from inbox').get() as { status: string; error: string };
    expect(row.status).toBe('failed');
    expect(row.error).toContain('写入失败');
    expect(row.error).not.toContain(ID);
    // the sweep (and a restart's) finds nothing to run
    expect(await processPending(t.deps)).toBe(0);
    expect(calls).toBe(1);
    expect((await listInboxErrors(t.d)).map((e) => e.status)).toEqual(['failed']);
    const logged = t.log.lines.filter((l) => l.includes('card action failed'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('"action":"test_boom"');
    expect(logged[0]).toContain('"stack":"Error: 写入失败');
    expect(logged[0]).not.toContain(ID);
  });

  it('that fails after the "稍后" answer is kept for a retry, like a message', async () => {
    let calls = 0;
    const t = setup(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 80));
      throw new Error('慢了又失败');
    }, 20);
    const r = await t.press();
    expect(r).toEqual({ kind: 'card', answer: { toast: { type: 'info', content: '正在处理，结果稍后发到群里。' } } });
    await Promise.all(t.deferred);
    const row = t.d.sqlite.prepare('select status, error, attempts from inbox').get() as { status: string; error: string; attempts: number };
    expect(row).toMatchObject({ status: 'pending', error: '慢了又失败' });
    expect(calls).toBe(1);
  });
});
