// 逐户表决: each applicant's vote at the 村民大会 and 村民代表大会 (同意, 反对, 弃权, result, objection).
import { col, sheet } from '../../sheet/write';
import type { VoteLine } from '../record';
import type { ReportSheet } from './common';

export const votesSheet: ReportSheet = (r, title) =>
  sheet<VoteLine>(
    '逐户表决',
    title('申请户逐户表决'),
    [
      col('村', 10, (v) => v.village),
      col('会议', 13, (v) => v.meeting),
      col('日期', 11, (v) => v.date),
      col('户编号', 14, (v) => v.number, { text: true }),
      col('户主姓名', 10, (v) => v.head),
      col('实到人数', 10, (v) => v.present),
      col('同意', 7, (v) => v.votesFor),
      col('反对', 7, (v) => v.votesAgainst),
      col('弃权', 7, (v) => v.votesAbstain),
      col('表决结果', 10, (v) => v.result),
      col('异议及单独表决', 36, (v) => v.objection, { wrap: true }),
    ],
    r.record.votes,
  );
