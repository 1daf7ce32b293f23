// Six-exclusions cross-check at county scale (issue 6): import the nine departments' lists from
// their files and cross-check them against the roster, timed against a floor measured in the
// same run.
//
//   npm run bench:crosscheck            generate, measure floor and run, print, delete the data
//   npm run bench:crosscheck -- --keep  keep the generated temp dir (its path is printed)
//
// Data (deterministic, generated into a fresh temp dir, never committed):
//   roster: 30,000 households, 100,000 members in the example township's 7 villages, bulk-loaded
//           into the database (the set-up, not timed); 50 ID numbers sit in two households each;
//   lists:  9 files, 2,000,000 rows in all, imported in the order 公安 房管 财政 人社 交管 工商 残联
//           民政 住建; 4 as CSV (公安 1,000,000 rows, 人社, 民政, 住建) and 5 as xlsx (shared
//           strings, as Excel writes them; 470,000 rows); 20,000 rows (1%) carry a roster member's ID number with a kind that
//           proves an exclusion (or, in 公安's 户籍 rows, another name); 公安's register also holds
//           every other roster member under the right name (100,000 rows that must not hit).
// Floor (child process): the same 2,000,000 rows, already in memory, bulk-loaded with one
//   prepared statement in one transaction into a table like department_records, then given
//   department_records' two indexes, joined with the members (on their ID-number index), and
//   checkpointed into the database file on close.
// Run (child process): `import department` for each file and then `crosscheck`, through
//   runCli() — the CLI's own code path — one after the other in one process (process start-up
//   is not counted; garbage of one command can still be there in the next, so its peak RSS is
//   at least that of any single CLI process). Peak RSS is that process's maxRSS. This is the
//   figure held against the targets.
// As the office runs it (for the record): the same ten commands as ten separate processes
//   (`node --import tsx` + runCli, i.e. `npm run cli -- …` without npm), wall time including
//   each process's start-up, and the largest process's peak RSS.
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { makeIdCard } from '../src/core/idcard';
import { runCli } from '../src/cli/main';
import type { Department } from '../src/core/exclusions';
import { rng } from '../scripts/make-example-roster';

const HOUSEHOLDS = 30_000;
const MEMBERS = 100_000;
const ROSTER_DUPLICATES = 50;
const HIT_ROWS = 20_000;
const TARGET_SECONDS = 15;
const TARGET_RSS_MIB = 512;

interface FileSpec {
  department: Department;
  format: 'csv' | 'xlsx';
  rows: number;
  /** filler kinds with weights (rows that do not match the roster) */
  filler: [string, number][];
  /** kinds that prove an exclusion, for the hit rows */
  proof: string[];
}

/** In the order the issue lists the departments (DESIGN §3.2 too); 公安's population list is the largest. */
const FILES: FileSpec[] = [
  { department: '公安', format: 'csv', rows: 1_000_000, filler: [['户籍', 94], ['汽车', 3], ['摩托车', 2], ['户籍注销', 1]], proof: ['汽车', '机动车', '户籍'] },
  { department: '房管', format: 'xlsx', rows: 120_000, filler: [['商品房', 80], ['政策性住房', 15], ['商业用房', 5]], proof: ['商品房', '政策性住房', '商业用房'] },
  { department: '财政', format: 'xlsx', rows: 60_000, filler: [['财政供养', 100]], proof: ['财政供养'] },
  { department: '人社', format: 'csv', rows: 200_000, filler: [['城乡居民养老保险', 85], ['企业职工养老保险', 10], ['机关事业单位', 5]], proof: ['机关事业单位', '财政供养'] },
  { department: '交管', format: 'xlsx', rows: 150_000, filler: [['小型汽车', 60], ['摩托车', 30], ['农用车', 10]], proof: ['小型汽车', '货车', '机动车'] },
  { department: '工商', format: 'xlsx', rows: 80_000, filler: [['个体工商户', 70], ['企业法人', 10], ['农民专业合作社', 20]], proof: ['个体工商户', '企业法人'] },
  { department: '残联', format: 'xlsx', rows: 60_000, filler: [['持证残疾人', 95], ['残疾证注销', 5]], proof: ['残疾证注销', '残疾证不实'] },
  { department: '民政', format: 'csv', rows: 250_000, filler: [['低保', 70], ['特困', 20], ['临时救助', 10]], proof: [] },
  { department: '住建', format: 'csv', rows: 80_000, filler: [['危房改造', 60], ['城镇自建房', 30], ['政策性住房', 10]], proof: ['城镇自建房', '政策性住房'] },
];

// ---------------------------------------------------------------------------
// Deterministic data

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '国建明华文军平志伟德光海春秀英兰芳玉珍丽红霞桂凤云莲梅琴燕萍娟红学林正刚语桐嘉豪子涵思雨浩然宇轩欣怡梓涵一诺';

function nameOf(r: () => number): string {
  const s = SURNAMES[Math.floor(r() * SURNAMES.length)]!;
  const g = Array.from({ length: r() < 0.7 ? 2 : 1 }, () => GIVEN[Math.floor(r() * GIVEN.length)]).join('');
  return s + g;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
function weighted(r: () => number, xs: [string, number][]): string {
  const total = xs.reduce((s, x) => s + x[1], 0);
  let v = r() * total;
  for (const [k, w] of xs) {
    v -= w;
    if (v < 0) return k;
  }
  return xs[xs.length - 1]![0];
}

function birth(r: () => number): string {
  const y = 1940 + Math.floor(r() * 70);
  const m = 1 + Math.floor(r() * 12);
  const d = 1 + Math.floor(r() * 28);
  return `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
}

/** Roster ID numbers use sequence numbers 000-499, everybody else's 500-999: no accidental hits. */
const rosterId = (r: () => number) => makeIdCard('522630', birth(r), Math.floor(r() * 500));
const otherId = (r: () => number) => makeIdCard(pick(r, ['522630', '522631', '522632', '522633', '520102', '522601']), birth(r), 500 + Math.floor(r() * 500));

interface Member {
  household: number;
  name: string;
  idCard: string;
  relation: string;
}

function roster(): { members: Member[]; owners: string[] } {
  const r = rng(20261208);
  const seen = new Set<string>();
  const members: Member[] = [];
  const owners = Array.from({ length: 40 }, () => nameOf(r));
  for (let h = 0; h < HOUSEHOLDS; h++) {
    // 3.33 members on average: 100,000 in all
    const size = h < MEMBERS - HOUSEHOLDS * 3 ? 4 : 3;
    const surname = nameOf(r)[0]!;
    for (let k = 0; k < size; k++) {
      let id = rosterId(r);
      while (seen.has(id)) id = rosterId(r);
      seen.add(id);
      members.push({ household: h, name: surname + nameOf(r).slice(1), idCard: id, relation: k === 0 ? 'head' : pick(r, ['spouse', 'son', 'daughter', 'mother']) });
    }
  }
  // a daughter married out and registered again: the same ID number in two households
  for (let i = 0; i < ROSTER_DUPLICATES; i++) {
    const m = members[i * 1000 + 1]!;
    const other = members[i * 1000 + 500]!;
    members.push({ household: other.household, name: m.name, idCard: m.idCard, relation: 'daughter_in_law' });
  }
  return { members, owners };
}

interface DeptRow {
  idCard: string;
  name: string;
  kind: string;
  detail: string;
  date: string;
}

/** The rows of every file, in file order; `hits` is how many cross-check hits they carry. */
function* departmentRows(members: Member[]): Generator<{ spec: FileSpec; rows: Generator<DeptRow> }> {
  const r = rng(7);
  const proving = FILES.filter((f) => f.proof.length);
  const provingRows = proving.reduce((s, f) => s + f.rows, 0);
  let hitBudget = HIT_ROWS;
  for (const spec of FILES) {
    const hits = spec.proof.length ? (spec === proving[proving.length - 1] ? hitBudget : Math.round((HIT_ROWS * spec.rows) / provingRows)) : 0;
    hitBudget -= hits;
    const registerAll = spec.department === '公安';
    function* rows(): Generator<DeptRow> {
      // hit rows and (for 公安) the register rows of the roster are spread through the file
      const special = hits + (registerAll ? members.length : 0);
      const every = Math.floor(spec.rows / Math.max(1, special));
      let h = 0;
      let reg = 0;
      const used = new Set<number>();
      for (let i = 0; i < spec.rows; i++) {
        const date = `20${String(10 + Math.floor(r() * 16)).padStart(2, '0')}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
        if (special && i % every === 0 && (h < hits || (registerAll && reg < members.length))) {
          if (registerAll && reg < members.length && (h >= hits || (i / every) % 6 !== 0)) {
            const m = members[reg++]!;
            yield { idCard: m.idCard, name: m.name, kind: '户籍', detail: '', date };
            continue;
          }
          // distinct members within a file (so every hit row is one hit), none of the duplicated IDs
          let k = (h * 7919 + FILES.indexOf(spec) * 104729) % MEMBERS;
          while (k % 1000 === 1 || used.has(k)) k = (k + 1) % MEMBERS;
          used.add(k);
          const m = members[k]!;
          const kind = pick(r, spec.proof);
          h++;
          // a 户籍 row proves a duplicate only under another name
          yield { idCard: m.idCard, name: kind === '户籍' ? `${m.name}甲` : m.name, kind, detail: `证据${spec.department}${i}`, date };
          continue;
        }
        yield { idCard: otherId(r), name: nameOf(r), kind: weighted(r, spec.filler), detail: `${spec.department}-${i}`, date };
      }
      if (h < hits || (registerAll && reg < members.length)) throw new Error(`generator: ${spec.department} placed ${h}/${hits} hits, ${reg} register rows`);
    }
    yield { spec, rows: rows() };
  }
}

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const HEADER = ['身份证号', '姓名', '记录类型', '详情', '日期'];

async function generate(dir: string) {
  const t0 = performance.now();
  const { members, owners } = roster();
  // township + villages + people from the example, then the roster bulk-loaded
  const template = join(dir, 'template.sqlite');
  const quiet = { out: () => {}, err: (s: string) => void s };
  const code = await runCli(['init', resolve(ROOT, 'examples/township.json')], { DATABASE_PATH: template, VITEST: '1' }, quiet);
  if (code !== 0) throw new Error('init failed');
  const db = new BetterSqlite3(template);
  const villages = (db.prepare(`select id from villages where township_id = 'qingshui' order by id`).all() as { id: number }[]).map((v) => v.id);
  const now = Date.now();
  const insH = db.prepare(
    `insert into households (township_id, village_id, number, head_name, status, identification_owner, updated_at) values ('qingshui', ?, ?, ?, 'included', ?, ?)`,
  );
  const insM = db.prepare(`insert into members (township_id, household_id, name, id_card, relation) values ('qingshui', ?, ?, ?, ?)`);
  db.transaction(() => {
    const heads = new Map<number, string>();
    for (const m of members) if (!heads.has(m.household)) heads.set(m.household, m.name);
    for (let h = 0; h < HOUSEHOLDS; h++) {
      const v = villages[h % villages.length]!;
      insH.run(v, `${String((h % villages.length) + 1).padStart(2, '0')}-${String(h + 1).padStart(5, '0')}`, heads.get(h)!, owners[h % owners.length]!, now);
    }
    for (const m of members) insM.run(m.household + 1, m.name, m.idCard, m.relation);
  })();
  db.close();

  const files: { department: Department; path: string; rows: number; bytes: number }[] = [];
  for (const { spec, rows } of departmentRows(members)) {
    const path = join(dir, `${spec.department}.${spec.format}`);
    if (spec.format === 'csv') {
      const fd = openSync(path, 'w');
      let buf = `\uFEFF${HEADER.join(',')}\r\n`;
      for (const row of rows) {
        buf += `${row.idCard},${csvField(row.name)},${row.kind},${csvField(row.detail)},${row.date}\r\n`;
        if (buf.length > 1 << 20) {
          writeSync(fd, buf);
          buf = '';
        }
      }
      writeSync(fd, buf);
      closeSync(fd);
    } else {
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: false });
      const ws = wb.addWorksheet(`${spec.department}名单`);
      ws.addRow(HEADER).commit();
      for (const row of rows) ws.addRow([row.idCard, row.name, row.kind, row.detail, row.date]).commit();
      ws.commit();
      await wb.commit();
    }
    files.push({ department: spec.department, path, rows: spec.rows, bytes: statSync(path).size });
  }
  writeFileSync(join(dir, 'files.json'), JSON.stringify(files));
  return { files, seconds: (performance.now() - t0) / 1000 };
}

// ---------------------------------------------------------------------------
// Floor and run (each in its own process)

function floor(dir: string) {
  const { members } = roster();
  // the rows, in memory before the clock starts
  const all: [number, number, string, string, string, string, string][] = [];
  let listId = 0;
  for (const { rows } of departmentRows(members)) {
    listId++;
    let n = 1;
    for (const r of rows) all.push([listId, ++n, r.idCard, r.name, r.kind, r.detail, r.date]);
  }
  for (const x of ['', '-wal', '-shm']) rmSync(join(dir, `floor.sqlite${x}`), { force: true });
  const db = new BetterSqlite3(join(dir, 'floor.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`create table members (id integer primary key, household_id integer, name text, id_card text);
           create index members_id_card on members (id_card)`);
  const im = db.prepare('insert into members (household_id, name, id_card) values (?, ?, ?)');
  db.transaction(() => {
    for (const m of members) im.run(m.household, m.name, m.idCard);
  })();
  // the same table as department_records (db/migrations), loaded first and indexed after
  db.exec(`create table records (id integer primary key autoincrement not null, list_id integer not null, row_no integer not null,
           id_card text not null, name text, kind text not null, detail text, date text)`);
  const t0 = performance.now();
  const ins = db.prepare('insert into records (list_id, row_no, id_card, name, kind, detail, date) values (?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const r of all) ins.run(r);
  })();
  const t1 = performance.now();
  // the app's index (db/migrations: department_records_list_id_card), joined list by list as the app does
  db.exec('create index records_list_id_card on records (list_id, id_card)');
  const t2 = performance.now();
  const joined = db
    .prepare('select count(*) as n from members m cross join (select distinct list_id from records) l cross join records r on r.list_id = l.list_id and r.id_card = m.id_card')
    .get() as { n: number };
  const t3 = performance.now();
  db.close(); // checkpoints the WAL into the database file, as every import of the run does
  const t4 = performance.now();
  // for reference only: the barest variant (no AUTOINCREMENT id, one index, no checkpoint)
  for (const x of ['', '-wal', '-shm']) rmSync(join(dir, `floor2.sqlite${x}`), { force: true });
  const bare = new BetterSqlite3(join(dir, 'floor2.sqlite'));
  bare.pragma('journal_mode = WAL');
  bare.pragma('synchronous = NORMAL');
  bare.exec('create table members (id_card text); create table records (list_id integer, row_no integer, id_card text, name text, kind text, detail text, date text)');
  const bm = bare.prepare('insert into members values (?)');
  bare.transaction(() => {
    for (const m of members) bm.run(m.idCard);
  })();
  const b0 = performance.now();
  const bi = bare.prepare('insert into records values (?, ?, ?, ?, ?, ?, ?)');
  bare.transaction(() => {
    for (const r of all) bi.run(r);
  })();
  bare.exec('create index records_id_card on records (id_card)');
  bare.prepare('select count(*) as n from members m join records r on r.id_card = m.id_card').get();
  const bare1 = performance.now();
  bare.close();
  return {
    seconds: (t4 - t0) / 1000,
    load: (t1 - t0) / 1000,
    index: (t2 - t1) / 1000,
    join: (t3 - t2) / 1000,
    close: (t4 - t3) / 1000,
    bare: (bare1 - b0) / 1000,
    joined: joined.n,
    rows: all.length,
  };
}

async function run(dir: string) {
  const files = JSON.parse(readFileSync(join(dir, 'files.json'), 'utf8')) as { department: string; path: string; rows: number }[];
  const dbPath = join(dir, 'run.sqlite');
  copyFileSync(join(dir, 'template.sqlite'), dbPath);
  const env = { DATABASE_PATH: dbPath, VITEST: '1' };
  const lines: string[] = [];
  const io = { out: (s: string) => lines.push(s), err: (s: string) => lines.push(s) };
  const steps: { step: string; seconds: number; maxRssMiB: number }[] = [];
  const t0 = performance.now();
  for (const f of files) {
    const s = performance.now();
    const code = await runCli(['import', 'department', f.department, f.path], env, io);
    if (code !== 0) throw new Error(`import ${f.department} failed:\n${lines.join('\n')}`);
    steps.push({
      step: `import ${f.department} (${f.path.endsWith('.csv') ? 'csv' : 'xlsx'}, ${f.rows.toLocaleString('en-US')} rows)`,
      seconds: (performance.now() - s) / 1000,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    });
  }
  const s = performance.now();
  const code = await runCli(['crosscheck'], env, io);
  if (code !== 0) throw new Error(`crosscheck failed:\n${lines.join('\n')}`);
  steps.push({ step: 'crosscheck', seconds: (performance.now() - s) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024 });
  const seconds = (performance.now() - t0) / 1000;
  const db = new BetterSqlite3(dbPath, { readonly: true });
  const hits = db.prepare(`select exclusion, department, count(*) as n from exclusion_hits group by 1, 2 order by 1, 2`).all();
  const total = (db.prepare('select count(*) as n from exclusion_hits').get() as { n: number }).n;
  const records = (db.prepare('select count(*) as n from department_records').get() as { n: number }).n;
  db.close();
  // a second cross-check finds nothing new
  const s2 = performance.now();
  await runCli(['crosscheck'], env, { out: (x: string) => lines.push(x), err: (x: string) => lines.push(x) });
  const rerun = (performance.now() - s2) / 1000;
  const db2 = new BetterSqlite3(dbPath, { readonly: true });
  const total2 = (db2.prepare('select count(*) as n from exclusion_hits').get() as { n: number }).n;
  db2.close();
  return { seconds, steps, hits, total, totalAfterRerun: total2, rerunSeconds: rerun, records, maxRssMiB: process.resourceUsage().maxRSS / 1024, output: lines.slice(-12) };
}

/** One CLI command in this process; prints its own time and peak RSS. */
async function one(args: string[]) {
  const t0 = performance.now();
  const out: string[] = [];
  const code = await runCli(args, { DATABASE_PATH: process.env.BENCH_DB!, VITEST: '1' }, { out: (x) => out.push(x), err: (x) => out.push(x) });
  if (code !== 0) throw new Error(out.join('\n'));
  return { seconds: (performance.now() - t0) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
}

/** The ten commands as ten processes. */
function asTheOfficeRunsIt(dir: string) {
  const files = JSON.parse(readFileSync(join(dir, 'files.json'), 'utf8')) as { department: string; path: string }[];
  const dbPath = join(dir, 'cli.sqlite');
  copyFileSync(join(dir, 'template.sqlite'), dbPath);
  const commands = [...files.map((f) => ['import', 'department', f.department, f.path]), ['crosscheck']];
  const t0 = performance.now();
  let work = 0;
  let maxRss = 0;
  for (const args of commands) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'one', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BENCH_DB: dbPath },
    });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
    const x = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; maxRssMiB: number };
    const size = args[0] === 'import' ? ` (${(statSync(args[3]!).size / 2 ** 20).toFixed(1)} MiB file)` : '';
    console.log(`  process: ${args.slice(0, 3).join(' ')}${size}: ${x.seconds.toFixed(2)} s, peak RSS ${x.maxRssMiB.toFixed(0)} MiB`);
    work += x.seconds;
    maxRss = Math.max(maxRss, x.maxRssMiB);
  }
  return { wall: (performance.now() - t0) / 1000, work, maxRssMiB: maxRss, processes: commands.length };
}

// ---------------------------------------------------------------------------

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');

function child(mode: 'floor' | 'run', dir: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), mode, dir], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${mode} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'gen') console.log(JSON.stringify(await generate(arg!)));
else if (mode === 'floor') console.log(JSON.stringify(floor(arg!)));
else if (mode === 'run') console.log(JSON.stringify(await run(arg!)));
else if (mode === 'one') console.log(JSON.stringify(await one(process.argv.slice(3))));
else {
  const keep = process.argv.includes('--keep');
  const dir = mkdtempSync(join(tmpdir(), 'fupin-crosscheck-'));
  try {
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`,
    );
    console.log(`generating into ${dir} …`);
    const g = await generate(dir);
    const bytes = g.files.reduce((s, f) => s + f.bytes, 0);
    console.log(`generated in ${g.seconds.toFixed(1)} s: ${g.files.map((f) => `${f.department} ${f.rows.toLocaleString('en-US')} ${f.path.endsWith('.csv') ? 'csv' : 'xlsx'} ${(f.bytes / 2 ** 20).toFixed(1)} MiB`).join('; ')}; ${(bytes / 2 ** 20).toFixed(0)} MiB in all`);
    const f = child('floor', dir) as ReturnType<typeof floor>;
    console.log(`floor: ${f.seconds.toFixed(2)} s (load ${f.load.toFixed(2)} s, index ${f.index.toFixed(2)} s, join ${f.join.toFixed(2)} s, checkpoint on close ${f.close.toFixed(2)} s; ${f.rows.toLocaleString('en-US')} rows, ${f.joined.toLocaleString('en-US')} matches)`);
    console.log(`  (for reference, the barest load: plain table, one index, no checkpoint: ${f.bare.toFixed(2)} s)`);
    const r = child('run', dir) as Awaited<ReturnType<typeof run>>;
    for (const s of r.steps) console.log(`  ${s.step}: ${s.seconds.toFixed(2)} s (peak RSS so far ${s.maxRssMiB.toFixed(0)} MiB)`);
    console.log(`run: ${r.seconds.toFixed(2)} s, peak RSS ${r.maxRssMiB.toFixed(0)} MiB; ${r.records.toLocaleString('en-US')} records stored; ${r.total.toLocaleString('en-US')} hits`);
    console.log(`hits: ${(r.hits as { exclusion: string; department: string; n: number }[]).map((h) => `${h.exclusion}/${h.department} ${h.n}`).join(', ')}`);
    console.log(`re-run: ${r.rerunSeconds.toFixed(2)} s, hits ${r.totalAfterRerun === r.total ? 'unchanged' : `CHANGED to ${r.totalAfterRerun}`}`);
    const o = asTheOfficeRunsIt(dir);
    console.log(
      `as ${o.processes} separate CLI processes: ${o.wall.toFixed(2)} s wall (${o.work.toFixed(2)} s in the commands, the rest starting Node and tsx), largest process peak RSS ${o.maxRssMiB.toFixed(0)} MiB`,
    );
    const ratio = r.seconds / f.seconds;
    const expected = HIT_ROWS + ROSTER_DUPLICATES * 2;
    const checks = [
      [`within ${TARGET_SECONDS} s`, r.seconds <= TARGET_SECONDS],
      [`peak RSS under ${TARGET_RSS_MIB} MiB`, r.maxRssMiB < TARGET_RSS_MIB],
      [`within 2x of the floor (${ratio.toFixed(2)}x)`, ratio <= 2],
      [`${expected.toLocaleString('en-US')} hits expected`, r.total === expected],
      ['re-run adds nothing', r.totalAfterRerun === r.total],
    ] as const;
    for (const [what, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'} ${what}`);
    if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
  } finally {
    if (keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
