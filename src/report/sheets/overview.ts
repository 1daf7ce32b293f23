// 汇总: the township's figures in one list (复核, 复核结果, 比对线索 by exclusion and department,
// 比对覆盖, 帮扶, 帮扶卡 by step, 五个一批 with its three labelled figures, 政策宣讲, 全家外出, 逾期环节).
import { col, sheet } from '../../sheet/write';
import type { FigureLine } from '../record';
import type { ReportSheet } from './common';

export const overviewSheet: ReportSheet = (r, title) =>
  sheet<FigureLine>(
    '汇总',
    title('全乡汇总（报县扶贫移民局）'),
    [
      col('类别', 22, (f) => f.group),
      col('项目', 36, (f) => f.item),
      col('数量', 10, (f) => f.value),
      col('单位', 6, (f) => f.unit),
      col('说明', 60, (f) => f.note, { wrap: true }),
    ],
    r.record.figures,
  );
