// 人员明细: every member (统计到人), 逐人分类 only.
import { col, sheet } from '../../sheet/write';
import type { PersonLine } from '../data';
import type { ReportSheet } from './common';

export const personsSheet: ReportSheet = (r, title) =>
  sheet<PersonLine>(
    '人员明细',
    title('人员明细（统计到人）'),
    [
      col('村', 10, (p) => p.village),
      col('户编号', 14, (p) => p.number, { text: true }),
      col('户主姓名', 10, (p) => p.head),
      col('类别', 16, (p) => p.categoryName),
      col('姓名', 10, (p) => p.name),
      col('与户主关系', 11, (p) => p.relation),
      col('身份证号', 21, (p) => p.idCard, { text: true }),
      col('劳动能力', 10, (p) => p.labour),
      col('健康状况', 11, (p) => p.health),
      col('残疾情况', 10, (p) => p.disability),
      col('残疾证号', 22, (p) => p.disabilityCert, { text: true }),
      col('五个一批（逐人分类）', 36, (p) => p.batches, { wrap: true }),
      col('在校情况', 9, (p) => p.schooling),
      col('技能', 16, (p) => p.skill),
      col('务工', 18, (p) => p.work),
    ],
    r.persons,
  );
