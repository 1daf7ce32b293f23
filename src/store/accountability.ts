// 追责: a household found wrongly identified after the campaign closed, flagged to the discipline
// committee with its 识别责任人 (DESIGN §7). One row per finding (source + source id).
import { accountability } from '../../db/schema/index';
import type { Database, Statement } from './database';

export interface AccountabilityFinding {
  townshipId: string;
  villageId: number;
  householdId: number;
  source: 'hit' | 'removal' | 'inspection' | 'open_hit';
  sourceId: number;
  finding: string;
  identificationOwner: string | null;
  foundAt: number;
}

export function recordAccountability(d: Database, f: AccountabilityFinding): Statement {
  return d.db.insert(accountability).values(f).onConflictDoNothing();
}
