// The admin CLI: `npm run cli -- <command>`. Bad input prints a clear error and exits non-zero,
// having written nothing.
import { parseArgs } from 'node:util';
import { CliError, openCli, type CliContext, type CliIo } from './context';
import { auditCommand, exportHouseholdsCommand, importHouseholdsCommand, initCommand, townshipRemoveCommand } from './commands/township';
import { crosscheckCommand, hitDecisionCommand, hitsCommand, importDepartmentCommand } from './commands/crosscheck';
import { jobsRunCommand } from './commands/jobs';
import { inboxCommand } from './commands/inbox';
import { exportHelpersCommand } from './commands/helpers';
import { archiveCheckCommand, archiveCommand, backupCommand, exportReportCommand } from './commands/report';

export const USAGE = `扶贫复核助手 管理命令 (npm run cli -- <命令>)
  init <township.json>                      载入或更新乡镇、村、人员、角色和群（库里只有自动载入的示例时，替换掉示例）
  township remove <代码> [--yes] [--backup 文件]
                                            删除一个乡镇及其全部数据（先备份；不加 --yes 时要求输入两次代码）
  import households <花名册.xlsx|csv> [--skip-invalid] [--rejects 文件]
  import department <部门> <名单.xlsx|csv> [--skip-invalid] [--rejects 文件]
                                            导入县直部门比对名单（公安 房管 财政 人社 交管 工商 残联 民政 住建），整体替换该部门原名单
  crosscheck [--at <ISO 时间>]               六个不纳入比对：全部成员 × 在用名单，新线索入库（不重复）
  hits [--all] [--limit N]                  查看比对线索（默认只列待处理的）
  hit confirm <编号> <理由> / hit dismiss <编号> <理由>
                                            确认线索（该户清退）或排除线索，通知村工作群
  export households <输出.xlsx>
  export helpers <输出.xlsx> [--village 村名]   导出帮扶情况（年终绩效考核用）
  audit [--village 村名] [--limit N]        查看修改记录
  jobs run [--at <ISO 时间>]                运行到期的定时任务（提醒、逾期通报、每日进度），已发送的不重发
  export report <输出.xlsx>                 导出上报县扶贫移民局的复核报表（含完整身份证号），记为“报表已导出”
  archive <存档目录>                        存档备查：报表、花名册、修改记录、佐证清单和 SHA-256 清单，记为“已存档”
  archive check <存档目录>                  按 manifest.json 核对存档文件是否被改动
  backup <备份文件.sqlite>                  服务运行时在线备份数据库（恢复方法见 docs/OPERATIONS.md）
  inbox [--errors] [--limit N]              收到的飞书事件：按状态计数；--errors 列出无法识别或处理失败的事件及原因
通用选项：--township <代码>（数据库中有多个乡镇时）`;

const parseCli = (args: string[]) =>
  parseArgs({
    args,
    allowPositionals: true,
    options: {
      township: { type: 'string' },
      village: { type: 'string' },
      'skip-invalid': { type: 'boolean' },
      all: { type: 'boolean' },
      errors: { type: 'boolean' },
      rejects: { type: 'string' },
      limit: { type: 'string' },
      at: { type: 'string' },
      yes: { type: 'boolean' },
      backup: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });

export async function runCli(argv: string[], env: Record<string, string | undefined> = {}, io: CliIo = { out: console.log, err: console.error }): Promise<number> {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(argv);
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [cmd, sub, ...rest] = parsed.positionals;
  const v = parsed.values;
  if (!cmd || v.help) {
    io.out(USAGE);
    return v.help ? 0 : 2;
  }
  let cli: CliContext | null = null;
  try {
    cli = openCli(env, io);
    const key = `${cmd} ${sub ?? ''}`.trim();
    if (cmd === 'init') await initCommand(cli, sub);
    else if (key === 'township remove') await townshipRemoveCommand(cli, rest[0], { yes: v.yes, backup: v.backup });
    else if (key === 'import households') await importHouseholdsCommand(cli, rest[0], { skipInvalid: v['skip-invalid'], rejects: v.rejects, township: v.township });
    else if (key === 'import department') await importDepartmentCommand(cli, rest[0], rest[1], { skipInvalid: v['skip-invalid'], rejects: v.rejects, township: v.township });
    else if (cmd === 'crosscheck') await crosscheckCommand(cli, { township: v.township, at: v.at });
    else if (cmd === 'hits') await hitsCommand(cli, { township: v.township, all: v.all, limit: v.limit });
    else if (key === 'hit confirm' || key === 'hit dismiss') await hitDecisionCommand(cli, sub as 'confirm' | 'dismiss', rest[0], rest.slice(1), { township: v.township });
    else if (key === 'export households') await exportHouseholdsCommand(cli, rest[0], { township: v.township });
    else if (key === 'export helpers') await exportHelpersCommand(cli, rest[0], { township: v.township, village: v.village, at: v.at });
    else if (cmd === 'audit') await auditCommand(cli, { village: v.village, township: v.township, limit: v.limit });
    else if (key === 'jobs run') await jobsRunCommand(cli, { at: v.at, township: v.township });
    else if (key === 'export report') await exportReportCommand(cli, rest[0], { township: v.township, at: v.at });
    else if (key === 'archive check') await archiveCheckCommand(cli, rest[0]);
    else if (cmd === 'archive') await archiveCommand(cli, sub, { township: v.township, at: v.at });
    else if (cmd === 'backup') await backupCommand(cli, sub);
    else if (cmd === 'inbox' && !sub) await inboxCommand(cli, { errors: v.errors, limit: v.limit });
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

const isMain = process.argv[1]?.replace(/\\/g, '/').endsWith('cli/main.ts');
if (isMain) {
  const { stdin, stdout } = await import('node:process');
  const ask = stdin.isTTY
    ? async (prompt: string) => {
        const { createInterface } = await import('node:readline/promises');
        const rl = createInterface({ input: stdin, output: stdout });
        try {
          return await rl.question(prompt);
        } finally {
          rl.close();
        }
      }
    : undefined;
  process.exitCode = await runCli(process.argv.slice(2), {}, { out: console.log, err: console.error, ...(ask ? { ask } : {}) });
}
