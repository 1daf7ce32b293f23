// Builders for what Feishu sends: message events and card callbacks, plain or encrypted and signed.
import { encrypt, sign } from '../../src/feishu/crypto';

export const ENCRYPT_KEY = 'test key';
export const VERIFICATION_TOKEN = 'vtoken-123';
export const BOT_OPEN_ID = 'ou_bot000000000000000000000000000';

let counter = 0;
export const nextId = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${++counter}`;

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
  messageType?: string;
  content?: string;
}) {
  const chatType = o.chatType ?? 'group';
  const atBot = o.atBot ?? chatType === 'group';
  const mentions = [
    ...(atBot ? [{ key: '@_user_1', id: { open_id: BOT_OPEN_ID }, name: '复核助手' }] : []),
    ...(o.mention ?? []).map((m, i) => ({ key: `@_user_${i + 2}`, id: { open_id: m.openId }, name: m.name })),
  ];
  return {
    schema: '2.0',
    header: {
      event_id: o.eventId ?? nextId('ev'),
      event_type: 'im.message.receive_v1',
      create_time: String(Date.now()),
      token: VERIFICATION_TOKEN,
      app_id: 'cli_test',
      tenant_key: 'tenant',
    },
    event: {
      sender: { sender_id: { open_id: o.openId }, sender_type: 'user' },
      message: {
        message_id: o.messageId ?? nextId('om'),
        chat_id: o.chatId,
        chat_type: chatType,
        message_type: o.messageType ?? 'text',
        content: o.content ?? JSON.stringify({ text: `${atBot ? '@_user_1 ' : ''}${o.text}` }),
        mentions,
        create_time: String(Date.now()),
        ...(o.parentId ? { parent_id: o.parentId } : {}),
      },
    },
  };
}

export function cardEnvelope(o: {
  openId: string;
  chatId: string;
  value: Record<string, unknown>;
  form?: Record<string, unknown>;
  eventId?: string;
  messageId?: string;
}) {
  return {
    schema: '2.0',
    header: {
      event_id: o.eventId ?? nextId('evc'),
      event_type: 'card.action.trigger',
      create_time: String(Date.now()),
      token: VERIFICATION_TOKEN,
      app_id: 'cli_test',
      tenant_key: 'tenant',
    },
    event: {
      operator: { open_id: o.openId },
      token: 'c-token',
      action: { tag: o.form ? 'button' : 'button', value: o.value, ...(o.form ? { form_value: o.form } : {}) },
      context: { open_message_id: o.messageId ?? 'om_card_1', open_chat_id: o.chatId },
    },
  };
}

/** The request Feishu would send with an Encrypt Key: encrypted body, signature headers. */
export function signedRequest(payload: unknown, { key = ENCRYPT_KEY, timestamp = Math.floor(Date.now() / 1000) } = {}) {
  const body = JSON.stringify({ encrypt: encrypt(JSON.stringify(payload), key) });
  const ts = String(timestamp);
  const nonce = Math.random().toString(36).slice(2);
  return {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-lark-request-timestamp': ts,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': sign(ts, nonce, key, new TextEncoder().encode(body)),
    },
  };
}

/** An app id the SDK's WSClient accepts (`cli_` + 16 hex digits). */
export const LC_APP_ID = 'cli_a1b2c3d4e5f60718';

/** The same event as the long connection delivers it: plaintext, `header.token` empty. */
export function overConnection<T extends { header: Record<string, unknown> }>(env: T): T {
  return { ...env, header: { ...env.header, token: '', app_id: LC_APP_ID } };
}
