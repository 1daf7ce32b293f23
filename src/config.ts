// Configuration from environment variables (DESIGN §9). A .env file is read by the Node entry.
import { z } from 'zod';
import { DEFAULT_WEBHOOK_LIMITS } from './feishu/webhook';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = z.preprocess(blankToUndefined, z.string().optional());

export const configSchema = z.object({
  PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  /** address the Node server listens on */
  HOST: z.preprocess(blankToUndefined, z.string().default('0.0.0.0')),
  DATABASE_PATH: z.preprocess(blankToUndefined, z.string().default('./data/fupin.sqlite')),
  FEISHU_APP_ID: optional,
  FEISHU_APP_SECRET: optional,
  FEISHU_VERIFICATION_TOKEN: optional,
  FEISHU_ENCRYPT_KEY: optional,
  FEISHU_DOMAIN: z.preprocess(blankToUndefined, z.string().url().default('https://open.feishu.cn')),
  /** how events arrive: `webhook` (Feishu calls POST /feishu/events) or `websocket` (the bot opens
   * Feishu's long connection; Node only, needs the app id and secret) */
  FEISHU_CONNECTION: z.preprocess(blankToUndefined, z.enum(['webhook', 'websocket']).default('webhook')),
  /** the bot's own open_id; when unset it is asked from Feishu at start (GET /open-apis/bot/v3/info), and offline a leading @mention in a group is taken as the bot */
  FEISHU_BOT_OPEN_ID: optional,
  /** how old a signed request's timestamp may be (seconds); > Feishu's 7.1 h retries */
  FEISHU_MAX_SKEW_SECONDS: z.preprocess(blankToUndefined, z.coerce.number().int().positive().default(DEFAULT_WEBHOOK_LIMITS.maxSkewSeconds)),
  /** how far in the future a signed request's timestamp may be (seconds): clock drift only */
  FEISHU_MAX_FUTURE_SECONDS: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(3600).default(DEFAULT_WEBHOOK_LIMITS.maxFutureSeconds)),
  /** how long handled inbox rows (the dedup keys) are kept, hours; at least 8 */
  DEDUP_RETENTION_HOURS: z.preprocess(blankToUndefined, z.coerce.number().min(8).default(24)),
  /** load examples/township.json and the example roster into an empty database when offline */
  SEED_EXAMPLE: z.preprocess(blankToUndefined, z.enum(['auto', 'never']).default('auto')),
});
export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  const r = configSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`配置有误 (configuration error):\n${lines.join('\n')}`);
  }
  return r.data;
}

export const isOnline = (c: Config) => Boolean(c.FEISHU_APP_ID && c.FEISHU_APP_SECRET);

export function webhookConfig(c: Config) {
  return {
    verificationToken: c.FEISHU_VERIFICATION_TOKEN,
    encryptKey: c.FEISHU_ENCRYPT_KEY,
    maxSkewSeconds: c.FEISHU_MAX_SKEW_SECONDS,
    maxFutureSeconds: c.FEISHU_MAX_FUTURE_SECONDS,
    maxBodyBytes: DEFAULT_WEBHOOK_LIMITS.maxBodyBytes,
    appId: c.FEISHU_APP_ID,
  };
}
