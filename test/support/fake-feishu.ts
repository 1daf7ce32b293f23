// A fake Feishu Open API on 127.0.0.1 (random port): issues tokens, records messages (one per
// uuid, as Feishu's idempotency promises), and can be told to fail in every way FEISHU.md lists.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BOT_OPEN_ID } from './events';

export type FailMode = '500' | '429' | '230020' | '230002' | 'hang';

export interface SentMessage {
  uuid: string | undefined;
  receiveIdType: string | null;
  receiveId: string;
  replyTo: string | null;
  msgType: string;
  content: string;
  at: number;
  messageId: string;
}

export interface FakeFeishu {
  url: string;
  port: number;
  /** delivered messages, one per uuid */
  messages: SentMessage[];
  /** sends refused as too long (230025), as Feishu refuses them */
  tooLong: { msgType: string; bytes: number }[];
  /** every request, including failed and duplicate ones */
  calls: { method: string; path: string; at: number; status: number }[];
  tokenRequests: number;
  /** fail the next `times` message calls (or until `until` ms epoch) */
  fail(mode: FailMode, opts: { times?: number; until?: number; resetSeconds?: number }): void;
  /** Open IDs the contact API will return for these mobiles / emails */
  directory: Map<string, string>;
  uploads: { name: string; size: number }[];
  /** what GET /open-apis/bot/v3/info answers: the bot's open_id (null: the call fails with HTTP 500) */
  bot: { openId: string | null; appName: string };
  /** chats the bot was removed from (sends answer 230002) or that were dissolved (232009) */
  goneChats: Map<string, 'removed' | 'disbanded'>;
  /** extra unauthenticated routes (path → answer), e.g. the long connection's endpoint */
  routes: Map<string, (body: Buffer) => { status: number; body: unknown }>;
  /**
   * Files people sent, by message id (what GET .../messages/:id/resources/:key serves and
   * GET .../messages/:id describes); `denyResources`: downloads refused as without permission.
   */
  files: Map<string, { fileKey: string; name: string; bytes: Uint8Array; chatId: string; messageType?: string }>;
  denyResources: boolean;
  /** downloads served (message id, bytes) */
  downloads: { messageId: string; bytes: number }[];
  texts(chatId?: string): string[];
  /** stop listening (connection refused) and listen again on the same port */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeFeishu(opts: { botOpenId?: string | null } = {}): Promise<FakeFeishu> {
  const messages: SentMessage[] = [];
  const tooLong: { msgType: string; bytes: number }[] = [];
  const byUuid = new Map<string, SentMessage>();
  const calls: FakeFeishu['calls'] = [];
  const directory = new Map<string, string>();
  const uploads: FakeFeishu['uploads'] = [];
  const routes: FakeFeishu['routes'] = new Map();
  let failure: { mode: FailMode; times: number; until: number; resetSeconds: number } | null = null;
  let seq = 0;
  const hanging = new Set<ServerResponse>();

  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const shouldFail = () => {
    if (!failure) return null;
    const active = failure.times > 0 || Date.now() < failure.until;
    if (!active) {
      failure = null;
      return null;
    }
    failure.times--;
    return failure;
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const record = (status: number) => calls.push({ method: req.method ?? '', path: url.pathname, at: Date.now(), status });
    const refuse = (status: number, body: unknown, headers?: Record<string, string>) => {
      record(status);
      json(res, status, body, headers);
    };
    const p = url.pathname;

    const extra = routes.get(p);
    if (extra) {
      const r = extra(body);
      record(r.status);
      return json(res, r.status, r.body);
    }
    if (p === '/open-apis/auth/v3/tenant_access_token/internal') {
      fake.tokenRequests++;
      record(200);
      return json(res, 200, { code: 0, msg: 'ok', tenant_access_token: 't-fake-token', expire: 7200 });
    }
    if (req.headers.authorization !== 'Bearer t-fake-token') {
      record(400);
      return json(res, 400, { code: 99991663, msg: 'invalid token' });
    }
    if (p === '/open-apis/bot/v3/info' && req.method === 'GET') {
      if (!fake.bot.openId) return record(500), json(res, 500, { code: 500, msg: 'internal' });
      record(200);
      // FEISHU.md "The bot's own identity": the bot object sits beside code, not under data
      return json(res, 200, {
        code: 0,
        msg: 'ok',
        bot: { activate_status: 2, app_name: fake.bot.appName, avatar_url: 'https://example.invalid/a.png', ip_white_list: [], open_id: fake.bot.openId },
      });
    }
    if (p === '/open-apis/contact/v3/users/batch_get_id') {
      const q = JSON.parse(body.toString('utf8')) as { mobiles?: string[]; emails?: string[] };
      record(200);
      const user_list = [
        ...(q.mobiles ?? []).map((m) => ({ mobile: m, ...(directory.has(m) ? { user_id: directory.get(m) } : {}) })),
        ...(q.emails ?? []).map((e) => ({ email: e, ...(directory.has(e) ? { user_id: directory.get(e) } : {}) })),
      ];
      return json(res, 200, { code: 0, msg: 'success', data: { user_list } });
    }
    if (p === '/open-apis/im/v1/files') {
      const text = body.toString('latin1');
      const name = /filename="([^"]+)"/.exec(text)?.[1] ?? 'file';
      uploads.push({ name, size: body.length });
      record(200);
      return json(res, 200, { code: 0, msg: 'success', data: { file_key: `file_${uploads.length}` } });
    }
    // FEISHU.md "Downloading a file someone sent"
    const resource = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/.exec(p);
    if (resource && req.method === 'GET') {
      if (fake.denyResources) {
        return refuse(400, { code: 99991672, msg: 'Access denied. One of the following scopes is required: [im:message, im:message:readonly, im:resource].' });
      }
      const f = fake.files.get(decodeURIComponent(resource[1]!));
      if (!f || f.fileKey !== decodeURIComponent(resource[2]!) || url.searchParams.get('type') !== 'file') {
        return refuse(400, { code: 234003, msg: 'File not in msg.' });
      }
      record(200);
      fake.downloads.push({ messageId: resource[1]!, bytes: f.bytes.length });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(f.bytes.length) });
      return res.end(Buffer.from(f.bytes));
    }
    const oneMessage = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(p);
    if (oneMessage && req.method === 'GET') {
      const id = decodeURIComponent(oneMessage[1]!);
      const f = fake.files.get(id);
      if (!f) return refuse(400, { code: 230001, msg: 'invalid message_id' });
      record(200);
      const content = f.messageType && f.messageType !== 'file' ? JSON.stringify({ image_key: f.fileKey }) : JSON.stringify({ file_key: f.fileKey, file_name: f.name });
      return json(res, 200, {
        code: 0,
        msg: 'success',
        data: {
          items: [
            {
              message_id: id,
              msg_type: f.messageType ?? 'file',
              create_time: String(Date.now()),
              update_time: String(Date.now()),
              deleted: false,
              updated: false,
              chat_id: f.chatId,
              sender: { id: 'ou_sender', id_type: 'open_id', sender_type: 'user', tenant_key: 'tk' },
              body: { content },
            },
          ],
        },
      });
    }
    const reply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(p);
    if (p === '/open-apis/im/v1/messages' || reply) {
      const f = shouldFail();
      if (f) {
        if (f.mode === 'hang') {
          hanging.add(res);
          record(0);
          return;
        }
        if (f.mode === '500') return refuse(500, { code: 500, msg: 'internal' });
        if (f.mode === '429')
          return refuse(429, { code: 99991400, msg: 'rate limited' }, { 'x-ogw-ratelimit-reset': String(f.resetSeconds) });
        if (f.mode === '230020') return refuse(400, { code: 230020, msg: 'rate limited in chat' });
        if (f.mode === '230002') return refuse(400, { code: 230002, msg: 'Bot is not in the chat' });
      }
      const b = JSON.parse(body.toString('utf8')) as { receive_id?: string; msg_type: string; content: string; uuid?: string };
      const gone = url.searchParams.get('receive_id_type') === 'chat_id' && b.receive_id ? fake.goneChats.get(b.receive_id) : undefined;
      if (gone === 'removed') return record(400), json(res, 400, { code: 230002, msg: 'Bot is not in the chat' });
      if (gone === 'disbanded') return record(400), json(res, 400, { code: 232009, msg: 'chat is disbanded' });
      // Feishu's size limits: text 150 KB, card 30 KB (code 230025 content too long)
      const size = Buffer.byteLength(b.content ?? '', 'utf8');
      if ((b.msg_type === 'text' && size > 150 * 1024) || (b.msg_type === 'interactive' && size > 30 * 1024)) {
        tooLong.push({ msgType: b.msg_type, bytes: size });
        return record(400), json(res, 400, { code: 230025, msg: 'content too long' });
      }
      record(200);
      const known = b.uuid ? byUuid.get(b.uuid) : undefined;
      if (known) return json(res, 200, { code: 0, msg: 'success', data: { message_id: known.messageId } });
      const m: SentMessage = {
        uuid: b.uuid,
        receiveIdType: url.searchParams.get('receive_id_type'),
        receiveId: b.receive_id ?? '',
        replyTo: reply ? decodeURIComponent(reply[1]!) : null,
        msgType: b.msg_type,
        content: b.content,
        at: Date.now(),
        messageId: `om_fake_${++seq}`,
      };
      if (b.uuid) byUuid.set(b.uuid, m);
      messages.push(m);
      return json(res, 200, { code: 0, msg: 'success', data: { message_id: m.messageId, chat_id: m.receiveId } });
    }
    record(404);
    json(res, 404, { code: 404, msg: 'not found' });
  };

  let server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  const fake: FakeFeishu = {
    url: `http://127.0.0.1:${port}`,
    port,
    messages,
    tooLong,
    calls,
    tokenRequests: 0,
    directory,
    uploads,
    bot: { openId: opts.botOpenId === undefined ? BOT_OPEN_ID : opts.botOpenId, appName: '复核助手' },
    goneChats: new Map(),
    routes,
    files: new Map(),
    denyResources: false,
    downloads: [],
    fail(mode, { times = 0, until = 0, resetSeconds = 1 }) {
      failure = { mode, times, until, resetSeconds };
    },
    texts(chatId) {
      return messages
        .filter((m) => !chatId || m.receiveId === chatId || m.replyTo !== null)
        .map((m) => {
          const c = JSON.parse(m.content) as Record<string, unknown>;
          return m.msgType === 'text' ? String(c.text) : JSON.stringify(c);
        });
    },
    async down() {
      for (const r of hanging) r.destroy();
      hanging.clear();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    async up() {
      server = createServer((req, res) => void handler(req, res));
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
    async close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return fake;
}
