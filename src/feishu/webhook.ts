// Verifies an inbound request from Feishu from its raw bytes: size, JSON, decryption,
// URL verification, signature (constant time), replay window, verification token, envelope.
// Runtime-free: used by the Hono routes on Node and on Workers.
import { decrypt, safeEqual, sign } from './crypto';
import { readEvent, type ReadEvent } from './events';
import { isOldCardCallback, verifyOldCardCallback } from './card-v1';
import { DEFAULT_MAX_FUTURE_SECONDS, inReplayWindow, otherApp } from './replay';

export interface WebhookConfig {
  verificationToken?: string;
  encryptKey?: string;
  /** how old a request's timestamp may be; longer than Feishu's ~7.1 h retry window */
  maxSkewSeconds: number;
  /** how far in the future a request's timestamp may be (clock drift only: a few minutes) */
  maxFutureSeconds?: number;
  maxBodyBytes: number;
  /** the configured app (FEISHU_APP_ID): an event whose `header.app_id` names another app is refused */
  appId?: string;
}

export const DEFAULT_WEBHOOK_LIMITS = { maxSkewSeconds: 12 * 3600, maxFutureSeconds: DEFAULT_MAX_FUTURE_SECONDS, maxBodyBytes: 1024 * 1024 } as const;

export type Verified =
  | { kind: 'challenge'; challenge: string }
  | {
      kind: 'event';
      /** the envelope, or why the event does not fit it (it is still acknowledged and kept) */
      event: ReadEvent;
      /** the event's JSON text as received (decrypted), for storage */
      json: string;
      /** an old-style card callback (card.action.trigger_v1): answered with a toast only */
      legacy?: boolean;
    }
  /** acknowledged with an empty 200 and logged, not processed (an old-style callback that cannot be verified) */
  | { kind: 'ignored'; reason: string };
export type Refused = { kind: 'refused'; status: 400 | 401 | 413; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const refuse = (status: 400 | 401 | 413, reason: string): Refused => ({ kind: 'refused', status, reason });

export function verifyWebhook(
  raw: Uint8Array,
  headers: (name: string) => string | undefined | null,
  cfg: WebhookConfig,
  nowMs: number,
): Verified | Refused {
  if (raw.byteLength > cfg.maxBodyBytes) return refuse(413, 'body too large');
  let text: string;
  try {
    text = decoder.decode(raw);
  } catch {
    return refuse(400, 'body is not UTF-8');
  }
  const outer = parseJson(text);
  if (!outer || typeof outer !== 'object' || Array.isArray(outer)) return refuse(400, 'body is not a JSON object');
  // Old-style card callbacks have their own signature scheme (sha1 with the verification token).
  if (isOldCardCallback(outer as Record<string, unknown>)) return verifyOldCardCallback(raw, outer as Record<string, unknown>, headers, cfg, nowMs);

  // Check the signature before anything else is done with the bytes. Only a URL verification
  // may arrive unsigned (FEISHU.md: unconfirmed), and it is answered on the token alone.
  let signed = false;
  if (cfg.encryptKey) {
    const ts = headers('x-lark-request-timestamp');
    const nonce = headers('x-lark-request-nonce');
    const signature = headers('x-lark-signature');
    if (ts && nonce && signature) {
      if (!safeEqual(sign(ts, nonce, cfg.encryptKey, raw), signature.toLowerCase())) return refuse(401, 'bad signature');
      if (!inReplayWindow(ts, nowMs, cfg)) return refuse(401, 'timestamp outside the replay window');
      signed = true;
    }
  }

  let body = outer as Record<string, unknown>;
  let json = text;
  const encrypted = typeof body.encrypt === 'string';
  if (encrypted) {
    if (!cfg.encryptKey) return refuse(400, 'encrypted body but no encrypt key configured');
    let plain: string;
    try {
      plain = decrypt(body.encrypt as string, cfg.encryptKey);
    } catch {
      return refuse(401, 'cannot decrypt');
    }
    const inner = parseJson(plain);
    if (!inner || typeof inner !== 'object' || Array.isArray(inner)) return refuse(400, 'decrypted body is not JSON');
    body = inner as Record<string, unknown>;
    json = plain;
  } else if (cfg.encryptKey && body.type !== 'url_verification') {
    // With an Encrypt Key set, Feishu encrypts everything; plaintext events are forged or misrouted.
    return refuse(401, 'plaintext event while an encrypt key is configured');
  }

  // URL verification may come without signature headers: answer it on the token alone.
  if (body.type === 'url_verification') {
    if (typeof body.challenge !== 'string') return refuse(400, 'challenge missing');
    if (cfg.verificationToken && !safeEqual(String(body.token ?? ''), cfg.verificationToken)) {
      return refuse(401, 'bad verification token');
    }
    return { kind: 'challenge', challenge: body.challenge };
  }

  if (cfg.encryptKey && !signed) return refuse(401, 'signature headers missing');

  const event = readEvent(body);
  if (!event) return refuse(400, 'not a Feishu event');
  if (cfg.verificationToken && !safeEqual(event.token ?? '', cfg.verificationToken)) {
    return refuse(401, 'bad verification token');
  }
  const other = otherApp(body, cfg.appId);
  if (other) return refuse(401, other);
  return { kind: 'event', event, json };
}
