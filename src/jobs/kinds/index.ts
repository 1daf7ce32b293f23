// The scheduled job kinds, in the order their messages are queued. A new kind is one file in
// this folder and one line here.
import type { AnyJobKind } from '../job';
import { reminderJob } from './reminder';
import { overdueJob } from './overdue';
import { escalationJob } from './escalation';
import { digestJob } from './digest';
import { dutyJob } from './duty';
import { dutyOverdueJob } from './duty-overdue';
import { dutyHelperJob } from './duty-helper';
import { dutyWeeklyJob } from './duty-weekly';
import { accountabilityJob } from './accountability';

export const JOBS = [reminderJob, overdueJob, escalationJob, digestJob, dutyJob, dutyOverdueJob, dutyHelperJob, dutyWeeklyJob, accountabilityJob] as const;

/** A message any kind plans (narrowed by `kind`). */
export type PlannedMessage = ReturnType<(typeof JOBS)[number]['plan']>[number];

const byKind = new Map<string, AnyJobKind>(JOBS.map((j) => [j.kind, j]));
export const jobOf = (m: PlannedMessage): AnyJobKind => byKind.get(m.kind) as AnyJobKind;
