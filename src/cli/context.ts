// What every admin command needs: config, the database, the Feishu client (when configured),
// output, and the township it acts on.
import { loadConfig, isOnline, type Config } from '../config';
import { openSqlite, type SqliteDatabase } from '../store/sqlite';
import { createFeishuClient, type FeishuApi } from '../feishu/client';
import { listTownships } from '../store/township';

import { CliError } from './command';

export { CliError };

export interface CliContext {
  config: Config;
  d: SqliteDatabase;
  api: FeishuApi | null;
  out(line: string): void;
  err(line: string): void;
  /** asks a question on the terminal; absent when there is none to ask (piped, tests) */
  ask?: (prompt: string) => Promise<string>;
  /** the township chosen with --township, or the only one loaded */
  townshipId(chosen?: string): Promise<string>;
  actor: string;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  ask?: (prompt: string) => Promise<string>;
}

export function openCli(env: Record<string, string | undefined>, io: CliIo = { out: console.log, err: console.error }): CliContext {
  const config = loadConfig({ ...process.env, ...env });
  const d = openSqlite(config.DATABASE_PATH);
  const api = isOnline(config)
    ? createFeishuClient({ appId: config.FEISHU_APP_ID!, appSecret: config.FEISHU_APP_SECRET!, domain: config.FEISHU_DOMAIN })
    : null;
  return {
    config,
    d,
    api,
    out: io.out,
    err: io.err,
    ...(io.ask ? { ask: io.ask } : {}),
    actor: `cli:${env.USER ?? process.env.USER ?? 'office'}`,
    async townshipId(chosen) {
      const all = await listTownships(d);
      if (chosen) {
        if (!all.some((t) => t.id === chosen)) throw new CliError(`没有代码为 ${chosen} 的乡镇。已有：${all.map((t) => t.id).join('、') || '（无）'}`);
        return chosen;
      }
      if (all.length === 1) return all[0]!.id;
      if (all.length === 0) throw new CliError('数据库里还没有乡镇。请先运行：npm run cli -- init <township.json>');
      throw new CliError(`有多个乡镇（${all.map((t) => t.id).join('、')}），请用 --township <代码> 指定。`);
    },
  };
}
