// First start without Feishu credentials and with an empty database: load the example township
// and roster so a newcomer sees a working bot at once.
import { resolve } from 'node:path';
import { projectPath } from '../paths';
import type { Database } from '../store/database';
import type { Logger } from '../log';
import { listTownships } from '../store/township';
import { auditLog } from '../../db/schema/index';
import { loadTownshipFile } from './schema';
import { loadTownship } from './load';
import { readRoster } from '../import/roster';
import { importRoster } from './roster-store';

export const EXAMPLES_DIR = projectPath('examples');

export async function loadExample(d: Database, actor = 'seed'): Promise<string> {
  const parsed = await loadTownshipFile(resolve(EXAMPLES_DIR, 'township.json'));
  if (!parsed.ok) throw new Error(`examples/township.json: ${parsed.errors.join('; ')}`);
  const loaded = await loadTownship(d, parsed.value, { api: null, actor, source: 'seed:examples/township.json' });
  const roster = await readRoster(resolve(EXAMPLES_DIR, 'roster.csv'), { villages: parsed.value.villages.map((v) => v.name) });
  if (!roster.ok) throw new Error(`examples/roster.csv: ${roster.errors.map((e) => e.reason).join('; ')}`);
  await importRoster(d, loaded.townshipId, roster.households, { actor, source: 'seed:examples/roster.csv' });
  return loaded.townshipId;
}

/**
 * Loads the example when the database is empty (no township, and none ever removed: a
 * `township remove` leaves its audit entry, so the example does not come back); says so in the log.
 */
export async function seedIfEmpty(d: Database, log: Logger): Promise<boolean> {
  if ((await listTownships(d)).length > 0) return false;
  if ((await d.db.select({ id: auditLog.id }).from(auditLog).limit(1)).length > 0) return false;
  const id = await loadExample(d);
  log.info(`数据库为空：已载入示例乡镇 examples/township.json（${id}）和示例花名册 examples/roster.csv。正式使用前请运行 npm run cli -- init <你的 township.json>。`);
  return true;
}
