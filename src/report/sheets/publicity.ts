// 政策宣讲: publicity per village and method (次数, 覆盖人数, first and last day), with 合计.
import { col, sheet } from '../../sheet/write';
import type { PublicityLine } from '../record';
import type { ReportSheet } from './common';

export const publicitySheet: ReportSheet = (r, title) =>
  sheet<PublicityLine>(
    '政策宣讲',
    title('政策宣讲（按村、按方式）'),
    [
      col('村', 10, (p) => p.village),
      col('宣讲方式', 16, (p) => p.method),
      col('次数', 8, (p) => p.activities),
      col('覆盖人数', 10, (p) => p.reached),
      col('首次日期', 11, (p) => p.first),
      col('最近日期', 11, (p) => p.last),
    ],
    r.record.publicity,
    r.record.publicityTotal,
  );
