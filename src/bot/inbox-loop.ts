// The Node server's inbox processor: one loop, woken when an event is accepted, working through
// pending rows in order and yielding to the event loop after each, so acknowledging new
// requests always comes before processing old ones.
import { claimEvents } from '../store/inbox';
import { processRow, type BotDeps } from './dispatch';

const yieldToIo = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class InboxLoop {
  private running: Promise<void> | null = null;
  private again = false;
  private lastKick = 0;

  /**
   * @param busyShare while events keep arriving (one within `busyWindowMs`), processing takes at
   * most this share of the time, so a flood is acknowledged first and worked off afterwards.
   */
  constructor(
    private deps: BotDeps,
    private busyShare = 0.2,
    private busyWindowMs = 5,
  ) {}

  kick() {
    this.lastKick = performance.now();
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => (this.running = null));
  }

  private async run() {
    do {
      this.again = false;
      for (;;) {
        await yieldToIo();
        const rows = await claimEvents(this.deps.d, Date.now(), { limit: 100 });
        if (rows.length === 0) break;
        for (const row of rows) {
          const t0 = performance.now();
          await processRow(this.deps, row);
          const spent = performance.now() - t0;
          if (performance.now() - this.lastKick < this.busyWindowMs) await sleep((spent * (1 - this.busyShare)) / this.busyShare);
          else await yieldToIo();
        }
      }
    } while (this.again);
  }

  /** Resolves when the loop is idle. */
  async idle() {
    while (this.running) await this.running;
  }
}
