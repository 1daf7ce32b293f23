// 新纳入户: applications that passed or are still under review, by category.
import { col, sheet } from '../../sheet/write';
import type { HouseholdLine } from '../data';
import { householdBase, householdsOf, type ReportSheet } from './common';

export const addedSheet: ReportSheet = (r, title) =>
  sheet<HouseholdLine>(
    '新纳入户',
    title('新纳入户（含待县审批）'),
    [
      ...householdBase,
      col('类别', 16, (h) => h.categoryName),
      col('当前环节', 20, (h) => h.status),
      col('申请说明', 30, (h) => h.applicationNote, { wrap: true }),
      col('资格复审', 16, (h) => h.qualification),
      col('五个一批（到户）', 36, (h) => h.batches, { wrap: true }),
      col('帮扶责任人', 18, (h) => h.helper),
      col('识别责任人', 10, (h) => h.identificationOwner),
      col('县批准日期', 12, (h) => h.countyApproval),
      col('批准文号', 22, (h) => h.countyApprovalDoc),
      col('低保', 6, (h) => h.minimumLiving),
      col('特困', 6, (h) => h.extremePoverty),
      col('人均纯收入（元/年）', 12, (h) => h.income),
    ],
    householdsOf(r, ['new_awaiting', 'new_approved', 'new_pending']).sort((a, b) => a.category.localeCompare(b.category) || a.village.localeCompare(b.village, 'zh-CN')),
  );
