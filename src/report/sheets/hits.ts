// 比对线索: every cross-check hit with the office's decision and its reason (confirmed ones are
// also under 清退户, dismissed ones only here). ID numbers masked.
import { col, sheet } from '../../sheet/write';
import type { HitLine } from '../record';
import type { ReportSheet } from './common';

export const hitsSheet: ReportSheet = (r, title) =>
  sheet<HitLine>(
    '比对线索',
    title('六个不纳入比对线索及处理'),
    [
      col('线索编号', 8, (x) => x.id),
      col('村', 10, (x) => x.village),
      col('户编号', 14, (x) => x.number, { text: true }),
      col('户主姓名', 10, (x) => x.head),
      col('成员', 10, (x) => x.member),
      col('成员身份证号', 21, (x) => x.memberIdCard, { text: true }),
      col('六个不纳入', 22, (x) => x.exclusion),
      col('比对部门', 10, (x) => x.department),
      col('比对证据', 50, (x) => x.evidence, { wrap: true }),
      col('处理结果', 14, (x) => x.state),
      col('理由', 36, (x) => x.reason, { wrap: true }),
      col('处理人', 10, (x) => x.decidedBy),
      col('处理时间', 17, (x) => x.decidedAt),
      col('发现时间', 17, (x) => x.foundAt),
    ],
    r.record.hits,
  );
