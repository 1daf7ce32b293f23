// 公示异议: objections raised during the notices and their handling.
import { col, sheet } from '../../sheet/write';
import type { ObjectionLine } from '../data';
import type { ReportSheet } from './common';

export const objectionsSheet: ReportSheet = (r, title) =>
  sheet<ObjectionLine>(
    '公示异议',
    title('公示异议及处理'),
    [
      col('公示范围', 16, (o) => o.scope),
      col('编号', 6, (o) => o.no),
      col('涉及户', 16, (o) => o.household),
      col('异议内容', 36, (o) => o.content, { wrap: true }),
      col('登记人', 10, (o) => o.raisedBy),
      col('登记时间', 17, (o) => o.raisedAt),
      col('状态', 8, (o) => o.state),
      col('处理结果', 36, (o) => o.resolution, { wrap: true }),
      col('处理人', 10, (o) => o.resolvedBy),
      col('处理时间', 17, (o) => o.resolvedAt),
    ],
    r.objections,
  );
