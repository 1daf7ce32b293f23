// A scheduled job kind (DESIGN §7): one file under src/jobs/kinds/ says when it is due, what it
// reads beyond the shared snapshot, how it plans today's messages (pure), the card each message
// is sent as, and any rows written with it; src/jobs/kinds/index.ts lists them. The runner
// (src/jobs/run.ts) knows no kind by name.
import type { Database, Statement } from '../store/database';
import type { TownshipRow } from '../store/township';
import type { CampaignConfig } from '../core/campaign';
import type { JobsDue, MessageBase, PlanInput } from '../core/planner';
import type { Card } from '../feishu/card';

export interface CardContext {
  township: TownshipRow;
  config: CampaignConfig;
  /** person id → name, for the ids the kind's `names` asked for */
  names: Record<string, string>;
}

export interface JobKind<M extends MessageBase & { kind: string }, X = undefined> {
  kind: M['kind'];
  /** whether the kind can be due at all at this time of day (else its reads are skipped) */
  due(due: JobsDue): boolean;
  /** whether the shared snapshot must carry the members (the largest read); default no */
  needsMembers?(d: Database, t: TownshipRow, due: JobsDue): Promise<boolean>;
  /** what the kind reads beyond the shared snapshot; its plan gets it as `extra` */
  read?(d: Database, t: TownshipRow, now: Date): Promise<X>;
  /** today's messages: pure, `now` in the input; the runner drops keys already queued */
  plan(input: PlanInput, extra: X | undefined): M[];
  /** person ids whose names the cards show */
  names?(m: M): number[];
  card(m: M, ctx: CardContext): Card[];
  /** rows written in the same atomic write as the message */
  writes?(d: Database, t: TownshipRow, m: M): Statement[];
}

/** Any job kind, as the runner holds them. */
// biome-ignore lint/suspicious/noExplicitAny: the list holds kinds of different message and input types; each is only ever called with its own messages
export type AnyJobKind = JobKind<any, any>;

export const defineJob = <M extends MessageBase & { kind: string }, X = undefined>(j: JobKind<M, X>): JobKind<M, X> => j;
