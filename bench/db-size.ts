// Bytes per household and per department-list row in the database (SQLite; D1's store is
// SQLite too), for the scale plan in docs/WORKERS.md. A fresh migrated database file gets the
// county data set the other benchmarks use (300 villages, 30,000 households, 100,200 members with
// helpers, meetings, notices, hits: bench/county-data.ts), then VACUUM and its size; then a
// department list of N rows (the columns a real list fills: ID number, name, kind, detail, date)
// with its index, VACUUM again, and the growth per row.
//   npx tsx bench/db-size.ts [departmentRows=200000]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../src/store/sqlite';
import { makeIdCard } from '../src/core/idcard';
import { generateCounty, T } from './county-data';

const rows = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'fupin-dbsize-'));
const path = join(dir, 'size.sqlite');
try {
  const d = openSqlite(path);
  const empty = vacuumedSize(d.sqlite);
  generateCounty(d, new Date('2026-12-10T02:00:00Z'), { fourth: true });
  const count = (t: string) => (d.sqlite.prepare(`select count(*) n from ${t}`).get() as { n: number }).n;
  const households = count('households');
  const members = count('members');
  const withRoster = vacuumedSize(d.sqlite);

  const now = Date.now();
  const list = d.sqlite
    .prepare("insert into department_lists (township_id, department, file_name, rows, active, imported_by, imported_at) values (?, '公安', 'size.csv', ?, 1, 'bench', ?)")
    .run(T, rows, now).lastInsertRowid;
  const insert = d.sqlite.prepare('insert into department_records (list_id, row_no, id_card, name, kind, detail, date) values (?, ?, ?, ?, ?, ?, ?)');
  d.sqlite.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const birth = `${1950 + (i % 60)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
      insert.run(list, i + 1, makeIdCard('522630', birth, i % 1000), `张${i % 97}${i % 89}`, i % 10 === 0 ? '汽车' : '户籍', i % 10 === 0 ? `贵H${String(i).padStart(5, '0')}` : null, '2026-11-01');
    }
  })();
  const withList = vacuumedSize(d.sqlite);
  d.sqlite.close();
  const perHousehold = (withRoster - empty) / households;
  const perRow = (withList - withRoster) / rows;
  console.log(
    JSON.stringify({
      households,
      members,
      emptyBytes: empty,
      rosterBytes: withRoster - empty,
      bytesPerHousehold: Math.round(perHousehold),
      departmentRows: rows,
      listBytes: withList - withRoster,
      bytesPerDepartmentRow: Math.round(perRow),
      householdsIn10GB: Math.floor(10e9 / perHousehold),
      departmentRowsIn10GB: Math.floor(10e9 / perRow),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function vacuumedSize(db: import('better-sqlite3').Database) {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(path).size;
}
