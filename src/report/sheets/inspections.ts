// 督查: every inspection of the discipline committee (明察, 暗访, or a 督办 on an alert), with the
// household and person concerned, the finding, the action taken and whether it confirmed a
// wrong identification.
import { col, sheet } from '../../sheet/write';
import type { InspectionLine } from '../accountability';
import type { ReportSheet } from './common';

export const inspectionsSheet: ReportSheet = (r, title) =>
  sheet<InspectionLine>(
    '督查',
    title('乡纪委明察暗访记录'),
    [
      col('时间', 17, (x) => x.at),
      col('方式', 8, (x) => x.kind),
      col('村', 10, (x) => x.village),
      col('户编号', 14, (x) => x.number, { text: true }),
      col('户主姓名', 10, (x) => x.head),
      col('涉及人员', 14, (x) => x.person),
      col('督查发现', 50, (x) => x.finding, { wrap: true }),
      col('采取的措施', 36, (x) => x.action, { wrap: true }),
      col('确认识别错误', 12, (x) => x.wrongIdentification),
      col('记录人', 10, (x) => x.recordedBy),
    ],
    r.inspections,
  );
