// The replay window and the app check shared by the webhook (src/feishu/webhook.ts), old-style
// card callbacks (src/feishu/card-v1.ts) and the long connection (src/feishu/long-connection.ts).

/** A request stamped more than this far ahead of our clock is refused (seconds). */
export const DEFAULT_MAX_FUTURE_SECONDS = 300;

/**
 * Whether a signed request's timestamp (seconds) is inside the replay window: at most
 * `maxSkewSeconds` old (Feishu retries for about 7.1 hours), at most `maxFutureSeconds` ahead
 * (a stamp hours in the future is not clock drift, it is a request prepared for a later replay).
 */
export function inReplayWindow(ts: string, nowMs: number, cfg: { maxSkewSeconds: number; maxFutureSeconds?: number }): boolean {
  const tsNum = Number(ts);
  if (!/^\d{1,12}$/.test(ts.trim()) || !Number.isFinite(tsNum)) return false;
  const age = nowMs / 1000 - tsNum;
  return age <= cfg.maxSkewSeconds && -age <= (cfg.maxFutureSeconds ?? DEFAULT_MAX_FUTURE_SECONDS);
}

/**
 * Why an event addressed to another app is refused, or null: `header.app_id`, when present and
 * not empty, must be the configured app id (no check when none is configured, i.e. offline).
 */
export function otherApp(body: unknown, appId: string | undefined): string | null {
  if (!appId || !body || typeof body !== 'object') return null;
  const b = body as { header?: unknown; app_id?: unknown };
  const header = b.header && typeof b.header === 'object' ? (b.header as { app_id?: unknown }) : null;
  const got = header?.app_id ?? b.app_id;
  if (got === undefined || got === null || got === '') return null;
  return got === appId ? null : 'event for another app (header.app_id is not FEISHU_APP_ID)';
}
