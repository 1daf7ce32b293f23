// The one sender of a Workers deployment: a Durable Object that drains the outbox for the whole
// app. Many isolates answer webhooks and run cron ticks at once; if each drained the outbox with
// its own pacer, together they could pass Feishu's 50/s and 1,000/min per app (and 5/s per chat),
// and Feishu would then throttle the whole app. So producers only write outbox rows and poke
// this object; it alone sends, under one SendPacer whose recent sends it saves in its storage,
// so an object evicted and started again within the minute still counts the minute's sends.
//
// One invocation sends at most `OUTBOX_SENDS_PER_INVOCATION` messages (each send is one
// subrequest; Workers limit subrequests per invocation), then sets an alarm to go on at once;
// when nothing is due it sets the alarm for the next retry time, so retries need no cron tick.
import type { D1Database, DurableObjectState } from '@cloudflare/workers-types';
import { SendPacer, type PacerSnapshot } from '../core/ratelimit';
import { OutboxSender } from '../feishu/sender';
import { createFeishuClient } from '../feishu/client';
import { openD1 } from '../store/d1';
import { nextPendingAt } from '../store/outbox';
import { consoleLogger } from '../log';

export interface OutboxObjectEnv {
  DB: D1Database;
  FEISHU_APP_ID?: string;
  FEISHU_APP_SECRET?: string;
  FEISHU_DOMAIN?: string;
  /** sends per invocation (default 40: under the 50 subrequests of the smallest plan, with room for the token and D1) */
  OUTBOX_SENDS_PER_INVOCATION?: string;
}

const PACER_KEY = 'pacer';
const log = consoleLogger();

/** What a drain did, for the log and the tests. */
export interface DrainReport {
  sent: number;
  invocationBudget: number;
  more: boolean;
  alarmAt: number | null;
}

export class OutboxObject {
  private pacer = new SendPacer();
  private draining: Promise<DrainReport> | null = null;
  private again = false;

  constructor(
    private state: DurableObjectState,
    private env: OutboxObjectEnv,
  ) {
    void state.blockConcurrencyWhile(async () => {
      const saved = await state.storage.get<PacerSnapshot>(PACER_KEY);
      if (saved) this.pacer.restore(saved);
    });
  }

  /**
   * `POST /drain`: a producer queued messages. The object answers at once and sends from its
   * alarm, in its own invocation (with its own subrequest budget), not in the producer's.
   * `POST /drain?wait=1` (the cron tick) sends one round now and answers with what it did.
   */
  async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).searchParams.get('wait') === '1') return Response.json(await this.drain());
    const now = Date.now();
    const set = await this.state.storage.getAlarm();
    if (set === null || set > now) await this.state.storage.setAlarm(now);
    return new Response(null, { status: 202 });
  }

  async alarm(): Promise<void> {
    await this.drain();
  }

  private budget(): number {
    const n = Number(this.env.OUTBOX_SENDS_PER_INVOCATION ?? 40);
    return Number.isInteger(n) && n > 0 ? n : 40;
  }

  /** One drain at a time; a poke during a drain makes it look again before it ends. */
  private drain(): Promise<DrainReport> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = this.drainRound().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drainRound(): Promise<DrainReport> {
    const env = this.env;
    const d = openD1(env.DB);
    const online = Boolean(env.FEISHU_APP_ID && env.FEISHU_APP_SECRET);
    const api = online
      ? createFeishuClient({ appId: env.FEISHU_APP_ID!, appSecret: env.FEISHU_APP_SECRET!, domain: env.FEISHU_DOMAIN ?? 'https://open.feishu.cn' })
      : null;
    const budget = this.budget();
    let left = budget;
    let sent = 0;
    try {
      do {
        this.again = false;
        const sender = new OutboxSender({ d, api, log, pacer: this.pacer, batchSize: left });
        const n = await sender.drainOnce();
        sent += n;
        left -= n;
        if (n === 0 && !this.again) break;
      } while (left > 0);
    } catch (e) {
      log.error('outbox object: drain failed', { error: (e as Error).message, stack: (e as Error).stack });
    } finally {
      await this.state.storage.put(PACER_KEY, this.pacer.snapshot(Date.now()));
    }
    const more = left <= 0;
    // Budget spent: go on in a fresh invocation at once. Otherwise wake for the next retry.
    let alarmAt: number | null = more ? Date.now() : await nextPendingAt(d).catch(() => null);
    if (alarmAt !== null) {
      alarmAt = Math.max(alarmAt, Date.now());
      await this.state.storage.setAlarm(alarmAt);
    }
    if (sent > 0) log.info('outbox object: sent', { sent, more });
    return { sent, invocationBudget: budget, more, alarmAt };
  }
}
