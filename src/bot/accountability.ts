// Sends the 追责 cards of findings a handler has just recorded (src/jobs/kinds/accountability.ts),
// once its write is committed: the card names the finding by its row, so the row must exist
// first. A failure here is harmless: the next scheduled run sends what is left, once.
import type { BotContext } from './context';
import type { Database } from '../store/database';
import type { Logger } from '../log';
import { runJobs } from '../jobs/run';

const quiet: Logger = { info() {}, warn() {}, error() {} };

/** Queues the committee's cards of every finding of the township not yet sent. */
export const queueAccountabilityCards = (d: Database, townshipId: string, now: Date, log: Logger = quiet) =>
  runJobs(d, now, log, { townshipId, kinds: ['accountability'] });

/** After this handler's write: the cards of the findings it recorded. */
export function sendAccountabilityCards(ctx: BotContext) {
  const t = ctx.township;
  if (!t) return;
  ctx.whenCommitted(async () => {
    await queueAccountabilityCards(ctx.d, t.id, ctx.now);
  });
}
