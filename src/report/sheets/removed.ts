// 清退户: households removed, with the exclusion and its evidence, or the office's reason.
import { col, sheet } from '../../sheet/write';
import type { HouseholdLine } from '../data';
import { householdBase, householdsOf, type ReportSheet } from './common';

export const removedSheet: ReportSheet = (r, title) =>
  sheet<HouseholdLine>(
    '清退户',
    title('清退户'),
    [
      ...householdBase,
      col('原身份', 8, (h) => (h.applicant ? '申请户' : '在册户')),
      col('清退原因', 40, (h) => h.removalReason, { wrap: true }),
      col('六个不纳入', 22, (h) => h.exclusions, { wrap: true }),
      col('比对部门', 12, (h) => h.departments),
      col('比对证据', 60, (h) => h.evidence, { wrap: true }),
      col('确认人', 10, (h) => h.decidedBy),
      col('确认时间', 17, (h) => h.decidedAt),
      col('识别责任人', 10, (h) => h.identificationOwner),
    ],
    householdsOf(r, 'removed'),
  );
