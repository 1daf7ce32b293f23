// The run keys and outbox uuids of scheduled messages (see src/jobs/run.ts on idempotency).
import { createHash } from 'node:crypto';

export const runKey = (townshipId: string, year: number, plannerKey: string): string => `${townshipId}:${year}:${plannerKey}`;

/** The outbox uuid of a run key's message (`part` > 0 for the further cards of a digest). */
export const outboxUuid = (key: string, part = 0): string =>
  createHash('sha256').update(part === 0 ? key : `${key}#${part}`).digest('hex').slice(0, 40);
