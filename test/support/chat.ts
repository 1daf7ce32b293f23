// Driving the bot through its chat in a test: a message or a button press through the signed
// webhook, then settle, then what the fake Feishu received; and reading the SQLite file.
import { expect } from 'vitest';
import type { Harness } from './harness';
import { cardEnvelope, messageEnvelope } from './events';

/** A text message's text, a card's JSON as sent. */
export const textOf = (m: { msgType: string; content: string }) => (m.msgType === 'text' ? (JSON.parse(m.content).text as string) : m.content);

export interface CardCallbackAnswer {
  toast?: { type: string; content: string };
  card?: { type: string; data: Record<string, unknown> };
}

/** `harness` is read at each call (tests start it in beforeAll); `chat` is the default chat. */
export function chatDriver(harness: () => Harness, chat: string) {
  const sqlite = () => harness().server.d.sqlite;
  /** Sends a message and returns every message the bot sent because of it. */
  async function say(text: string, openId: string, chatId = chat, extra: Partial<Parameters<typeof messageEnvelope>[0]> = {}) {
    const h = harness();
    const before = h.fake.messages.length;
    expect((await h.post(messageEnvelope({ text, openId, chatId, ...extra }))).status).toBe(200);
    await h.settle();
    return h.fake.messages.slice(before);
  }
  /** Sends a message that gets exactly one answer, and returns its text. */
  async function sayText(text: string, openId: string, chatId = chat) {
    const out = await say(text, openId, chatId);
    expect(out).toHaveLength(1);
    return textOf(out[0]!);
  }
  /** Presses a card button (with a form's values) and returns the callback's answer. */
  async function press(openId: string, value: Record<string, unknown>, form?: Record<string, unknown>, chatId = chat): Promise<CardCallbackAnswer> {
    const h = harness();
    const res = await h.post(cardEnvelope({ openId, chatId, value, form }), '/feishu/card');
    expect(res.status).toBe(200);
    const body = await res.json();
    await h.settle();
    return body as CardCallbackAnswer;
  }
  const one = <T = Record<string, unknown>>(sql: string, ...args: unknown[]) => sqlite().prepare(sql).get(...args) as T;
  const n = (sql: string, ...args: unknown[]) => (sqlite().prepare(sql).get(...args) as { n: number }).n;
  return { say, sayText, press, one, n, sqlite };
}
