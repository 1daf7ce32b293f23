// 环节进度: every stage of each village and of the township, its deadline, when and by whom it
// was done, and how late (逾期 N 天; still open past the deadline: 已逾期 N 天).
import { col, sheet } from '../../sheet/write';
import type { StageLine } from '../record';
import type { ReportSheet } from './common';

export const stagesSheet: ReportSheet = (r, title) =>
  sheet<StageLine>(
    '环节进度',
    title('各环节完成及逾期情况'),
    [
      col('范围', 16, (s) => s.scope),
      col('环节', 36, (s) => s.stage, { wrap: true }),
      col('截止日期', 11, (s) => s.deadline),
      col('完成日期', 11, (s) => s.doneAt),
      col('完成登记人', 10, (s) => s.doneBy),
      col('逾期天数', 8, (s) => s.daysLate),
      col('情况', 22, (s) => s.state),
    ],
    r.record.stages,
  );
