// 申请未通过: applications refused, with the qualification decision.
import { col, sheet } from '../../sheet/write';
import type { HouseholdLine } from '../data';
import { householdBase, householdsOf, type ReportSheet } from './common';

export const rejectedSheet: ReportSheet = (r, title) =>
  sheet<HouseholdLine>(
    '申请未通过',
    title('申请未通过'),
    [...householdBase, col('申请说明', 30, (h) => h.applicationNote, { wrap: true }), col('资格复审结论', 40, (h) => h.qualification, { wrap: true })],
    householdsOf(r, 'rejected'),
  );
