// A fake Feishu long-connection gateway on 127.0.0.1, speaking what larksuite/node-sdk's
// ws-client speaks: `POST /callback/ws/endpoint` (served by the fake Feishu, since the SDK asks
// FEISHU_DOMAIN) hands out a ws:// URL and the client settings; the WebSocket server exchanges
// pbbp2 protobuf frames: it answers pings with pongs, sends events (in `sum` parts when asked) and
// reads each acknowledgement (the frame sent back with `biz_rt` and a {"code":…} payload).
import { WebSocketServer, type WebSocket } from 'ws';
import protobuf from 'protobufjs';
import type { AddressInfo } from 'node:net';
import type { FakeFeishu } from './fake-feishu';

// SeqID / LogID are uint64 in the SDK's schema; declared uint32 here (the same varint on the
// wire, and the values stay small) so the fake does not depend on which Long class protobufjs
// has been given by whoever loaded it first (the SDK bundles its own protobuf runtime).
const PROTO = `
syntax = "proto2";
package pbbp2;
message Header { required string key = 1; required string value = 2; }
message Frame {
  required uint32 SeqID = 1; required uint32 LogID = 2; required int32 service = 3; required int32 method = 4;
  repeated Header headers = 5; optional string payloadEncoding = 6; optional string payloadType = 7;
  optional bytes payload = 8; optional string LogIDNew = 9;
}`;
const Frame = protobuf.parse(PROTO).root.lookupType('pbbp2.Frame');
const CONTROL = 0;
const DATA = 1;
const SERVICE_ID = 7;

export interface RawFrame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
}

export const encodeFrame = (f: RawFrame) => Frame.encode(Frame.fromObject(f)).finish();
export const decodeFrame = (b: Uint8Array) => Frame.toObject(Frame.decode(b), { defaults: true }) as RawFrame;
const header = (f: RawFrame, key: string) => f.headers.find((h) => h.key === key)?.value;

export interface Ack {
  /** the frame's message_id header */
  frameId: string;
  code: number;
  /** `data`, base64-decoded and parsed: a card callback's answer */
  data: unknown;
  bizRt: string | undefined;
  /** ms from sending the event's last part to reading the acknowledgement */
  ms: number;
}

export interface ClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

export interface SendOptions {
  /** fragments (`sum`); default 1 */
  parts?: number;
  /** send the fragments last first */
  reverse?: boolean;
  frameId?: string;
  /** the frame's `type` header; default `event` */
  type?: string;
}

export interface FakeGateway {
  /** endpoint requests: what the client sent */
  endpointCalls: { AppID?: string; AppSecret?: string }[];
  /** every WebSocket connection accepted, in order */
  connections: number;
  pings: number;
  acks: Ack[];
  /** answer the endpoint requests with this code (and no data, as Feishu does) until `accept()` */
  refuse(code: number, msg?: string): void;
  accept(): void;
  /** the settings handed out with the endpoint and in each pong (seconds) */
  config: ClientConfig;
  /** resolves when a client is connected and listening (its first ping arrived), at once if one is */
  connected(timeoutMs?: number): Promise<void>;
  /** sends one event envelope in `parts` fragments; resolves with its acknowledgement */
  send(envelope: unknown, opts?: SendOptions & { timeoutMs?: number }): Promise<Ack>;
  /** sends without waiting: the acknowledgement arrives in `acks` */
  push(envelope: unknown, opts?: SendOptions): string;
  /** sends a raw frame to the client */
  raw(frame: RawFrame): void;
  /** drops the current connection from the server side (the client sees it closed) */
  drop(): void;
  close(): Promise<void>;
}

let frameSeq = 0;
const nextFrameId = () => `frame_${++frameSeq}_${Date.now().toString(36)}`;

export async function startFakeGateway(fake: FakeFeishu, config: Partial<ClientConfig> = {}): Promise<FakeGateway> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const wsPort = (wss.address() as AddressInfo).port;
  let socket: WebSocket | null = null;
  // The SDK attaches its frame listener just after the socket opens; its first ping (sent on
  // open) arriving here means it is listening.
  let ready = false;
  let refusal: { code: number; msg: string } | null = null;
  const waitingConnect: (() => void)[] = [];
  const waitingAck = new Map<string, (a: Ack) => void>();
  const sentAt = new Map<string, number>();

  const gw: FakeGateway = {
    endpointCalls: [],
    connections: 0,
    pings: 0,
    acks: [],
    config: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 0.2, ReconnectNonce: 0, ...config },
    refuse(code, msg = 'refused') {
      refusal = { code, msg };
    },
    accept() {
      refusal = null;
    },
    connected(timeoutMs = 10_000) {
      if (socket && ready && socket.readyState === socket.OPEN) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no long connection')), timeoutMs);
        waitingConnect.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    },
    push(envelope, opts = {}) {
      return sendEvent(envelope, opts);
    },
    send(envelope, { timeoutMs = 5000, ...opts } = {}) {
      const frameId = opts.frameId ?? nextFrameId();
      return new Promise<Ack>((resolve, reject) => {
        const t = setTimeout(() => {
          waitingAck.delete(frameId);
          reject(new Error(`no acknowledgement for ${frameId}`));
        }, timeoutMs);
        waitingAck.set(frameId, (a) => {
          clearTimeout(t);
          resolve(a);
        });
        sendEvent(envelope, { ...opts, frameId });
      });
    },
    raw(frame) {
      if (!socket) throw new Error('no client connected');
      socket.send(encodeFrame(frame));
    },
    drop() {
      socket?.terminate();
      socket = null;
    },
    async close() {
      fake.routes.delete('/callback/ws/endpoint');
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };

  function sendEvent(envelope: unknown, { parts = 1, reverse = false, frameId = nextFrameId(), type = 'event' }: SendOptions): string {
    if (!socket) throw new Error('no client connected');
    const bytes = Buffer.from(JSON.stringify(envelope), 'utf8');
    const size = Math.ceil(bytes.length / parts);
    for (let i = 0; i < parts; i++) {
      const seq = reverse ? parts - 1 - i : i;
      if (i === parts - 1) sentAt.set(frameId, performance.now());
      socket.send(
        encodeFrame({
          SeqID: seq,
          LogID: frameSeq,
          service: SERVICE_ID,
          method: DATA,
          headers: [
            { key: 'type', value: type },
            { key: 'message_id', value: frameId },
            { key: 'sum', value: String(parts) },
            { key: 'seq', value: String(seq) },
            { key: 'trace_id', value: `trace_${frameId}` },
          ],
          payload: bytes.subarray(seq * size, Math.min(bytes.length, (seq + 1) * size)),
        }),
      );
    }
    return frameId;
  }

  fake.routes.set('/callback/ws/endpoint', (body) => {
    const req = JSON.parse(body.toString('utf8')) as { AppID?: string; AppSecret?: string };
    gw.endpointCalls.push(req);
    if (refusal) return { status: 200, body: { code: refusal.code, msg: refusal.msg } };
    return {
      status: 200,
      body: {
        code: 0,
        msg: 'ok',
        // the SDK reads device_id / service_id by parsing the whole URL as a query string
        data: { URL: `ws://127.0.0.1:${wsPort}/ws?fpid=1&device_id=dev_${gw.endpointCalls.length}&service_id=${SERVICE_ID}`, ClientConfig: gw.config },
      },
    };
  });

  wss.on('connection', (ws) => {
    gw.connections++;
    socket?.terminate();
    socket = ws;
    ready = false;
    ws.on('message', (buf: Buffer) => {
      const f = decodeFrame(new Uint8Array(buf));
      if (f.method === CONTROL && header(f, 'type') === 'ping') {
        gw.pings++;
        if (ws === socket && !ready) {
          ready = true;
          for (const w of waitingConnect.splice(0)) w();
        }
        ws.send(
          encodeFrame({
            SeqID: 0,
            LogID: 0,
            service: f.service,
            method: CONTROL,
            headers: [{ key: 'type', value: 'pong' }],
            payload: Buffer.from(JSON.stringify(gw.config)),
          }),
        );
        return;
      }
      if (f.method !== DATA) return;
      const frameId = header(f, 'message_id') ?? '';
      const answer = JSON.parse(Buffer.from(f.payload ?? []).toString('utf8')) as { code: number; data?: string };
      const ack: Ack = {
        frameId,
        code: answer.code,
        data: answer.data ? JSON.parse(Buffer.from(answer.data, 'base64').toString('utf8')) : undefined,
        bizRt: header(f, 'biz_rt'),
        ms: performance.now() - (sentAt.get(frameId) ?? performance.now()),
      };
      sentAt.delete(frameId);
      gw.acks.push(ack);
      const w = waitingAck.get(frameId);
      waitingAck.delete(frameId);
      w?.(ack);
    });
    ws.on('close', () => {
      if (socket === ws) socket = null;
    });
  });

  return gw;
}
