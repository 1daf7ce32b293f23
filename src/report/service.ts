// What the bot needs to hand out the county report (DESIGN §2 county_report) without knowing how
// it is built: the Node server provides a ReportService (exceljs, the file system, see
// src/report/node.ts); on Workers there is none and the bot says so. Types and the statement
// that marks the export only: nothing here may pull exceljs or node:fs into the Workers bundle.
import { eq } from 'drizzle-orm';
import { townships } from '../../db/schema/index';
import type { Database, Statement } from '../store/database';

/** Households and people of one category of the county report. */
export interface HeadCount {
  households: number;
  persons: number;
}

/** The figures a chat answer or the CLI prints about a report. */
export interface CountyReportSummary {
  /** 保留: registered households kept */
  kept: HeadCount;
  /** 清退 */
  removed: HeadCount;
  /** 新纳入，乡审核通过待县审批 */
  awaitingCounty: HeadCount;
  /** 新纳入，县已批准 */
  countyApproved: HeadCount;
  /** applications still under review (not yet through the township) */
  pending: HeadCount;
  /** applications refused at the qualification review */
  rejected: HeadCount;
  villages: number;
  meetings: number;
  objections: number;
  helpers: number;
}

export interface CountyReportFile {
  fileName: string;
  bytes: Uint8Array;
  summary: CountyReportSummary;
}

export interface ReportService {
  /** The township's county report as an .xlsx workbook (full ID numbers: not for chats' text). */
  countyReport(d: Database, townshipId: string, now: Date): Promise<CountyReportFile>;
  /** Keeps a file on the server (offline, or when the upload failed); returns its path. */
  save(fileName: string, bytes: Uint8Array): Promise<string>;
}

/** Sets townships.reportExportedAt; the caller audits it in the same atomic write. */
export function markReportExported(d: Database, townshipId: string, at: number): Statement {
  return d.db.update(townships).set({ reportExportedAt: at }).where(eq(townships.id, townshipId));
}

/** Sets townships.archivedAt; the caller audits it in the same atomic write. */
export function markArchived(d: Database, townshipId: string, at: number): Statement {
  return d.db.update(townships).set({ archivedAt: at }).where(eq(townships.id, townshipId));
}

/** 清水乡-复核上报表-2026-12-20.xlsx */
export const countyReportFileName = (townshipName: string, date: string) => `${townshipName}-复核上报表-${date}.xlsx`;

export function summaryText(s: CountyReportSummary): string {
  const hc = (c: HeadCount) => `${c.households} 户 ${c.persons} 人`;
  return (
    `保留 ${hc(s.kept)}，清退 ${hc(s.removed)}，新纳入待县审批 ${hc(s.awaitingCounty)}、县已批准 ${hc(s.countyApproved)}` +
    (s.pending.households ? `，仍在审核的申请 ${s.pending.households} 户` : '') +
    (s.rejected.households ? `，申请未通过 ${s.rejected.households} 户` : '')
  );
}
