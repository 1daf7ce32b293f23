// The long connection's way in (src/feishu/long-connection.ts): the same path as the webhook's,
// ingestEvent (src/ingest.ts) — dedup by event_id and message_id in the inbox write, and only
// when that row is committed does the answer go back over the connection; processing after.
// A card callback's answer (toast / card) leaves through the same exit as the webhook's.
import { ingestEvent, type IngestDeps } from './ingest';
import type { Envelope } from './feishu/events';
import { safeCardAnswer } from './feishu/safe-out';

export type ReceiveDeps = IngestDeps;

/** null for an ordinary event (a plain acknowledgement), the card response for a card callback. */
export type Received = ReturnType<typeof safeCardAnswer> | null;

/** `json`: the envelope's JSON text as received (decrypted), stored in the inbox row. */
export async function receiveEvent(deps: ReceiveDeps, env: Envelope, json: string, now: number): Promise<Received> {
  const done = await ingestEvent(deps, { ok: true, envelope: env, token: undefined }, json, now);
  return done.kind === 'card' ? safeCardAnswer(done.answer) : null;
}
