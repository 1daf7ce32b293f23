// Start-up of the compiled program against Node itself, in the same run (this machine is noisy):
//   baseline  `node -e "require('better-sqlite3')"`: Node starting and loading the native module
//   help      `node bin/fupin.mjs --help` (the installed `fupin` bin, dist/ already built)
//   help/tsx  `node --import tsx src/cli/main.ts --help`: the sources through tsx, as before the build
//   restart   `node <npm start's flags> dist/node.js` on an existing database (migrated, example
//             loaded by an earlier start) until GET /healthz answers 200
//   idle RSS  the same server 5 s after it answered, offline (no Feishu credentials), and online:
//             credentials set, FEISHU_DOMAIN a stub on 127.0.0.1 answering the tenant token and
//             the bot's info (the Lark SDK is then loaded)
// Each measured `runs` times, medians reported. Run `npm run build` first (npm ci does).
//   npx tsx bench/startup.ts [runs=7]
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.argv[2] ?? 7);
const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
// the node flags of `npm start` (after the build step), so the bench measures what starts
const startFlags = /node ((?:--\S+ )*)dist\/node\.js/.exec(pkg.scripts.start!)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? [];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function timeProcess(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return performance.now() - t;
}

const dir = mkdtempSync(join(tmpdir(), 'fupin-startup-'));
const env = { ...process.env, DATABASE_PATH: join(dir, 'startup.sqlite'), HOST: '127.0.0.1', FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', SEED_EXAMPLE: 'auto' };

// a stand-in for the Open Platform: the two calls a server makes when it starts online
const stub = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url?.startsWith('/open-apis/auth/v3/tenant_access_token')) res.end(JSON.stringify({ code: 0, msg: 'ok', tenant_access_token: 't-bench', expire: 7200 }));
  else if (req.url?.startsWith('/open-apis/bot/v3/info')) res.end(JSON.stringify({ code: 0, msg: 'ok', bot: { open_id: 'ou_bench_bot', app_name: '扶贫复核助手' } }));
  else res.end(JSON.stringify({ code: 0, msg: 'ok', data: {} }));
});
await new Promise<void>((r) => stub.listen(0, '127.0.0.1', () => r()));
const online = {
  FEISHU_APP_ID: 'cli_bench',
  FEISHU_APP_SECRET: 'secret',
  FEISHU_DOMAIN: `http://127.0.0.1:${(stub.address() as AddressInfo).port}`,
};

async function startServer(port: number, extra: Record<string, string> = {}) {
  const t = performance.now();
  const child = spawn(process.execPath, [...startFlags, 'dist/node.js'], { cwd: root, env: { ...env, ...extra, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (performance.now() - t > 30_000) throw new Error('server did not answer /healthz in 30 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  return { child, ms: performance.now() - t };
}
const stop = (child: ReturnType<typeof spawn>) => new Promise<void>((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGTERM'))));
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

try {
  const port = 3800 + Math.floor(Math.random() * 100);
  // first start: migrates and loads the example township (not measured)
  await stop((await startServer(port)).child);
  const baseline: number[] = [];
  const help: number[] = [];
  const helpTsx: number[] = [];
  const restart: number[] = [];
  const rss: number[] = [];
  const rssOnline: number[] = [];
  for (let i = 0; i < runs; i++) {
    baseline.push(timeProcess(['-e', "require('better-sqlite3')"]));
    help.push(timeProcess(['bin/fupin.mjs', '--help']));
    helpTsx.push(timeProcess(['--import', 'tsx', 'src/cli/main.ts', '--help']));
    const s = await startServer(port);
    restart.push(s.ms);
    await new Promise((r) => setTimeout(r, 5000));
    rss.push(rssMiB(s.child.pid!));
    await stop(s.child);
    const so = await startServer(port, online);
    await new Promise((r) => setTimeout(r, 5000));
    rssOnline.push(rssMiB(so.child.pid!));
    await stop(so.child);
  }
  const b = median(baseline);
  const h = median(help);
  console.log(
    JSON.stringify({
      runs,
      loadavg: loadavg().map((x) => Number(x.toFixed(2))),
      startFlags: startFlags.join(' '),
      baselineMs: Number(b.toFixed(1)),
      helpMs: Number(h.toFixed(1)),
      helpRatio: Number((h / b).toFixed(2)),
      helpTsxMs: Number(median(helpTsx).toFixed(1)),
      helpTsxRatio: Number((median(helpTsx) / b).toFixed(2)),
      restartMs: Number(median(restart).toFixed(0)),
      restartMaxMs: Number(Math.max(...restart).toFixed(0)),
      restartRatio: Number((median(restart) / b).toFixed(2)),
      idleRssMiB: Number(median(rss).toFixed(1)),
      idleRssMaxMiB: Number(Math.max(...rss).toFixed(1)),
      idleRssOnlineMiB: Number(median(rssOnline).toFixed(1)),
      idleRssOnlineMaxMiB: Number(Math.max(...rssOnline).toFixed(1)),
      targets: { helpRatio: 3, restartMs: 1000, idleRssMiB: 120 },
    }),
  );
} finally {
  stub.close();
  rmSync(dir, { recursive: true, force: true });
}
