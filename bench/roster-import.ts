// Roster import at county scale in bounded memory (issue 14 §6): 30,000 households, 90,000
// members, as CSV and as xlsx, through `import households` — the CLI's own code path (runCli) —
// each in its own child process (the township set up before by an `init` process of its own),
// peak RSS (maxRSS) and time measured there, against a floor
// measured in the same run: the same file read by the bare row reader (src/sheet, no checks)
// and its rows bulk-inserted into households and members with prepared statements in one
// transaction.
//
//   npx tsx bench/roster-import.ts            generate, measure, print, delete the data
//   npx tsx bench/roster-import.ts --keep     keep the generated files (the path is printed)
//   npx tsx bench/roster-import.ts --before   also run /work/main's CLI (the code before, for the record)
//
// Targets: peak RSS of the import process ≤ 256 MiB, time ≤ 4× the floor, for each format.
// Exit code 1 when a target is missed or the database does not hold 30,000 / 90,000 after.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { makeIdCard } from '../src/core/idcard';
import type { RosterHousehold } from '../src/import/roster';
import { writeRosterCsv, writeRosterXlsx } from '../src/import/roster';
import { runCli } from '../src/cli/main';

const HOUSEHOLDS = 30_000;
const PER = 3;
const RSS_TARGET_MIB = 256;
const RATIO_TARGET = 4;
const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const TOWNSHIP = join(ROOT, 'examples/township.json');
const VILLAGES = ['石门村', '岩脚村', '高坡村', '清水村', '河坝村', '新寨村', '龙井村'];
const quiet = { out: () => {}, err: (s: string) => process.stderr.write(`${s}\n`) };

function roster(): RosterHousehold[] {
  const out: RosterHousehold[] = [];
  const base = Date.UTC(1950, 0, 1);
  let k = 0;
  const id = () => {
    const n = k++;
    const birth = new Date(base + Math.floor(n / 900) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    return makeIdCard('522630', birth, n % 900);
  };
  for (let h = 0; h < HOUSEHOLDS; h++) {
    const members = [0, 1, 2].slice(0, PER).map((m) => {
      const idCard = id();
      return {
        row: 0,
        name: `成员${h}-${m}`,
        relation: (['head', 'spouse', 'son'] as const)[m]!,
        isHead: m === 0,
        idCard,
        birthDate: '',
        gender: 'male' as const,
        labor: 'able' as const,
        health: m === 1 && h % 7 === 0 ? ('chronic' as const) : ('healthy' as const),
        disability: 0 as const,
      };
    });
    members[0]!.name = `户主${h}`;
    out.push({
      row: 0,
      householdNo: `${String(h % VILLAGES.length).padStart(2, '0')}-${String(h).padStart(5, '0')}`,
      village: VILLAGES[h % VILLAGES.length]!,
      headName: `户主${h}`,
      status: h % 20 === 0 ? 'applied' : 'included',
      housing: h % 9 === 0 ? 'dangerous' : 'safe',
      zone: 'normal',
      povertyCause: '缺资金',
      identifiedBy: '王磊',
      allAway: h % 50 === 0,
      ...(h % 3 === 0 ? { phone: `138${String(h).padStart(8, '0')}` } : {}),
      members,
    });
  }
  return out;
}

async function child(mode: string, db: string, file: string) {
  const env = { DATABASE_PATH: db, USER: 'bench' };
  const cli = mode === 'before' ? (await import('/work/main/src/cli/main.ts' as string)).runCli as typeof runCli : runCli;
  if (mode === 'init') {
    // the township is set up by its own CLI process, as the office does it: the measured process
    // below runs the import alone
    if ((await cli(['init', TOWNSHIP], env, quiet)) !== 0) throw new Error('init failed');
    process.stdout.write('{}');
    return;
  }
  const t0 = performance.now();
  if (mode === 'floor') await floor(db, file);
  else if ((await cli(['import', 'households', file], env, quiet)) !== 0) throw new Error('import failed');
  const ms = performance.now() - t0;
  const d = new BetterSqlite3(db, { readonly: true });
  const counts = d.prepare('select (select count(*) from households) h, (select count(*) from members) m').get();
  d.close();
  process.stdout.write(JSON.stringify({ ms, rssMiB: process.resourceUsage().maxRSS / 1024, counts }));
}

/** The least work that ends with the same rows stored: read rows, insert them, no checks. */
async function floor(db: string, file: string) {
  const { openSheet } = await import('../src/sheet/index');
  const { fileSource } = await import('../src/sheet/file');
  const d = new BetterSqlite3(db);
  d.pragma('journal_mode = WAL');
  const vid = new Map((d.prepare('select id, name from villages').all() as { id: number; name: string }[]).map((v) => [v.name, v.id]));
  const hh = d.prepare(
    "insert into households (township_id, village_id, number, head_name, status, applicant, poverty_cause, housing, zone, all_away, phone, identification_owner, batches, updated_at) values (?, ?, ?, ?, ?, 0, ?, ?, ?, 0, ?, ?, '[]', 0)",
  );
  const mm = d.prepare("insert into members (township_id, household_id, name, id_card, relation, labour, health, disability, batches) values (?, ?, ?, ?, ?, ?, ?, ?, '[]')");
  const tid = (d.prepare('select id from townships').get() as { id: string }).id;
  const ids = new Map<string, number>();
  const sheet = await openSheet(fileSource(file));
  d.exec('begin');
  let first = true;
  for await (const batch of sheet.rows()) {
    for (const r of batch) {
      if (first) {
        first = false;
        continue;
      }
      const v = r.values.map((x) => (x === null || x === undefined ? '' : String(x)));
      let h = ids.get(v[0]!);
      if (h === undefined) {
        h = Number(hh.run(tid, vid.get(v[1]!) ?? 1, v[0], v[2], v[13], v[12], v[10], v[11], v[16] || null, v[14]).lastInsertRowid);
        ids.set(v[0]!, h);
      }
      mm.run(tid, h, v[3], v[5], v[4], v[6], v[7], v[8]);
    }
  }
  d.exec('commit');
  d.close();
}

function run(mode: string, dir: string, file: string) {
  const db = join(dir, `${mode}-${Math.random().toString(36).slice(2, 8)}.sqlite`);
  const init = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'child', 'init', db, file], { cwd: ROOT, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`init: exit ${init.status}\n${init.stderr}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'child', mode, db, file], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`${mode} ${file}: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout) as { ms: number; rssMiB: number; counts: { h: number; m: number } };
}

if (process.argv[2] === 'child') {
  await child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
} else {
  const before = process.argv.includes('--before');
  const dir = mkdtempSync(join(tmpdir(), 'fupin-bench-roster-'));
  try {
    const t0 = performance.now();
    const households = roster();
    const csv = join(dir, 'roster.csv');
    const xlsx = join(dir, 'roster.xlsx');
    await writeRosterCsv(csv, households);
    await writeRosterXlsx(xlsx, households);
    console.log(`generated ${HOUSEHOLDS} households / ${HOUSEHOLDS * PER} members in ${((performance.now() - t0) / 1000).toFixed(1)} s: ` +
      `CSV ${(statSync(csv).size / 2 ** 20).toFixed(1)} MiB, xlsx ${(statSync(xlsx).size / 2 ** 20).toFixed(1)} MiB; ` +
      `load avg ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} cores`);
    let failed = false;
    for (const [format, file] of process.argv.includes('--generate-only') ? [] : ([['csv', csv], ['xlsx', xlsx]] as const)) {
      const f = run('floor', dir, file);
      const i = run('import', dir, file);
      const ratio = i.ms / f.ms;
      const ok = i.rssMiB <= RSS_TARGET_MIB && ratio <= RATIO_TARGET && i.counts.h === HOUSEHOLDS && i.counts.m === HOUSEHOLDS * PER;
      failed ||= !ok;
      console.log(
        `${format}: floor ${(f.ms / 1000).toFixed(2)} s (${f.rssMiB.toFixed(0)} MiB) | import households ${(i.ms / 1000).toFixed(2)} s, ` +
          `peak RSS ${i.rssMiB.toFixed(0)} MiB, ${i.counts.h} households / ${i.counts.m} members | ratio ${ratio.toFixed(2)}x | ${ok ? 'PASS' : 'FAIL'}`,
      );
      if (before) {
        const b = run('before', dir, file);
        console.log(`${format}: before (/work/main) ${(b.ms / 1000).toFixed(2)} s, peak RSS ${b.rssMiB.toFixed(0)} MiB`);
      }
    }
    process.exitCode = failed ? 1 : 0;
  } finally {
    if (process.argv.includes('--keep')) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
