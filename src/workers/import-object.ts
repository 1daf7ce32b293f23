// The chat imports' runner on Workers: a Durable Object that runs the pieces of the imports
// (src/chat-import/run.ts) from its alarm, one bounded piece per invocation. A webhook that
// starts an import (the office's command, a file, 确认导入, 取消) only writes the chat_imports
// row and pokes this object; each alarm is an invocation of its own, with its own D1 queries
// and CPU time, writes at most IMPORT_STATEMENTS_PER_INVOCATION statements (default 800, under
// D1's 1,000 queries per invocation), and sets the next alarm at once while work is left. The
// state and the resume point are in D1 (chat_imports.state / cursor), the file between pieces
// in chat_import_chunks: an object evicted, or an alarm that failed, resumes where the last
// piece stopped (the cron tick pokes it too).
import type { D1Database, DurableObjectState } from '@cloudflare/workers-types';
import { createFeishuClient } from '../feishu/client';
import { openD1 } from '../store/d1';
import { consoleLogger } from '../log';
import { runChatImports, type ImportRunResult } from '../chat-import/run';

export interface ImportObjectEnv {
  DB: D1Database;
  FEISHU_APP_ID?: string;
  FEISHU_APP_SECRET?: string;
  FEISHU_DOMAIN?: string;
  /** statements one invocation may write (default 800) */
  IMPORT_STATEMENTS_PER_INVOCATION?: string;
  /** the largest file accepted, in bytes (default 30 MiB) */
  IMPORT_MAX_BYTES?: string;
  /** the outbox object, woken when a piece queued an answer */
  OUTBOX?: { idFromName(name: string): unknown; get(id: unknown): { fetch(url: string, init?: RequestInit): Promise<Response> } };
}

const log = consoleLogger();

export class ImportObject {
  private running: Promise<ImportRunResult> | null = null;

  constructor(
    private state: DurableObjectState,
    private env: ImportObjectEnv,
  ) {}

  /** `POST /run`: new import work; the piece runs from the alarm, in its own invocation. */
  async fetch(): Promise<Response> {
    const now = Date.now();
    const set = await this.state.storage.getAlarm();
    if (set === null || set > now) await this.state.storage.setAlarm(now);
    return new Response(null, { status: 202 });
  }

  async alarm(): Promise<void> {
    if (this.running) return void (await this.running);
    this.running = this.piece().finally(() => (this.running = null));
    await this.running;
  }

  private budget(): number {
    const n = Number(this.env.IMPORT_STATEMENTS_PER_INVOCATION ?? 800);
    return Number.isInteger(n) && n > 0 ? n : 800;
  }

  private async piece(): Promise<ImportRunResult> {
    const env = this.env;
    const d = openD1(env.DB);
    const online = Boolean(env.FEISHU_APP_ID && env.FEISHU_APP_SECRET);
    const api = online
      ? createFeishuClient({ appId: env.FEISHU_APP_ID!, appSecret: env.FEISHU_APP_SECRET!, domain: env.FEISHU_DOMAIN ?? 'https://open.feishu.cn' })
      : null;
    let queued = false;
    const t0 = Date.now();
    const maxBytes = Number(env.IMPORT_MAX_BYTES);
    const r = await runChatImports(
      { d, api, log, onOutbox: () => (queued = true) },
      { statementBudget: this.budget(), ...(Number.isInteger(maxBytes) && maxBytes > 0 ? { maxBytes } : {}) },
    ).catch((e: Error): ImportRunResult => {
      log.error('import object: piece failed', { error: e.message, stack: e.stack });
      return { pieces: 0, statements: 0, more: true };
    });
    if (r.pieces > 0) log.info('import object: piece', { pieces: r.pieces, statements: r.statements, more: r.more, ms: Date.now() - t0 });
    // budget spent: go on in a fresh invocation at once; failed: try again in a minute
    if (r.more) await this.state.storage.setAlarm(Date.now() + (r.pieces === 0 ? 60_000 : 0));
    if (queued && env.OUTBOX) {
      const ns = env.OUTBOX;
      await ns
        .get(ns.idFromName('outbox'))
        .fetch('https://outbox.internal/drain', { method: 'POST' })
        .catch(() => undefined);
    }
    return r;
  }
}
