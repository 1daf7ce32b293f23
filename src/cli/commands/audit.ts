// audit [--village 村名] [--limit N]: the audit trail in Chinese — who (by name), what, on what,
// and what changed (only the fields that changed), ID numbers masked like everything on screen.
import { cstDate, cstTime } from '../../core/dates';
import { listAudit, type AuditEntry } from '../../store/audit';
import { findVillageByName } from '../../store/township';
import { FLOW, isHouseholdStatus } from '../../core/household-flow';
import { HEALTH, HOUSING, LABOR, RELATIONS, SCHOOLING, SKILL, WORK, YES_NO, ZONES, type EnumDef } from '../../core/roster-values';
import { CliError, type CliContext } from '../context';

const ACTIONS = new Map<string, string>([
  ['create', '新建'], ['update', '修改'], ['remove', '删除'], ['import', '导入'], ['export', '导出'],
  ['apply', '登记申请'], ['qualify', '资格复审'], ['vote', '表决'], ['record', '登记'], ['sign', '签字'],
  ['confirm', '确认'], ['absentees', '缺席意见'], ['attach', '上传佐证'], ['start', '开始'], ['object', '提出异议'],
  ['resolve', '处理异议'], ['complete', '完成'], ['county_approve', '县批准'], ['submit', '上报'], ['archive', '存档'],
  ['bind', '绑定'], ['unbind', '解绑'], ['grant', '授予'], ['assign', '指定帮扶'], ['reassign', '更换帮扶'],
  ['return', '帮扶卡回收'], ['unreturn', '撤销回收'], ['classify', '分类'], ['visit', '走访'], ['contact', '联系'],
  ['inspect', '督查'], ['acknowledge', '已督办'], ['file_data', '资料归档'], ['crosscheck', '比对'],
  ['bot_removed', '机器人被移出群'], ['chat_disbanded', '群已解散'], ['confirm_hit', '确认线索'], ['dismiss', '排除线索'],
  ['add_member', '登记成员'], ['set_owner', '更改识别责任人'], ['cancel', '取消导入'],
]);

const ENTITIES = new Map<string, string>([
  ['township', '乡镇'], ['village', '村'], ['person', '人员'], ['role', '角色'], ['chat', '群'], ['household', '户'],
  ['household_batches', '五个一批分类'], ['household_helper', '帮扶责任人'], ['help_card', '帮扶卡'],
  ['helper_visit', '走访'], ['exit_plan', '脱贫计划'], ['meeting', '会议'], ['township_meeting', '乡会议'],
  ['notice', '公示'], ['objection', '异议'], ['stage', '阶段'], ['alert', '督办'], ['inspection', '督查'],
  ['exclusion_hit', '比对线索'], ['department_list', '部门名单'], ['roster', '花名册'], ['publicity', '宣传'], ['report', '报表'], ['archive', '存档'],
]);

const FIELDS = new Map<string, string>([
  ['status', '状态'], ['name', '名称'], ['headName', '户主'], ['date', '日期'], ['eligible', '应到'], ['present', '实到'],
  ['for', '同意'], ['against', '反对'], ['valid', '有效'], ['kind', '类型'], ['reason', '理由'], ['content', '内容'],
  ['helper', '帮扶责任人'], ['helperId', '帮扶责任人'], ['batches', '类别'], ['chatId', '群'], ['role', '角色'],
  ['village', '村'], ['villageId', '村'], ['stage', '阶段'], ['doneAt', '完成时间'], ['startDate', '开始日期'],
  ['endDate', '结束日期'], ['result', '结果'], ['finding', '发现问题'], ['action', '处理'], ['method', '方式'],
  ['rows', '行数'], ['department', '部门'], ['qualification', '资格复审'], ['number', '户编号'],
  ['povertyCause', '致贫原因'], ['housing', '住房'], ['zone', '居住区域'], ['allAway', '全家外出'], ['phone', '电话'],
  ['identificationOwner', '识别责任人'], ['relation', '与户主关系'], ['labor', '劳动能力'], ['health', '健康状况'],
  ['idCard', '身份证号'], ['members', '成员'], ['applicant', '新申请'], ['mobile', '手机号'], ['email', '邮箱'],
  ['via', '途径'], ['file', '文件'], ['fileMessage', '文件消息'], ['command', '命令消息'], ['sentBy', '发送人'],
  ['confirmedBy', '确认人'], ['households', '户数'], ['byKind', '按记录类型'], ['replaced', '替换的名单'], ['cancelled', '已取消'],
  ['rejectedStep', '未通过环节'], ['rejection', '未通过原因'], ['objection', '异议演说'], ['meeting', '会议'], ['passed', '通过'],
  ['abstain', '弃权'], ['absenteeOpinions', '缺席意见'], ['evidence', '佐证'], ['note', '说明'],
  ['labour', '劳动能力'], ['disability', '残疾情况'], ['disabilityCert', '残疾证号'], ['schooling', '在校情况'], ['skill', '技能'],
  ['skillNote', '技能说明'], ['work', '务工'], ['workPlace', '务工地点'], ['minimumLiving', '低保'], ['extremePoverty', '特困'],
  ['incomePerCapita', '人均纯收入'], ['countyApprovalDate', '县批准日期'], ['countyApprovalDoc', '批准文号'],
]);

/** Fields whose values are roster codes: shown by their label. */
const CODED = new Map<string, EnumDef<string>>([
  ['housing', HOUSING], ['zone', ZONES], ['relation', RELATIONS], ['labor', LABOR], ['labour', LABOR], ['health', HEALTH],
  ['schooling', SCHOOLING], ['skill', SKILL], ['work', WORK], ['minimumLiving', YES_NO], ['extremePoverty', YES_NO],
]);

const label = (map: Map<string, string>, key: string) => map.get(key) ?? key;

function value(key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '（空）';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (key === 'status' && typeof v === 'string') return isHouseholdStatus(v) ? FLOW[v].name : v;
  const coded = CODED.get(key);
  if (coded && typeof v === 'string' && Object.hasOwn(coded.labels, v)) return (coded.labels as Record<string, string>)[v]!;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What changed: for two objects only the fields that differ, `字段：旧 → 新`; otherwise the values whole. */
export function describeChange(before: unknown, after: unknown): string {
  if (isRecord(before) || isRecord(after)) {
    const b = isRecord(before) ? before : {};
    const a = isRecord(after) ? after : {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
    if (keys.length === 0) return '无变化';
    return keys
      .map((k) => {
        const name = label(FIELDS, k);
        if (!(k in b)) return `${name}：${value(k, a[k])}`;
        if (!(k in a)) return `${name}：${value(k, b[k])} → （删除）`;
        return `${name}：${value(k, b[k])} → ${value(k, a[k])}`;
      })
      .join('；');
  }
  if (before === null || before === undefined) return value('', after);
  return `${value('', before)} → ${value('', after)}`;
}

export function auditLine(r: AuditEntry): string {
  const t = cstTime(new Date(r.at));
  const when = `${cstDate(new Date(r.at))} ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
  const who = r.actorName ?? (r.actor.startsWith('cli:') ? `管理命令（${r.actor.slice(4)}）` : r.actor === 'seed' ? '示例载入' : r.actor);
  return `${when} ${who} ${label(ACTIONS, r.action)} ${label(ENTITIES, r.entity)} ${r.entityId}：${describeChange(r.before, r.after)}（来源 ${r.source}）`;
}

export async function auditCommand(cli: CliContext, opts: { village?: string; township?: string; limit?: string }) {
  const tid = await cli.townshipId(opts.township);
  let villageId: number | undefined;
  if (opts.village) {
    const v = await findVillageByName(cli.d, tid, opts.village);
    if (!v) throw new CliError(`没有叫“${opts.village}”的村。`);
    villageId = v.id;
  }
  const rows = await listAudit(cli.d, tid, { ...(villageId === undefined ? {} : { villageId }), limit: Number(opts.limit ?? 200) });
  for (const r of rows) cli.out(auditLine(r));
  if (rows.length === 0) cli.out('没有记录。');
}
