// What an admin command is: one definition (name, arguments, options, help line, run) from which
// the usage text is generated and the options are parsed. This file loads nothing heavy, so
// `fupin --help` starts in a few tens of milliseconds; each command imports its own code when run.
import { parseArgs } from 'node:util';
import type { CliContext } from './context';
import { isValidCalendarDate } from '../core/dates';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Every option any command takes, once: its kind, what its value looks like, what it means. */
export const OPTIONS = {
  township: { type: 'string', value: '<代码>', help: '数据库中有多个乡镇时指定乡镇' },
  village: { type: 'string', value: '<村名>', help: '只看一个村' },
  'skip-invalid': { type: 'boolean', help: '跳过有错的行，导入其余的' },
  rejects: { type: 'string', value: '<文件>', help: '把被拒的行写到这个文件' },
  all: { type: 'boolean', help: '全部列出' },
  errors: { type: 'boolean', help: '只列出无法识别或处理失败的' },
  limit: { type: 'string', value: '<N>', help: '最多列出 N 条' },
  at: { type: 'string', value: '<时间>', help: '按这个时间运行，如 2026-12-11T09:10（不写时区按北京时间）' },
  yes: { type: 'boolean', help: '不再要求确认' },
  backup: { type: 'string', value: '<文件>', help: '先备份到这个文件' },
} as const satisfies Record<string, OptionSpec>;
interface OptionSpec {
  type: 'string' | 'boolean';
  /** how the value is shown in the usage */
  value?: string;
  help: string;
}
export type OptionName = keyof typeof OPTIONS;

/** The parsed options a command declared: strings and booleans, `at` already checked. */
export type CliValues = { [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export interface CliCommand {
  /** one or two words, e.g. `init`, `import households` */
  name: string;
  /** the arguments as shown in the usage, e.g. `<township.json>` */
  args?: string;
  options?: readonly OptionName[];
  /** one line of Chinese saying what it does */
  help: string;
  /** `args` are the positionals after the name; the context is opened for it */
  run(cli: CliContext, args: string[], values: CliValues): Promise<unknown>;
}

/** Commands that take `--township` take it implicitly: every command that acts on one township. */
const COMMON: readonly OptionName[] = ['township'];

/**
 * `--at` and the like: a date-time without an offset is China Standard Time, whatever the
 * machine's zone; with an offset (`+08:00`, `Z`) it is taken as written.
 */
export function parseCstInstant(text: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const [, date, time = '00:00', zone = '+08:00'] = m;
  if (!isValidCalendarDate(date)) return null;
  const d = new Date(`${date}T${time}${zone}`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Width on a terminal: CJK characters take two columns. */
const width = (s: string) => [...s].reduce((n, ch) => n + ((ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1), 0);
const pad = (s: string, to: number) => s + ' '.repeat(Math.max(1, to - width(s)));

/** `hits [--all] [--limit <N>]` */
export function synopsis(c: CliCommand): string {
  const opts = (c.options ?? []).map((o) => {
    const spec: OptionSpec = OPTIONS[o];
    return `[--${o}${spec.value ? ` ${spec.value}` : ''}]`;
  });
  return [c.name, c.args, ...opts].filter(Boolean).join(' ');
}

/** The time a command runs at: now, or `--at` (China time unless it says otherwise). */
export function cliInstant(at: string | undefined): Date {
  if (at === undefined) return new Date();
  const d = parseCstInstant(at);
  if (!d) throw new CliError(AT_ERROR(at), 2);
  return d;
}
const AT_ERROR = (at: string) => `--at 须为时间，如 2026-12-11T09:10（不写时区按北京时间）或 2026-12-11T09:10+08:00；收到：${at}`;

export function usage(commands: readonly CliCommand[]): string {
  const lines = ['扶贫复核助手 管理命令（npm run cli -- <命令>，或 fupin <命令>）'];
  for (const c of commands) {
    const head = `  ${synopsis(c)}`;
    lines.push(width(head) <= 44 ? pad(head, 46) + c.help : `${head}\n${' '.repeat(46)}${c.help}`);
  }
  lines.push('', '选项：');
  for (const [name, spec] of Object.entries(OPTIONS) as [OptionName, OptionSpec][]) {
    lines.push(pad(`  --${name}${spec.value ? ` ${spec.value}` : ''}`, 28) + spec.help);
  }
  return lines.join('\n');
}

export type Resolved =
  | { command: CliCommand; args: string[]; values: CliValues }
  | { help: true; command?: CliCommand }
  | { error: string; command?: CliCommand };

/** Finds the command (longest name first) and parses only the options it declares. */
export function resolveCommand(commands: readonly CliCommand[], argv: string[]): Resolved {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return { help: true };
  const all: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [o, spec] of Object.entries(OPTIONS)) all[o] = { type: spec.type };
  const words = parseArgs({ args: argv, options: all, allowPositionals: true, strict: false }).positionals;
  const byName = new Map(commands.map((c) => [c.name, c]));
  const two = byName.get(words.slice(0, 2).join(' '));
  const command = two ?? byName.get(words[0] ?? '');
  if (!command) return { error: `未知命令：${words.slice(0, 2).join(' ') || argv.join(' ')}` };
  if (argv.includes('--help') || argv.includes('-h')) return { help: true, command };
  const allowed = new Set<OptionName>([...COMMON, ...(command.options ?? [])]);
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const o of allowed) options[o] = { type: OPTIONS[o].type };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const { code, message } = e as { code?: string; message: string };
    const opt = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
    const error =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `${command.name} 没有选项 ${opt}`
        : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
          ? message.includes('argument missing')
            ? `选项 ${opt} 后面要写值`
            : `选项 ${opt} 后面不用写值`
          : code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
            ? `${command.name} 多了参数`
            : `选项有误（${opt || command.name}），请对照用法`;
    return { command, error };
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (typeof values.at === 'string') {
    const at = parseCstInstant(values.at);
    if (!at) return { command, error: AT_ERROR(values.at) };
    values.at = at.toISOString();
  }
  if (typeof values.limit === 'string' && !/^[1-9]\d{0,5}$/.test(values.limit)) {
    return { command, error: `--limit 须为正整数（1 到 999999）；收到：${values.limit}` };
  }
  const nameWords = command.name.split(' ').length;
  return { command, args: parsed.positionals.slice(nameWords), values: values as CliValues };
}
