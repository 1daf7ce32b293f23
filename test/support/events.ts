// Builders for what Feishu sends: message events and card callbacks, plain or encrypted and signed.
import { encrypt, sign } from '../../src/feishu/crypto';
import { signV1 } from '../../src/feishu/card-v1';

export const ENCRYPT_KEY = 'test key';
export const VERIFICATION_TOKEN = 'vtoken-123';
export const BOT_OPEN_ID = 'ou_bot000000000000000000000000000';

let counter = 0;
export const nextId = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${++counter}`;

/**
 * How the IDs an app may not read arrive (FEISHU.md "What real events look like"): `null`
 * (a live p2p capture's user_id), `""` (a live group capture's mention), or left out.
 */
export type IdStyle = 'null' | 'empty' | 'absent';

/** `{open_id, union_id, user_id}` as Feishu fills it for an app without the employee-id permission. */
export function userIds(openId: string, style: IdStyle = 'null') {
  const missing = style === 'null' ? null : '';
  const union = `on_${openId.replace(/^ou_/, '')}`;
  return style === 'absent' ? { open_id: openId, union_id: union } : { open_id: openId, union_id: union, user_id: missing };
}

const header = (eventType: string, eventId?: string) => ({
  event_id: eventId ?? nextId('ev'),
  event_type: eventType,
  create_time: String(Date.now()),
  token: VERIFICATION_TOKEN,
  app_id: 'cli_test',
  tenant_key: 'tenant',
});

export function messageEnvelope(o: {
  text: string;
  openId: string;
  chatId: string;
  chatType?: 'group' | 'p2p';
  eventId?: string;
  messageId?: string;
  /** other people mentioned: placeholders @_user_2… are appended to `mentions` in order */
  mention?: { openId: string; name: string }[];
  atBot?: boolean;
  parentId?: string;
  /** a message in a thread: root_id and thread_id (parent_id defaults to the root) */
  thread?: { rootId: string; threadId: string };
  messageType?: string;
  content?: string;
  /** how the sender's unreadable IDs come (default null, as in a live p2p capture) */
  senderIds?: IdStyle;
  /** how the mentions' unreadable IDs come (default "", as in a live group capture) */
  mentionIds?: IdStyle;
}) {
  const chatType = o.chatType ?? 'group';
  const atBot = o.atBot ?? chatType === 'group';
  const mentionStyle = o.mentionIds ?? 'empty';
  const mentions = [
    ...(atBot ? [{ key: '@_user_1', id: userIds(BOT_OPEN_ID, mentionStyle), name: '复核助手', tenant_key: 'tenant' }] : []),
    ...(o.mention ?? []).map((m, i) => ({ key: `@_user_${i + 2}`, id: userIds(m.openId, mentionStyle), name: m.name, tenant_key: 'tenant' })),
  ];
  const parentId = o.parentId ?? o.thread?.rootId;
  return {
    schema: '2.0',
    header: header('im.message.receive_v1', o.eventId),
    event: {
      sender: { sender_id: userIds(o.openId, o.senderIds ?? 'null'), sender_type: 'user', tenant_key: 'tenant' },
      message: {
        message_id: o.messageId ?? nextId('om'),
        chat_id: o.chatId,
        chat_type: chatType,
        message_type: o.messageType ?? 'text',
        content: o.content ?? JSON.stringify({ text: `${atBot ? '@_user_1 ' : ''}${o.text}` }),
        mentions,
        create_time: String(Date.now()),
        update_time: String(Date.now()),
        ...(parentId ? { parent_id: parentId } : {}),
        ...(o.thread ? { root_id: o.thread.rootId, thread_id: o.thread.threadId } : {}),
        user_agent: 'Mozilla/5.0 Lark/7.30.0',
      },
    },
  };
}

/** One node of a post paragraph, as Feishu sends it. */
export type PostNode =
  | { tag: 'text'; text: string; style?: string[] }
  | { tag: 'at'; user_id: string; user_name: string; style?: string[] }
  | { tag: 'a'; text: string; href: string; style?: string[] }
  | { tag: 'img'; image_key: string; width?: number; height?: number }
  | { tag: 'media'; file_key: string; image_key: string }
  | { tag: 'emotion'; emoji_type: string }
  | { tag: 'code_block'; language: string; text: string }
  | { tag: 'hr' };

/** The placeholder node a post carries where the bot is @-mentioned (mentions[0] explains it). */
export const AT_BOT: PostNode = { tag: 'at', user_id: '@_user_1', user_name: '复核助手', style: [] };
/** An @ of the n-th person in `mention` (n from 0): placeholder @_user_{n+2}. */
export const atPerson = (n: number, name: string): PostNode => ({ tag: 'at', user_id: `@_user_${n + 2}`, user_name: name, style: [] });

/**
 * A message written in the rich editor or with a pasted picture: `message_type: "post"`, its
 * content paragraphs of nodes (`{"title":"","content":[[…],[…]]}`), the at nodes holding the
 * mention placeholders. `atBot` defaults to false here: put AT_BOT in the paragraphs where it was typed.
 */
export function postEnvelope(o: Omit<Parameters<typeof messageEnvelope>[0], 'text' | 'content' | 'messageType'> & { paragraphs: PostNode[][]; title?: string }) {
  const usesBot = o.paragraphs.some((p) => p.some((n) => n.tag === 'at' && n.user_id === '@_user_1'));
  return messageEnvelope({
    ...o,
    text: '',
    atBot: o.atBot ?? usesBot,
    messageType: 'post',
    content: JSON.stringify({ title: o.title ?? '', content: o.paragraphs }),
  });
}

export function cardEnvelope(o: {
  openId: string;
  chatId: string;
  value: Record<string, unknown>;
  form?: Record<string, unknown>;
  eventId?: string;
  messageId?: string;
  /** how the operator's unreadable IDs come (default null) */
  operatorIds?: IdStyle;
}) {
  return {
    schema: '2.0',
    header: header('card.action.trigger', o.eventId ?? nextId('evc')),
    event: {
      operator: { ...userIds(o.openId, o.operatorIds ?? 'null'), tenant_key: 'tenant' },
      token: 'c-token',
      action: { tag: o.form ? 'button' : 'button', value: o.value, ...(o.form ? { form_value: o.form } : {}) },
      context: { open_message_id: o.messageId ?? 'om_card_1', open_chat_id: o.chatId },
    },
  };
}

/** A POST of `body` with Feishu's timestamp, nonce and the signature `signWith` computes over them. */
function postSigned(body: string, timestamp: number, signWith: (ts: string, nonce: string, raw: Uint8Array) => string) {
  const ts = String(timestamp);
  const nonce = Math.random().toString(36).slice(2);
  return {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-lark-request-timestamp': ts,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signWith(ts, nonce, new TextEncoder().encode(body)),
    },
  };
}

/** The request Feishu would send with an Encrypt Key: encrypted body, signature headers. */
export function signedRequest(payload: unknown, { key = ENCRYPT_KEY, timestamp = Math.floor(Date.now() / 1000) } = {}) {
  const body = JSON.stringify({ encrypt: encrypt(JSON.stringify(payload), key) });
  return postSigned(body, timestamp, (ts, nonce, raw) => sign(ts, nonce, key, raw));
}

/**
 * The bot added to a group (im.chat.member.bot.added_v1), removed from it (…deleted_v1) or the
 * group dissolved (im.chat.disbanded_v1): `event.chat_id`, `event.operator_id` (user_id null
 * without the employee-id permission), `event.name` the group's name, `i18n_names`, `external`.
 */
export function chatEventEnvelope(
  type: 'added' | 'deleted' | 'disbanded',
  o: { chatId: string; operatorOpenId: string; name?: string; eventId?: string; operatorIds?: IdStyle },
) {
  const eventType = { added: 'im.chat.member.bot.added_v1', deleted: 'im.chat.member.bot.deleted_v1', disbanded: 'im.chat.disbanded_v1' }[type];
  const name = o.name ?? '';
  return {
    schema: '2.0',
    header: header(eventType, o.eventId),
    event: {
      chat_id: o.chatId,
      operator_id: userIds(o.operatorOpenId, o.operatorIds ?? 'null'),
      external: false,
      operator_tenant_key: 'tenant',
      name,
      i18n_names: { zh_cn: name, en_us: '', ja_jp: '' },
    },
  };
}

/**
 * An old-style card callback (card.action.trigger_v1) as apps configured the old way receive it:
 * a flat body, never encrypted, signed with sha1(timestamp + nonce + verification token + body).
 */
export function oldCardRequest(
  o: { openId: string; chatId: string; value: Record<string, unknown>; messageId?: string },
  { token = VERIFICATION_TOKEN, timestamp = Math.floor(Date.now() / 1000), signature, appId }: { token?: string; timestamp?: number; signature?: string; appId?: string } = {},
) {
  const body = JSON.stringify({
    ...(appId !== undefined ? { app_id: appId } : {}),
    open_id: o.openId,
    user_id: null,
    union_id: `on_${o.openId.replace(/^ou_/, '')}`,
    open_message_id: o.messageId ?? 'om_card_old_1',
    open_chat_id: o.chatId,
    tenant_key: 'tenant',
    token: `c-${nextId('tok')}`,
    action: { value: o.value, tag: 'button' },
  });
  return postSigned(body, timestamp, (ts, nonce, raw) => signature ?? signV1(ts, nonce, token, raw));
}

/** An app id the SDK's WSClient accepts (`cli_` + 16 hex digits). */
export const LC_APP_ID = 'cli_a1b2c3d4e5f60718';

/** The same event as the long connection delivers it: plaintext, `header.token` empty. */
export function overConnection<T extends { header: Record<string, unknown> }>(env: T): T {
  return { ...env, header: { ...env.header, token: '', app_id: LC_APP_ID } };
}
