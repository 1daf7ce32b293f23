// The admin CLI's registry: one definition per command gives the usage, the options it accepts
// and `--at` read as China time; the installed bin runs the compiled CLI.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../src/cli/main';
import { COMMANDS } from '../../src/cli/commands/index';
import { parseCstInstant, type CliCommand } from '../../src/cli/command';
import { tempDbPath } from '../support/harness';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe('admin commands from one registry', () => {
  it('lists every registered command in --help, generated from the definitions', async () => {
    const c = capture();
    expect(await runCli(['--help'], { DATABASE_PATH: tempDbPath() }, c.io)).toBe(0);
    const help = c.out.join('\n');
    for (const cmd of COMMANDS) expect(help).toContain(`  ${cmd.name}`);
    expect(help).toContain('--township <代码>');
  });

  it('refuses an option the command does not take, with that command’s usage, and touches nothing', async () => {
    const c = capture();
    expect(await runCli(['hits', '--yes'], { DATABASE_PATH: tempDbPath() }, c.io)).toBe(2);
    expect(c.err.join('\n')).toBe('hits 没有选项 --yes\n用法：hits [--all] [--limit <N>]');
  });

  it('reads --at as China time unless it carries an offset, and refuses an impossible date', async () => {
    expect(parseCstInstant('2026-12-11T09:10')?.toISOString()).toBe('2026-12-11T01:10:00.000Z');
    expect(parseCstInstant('2026-12-11')?.toISOString()).toBe('2026-12-10T16:00:00.000Z');
    expect(parseCstInstant('2026-12-11T09:10Z')?.toISOString()).toBe('2026-12-11T09:10:00.000Z');
    expect(parseCstInstant('2026-12-11T09:10+08:00')?.toISOString()).toBe('2026-12-11T01:10:00.000Z');
    expect(parseCstInstant('2026-02-30T09:00')).toBeNull();
    expect(parseCstInstant('12-11')).toBeNull();
    const c = capture();
    expect(await runCli(['export', 'report', 'x.xlsx', '--at', '2026-02-30'], { DATABASE_PATH: tempDbPath() }, c.io)).toBe(2);
    expect(c.err[0]).toContain('--at 须为时间');
    expect(c.err[0]).toContain('用法：export report <输出.xlsx> [--at <时间>]');
  });

  it('passes the same instant to every command that takes --at', async () => {
    const seen: unknown[] = [];
    const fake: CliCommand[] = [
      { name: 'a one', options: ['at'], help: 'x', run: async (_c, _a, v) => void seen.push(v.at) },
      { name: 'b', options: ['at'], help: 'y', run: async (_c, _a, v) => void seen.push(v.at) },
    ];
    const c = capture();
    expect(await runCli(['a', 'one', '--at', '2026-12-20T09:30'], { DATABASE_PATH: tempDbPath() }, c.io, fake)).toBe(0);
    expect(await runCli(['--at', '2026-12-20T09:30', 'b'], { DATABASE_PATH: tempDbPath() }, c.io, fake)).toBe(0);
    expect(seen).toEqual(['2026-12-20T01:30:00.000Z', '2026-12-20T01:30:00.000Z']);
  });

  it('answers an unknown command with the whole list', async () => {
    const c = capture();
    expect(await runCli(['frobnicate'], { DATABASE_PATH: tempDbPath() }, c.io)).toBe(2);
    expect(c.err.join('\n')).toContain('未知命令：frobnicate');
    expect(c.err.join('\n')).toContain('import households');
  });

  it('runs compiled JavaScript through the bin (no TypeScript loader in the process)', () => {
    const r = spawnSync(process.execPath, ['bin/fupin.mjs', '--help'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('扶贫复核助手 管理命令');
    const probe = spawnSync(process.execPath, ['-e', "import('./dist/cli/cli.js').then(m => console.log(typeof m.runCli))"], { encoding: 'utf8' });
    expect(probe.stdout.trim()).toBe('function');
  });
});
