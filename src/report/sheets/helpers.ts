// 帮扶责任人: current assignments, then included households without a helper.
import { col, sheet } from '../../sheet/write';
import type { HelperLine } from '../data';
import type { ReportSheet } from './common';

export const helpersSheet: ReportSheet = (r, title) =>
  sheet<HelperLine>(
    '帮扶责任人',
    title('帮扶责任人及帮扶户'),
    [
      col('帮扶责任人', 12, (x) => x.helper),
      col('单位', 20, (x) => x.department),
      col('党员', 6, (x) => x.partyMember),
      col('帮扶户数', 10, (x) => x.load),
      col('村', 10, (x) => x.village),
      col('户编号', 14, (x) => x.number, { text: true }),
      col('户主姓名', 10, (x) => x.head),
      col('类别', 16, (x) => x.categoryName),
      col('安排日期', 11, (x) => x.assignedAt),
      col('超限理由', 24, (x) => x.overrideReason, { wrap: true }),
      col('标记', 24, (x) => x.flag, { wrap: true }),
      col('帮扶卡', 40, (x) => x.helpCard),
    ],
    r.helpers,
  );
