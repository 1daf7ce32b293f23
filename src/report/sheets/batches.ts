// 五个一批统计: per batch 户数, 户内人口 and 逐人分类, per village and 合计.
import { BATCHES, BATCH_KEYS } from '../../core/batches';
import { col, sheet } from '../../sheet/write';
import type { BatchLine } from '../data';
import type { ReportSheet } from './common';

export const batchesSheet: ReportSheet = (r, title) =>
  sheet<BatchLine>(
    '五个一批统计',
    title('五个一批分类统计（到户到人）'),
    [
      col('村', 10, (b) => b.village),
      col('纳入户数', 10, (b) => b.households),
      col('纳入人数', 10, (b) => b.persons),
      col('已分类户数', 10, (b) => b.classifiedHouseholds),
      ...BATCH_KEYS.flatMap((k) => [
        col<BatchLine>(`${BATCHES[k].name}（户数）`, 14, (b) => b.byHousehold[k]),
        col<BatchLine>(`${BATCHES[k].name}（户内人口）`, 16, (b) => b.inHouseholds[k]),
        col<BatchLine>(`${BATCHES[k].name}（逐人分类）`, 16, (b) => b.individually[k]),
      ]),
    ],
    r.batches,
    r.batchTotal,
  );
