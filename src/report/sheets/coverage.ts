// 比对覆盖: which of the nine departments' lists are imported (file, rows, when, by whom),
// whether the cross-check ran after the import, and the hits each gave.
import { col, sheet } from '../../sheet/write';
import type { CoverageLine } from '../record';
import type { ReportSheet } from './common';

export const coverageSheet: ReportSheet = (r, title) =>
  sheet<CoverageLine>(
    '比对覆盖',
    title('六个不纳入比对：部门名单导入及比对情况'),
    [
      col('部门', 10, (c) => c.department),
      col('名单', 16, (c) => c.state),
      col('文件名', 24, (c) => c.fileName),
      col('行数', 10, (c) => c.rows),
      col('导入时间', 17, (c) => c.importedAt),
      col('导入人', 10, (c) => c.importedBy),
      col('导入次数', 8, (c) => c.imports),
      col('导入后已比对', 22, (c) => c.checked),
      col('线索数', 8, (c) => c.hits),
      col('已确认', 8, (c) => c.confirmed),
      col('已排除', 8, (c) => c.dismissed),
      col('待核实', 8, (c) => c.open),
    ],
    r.record.coverage,
    r.record.coverageTotal,
  );
