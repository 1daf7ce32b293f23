// 保留户: registered households kept this year.
import { col, sheet } from '../../sheet/write';
import type { HouseholdLine } from '../data';
import { householdBase, householdsOf, type ReportSheet } from './common';

export const keptSheet: ReportSheet = (r, title) =>
  sheet<HouseholdLine>(
    '保留户',
    title('保留户'),
    [
      ...householdBase,
      col('致贫原因', 14, (h) => h.povertyCause),
      col('住房情况', 10, (h) => h.housing),
      col('所在区域', 10, (h) => h.zone),
      col('五个一批（到户）', 36, (h) => h.batches, { wrap: true }),
      col('帮扶责任人', 18, (h) => h.helper),
      col('帮扶卡', 40, (h) => h.helpCard),
      col('识别责任人', 10, (h) => h.identificationOwner),
      col('联系电话', 14, (h) => h.phone, { text: true }),
      col('低保', 6, (h) => h.minimumLiving),
      col('特困', 6, (h) => h.extremePoverty),
      col('人均纯收入（元/年）', 12, (h) => h.income),
    ],
    householdsOf(r, 'kept'),
  );
