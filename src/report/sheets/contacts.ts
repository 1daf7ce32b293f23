// 全家外出联系: every all-away household under review and each contact with it (或 未联系).
import { col, sheet } from '../../sheet/write';
import type { ContactLine } from '../record';
import type { ReportSheet } from './common';

export const contactsSheet: ReportSheet = (r, title) =>
  sheet<ContactLine>(
    '全家外出联系',
    title('全家外出户联系情况'),
    [
      col('村', 10, (c) => c.village),
      col('户编号', 14, (c) => c.number, { text: true }),
      col('户主姓名', 10, (c) => c.head),
      col('类别', 16, (c) => c.categoryName),
      col('联系情况', 8, (c) => c.state),
      col('联系次数', 8, (c) => c.contacts),
      col('最近联系', 11, (c) => c.last),
      col('联系记录', 50, (c) => c.details, { wrap: true }),
    ],
    r.record.contacts,
  );
