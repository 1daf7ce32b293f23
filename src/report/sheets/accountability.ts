// 追责: every wrongly identified household found after the close (DESIGN §7), where it came from,
// the 识别责任人 and the discipline committee's 处理结果. ID numbers masked.
import { col, sheet } from '../../sheet/write';
import type { AccountabilityLine } from '../accountability';
import type { ReportSheet } from './common';

export const accountabilitySheet: ReportSheet = (r, title) =>
  sheet<AccountabilityLine>(
    '追责',
    title('复核结束后发现的识别错误及追责'),
    [
      col('编号', 10, (x) => x.code, { text: true }),
      col('来源', 16, (x) => x.source),
      col('村', 10, (x) => x.village),
      col('户编号', 14, (x) => x.number, { text: true }),
      col('户主姓名', 10, (x) => x.head),
      col('户主身份证号', 21, (x) => x.headIdCard, { text: true }),
      col('发现的问题', 50, (x) => x.finding, { wrap: true }),
      col('识别责任人', 12, (x) => x.owner),
      col('报送时间', 17, (x) => x.foundAt),
      col('处理结果', 14, (x) => x.outcome),
      col('处理说明', 36, (x) => x.outcomeNote, { wrap: true }),
      col('登记人', 10, (x) => x.outcomeBy),
      col('登记时间', 17, (x) => x.outcomeAt),
    ],
    r.accountability,
  );
