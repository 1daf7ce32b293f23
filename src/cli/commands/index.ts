// Every admin command, in the order `--help` lists them. A command is one entry here; its code
// is imported only when it runs (the usage needs none of it). Options are declared per command
// and described once in ../command.ts; `--township` is accepted by all.
import type { CliCommand } from '../command';

export const COMMANDS: readonly CliCommand[] = [
  {
    name: 'init',
    args: '<township.json>',
    help: '载入或更新乡镇、村、人员、角色和群（库里只有自动载入的示例时，替换掉示例）',
    run: async (cli, [file]) => (await import('./township')).initCommand(cli, file),
  },
  {
    name: 'township remove',
    args: '<代码>',
    options: ['yes', 'backup'],
    help: '删除一个乡镇及其全部数据（先备份；不加 --yes 时要求输入两次代码）',
    run: async (cli, [code], v) => (await import('./township')).townshipRemoveCommand(cli, code, { yes: v.yes, backup: v.backup }),
  },
  {
    name: 'import households',
    args: '<花名册.xlsx|csv>',
    options: ['skip-invalid', 'rejects'],
    help: '导入花名册（户、成员、身份证号逐个校验）',
    run: async (cli, [file], v) =>
      (await import('./township')).importHouseholdsCommand(cli, file, { skipInvalid: v['skip-invalid'], rejects: v.rejects, township: v.township }),
  },
  {
    name: 'import department',
    args: '<部门> <名单.xlsx|csv>',
    options: ['skip-invalid', 'rejects'],
    help: '导入县直部门比对名单（公安 房管 财政 人社 交管 工商 残联 民政 住建），整体替换该部门原名单',
    run: async (cli, [department, file], v) =>
      (await import('./crosscheck')).importDepartmentCommand(cli, department, file, { skipInvalid: v['skip-invalid'], rejects: v.rejects, township: v.township }),
  },
  {
    name: 'crosscheck',
    options: ['at'],
    help: '六个不纳入比对：全部成员 × 在用名单，新线索入库（不重复）',
    run: async (cli, _args, v) => (await import('./crosscheck')).crosscheckCommand(cli, { township: v.township, at: v.at }),
  },
  {
    name: 'hits',
    options: ['all', 'limit'],
    help: '查看比对线索（默认只列待处理的）',
    run: async (cli, _args, v) => (await import('./crosscheck')).hitsCommand(cli, { township: v.township, all: v.all, limit: v.limit }),
  },
  {
    name: 'hit confirm',
    args: '<编号> <理由>',
    help: '确认线索（该户清退），通知村工作群',
    run: async (cli, [id, ...reason], v) => (await import('./crosscheck')).hitDecisionCommand(cli, 'confirm', id, reason, { township: v.township }),
  },
  {
    name: 'hit dismiss',
    args: '<编号> <理由>',
    help: '排除线索（写明理由），通知村工作群',
    run: async (cli, [id, ...reason], v) => (await import('./crosscheck')).hitDecisionCommand(cli, 'dismiss', id, reason, { township: v.township }),
  },
  {
    name: 'export households',
    args: '<输出.xlsx>',
    help: '导出花名册',
    run: async (cli, [out], v) => (await import('./township')).exportHouseholdsCommand(cli, out, { township: v.township }),
  },
  {
    name: 'export helpers',
    args: '<输出.xlsx>',
    options: ['village', 'at'],
    help: '导出帮扶情况（年终绩效考核用）',
    run: async (cli, [out], v) => (await import('./helpers')).exportHelpersCommand(cli, out, { township: v.township, village: v.village, at: v.at }),
  },
  {
    name: 'audit',
    options: ['village', 'limit'],
    help: '查看修改记录',
    run: async (cli, _args, v) => (await import('./audit')).auditCommand(cli, { village: v.village, township: v.township, limit: v.limit }),
  },
  {
    name: 'jobs run',
    options: ['at'],
    help: '运行到期的定时任务（提醒、逾期通报、每日进度），已发送的不重发',
    run: async (cli, _args, v) => (await import('./jobs')).jobsRunCommand(cli, { at: v.at, township: v.township }),
  },
  {
    name: 'export report',
    args: '<输出.xlsx>',
    options: ['at'],
    help: '导出上报县扶贫移民局的复核报表（含完整身份证号），记为“报表已导出”',
    run: async (cli, [out], v) => (await import('./report')).exportReportCommand(cli, out, { township: v.township, at: v.at }),
  },
  {
    name: 'archive',
    args: '<存档目录>',
    options: ['at'],
    help: '存档备查：报表、花名册、修改记录、佐证清单和 SHA-256 清单，记为“已存档”',
    run: async (cli, [folder], v) => (await import('./report')).archiveCommand(cli, folder, { township: v.township, at: v.at }),
  },
  {
    name: 'archive check',
    args: '<存档目录>',
    help: '按 manifest.json 核对存档文件是否被改动',
    run: async (cli, [folder]) => (await import('./report')).archiveCheckCommand(cli, folder),
  },
  {
    name: 'backup',
    args: '<备份文件.sqlite>',
    help: '服务运行时在线备份数据库（恢复方法见 docs/OPERATIONS.md）',
    run: async (cli, [file]) => (await import('./report')).backupCommand(cli, file),
  },
  {
    name: 'inbox',
    options: ['errors', 'limit'],
    help: '收到的飞书事件：按状态计数；--errors 列出无法识别或处理失败的事件及原因',
    run: async (cli, _args, v) => (await import('./inbox')).inboxCommand(cli, { errors: v.errors, limit: v.limit }),
  },
];
