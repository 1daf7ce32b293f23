// Shapes of what Feishu sends us, parsed with zod (FEISHU.md "Incoming HTTP requests", "Card action callbacks").
// Real tenants send the IDs an app may not read as null or "" (user_id without the employee-id
// permission, union_id at times): every ID but open_id is optional and nullable, and null / ""
// are read as absent. People are identified by open_id only.
import { z } from 'zod';

/** An ID Feishu may send as null or "": read as absent. */
const optionalId = z
  .string()
  .max(256)
  .nullish()
  .transform((v) => (v ? v : undefined));
/** Any other optional string field, with the same tolerance for null. */
const optionalText = (max = 256) =>
  z
    .string()
    .max(max)
    .nullish()
    .transform((v) => v ?? undefined);

/** `{open_id, user_id, union_id}` as Feishu sends it in senders, mentions, operators and operator_id. */
const userIds = z.object({ open_id: optionalId, user_id: optionalId, union_id: optionalId });
/** The same, where a person must be known: open_id present and non-empty. */
const knownUser = userIds.extend({ open_id: z.string().min(1).max(256) });
/** userIds that may itself be null or absent: then no ID is known. */
const maybeUserIds = userIds.nullish().transform((v) => v ?? { open_id: undefined, user_id: undefined, union_id: undefined });

export const envelopeSchema = z.object({
  schema: z.literal('2.0'),
  header: z.object({
    event_id: z.string().min(1).max(128),
    event_type: z.string().min(1).max(128),
    create_time: optionalText(32),
    token: optionalText(),
    app_id: optionalText(128),
    tenant_key: optionalText(128),
  }),
  event: z.record(z.string(), z.unknown()),
});
export type Envelope = z.infer<typeof envelopeSchema>;

const mention = z.object({
  key: z.string().max(64),
  id: maybeUserIds,
  name: optionalText(512).transform((v) => v ?? ''),
  tenant_key: optionalText(128),
});
export type Mention = z.infer<typeof mention>;

export const messageEventSchema = z.object({
  sender: z.object({
    sender_id: knownUser,
    sender_type: optionalText(),
    tenant_key: optionalText(128),
  }),
  message: z.object({
    message_id: z.string().min(1).max(128),
    chat_id: z.string().min(1).max(128),
    chat_type: z.string().max(32),
    message_type: z.string().max(64),
    content: z.string().max(200_000),
    mentions: z
      .array(mention)
      .nullish()
      .transform((v) => v ?? []),
    create_time: optionalText(32),
    update_time: optionalText(32),
    parent_id: optionalId,
    root_id: optionalId,
    thread_id: optionalId,
  }),
});
export type MessageEvent = z.infer<typeof messageEventSchema>;

export const cardActionSchema = z.object({
  operator: knownUser,
  token: optionalText(),
  action: z.object({
    tag: optionalText(),
    value: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((v) => v ?? {}),
    form_value: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((v) => v ?? undefined),
    option: optionalText(1024),
    input_value: optionalText(10_000),
  }),
  context: z
    .object({ open_message_id: optionalId, open_chat_id: optionalId })
    .nullish()
    .transform((v) => v ?? { open_message_id: undefined, open_chat_id: undefined }),
});
export type CardActionEvent = z.infer<typeof cardActionSchema>;

/** im.chat.member.bot.added_v1 / deleted_v1, im.chat.disbanded_v1: the chat, who did it, the group's name. */
export const chatEventSchema = z.object({
  chat_id: z.string().min(1).max(128),
  operator_id: maybeUserIds,
  name: optionalText(512),
  external: z.boolean().nullish(),
  operator_tenant_key: optionalText(128),
});
export type ChatEvent = z.infer<typeof chatEventSchema>;

export const MESSAGE_RECEIVE = 'im.message.receive_v1';
export const CARD_ACTION = 'card.action.trigger';
export const BOT_ADDED = 'im.chat.member.bot.added_v1';
export const BOT_DELETED = 'im.chat.member.bot.deleted_v1';
export const CHAT_DISBANDED = 'im.chat.disbanded_v1';
export const CHAT_EVENT_TYPES = new Set([BOT_ADDED, BOT_DELETED, CHAT_DISBANDED]);

/** Event types the bot acts on; everything else is answered 200, logged and not stored. */
export const HANDLED_EVENT_TYPES = new Set([MESSAGE_RECEIVE, CARD_ACTION, ...CHAT_EVENT_TYPES]);

/**
 * Why a payload did not fit a shape, without any of its values (no message text, no IDs):
 * the path of each field and what was expected there.
 */
export function schemaReason(error: z.ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)';
      const expected = 'expected' in i && typeof i.expected === 'string' ? ` (expected ${i.expected})` : '';
      return `${path}: ${i.code}${expected}`;
    })
    .join('; ');
}

/** A payload read as an event: the envelope, or why it is not one Feishu's schema 2.0 allows. */
export type ReadEvent =
  | { ok: true; envelope: Envelope; token: string | undefined }
  | {
      ok: false;
      /** header.event_id (or an old schema's uuid) when there is one */
      eventId: string | null;
      eventType: string;
      token: string | undefined;
      reason: string;
    };

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const shortString = (v: unknown, max = 128) => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : null);

/**
 * Reads a decrypted payload as an event envelope. Null when it does not even look like an
 * event (no schema, header or event); an event that does not fit is returned with the reason,
 * so that it can be acknowledged, kept and diagnosed instead of vanishing.
 */
export function readEvent(body: unknown): ReadEvent | null {
  if (!isObject(body) || !('schema' in body || isObject(body.header) || isObject(body.event))) return null;
  const header = isObject(body.header) ? body.header : {};
  const token = shortString(header.token, 256) ?? shortString(body.token, 256) ?? undefined;
  const parsed = envelopeSchema.safeParse(body);
  if (parsed.success) return { ok: true, envelope: parsed.data, token };
  const event = isObject(body.event) ? body.event : {};
  return {
    ok: false,
    eventId: shortString(header.event_id) ?? shortString(body.uuid),
    eventType: shortString(header.event_type) ?? shortString(event.type) ?? 'unknown',
    token,
    reason: schemaReason(parsed.error),
  };
}
