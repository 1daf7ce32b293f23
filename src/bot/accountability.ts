// Sends the 追责 cards of findings a handler has just recorded (src/jobs/kinds/accountability.ts),
// once its write is committed: the card names the finding by its row, so the row must exist
// first. A failure here is harmless: the next scheduled run sends what is left, once.
import type { BotContext } from './context';
import type { Database } from '../store/database';
import type { Logger } from '../log';
import { runJobs } from '../jobs/run';

const quiet: Logger = { info() {}, warn() {}, error() {} };

/**
 * Queues the committee's cards of every finding of the township not yet sent. `statementBudget`
 * bounds one call's writes (a handler on Workers: within D1's per-invocation limits); what is left
 * is queued by the next scheduled run, each card once.
 */
export const queueAccountabilityCards = (d: Database, townshipId: string, now: Date, o: { log?: Logger; statementBudget?: number } = {}) =>
  runJobs(d, now, o.log ?? quiet, { townshipId, kinds: ['accountability'], ...(o.statementBudget !== undefined ? { statementBudget: o.statementBudget } : {}) });

/** A handler's share: the cards of what it just recorded, and a few left from before. */
const HANDLER_BUDGET = 100;

/** After this handler's write: the cards of the findings it recorded. */
export function sendAccountabilityCards(ctx: BotContext) {
  const t = ctx.township;
  if (!t) return;
  ctx.whenCommitted(async () => {
    await queueAccountabilityCards(ctx.d, t.id, ctx.now, { statementBudget: HANDLER_BUDGET });
  });
}
