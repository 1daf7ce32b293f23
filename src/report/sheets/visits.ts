// 帮扶走访: every visit a helper logged (走访), with its evidence.
import { col, sheet } from '../../sheet/write';
import type { VisitLine } from '../record';
import type { ReportSheet } from './common';

export const visitsSheet: ReportSheet = (r, title) =>
  sheet<VisitLine>(
    '帮扶走访',
    title('帮扶责任人走访记录'),
    [
      col('帮扶责任人', 12, (v) => v.helper),
      col('村', 10, (v) => v.village),
      col('户编号', 14, (v) => v.number, { text: true }),
      col('户主姓名', 10, (v) => v.head),
      col('走访日期', 11, (v) => v.date),
      col('走访内容', 40, (v) => v.content, { wrap: true }),
      col('佐证份数', 8, (v) => v.evidenceCount),
      col('佐证', 30, (v) => v.evidence, { wrap: true }),
      col('登记时间', 17, (v) => v.recordedAt),
    ],
    r.record.visits,
  );
