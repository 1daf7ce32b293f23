// The Node server's ReportService: builds the county report with exceljs and keeps files on
// the server's disk (beside the database, in reports/). Imported by src/node.ts and the CLI only.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ReportService } from './service';

/** reports/ beside the database file: ./data/fupin.sqlite → ./data/reports */
export const reportsDirFor = (databasePath: string) => join(dirname(resolve(databasePath === ':memory:' ? './data/x' : databasePath)), 'reports');

export function nodeReportService(dir: string): ReportService {
  return {
    async countyReport(d, townshipId, now) {
      // loaded on first use: exceljs is large and most server starts never export
      const { countyReportFile } = await import('./county');
      const f = await countyReportFile(d, townshipId, now);
      return { fileName: f.fileName, bytes: f.bytes, summary: f.summary };
    },
    async save(fileName, bytes) {
      await mkdir(dir, { recursive: true });
      const path = join(dir, fileName.replace(/[\\/:*?"<>|]/g, '_'));
      await writeFile(path, bytes);
      return path;
    },
  };
}
