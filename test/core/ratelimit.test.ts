import { describe, it, expect } from 'vitest';
import { SendPacer } from '../../src/core/ratelimit';
import { maxInWindow } from '../support/windows';

describe('SendPacer', () => {
  it('never books more than 5 per second into one chat', () => {
    const p = new SendPacer();
    const times = Array.from({ length: 20 }, () => p.reserve('oc_a', 0));
    expect(maxInWindow(times, 1000)).toBe(5);
    expect(times[5]).toBeGreaterThanOrEqual(1000);
    // evenly spread: one every 220 ms (200 ms plus a 10% margin), so 20 messages take about 4.2 s
    expect(Math.max(...times)).toBe(19 * 220);
  });

  it('keeps the app within 50/s and 1000/min over 2,000 messages to 100 chats', () => {
    const p = new SendPacer();
    const times: number[] = [];
    for (let i = 0; i < 2000; i++) times.push(p.reserve(`oc_${i % 100}`, 0));
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(50);
    expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(1000);
    const perChat = new Map<string, number[]>();
    for (const [i, t] of times.entries()) perChat.set(`oc_${i % 100}`, [...(perChat.get(`oc_${i % 100}`) ?? []), t]);
    for (const ts of perChat.values()) expect(maxInWindow(ts, 1000)).toBeLessThanOrEqual(5);
    // The floor is 79 s: 1000 in bursts over 19 s, then the minute window opens at 60 s; within 5%.
    const last = Math.max(...times);
    expect(last).toBeGreaterThanOrEqual(79_000);
    expect(last).toBeLessThan(79_000 * 1.05);
  });

  it('waits when Feishu asks it to', () => {
    const p = new SendPacer();
    p.pause(7000);
    expect(p.reserve('oc_a', 100)).toBe(7000);
  });

  it('carries the sends of the last minute over a restart through its snapshot (the Workers outbox object saves it)', () => {
    const p = new SendPacer();
    const times: number[] = [];
    for (let i = 0; i < 1000; i++) times.push(p.reserve(`oc_${i % 300}`, 0));
    const now = Math.max(...times) + 1;
    const restored = new SendPacer();
    restored.restore(JSON.parse(JSON.stringify(p.snapshot(now))));
    // the 1,000 of this minute are still counted: the next send waits for the window to open
    expect(restored.earliest('oc_new', now)).toBeGreaterThanOrEqual(60_000);
    expect(restored.earliest('oc_new', now)).toBe(p.earliest('oc_new', now));
    // a fresh pacer would have sent at once
    expect(new SendPacer().earliest('oc_new', now)).toBe(now);
  });
});
