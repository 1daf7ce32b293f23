// 脱贫规划: every included household's poverty-exit plan (措施, 责任人, 起止日期), or 未制定.
import { col, sheet } from '../../sheet/write';
import type { ExitPlanLine } from '../record';
import type { ReportSheet } from './common';

export const exitPlansSheet: ReportSheet = (r, title) =>
  sheet<ExitPlanLine>(
    '脱贫规划',
    title('脱贫措施及规划'),
    [
      col('村', 10, (p) => p.village),
      col('户编号', 14, (p) => p.number, { text: true }),
      col('户主姓名', 10, (p) => p.head),
      col('类别', 16, (p) => p.categoryName),
      col('帮扶责任人', 18, (p) => p.helper),
      col('规划', 8, (p) => p.state),
      col('脱贫措施', 40, (p) => p.measures, { wrap: true }),
      col('措施责任人', 12, (p) => p.owner),
      col('开始日期', 11, (p) => p.startDate),
      col('完成日期', 11, (p) => p.endDate),
      col('填报人', 10, (p) => p.updatedBy),
      col('填报时间', 17, (p) => p.updatedAt),
    ],
    r.record.exitPlans,
  );
