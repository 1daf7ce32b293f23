// 公示: the village and township notices.
import { col, sheet } from '../../sheet/write';
import type { NoticeLine } from '../data';
import type { ReportSheet } from './common';

export const noticesSheet: ReportSheet = (r, title) =>
  sheet<NoticeLine>(
    '公示',
    title('公示'),
    [
      col('公示范围', 16, (n) => n.scope),
      col('开始日期', 11, (n) => n.startDate),
      col('期满日期', 11, (n) => n.endDate),
      col('公示天数', 10, (n) => n.days),
      col('异议条数', 10, (n) => n.objections),
      col('已处理', 8, (n) => n.resolved),
      col('发起人', 10, (n) => n.startedBy),
    ],
    r.notices,
  );
