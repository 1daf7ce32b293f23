// The Node server's inbox processor: one loop, woken when an event is accepted, working through
// pending rows in order and yielding to the event loop after each, so acknowledging new
// requests always comes before processing old ones. While events keep arriving (a flood), it
// works off one row per `busyIntervalMs` and catches up as soon as the flood stops: Feishu's
// 3-second answer deadline applies to the acknowledgement, not to the reply.
import { claimEvents } from '../store/inbox';
import { processRow, type BotDeps } from './dispatch';

const yieldToIo = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class InboxLoop {
  private running: Promise<void> | null = null;
  private again = false;
  private lastKick = 0;

  /** busy: an event arrived within `busyWindowMs` */
  constructor(
    private deps: BotDeps,
    private busyIntervalMs = 100,
    private busyWindowMs = 20,
  ) {}

  /** No event arrived for a while: a good moment for housekeeping such as WAL checkpoints. */
  quietFor(ms: number) {
    return performance.now() - this.lastKick >= ms;
  }

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
        const rows = await claimEvents(this.deps.d, Date.now(), { limit: 20 });
        if (rows.length === 0) break;
        for (const row of rows) {
          await processRow(this.deps, row);
          if (!this.quietFor(this.busyWindowMs)) await sleep(this.busyIntervalMs);
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
