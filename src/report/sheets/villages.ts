// 分村汇总: the figures per village and the 合计 row (报县扶贫移民局).
import { col, sheet } from '../../sheet/write';
import type { VillageLine } from '../data';
import type { ReportSheet } from './common';

export const villagesSheet: ReportSheet = (r, title) =>
  sheet<VillageLine>(
    '分村汇总',
    title('分村汇总（报县扶贫移民局）'),
    [
      col('村', 10, (v) => v.village),
      col('贫困村', 8, (v) => v.poor),
      col('复核户数', 10, (v) => v.households),
      col('保留户数', 10, (v) => v.keptHouseholds),
      col('保留人数', 10, (v) => v.keptPersons),
      col('清退户数', 10, (v) => v.removedHouseholds),
      col('清退人数', 10, (v) => v.removedPersons),
      col('新纳入待县审批户数', 11, (v) => v.awaitingHouseholds),
      col('新纳入待县审批人数', 11, (v) => v.awaitingPersons),
      col('新纳入县已批准户数', 11, (v) => v.approvedHouseholds),
      col('新纳入县已批准人数', 11, (v) => v.approvedPersons),
      col('申请审核中户数', 10, (v) => v.pendingHouseholds),
      col('申请未通过户数', 10, (v) => v.rejectedHouseholds),
      col('现纳入户数', 10, (v) => v.includedHouseholds),
      col('现纳入人数', 10, (v) => v.includedPersons),
      col('已落实帮扶户数', 10, (v) => v.withHelper),
      col('五个一批已分类户数', 11, (v) => v.classified),
      col('帮扶卡已填写户数', 10, (v) => v.helpCardsFilled),
      col('帮扶卡已回收户数', 10, (v) => v.helpCardsReturned),
      col('帮扶卡已存档户数', 10, (v) => v.helpCardsReceived),
      col('政策宣讲次数', 10, (v) => v.publicityActivities),
      col('宣讲覆盖人数', 10, (v) => v.publicityReached),
      col('全家外出户数', 10, (v) => v.allAway),
      col('全家外出已联系户数', 11, (v) => v.allAwayContacted),
      col('有效会议数', 10, (v) => v.validMeetings),
      col('公示期', 24, (v) => v.notice),
      col('公示异议', 10, (v) => v.objections),
      col('异议已处理', 10, (v) => v.objectionsResolved),
      col('资格复审完成', 12, (v) => v.qualificationDone),
      col('评议公示完成', 12, (v) => v.evaluationDone),
    ],
    r.villages,
    r.total,
  );
