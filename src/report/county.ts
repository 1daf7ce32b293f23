/**
 * The township's review result for the county (上报县扶贫移民局): the rows the store reads
 * (src/store/report.ts) become plain lines (./data.ts, gatherCountyReport), then one sheet each
 * (./sheets/, composed in the list below) in one .xlsx workbook (writeCountyReport). The CLI
 * (`export report`, `archive`) and the chat (报表, on the Node server) use the same functions.
 *
 * The workbook carries full ID numbers: it is for the county, never for a chat's text.
 * Node-only (exceljs): the Workers bundle must not import this module (see src/report/service.ts).
 */
import { cstDate, cstDateTime } from '../core/dates';
import type { Database } from '../store/database';
import { writeWorkbook } from '../sheet/write';
import { gatherCountyReport, type CountyReport } from './data';
import { countyReportFileName, type CountyReportFile } from './service';
import type { AnySheet, ReportSheet } from './sheets/common';
import { overviewSheet } from './sheets/overview';
import { villagesSheet } from './sheets/villages';
import { keptSheet } from './sheets/kept';
import { removedSheet } from './sheets/removed';
import { addedSheet } from './sheets/added';
import { rejectedSheet } from './sheets/rejected';
import { personsSheet } from './sheets/persons';
import { meetingsSheet } from './sheets/meetings';
import { votesSheet } from './sheets/votes';
import { noticesSheet } from './sheets/notices';
import { objectionsSheet } from './sheets/objections';
import { stagesSheet } from './sheets/stages';
import { coverageSheet } from './sheets/coverage';
import { hitsSheet } from './sheets/hits';
import { helpersSheet } from './sheets/helpers';
import { helpCardsSheet } from './sheets/help-cards';
import { visitsSheet } from './sheets/visits';
import { exitPlansSheet } from './sheets/exit-plans';
import { publicitySheet } from './sheets/publicity';
import { contactsSheet } from './sheets/contacts';
import { batchesSheet } from './sheets/batches';
import { accountabilitySheet } from './sheets/accountability';
import { inspectionsSheet } from './sheets/inspections';

export { buildCountyReport, gatherCountyReport, type CountyReport } from './data';

/** The sheets of the county report, in order: the county's template and the tests rely on it. */
export const COUNTY_SHEETS: readonly ReportSheet[] = [
  overviewSheet,
  villagesSheet,
  keptSheet,
  removedSheet,
  addedSheet,
  rejectedSheet,
  personsSheet,
  meetingsSheet,
  votesSheet,
  noticesSheet,
  objectionsSheet,
  stagesSheet,
  coverageSheet,
  hitsSheet,
  helpersSheet,
  helpCardsSheet,
  visitsSheet,
  exitPlansSheet,
  publicitySheet,
  contactsSheet,
  batchesSheet,
  inspectionsSheet,
  accountabilitySheet,
];

/** The sheets of the county report, in order, each with its title row. */
export function countySheets(r: CountyReport): AnySheet[] {
  const t = r.township;
  const year = t.year ? `${t.year}年度` : '';
  const when = cstDateTime(r.generatedAt.getTime());
  const title = (what: string) => `${t.county}${t.name}${year}建档立卡扶贫对象复核 — ${what}（导出 ${when}）`;
  return COUNTY_SHEETS.map((s) => s(r, title));
}

/** The workbook's bytes. */
export async function writeCountyReport(r: CountyReport): Promise<Uint8Array> {
  return writeWorkbook(countySheets(r), { created: r.generatedAt });
}

/** Gathers and writes in one go: what the chat command and the CLI hand out. */
export async function countyReportFile(d: Database, townshipId: string, now: Date): Promise<CountyReportFile & { report: CountyReport }> {
  const report = await gatherCountyReport(d, townshipId, now);
  const bytes = await writeCountyReport(report);
  return { fileName: countyReportFileName(report.township.name, cstDate(now)), bytes, summary: report.summary, report };
}
