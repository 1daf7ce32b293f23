// The admin CLI: `npm run cli -- <command>`. Bad input prints a clear error and exits non-zero,
// having written nothing.
import { CliError, resolveCommand, synopsis, usage, type CliCommand } from './command';
import type { CliContext, CliIo } from './context';
import { maskIdsInText } from '../core/idcard';
import { COMMANDS } from './commands/index';

export const USAGE = usage(COMMANDS);

export async function runCli(
  argv: string[],
  env: Record<string, string | undefined> = {},
  io: CliIo = { out: console.log, err: console.error },
  commands: readonly CliCommand[] = COMMANDS,
): Promise<number> {
  const io_ = io;
  // everything on the screen is masked like every other output: no full ID number on a terminal
  io = { ...io, out: (l) => io_.out(maskIdsInText(l)), err: (l) => io_.err(maskIdsInText(l)) };
  const r = resolveCommand(commands, argv);
  const all = commands === COMMANDS ? USAGE : usage(commands);
  if ('help' in r) {
    io.out(r.command ? `用法：${synopsis(r.command)}\n${r.command.help}` : all);
    return argv.length === 0 ? 2 : 0;
  }
  if ('error' in r) {
    // a known command used wrongly gets its own usage line; an unknown one the whole list
    io.err(r.command ? `${r.error}\n用法：${synopsis(r.command)}` : `${r.error}\n\n${all}`);
    return 2;
  }
  let cli: CliContext | null = null;
  try {
    // the database, the config and the Feishu client: loaded only when a command runs
    const { openCli } = await import('./context');
    cli = openCli(env, io);
    await r.command.run(cli, r.args, r.values);
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

/** Output to the terminal; questions (confirmations) only when there is a terminal to answer them. */
export async function terminalIo(): Promise<CliIo> {
  const { stdin, stdout } = await import('node:process');
  if (!stdin.isTTY) return { out: console.log, err: console.error };
  return {
    out: console.log,
    err: console.error,
    async ask(prompt: string) {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: stdin, output: stdout });
      try {
        return await rl.question(prompt);
      } finally {
        rl.close();
      }
    },
  };
}

/** The program: a `.env` in the working directory is read (as the server does), then the command runs. */
export async function cliMain(argv: string[]): Promise<number> {
  const { existsSync } = await import('node:fs');
  if (existsSync('.env')) process.loadEnvFile('.env');
  return runCli(argv, {}, await terminalIo());
}

// `tsx src/cli/main.ts …` (development); the installed bin and `npm run cli` go through bin/fupin.mjs
if (process.argv[1]?.replace(/\\/g, '/').endsWith('cli/main.ts')) process.exitCode = await cliMain(process.argv.slice(2));
