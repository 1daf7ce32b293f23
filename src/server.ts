// Wires one running bot from its parts: store, Feishu client, bot, app, sender, sweeps.
// Runtime-free except for timers; the Node and Workers entries call it with their store.
import { createApp } from './app';
import { createBot } from './bot/index';
import { processPending, type BotDeps } from './bot/dispatch';
import { createFeishuClient, type FeishuApi } from './feishu/client';
import { OutboxSender } from './feishu/sender';
import type { SendPacer } from './core/ratelimit';
import { isOnline, webhookConfig, type Config } from './config';
import { pruneInbox } from './store/inbox';
import type { Database } from './store/database';
import type { Logger } from './log';

export interface Services {
  app: ReturnType<typeof createApp>;
  deps: BotDeps;
  sender: OutboxSender;
  api: FeishuApi | null;
  /** processes what is pending in the inbox and prunes old dedup keys */
  sweep(): Promise<number>;
  /** the scheduled work of one cron tick at `now`: sweep, due jobs, drain the outbox */
  tick(now: Date): Promise<void>;
}

export function buildServices(
  config: Config,
  d: Database,
  log: Logger,
  defer: (work: () => Promise<unknown>) => void,
  /** pacer: share one across invocations (the Workers entry builds services per request) */
  opts: { pacer?: SendPacer } = {},
): Services {
  const api = isOnline(config)
    ? createFeishuClient({ appId: config.FEISHU_APP_ID!, appSecret: config.FEISHU_APP_SECRET!, domain: config.FEISHU_DOMAIN })
    : null;
  const sender = new OutboxSender({ d, api, log, pacer: opts.pacer });
  const deps: BotDeps = { d, bot: createBot(), log, botOpenId: config.FEISHU_BOT_OPEN_ID, onOutbox: () => sender.kick() };
  const app = createApp({ ...deps, webhook: webhookConfig(config), defer });
  const sweep = async () => {
    const n = await processPending(deps);
    await pruneInbox(d, Date.now(), config.DEDUP_RETENTION_HOURS * 3600_000);
    return n;
  };
  const tick = async (_now: Date) => {
    await sweep();
    await sender.drainAll();
  };
  return { app, deps, sender, api, sweep, tick };
}
