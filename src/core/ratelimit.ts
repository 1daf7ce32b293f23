// Sliding-window pacing for Feishu's send limits (FEISHU.md "Limits"): 50/s and 1000/min
// per app, 5/s into one chat or to one user. Pure: time is passed in; `reserve` books the
// earliest instant at which one more send stays within every window.
export interface Window {
  limit: number;
  ms: number;
}

// The one-per-interval windows spread sends evenly: a burst of 50 fired at once arrives spread
// over time and can straddle Feishu's window edges; an even stream cannot.
export const FEISHU_APP_WINDOWS: Window[] = [
  { limit: 50, ms: 1000 },
  { limit: 1000, ms: 60_000 },
  { limit: 1, ms: 20 },
];
export const FEISHU_TARGET_WINDOWS: Window[] = [
  { limit: 5, ms: 1000 },
  { limit: 1, ms: 200 },
];

/** Sorted send times of one key, pruned to the longest window. */
class Log {
  times: number[] = [];
  head = 0;
  prune(before: number) {
    while (this.head < this.times.length && this.times[this.head]! <= before) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
  /** earliest t ≥ at such that fewer than w.limit entries lie in (t - w.ms, t] */
  earliest(at: number, w: Window): number {
    const n = this.times.length - this.head;
    if (n < w.limit) return at;
    // entry that must leave the window: the (n - limit + 1)-th from the end
    const blocking = this.times[this.times.length - w.limit]!;
    return Math.max(at, blocking + w.ms);
  }
  insert(t: number) {
    let i = this.times.length;
    while (i > this.head && this.times[i - 1]! > t) i--;
    this.times.splice(i, 0, t);
  }
}

export interface PacerSnapshot {
  app: number[];
  targets: Record<string, number[]>;
  pausedUntil: number;
}

export class SendPacer {
  private app = new Log();
  private targets = new Map<string, Log>();
  private pausedUntil = 0;

  constructor(
    private appWindows: Window[] = FEISHU_APP_WINDOWS,
    private targetWindows: Window[] = FEISHU_TARGET_WINDOWS,
    /** margin added to each window (10% of it, at most this) so jitter never counts 6 in a second at the server */
    private maxMarginMs = 100,
  ) {}

  /** Feishu said "wait": nothing is booked before `until`. */
  pause(until: number) {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  private logOf(target: string): Log {
    let log = this.targets.get(target);
    if (!log) {
      log = new Log();
      this.targets.set(target, log);
    }
    return log;
  }

  /** Earliest instant ≥ now at which one more send to `target` stays within every window. */
  earliest(target: string, now: number): number {
    const log = this.logOf(target);
    const longest = Math.max(...this.appWindows.map((w) => w.ms), ...this.targetWindows.map((w) => w.ms));
    this.app.prune(now - longest - this.maxMarginMs);
    log.prune(now - longest - this.maxMarginMs);
    const widen = (w: Window) => ({ limit: w.limit, ms: w.ms + Math.min(this.maxMarginMs, w.ms / 10) });
    let t = Math.max(now, this.pausedUntil);
    // Iterate to a fixed point: pushing t for one window can never break another (all monotone).
    for (let changed = true; changed; ) {
      changed = false;
      for (const w of this.appWindows) {
        const e = this.app.earliest(t, widen(w));
        if (e > t) {
          t = e;
          changed = true;
        }
      }
      for (const w of this.targetWindows) {
        const e = log.earliest(t, widen(w));
        if (e > t) {
          t = e;
          changed = true;
        }
      }
    }
    if (this.targets.size > 10_000) this.forgetIdle(now - longest);
    return t;
  }

  /** Records a send at `at`. */
  record(target: string, at: number) {
    this.app.insert(at);
    this.logOf(target).insert(at);
  }

  /** Books the earliest allowed instant for a send (planning ahead, e.g. in tests). */
  reserve(target: string, now: number): number {
    const t = this.earliest(target, now);
    this.record(target, t);
    return t;
  }

  /**
   * Waits until a send to `target` is allowed by the sends actually made, then records it.
   * Checking at the moment of sending (not at planning time) means a late timer can delay a
   * send but never crowd several into one window.
   */
  async acquire(target: string, clock: () => number = Date.now): Promise<void> {
    for (;;) {
      const now = clock();
      const t = this.earliest(target, now);
      if (t <= now) return this.record(target, now);
      await new Promise((r) => setTimeout(r, t - now));
    }
  }

  /**
   * The sends that still count against a window at `now`, to carry the pacing over a restart
   * (the Workers outbox object saves it between invocations: an evicted object that comes back
   * within a minute must still see the minute's sends).
   */
  snapshot(now: number): PacerSnapshot {
    const longest = Math.max(...this.appWindows.map((w) => w.ms), ...this.targetWindows.map((w) => w.ms)) + this.maxMarginMs;
    const recent = (log: Log) => log.times.slice(log.head).filter((t) => t > now - longest);
    const targetLongest = Math.max(...this.targetWindows.map((w) => w.ms)) + this.maxMarginMs;
    const targets: Record<string, number[]> = {};
    for (const [k, log] of this.targets) {
      const times = log.times.slice(log.head).filter((t) => t > now - targetLongest);
      if (times.length > 0) targets[k] = times;
    }
    return { app: recent(this.app), targets, pausedUntil: this.pausedUntil };
  }

  /** Takes back the sends of a snapshot (see `snapshot`). */
  restore(s: PacerSnapshot) {
    for (const t of s.app) this.app.insert(t);
    for (const [k, times] of Object.entries(s.targets)) for (const t of times) this.logOf(k).insert(t);
    this.pause(s.pausedUntil);
  }

  private forgetIdle(before: number) {
    for (const [k, log] of this.targets) if (log.times[log.times.length - 1]! <= before) this.targets.delete(k);
  }
}
