// Old-style card callbacks (card.action.trigger_v1): the flat body apps configured the old way
// receive (`open_id`, `open_message_id`, `open_chat_id`, `token`, `action`), never encrypted,
// signed with sha1(timestamp + nonce + verification token + body). A verified one is turned into
// the schema 2.0 card action it stands for and takes the same path; one that cannot be verified
// is acknowledged and logged, never answered with an error the user would see.
import { createHash } from 'node:crypto';
import { safeEqual } from './crypto';
import { inReplayWindow, otherApp } from './replay';
import { CARD_ACTION, readEvent, type ReadEvent } from './events';

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** A flat old-style card callback: an `action` and who pressed it, no schema, no encryption. */
export function isOldCardCallback(body: Record<string, unknown>): boolean {
  return !('schema' in body) && !('encrypt' in body) && isObject(body.action) && ('open_message_id' in body || 'open_id' in body);
}

/** lowercase hex SHA-1(timestamp + nonce + verificationToken ‖ raw body bytes). */
export function signV1(timestamp: string, nonce: string, verificationToken: string, rawBody: Uint8Array): string {
  return createHash('sha1').update(timestamp + nonce + verificationToken, 'utf8').update(rawBody).digest('hex');
}

export type OldCardResult =
  | { kind: 'event'; event: ReadEvent; json: string; legacy: true }
  | { kind: 'ignored'; reason: string };

export function verifyOldCardCallback(
  raw: Uint8Array,
  body: Record<string, unknown>,
  headers: (name: string) => string | undefined | null,
  cfg: { verificationToken?: string; maxSkewSeconds: number; maxFutureSeconds?: number; appId?: string },
  nowMs: number,
): OldCardResult {
  if (!cfg.verificationToken) return { kind: 'ignored', reason: 'old-style card callback: no verification token configured to check it' };
  const ts = headers('x-lark-request-timestamp');
  const nonce = headers('x-lark-request-nonce');
  const signature = headers('x-lark-signature');
  if (!ts || !nonce || !signature) return { kind: 'ignored', reason: 'old-style card callback without signature headers' };
  if (!safeEqual(signV1(ts, nonce, cfg.verificationToken, raw), signature.toLowerCase())) return { kind: 'ignored', reason: 'old-style card callback: bad signature' };
  const tsNum = Number(ts);
  if (!inReplayWindow(ts, nowMs, cfg)) return { kind: 'ignored', reason: 'old-style card callback: timestamp outside the replay window' };
  const other = otherApp(body, cfg.appId);
  if (other) return { kind: 'ignored', reason: `old-style card callback: ${other}` };
  // Old callbacks carry no event id and are never retried: the signed request itself is the key.
  const eventId = `v1:${createHash('sha256').update(raw).digest('hex').slice(0, 40)}`;
  const envelope = {
    schema: '2.0',
    header: { event_id: eventId, event_type: CARD_ACTION, create_time: String(tsNum * 1000), tenant_key: body.tenant_key ?? null, app_id: body.app_id ?? null },
    event: {
      operator: { open_id: body.open_id ?? null, user_id: body.user_id ?? null, union_id: body.union_id ?? null },
      token: body.token ?? null,
      action: body.action,
      context: { open_message_id: body.open_message_id ?? null, open_chat_id: body.open_chat_id ?? null },
    },
  };
  return { kind: 'event', event: readEvent(envelope)!, json: JSON.stringify(envelope), legacy: true };
}
