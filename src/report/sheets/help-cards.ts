// 帮扶卡: every included household's help card by its three steps (填写, 回收, 存档: who and
// when) and what the helper filled in.
import { col, sheet } from '../../sheet/write';
import type { HelpCardLine } from '../record';
import type { ReportSheet } from './common';

export const helpCardsSheet: ReportSheet = (r, title) =>
  sheet<HelpCardLine>(
    '帮扶卡',
    title('帮扶卡（帮扶人填写、村两委回收、乡扶贫办存档）'),
    [
      col('村', 10, (c) => c.village),
      col('户编号', 14, (c) => c.number, { text: true }),
      col('户主姓名', 10, (c) => c.head),
      col('帮扶责任人', 18, (c) => c.helper),
      col('当前步骤', 22, (c) => c.stepName),
      col('填写人', 10, (c) => c.filledBy),
      col('填写时间', 17, (c) => c.filledAt),
      col('回收人', 10, (c) => c.returnedBy),
      col('回收时间', 17, (c) => c.returnedAt),
      col('存档人', 10, (c) => c.receivedBy),
      col('存档时间', 17, (c) => c.receivedAt),
      col('家庭情况', 30, (c) => c.situation, { wrap: true }),
      col('致贫原因', 24, (c) => c.causes, { wrap: true }),
      col('帮扶措施', 30, (c) => c.measures, { wrap: true }),
      col('联系方式', 16, (c) => c.contact, { text: true }),
      col('纸质卡照片', 10, (c) => c.photos),
    ],
    r.record.helpCards,
  );
