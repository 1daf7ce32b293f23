// The outgoing side of the Feishu boundary: the real @larksuiteoapi/node-sdk Client, base
// URL from FEISHU_DOMAIN, wrapped in the few calls the bot makes, with errors sorted into
// "try again later" and "will never work".
import type * as lark from '@larksuiteoapi/node-sdk';
import { createFetchHttp, HttpError } from './http';

export interface OutgoingMessage {
  uuid: string;
  receiveIdType: string;
  receiveId: string;
  msgType: string;
  content: string;
  replyTo?: string | null;
}

export class FeishuError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code: number | string | null,
    /** from x-ogw-ratelimit-reset, when Feishu said how long to wait */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'FeishuError';
  }
}

export interface FeishuApi {
  /** fetches the tenant token if it is not cached, so a burst of sends does not each ask for one */
  prepare(): Promise<void>;
  send(msg: OutgoingMessage): Promise<{ messageId: string }>;
  /** open_ids for mobiles / emails; missing entries were not found or are outside the app's scope */
  openIdsByContact(q: { mobiles?: string[]; emails?: string[] }): Promise<Map<string, string>>;
  uploadFile(name: string, bytes: Uint8Array, fileType?: string): Promise<string>;
  /** the bot's own identity (GET /open-apis/bot/v3/info) */
  botInfo(): Promise<{ openId: string; name: string }>;
  /**
   * The bytes of a file someone sent (GET /open-apis/im/v1/messages/:id/resources/:key?type=file,
   * the SDK's messageResource.get); over `maxBytes` it stops reading and throws FileTooLarge.
   */
  downloadFile(messageId: string, fileKey: string, maxBytes: number): Promise<Uint8Array>;
  /** One message (GET /open-apis/im/v1/messages/:id): its kind and content, null when Feishu has none. */
  getMessage(messageId: string): Promise<{ messageType: string; content: string; chatId: string | null } | null>;
}

/** A download stopped at its cap. */
export class FileTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`file larger than ${maxBytes} bytes`);
    this.name = 'FileTooLarge';
  }
}

/** Reads a web stream (or a Node Readable) to its end, refusing more than `maxBytes`. */
async function readCapped(stream: unknown, maxBytes: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  const take = (c: Uint8Array) => {
    total += c.byteLength;
    if (total > maxBytes) throw new FileTooLarge(maxBytes);
    parts.push(c);
  };
  const s = stream as { getReader?: () => ReadableStreamDefaultReader<Uint8Array>; cancel?: () => Promise<void> } & AsyncIterable<Uint8Array>;
  if (typeof s.getReader === 'function') {
    const reader = s.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        take(value);
      }
    } catch (e) {
      await reader.cancel().catch(() => {});
      throw e;
    }
  } else {
    for await (const c of s) take(c);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export interface FeishuClientOptions {
  appId: string;
  appSecret: string;
  domain: string;
  timeoutMs?: number;
}

/** Business codes that will not succeed on retry. */
const PERMANENT_CODES: Record<number, string> = {
  230001: '参数错误',
  230002: '机器人不在群里',
  230013: '用户不在应用可用范围内',
  230025: '消息内容过长',
  232009: '群已解散',
  99991663: 'token 无效',
};
const RATE_LIMITED_CODES = new Set([230020, 99991400]);

export function classifyError(e: unknown): FeishuError {
  if (e instanceof FeishuError) return e;
  if (e instanceof HttpError) {
    if (!e.response) return new FeishuError(`network: ${e.message}`, true, e.code ?? 'network');
    const { status, headers, data } = e.response;
    const code = typeof data === 'object' && data && 'code' in data ? Number((data as { code: unknown }).code) : null;
    const msg = typeof data === 'object' && data && 'msg' in data ? String((data as { msg: unknown }).msg) : '';
    const reset = Number(headers['x-ogw-ratelimit-reset']);
    const retryAfterMs = Number.isFinite(reset) && reset > 0 ? reset * 1000 : null;
    if (status === 429 || (code !== null && RATE_LIMITED_CODES.has(code))) {
      return new FeishuError(`rate limited (HTTP ${status}, code ${code}) ${msg}`, true, code, retryAfterMs);
    }
    if (status >= 500) return new FeishuError(`HTTP ${status} ${msg}`, true, code);
    if (code !== null && PERMANENT_CODES[code]) return new FeishuError(`${PERMANENT_CODES[code]} (${code}) ${msg}`, false, code);
    return new FeishuError(`HTTP ${status} code ${code} ${msg}`, false, code);
  }
  return new FeishuError(`error: ${(e as Error)?.message ?? String(e)}`, true, null);
}

function checkBody(res: unknown): Record<string, unknown> {
  const body = (res ?? {}) as { code?: number; msg?: string; data?: Record<string, unknown> };
  if (typeof body.code === 'number' && body.code !== 0) {
    const retryable = RATE_LIMITED_CODES.has(body.code);
    throw new FeishuError(`${PERMANENT_CODES[body.code] ?? 'Feishu error'} (${body.code}) ${body.msg ?? ''}`, retryable, body.code);
  }
  return body.data ?? {};
}

const silentLogger = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

export function createFeishuClient(opts: FeishuClientOptions): FeishuApi {
  // The SDK is loaded on the first call, not at start: it is most of the server's start-up time
  // (about 0.7 s) and memory (about 60 MiB), and an offline server never needs it.
  let clientP: Promise<lark.Client> | null = null;
  const sdk = () =>
    (clientP ??= import('@larksuiteoapi/node-sdk').then(
      (l) =>
        new l.Client({
          appId: opts.appId,
          appSecret: opts.appSecret,
          domain: opts.domain.replace(/\/+$/, ''),
          appType: l.AppType.SelfBuild,
          httpInstance: createFetchHttp({ timeoutMs: opts.timeoutMs ?? 10_000 }) as unknown as lark.HttpInstance,
          logger: silentLogger,
          loggerLevel: l.LoggerLevel.error,
        }),
    ));

  const call = async <T>(fn: () => Promise<T>): Promise<Record<string, unknown>> => {
    try {
      return checkBody(await fn());
    } catch (e) {
      throw classifyError(e);
    }
  };

  let tokenInFlight: Promise<unknown> | null = null;
  const prepare = async () => {
    tokenInFlight ??= sdk()
      .then((client) => client.tokenManager.getTenantAccessToken() as Promise<unknown>)
      .finally(() => (tokenInFlight = null));
    try {
      await tokenInFlight;
    } catch (e) {
      throw classifyError(e);
    }
  };

  return {
    prepare,
    async send(msg) {
      await prepare();
      const client = await sdk();
      const data = msg.replyTo
        ? await call(() =>
            client.im.message.reply({
              path: { message_id: msg.replyTo! },
              data: { content: msg.content, msg_type: msg.msgType, uuid: msg.uuid },
            }),
          )
        : await call(() =>
            client.im.message.create({
              params: { receive_id_type: msg.receiveIdType as 'chat_id' },
              data: { receive_id: msg.receiveId, msg_type: msg.msgType, content: msg.content, uuid: msg.uuid },
            }),
          );
      return { messageId: String(data.message_id ?? '') };
    },

    async openIdsByContact({ mobiles = [], emails = [] }) {
      const client = await sdk();
      const found = new Map<string, string>();
      for (let i = 0; i < Math.max(mobiles.length, emails.length); i += 50) {
        const data = await call(() =>
          client.contact.user.batchGetId({
            params: { user_id_type: 'open_id' },
            data: { mobiles: mobiles.slice(i, i + 50), emails: emails.slice(i, i + 50) },
          }),
        );
        for (const u of (data.user_list ?? []) as { user_id?: string; mobile?: string; email?: string }[]) {
          if (u.user_id) found.set(u.mobile ?? u.email ?? '', u.user_id);
        }
      }
      return found;
    },

    async botInfo() {
      await prepare();
      const client = await sdk();
      let res: unknown;
      try {
        res = await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' });
      } catch (e) {
        throw classifyError(e);
      }
      checkBody(res);
      // the bot object sits beside code, not under data
      const bot = ((res ?? {}) as { bot?: { open_id?: unknown; app_name?: unknown } }).bot;
      if (typeof bot?.open_id !== 'string' || !bot.open_id) throw new FeishuError('bot info without open_id', true, null);
      return { openId: bot.open_id, name: typeof bot.app_name === 'string' ? bot.app_name : '' };
    },

    async downloadFile(messageId, fileKey, maxBytes) {
      await prepare();
      const client = await sdk();
      try {
        const res = await client.im.messageResource.get({ path: { message_id: messageId, file_key: fileKey }, params: { type: 'file' } });
        const declared = Number((res.headers as Record<string, unknown> | undefined)?.['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          await (res.getReadableStream() as unknown as ReadableStream).cancel?.().catch(() => {});
          throw new FileTooLarge(maxBytes);
        }
        return await readCapped(res.getReadableStream(), maxBytes);
      } catch (e) {
        if (e instanceof FileTooLarge) throw e;
        throw classifyError(e);
      }
    },

    async getMessage(messageId) {
      await prepare();
      const client = await sdk();
      const data = await call(() => client.im.message.get({ path: { message_id: messageId } }));
      const item = ((data.items ?? []) as { msg_type?: unknown; body?: { content?: unknown }; chat_id?: unknown; deleted?: unknown }[])[0];
      if (!item || item.deleted === true || typeof item.msg_type !== 'string') return null;
      return {
        messageType: item.msg_type,
        content: typeof item.body?.content === 'string' ? item.body.content : '',
        chatId: typeof item.chat_id === 'string' ? item.chat_id : null,
      };
    },

    async uploadFile(name, bytes, fileType = 'stream') {
      const form = new FormData();
      form.append('file_type', fileType);
      form.append('file_name', name);
      form.append('file', new Blob([new Uint8Array(bytes)]), name);
      const token = await (await sdk()).tokenManager.getTenantAccessToken();
      const http = createFetchHttp({ timeoutMs: opts.timeoutMs ?? 30_000 });
      const data = await call(() =>
        http.post(`${opts.domain.replace(/\/+$/, '')}/open-apis/im/v1/files`, form, {
          headers: { Authorization: `Bearer ${token}` },
        }),
      );
      return String(data.file_key ?? '');
    },
  };
}
