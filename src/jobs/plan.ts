// Every message due at `now` (pure): each job kind's plan over one input. `extras` holds what the
// kinds with a `read` read for themselves, by kind; a kind without its extra plans from the
// shared input alone.
import type { PlanInput } from '../core/planner';
import { JOBS, jobOf, type PlannedMessage } from './kinds/index';
import type { AnyJobKind, CardContext } from './job';
import type { Card } from '../feishu/card';

export type { PlannedMessage } from './kinds/index';

export function planJobs(input: PlanInput, extras: Partial<Record<string, unknown>> = {}, kinds: readonly AnyJobKind[] = JOBS): PlannedMessage[] {
  return kinds.flatMap((j): PlannedMessage[] => j.plan(input, extras[j.kind] as never));
}

/** The cards a planned message is sent as (several for a large digest). */
export const cardsOf = (m: PlannedMessage, ctx: CardContext): Card[] => jobOf(m).card(m, ctx);
