// Writing rosters in the roster's own columns (export households, the archive, tests): one row
// per member, full ID numbers stored as text (the file is for the office), readable again by
// the roster reader. Node only (files; the xlsx writer is exceljs).
import { writeFile } from 'node:fs/promises';
import { DISABILITY, HEALTH, HOUSEHOLD_STATUSES, HOUSING, LABOR, RELATIONS, SCHOOLING, SKILL, WORK, ZONES, labelWithNote } from '../../core/roster-values';
import { csvText } from '../../sheet/csv-write';
import { col, sheet, writeWorkbookFile } from '../../sheet/write';
import { ROSTER_COLUMNS, type RosterError, type RosterField, type RosterHousehold } from './columns';

/** Cell texts of each member row, in ROSTER_COLUMNS order. */
export function* rosterRecords(households: readonly RosterHousehold[]): Generator<string[]> {
  for (const h of households) {
    for (const m of h.members) {
      const values: Record<RosterField, string> = {
        householdNo: h.householdNo,
        village: h.village,
        headName: h.headName,
        memberName: m.name,
        relation: RELATIONS.labels[m.relation],
        idCard: m.idCard,
        labor: LABOR.labels[m.labor],
        health: HEALTH.labels[m.health],
        disability: DISABILITY.labels[String(m.disability) as '0'],
        disabilityCert: m.disabilityCert ?? '',
        housing: HOUSING.labels[h.housing],
        zone: ZONES.labels[h.zone],
        povertyCause: h.povertyCause,
        status: HOUSEHOLD_STATUSES.labels[h.status],
        identifiedBy: h.identifiedBy,
        allAway: h.allAway ? '是' : '否',
        phone: h.phone ?? '',
        schooling: m.schooling ? SCHOOLING.labels[m.schooling] : '',
        skill: labelWithNote(SKILL, m.skill, m.skillNote),
        work: labelWithNote(WORK, m.work, m.workPlace),
        minimumLiving: h.minimumLiving === undefined ? '' : h.minimumLiving ? '是' : '否',
        extremePoverty: h.extremePoverty === undefined ? '' : h.extremePoverty ? '是' : '否',
        income: h.income === undefined ? '' : String(h.income),
      };
      yield ROSTER_COLUMNS.map((c) => values[c.field]);
    }
  }
}

const TEXT_COLUMNS: ReadonlySet<RosterField> = new Set(['idCard', 'disabilityCert', 'phone', 'householdNo']);
const width = (f: RosterField, header: string) =>
  f === 'idCard' || f === 'disabilityCert' ? 22 : f === 'povertyCause' ? 14 : Math.max(8, header.length * 2 + 2);

/**
 * Writes households in the roster's columns, one row per member, with full ID numbers (the
 * file is for the office) stored as text so Excel keeps every digit.
 */
export async function writeRosterXlsx(path: string, households: readonly RosterHousehold[]): Promise<void> {
  const columns = ROSTER_COLUMNS.map((c, i) => col<string[]>(c.header, width(c.field, c.header), (r) => r[i], { text: TEXT_COLUMNS.has(c.field) }));
  await writeWorkbookFile(path, [sheet('建档立卡花名册', undefined, columns, rosterRecords(households))]);
}

/** Writes households as a roster CSV (UTF-8 with BOM), same columns as writeRosterXlsx. */
export async function writeRosterCsv(path: string, households: readonly RosterHousehold[]): Promise<void> {
  await writeFile(path, csvText([ROSTER_COLUMNS.map((c) => c.header), ...rosterRecords(households)]), 'utf8');
}

/** Writes rejected rows as CSV (UTF-8 with BOM): 行号, 列, 户编号, 原因. */
export async function writeRejects(path: string, rejects: readonly RosterError[]): Promise<void> {
  const rows = rejects.map((r) => [r.row === 0 ? '' : String(r.row), r.column, r.householdNo ?? '', r.reason]);
  await writeFile(path, csvText([['行号', '列', '户编号', '原因'], ...rows]), 'utf8');
}
