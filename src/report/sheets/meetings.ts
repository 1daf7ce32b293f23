// 会议记录: the village meetings, their overseers, signatures and evidence.
import { col, sheet } from '../../sheet/write';
import type { MeetingLine } from '../data';
import type { ReportSheet } from './common';

export const meetingsSheet: ReportSheet = (r, title) =>
  sheet<MeetingLine>(
    '会议记录',
    title('村级评议会议'),
    [
      col('村', 10, (m) => m.village),
      col('会议', 13, (m) => m.kind),
      col('日期', 11, (m) => m.date),
      col('应到人数', 10, (m) => m.eligible),
      col('实到人数', 10, (m) => m.present),
      col('到会率', 8, (m) => m.attendance),
      col('同意', 7, (m) => m.votesFor),
      col('反对', 7, (m) => m.votesAgainst),
      col('弃权', 7, (m) => m.votesAbstain),
      col('缺席人员意见', 24, (m) => m.absentees, { wrap: true }),
      col('第一书记到场确认', 12, (m) => m.firstSecretary),
      col('驻村干部到场确认', 12, (m) => m.packageCadre),
      col('驻村干部签署意见', 12, (m) => m.packageCadreSign),
      col('乡干部签署意见', 16, (m) => m.townshipSigners),
      col('是否有效', 14, (m) => m.valid),
      col('佐证份数', 8, (m) => m.evidenceCount),
      col('佐证', 30, (m) => m.evidence, { wrap: true }),
      col('登记人', 10, (m) => m.recordedBy),
      col('登记时间', 17, (m) => m.recordedAt),
    ],
    r.meetings,
  );
