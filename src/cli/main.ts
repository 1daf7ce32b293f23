// The admin CLI: `npm run cli -- <command>`. Bad input prints a clear error and exits non-zero,
// having written nothing.
import { parseArgs } from 'node:util';
import { CliError, openCli, type CliContext } from './context';
import { auditCommand, exportHouseholdsCommand, importHouseholdsCommand, initCommand } from './commands/township';

export const USAGE = `扶贫复核助手 管理命令 (npm run cli -- <命令>)
  init <township.json>                      载入或更新乡镇、村、人员、角色和群
  import households <花名册.xlsx|csv> [--skip-invalid] [--rejects 文件]
  export households <输出.xlsx>
  audit [--village 村名] [--limit N]        查看修改记录
通用选项：--township <代码>（数据库中有多个乡镇时）`;

export async function runCli(argv: string[], env: Record<string, string | undefined> = {}, io = { out: console.log, err: console.error }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        township: { type: 'string' },
        village: { type: 'string' },
        'skip-invalid': { type: 'boolean' },
        rejects: { type: 'string' },
        limit: { type: 'string' },
        at: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [cmd, sub, ...rest] = parsed.positionals;
  const v = parsed.values;
  if (!cmd || v.help) {
    io.out(USAGE);
    return cmd ? 0 : 2;
  }
  let cli: CliContext | null = null;
  try {
    cli = openCli(env, io);
    const key = `${cmd} ${sub ?? ''}`.trim();
    if (cmd === 'init') await initCommand(cli, sub);
    else if (key === 'import households') await importHouseholdsCommand(cli, rest[0], { skipInvalid: v['skip-invalid'], rejects: v.rejects, township: v.township });
    else if (key === 'export households') await exportHouseholdsCommand(cli, rest[0], { township: v.township });
    else if (cmd === 'audit') await auditCommand(cli, { village: v.village, township: v.township, limit: v.limit });
    else {
      io.err(`未知命令：${[cmd, sub].filter(Boolean).join(' ')}\n\n${USAGE}`);
      return 2;
    }
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      io.err(e.message);
      return e.exitCode;
    }
    io.err(`出错：${(e as Error).message}`);
    return 1;
  } finally {
    cli?.d.close?.();
  }
}

const isMain = process.argv[1]?.replace(/\\/g, '/').endsWith('cli/main.ts') || process.argv[1]?.endsWith('fupin.mjs');
if (isMain) process.exitCode = await runCli(process.argv.slice(2), {});
