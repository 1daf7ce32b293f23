// The long-connection receiver (Node only): the Lark SDK's WSClient opens a WebSocket to Feishu
// (no public address needed) and hands us each event frame, put back together from its parts.
// Every event goes through the same path as a webhook event (`receive`, src/receive.ts): the
// frame's {"code":200} goes back only after the inbox row is committed; a card callback's answer
// (toast / card) travels back in the frame's `data`. The SDK reconnects by the settings Feishu
// hands out with the endpoint (ReconnectCount / ReconnectInterval / ReconnectNonce).
//
// The SDK fails silently in two ways; both are checked and logged here:
// - `start()` does nothing but print one line unless the app id is `cli_` + 16 hex digits
//   (refused before start, `longConnectionProblem`);
// - an endpoint answer with an error code makes it give up (or, when the answer carries no
//   `data`, retry for ever on a TypeError): each code is logged with what to do, and the answer
//   is given a `data` so the SDK's own retry / give-up decision applies.
import type * as lark from '@larksuiteoapi/node-sdk';
import { decrypt } from './crypto';
import { envelopeSchema, type Envelope } from './events';
import { otherApp } from './replay';
import { createFetchHttp, type HttpRequest } from './http';
import type { Logger } from '../log';
import type { Received } from '../receive';

/** The only app ids WSClient.start() accepts. */
export const WS_APP_ID = /^cli_[0-9a-fA-F]{16}$/;

export interface LongConnectionConfig {
  FEISHU_APP_ID?: string;
  FEISHU_APP_SECRET?: string;
}

/** Why the long connection cannot start with this configuration (a message for the operator), or null. */
export function longConnectionProblem(c: LongConnectionConfig): string | null {
  if (!c.FEISHU_APP_ID || !c.FEISHU_APP_SECRET) {
    return 'FEISHU_CONNECTION=websocket 需要 FEISHU_APP_ID 和 FEISHU_APP_SECRET（开发者后台“凭证与基础信息”）：离线时不能用长连接。请填上两项，或去掉 FEISHU_CONNECTION 以离线运行。';
  }
  if (!WS_APP_ID.test(c.FEISHU_APP_ID)) {
    return `FEISHU_APP_ID 格式不对：长连接要求 cli_ 加 16 位十六进制字符（现在是 ${c.FEISHU_APP_ID.length} 个字符）。请从开发者后台“凭证与基础信息”复制 App ID。`;
  }
  return null;
}

/** What the endpoint's error codes mean (larksuite/node-sdk ws-client), and what to do. */
const ENDPOINT_CODES: Record<number, string> = {
  1: '飞书长连接服务繁忙，稍后会重试',
  403: '没有权限建立长连接：请在开发者后台“事件与回调”里选择“使用长连接接收事件”，并确认应用已发布',
  514: '应用 ID 或密钥不对：请核对 FEISHU_APP_ID / FEISHU_APP_SECRET',
  1000040343: '飞书长连接服务内部错误，稍后会重试',
  1000040350: '长连接数已达上限：同一个应用连接太多，请停掉多余的服务实例',
};
const RETRIED_CODE = 1000040343;

export interface ConnectionStatus {
  connected: boolean;
  /** the SDK gave up (a refused endpoint answer or its reconnect count used up): only a restart helps */
  failed: string | null;
  connects: number;
  disconnects: number;
  /** endpoint requests since the last disconnect */
  reconnectAttempts: number;
}

export interface LongConnection {
  status(): ConnectionStatus;
  /** /healthz: `{"ok":true,"connection":"websocket","connected":…}`; ok false once the SDK gave up */
  health(): { ok: boolean; connection: 'websocket'; connected: boolean; error?: string };
  close(): void;
}

export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  domain: string;
  /** to open an encrypted payload, should Feishu send one over the connection */
  encryptKey?: string;
  log: Logger;
  /** the shared receiver path; resolves once the event is stored, with the answer for the frame */
  receive(env: Envelope, json: string, now: number): Promise<Received>;
  /** abort a WebSocket handshake that hangs, so the SDK tries again (the SDK's default is none) */
  handshakeTimeoutMs?: number;
}

const text = (args: unknown[]) =>
  args
    .flat()
    .map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a)))
    .join(' ');

/** Parses what the SDK hands over into the envelope to store; null: not an event we can read. */
export function connectionEnvelope(data: unknown, encryptKey?: string): { envelope: Envelope; json: string } | null {
  let body = data;
  if (body && typeof body === 'object' && typeof (body as { encrypt?: unknown }).encrypt === 'string') {
    if (!encryptKey) return null;
    try {
      body = JSON.parse(decrypt((body as { encrypt: string }).encrypt, encryptKey));
    } catch {
      return null;
    }
  }
  // The connection is the authentication: the header's token is empty, and no signature exists.
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) return null;
  return { envelope: parsed.data, json: JSON.stringify(body) };
}

export function startLongConnection(o: LongConnectionOptions): LongConnection {
  const problem = longConnectionProblem({ FEISHU_APP_ID: o.appId, FEISHU_APP_SECRET: o.appSecret });
  if (problem) throw new Error(problem);
  const { log } = o;
  const st = { connects: 0, disconnects: 0, attempts: 0, failed: null as string | null, downSince: 0, everConnected: false };

  // The endpoint request goes through here: count attempts, explain error codes.
  const http = createFetchHttp({ timeoutMs: 15_000 });
  const request = async (req: HttpRequest) => {
    const endpoint = req.url?.endsWith('/callback/ws/endpoint') ?? false;
    if (endpoint && st.everConnected) {
      st.attempts++;
      log.info('飞书长连接正在重连', { attempt: st.attempts, disconnects: st.disconnects });
    }
    const res = (await http.request(req)) as { code?: unknown; msg?: unknown; data?: unknown } | undefined;
    if (endpoint && res && typeof res === 'object' && res.code !== 0) {
      const code = Number(res.code);
      log.error(`飞书长连接的接入点拒绝了连接：${ENDPOINT_CODES[code] ?? '未知错误，请检查应用配置'}`, {
        code: res.code,
        msg: String(res.msg ?? ''),
        retry: code === RETRIED_CODE,
      });
      if (res.data === undefined || res.data === null) return { ...res, data: {} };
    }
    return res;
  };

  // The SDK is loaded here, after the server listens (it takes about 0.7 s to load).
  let client: lark.WSClient | null = null;
  let closed = false;
  const create = (l: typeof lark) => new l.WSClient({
    appId: o.appId,
    appSecret: o.appSecret,
    domain: o.domain.replace(/\/+$/, ''),
    httpInstance: { ...http, request } as unknown as lark.HttpInstance,
    loggerLevel: l.LoggerLevel.warn,
    logger: {
      error: (...a: unknown[]) => log.warn(`[飞书 SDK] ${text(a)}`),
      warn: (...a: unknown[]) => log.warn(`[飞书 SDK] ${text(a)}`),
      info: () => {},
      debug: () => {},
      trace: () => {},
    },
    handshakeTimeoutMs: o.handshakeTimeoutMs ?? 15_000,
    onReady: () => {
      st.connects++;
      st.everConnected = true;
      log.info('飞书长连接已连接，开始接收事件', { connects: st.connects });
    },
    onReconnecting: () => {
      st.disconnects++;
      st.attempts = 0;
      st.downSince = Date.now();
      log.warn('飞书长连接断开了，正在重连（断开期间消息照常从发件箱发出）', { disconnects: st.disconnects });
    },
    onReconnected: () => {
      st.connects++;
      log.info('飞书长连接已恢复', {
        connects: st.connects,
        disconnects: st.disconnects,
        attempts: st.attempts,
        downSeconds: Math.round((Date.now() - st.downSince) / 1000),
      });
      st.attempts = 0;
    },
    onError: (e: Error) => {
      st.failed = e.message;
      log.error('飞书长连接已放弃，收不到事件了：请按上面的提示修正配置后重启服务', { error: e.message, connects: st.connects, disconnects: st.disconnects });
    },
  });

  // The SDK calls invoke(envelope, {needCheck:false}) with the raw envelope (an SDK internal,
  // covered by test/feishu/long-connection.test.ts) and waits for it before acknowledging:
  // store and return at once; a throw makes the SDK answer 500, so Feishu delivers it again.
  const dispatcher = {
    async invoke(data: unknown): Promise<Received | undefined> {
      const got = connectionEnvelope(data, o.encryptKey);
      if (!got) {
        log.warn('长连接收到无法识别的事件，已忽略');
        return undefined;
      }
      // The connection was opened with our app's credentials, so this is a safeguard: an event
      // naming another app in header.app_id is acknowledged and dropped, never processed.
      if (otherApp(got.envelope, o.appId)) {
        log.warn('长连接收到发给其他应用的事件（header.app_id 不是 FEISHU_APP_ID），已忽略', {
          eventId: got.envelope.header.event_id,
          eventType: got.envelope.header.event_type,
        });
        return undefined;
      }
      return (await o.receive(got.envelope, got.json, Date.now())) ?? undefined;
    },
  };
  void import('@larksuiteoapi/node-sdk')
    .then((l) => {
      if (closed) return;
      client = create(l);
      void client.start({ eventDispatcher: dispatcher as unknown as lark.EventDispatcher });
    })
    .catch((e: unknown) => {
      st.failed = `无法加载飞书 SDK：${(e as Error).message}`;
      log.error(st.failed);
    });

  const status = (): ConnectionStatus => ({
    connected: client?.getConnectionStatus().state === 'connected',
    failed: st.failed,
    connects: st.connects,
    disconnects: st.disconnects,
    reconnectAttempts: st.attempts,
  });
  return {
    status,
    health() {
      const s = status();
      return s.failed
        ? { ok: false, connection: 'websocket', connected: false, error: `长连接已放弃：${s.failed}` }
        : { ok: true, connection: 'websocket', connected: s.connected };
    },
    close: () => {
      closed = true;
      client?.close({ force: true });
    },
  };
}
