// The meeting card: the numbers, the rules they meet, who confirmed, and buttons for the overseers.
import { card, md, buttons, type Card, type Element } from '../../feishu/card';
import { botMention, esc } from '../../feishu/escape';
import { INCOMPLETE, MEETING_NAMES, householdVotes, tallyText, type MeetingValidation } from '../../core/meetings';
import { cstDate, formatCn } from '../../core/dates';
import { backfillMark } from '../../core/procedure';
import type { MeetingRow } from '../../store/meetings';
import { meetingConfirm, meetingTownshipSign } from '../actions/review';

export type { MeetingRow } from '../../store/meetings';

export function meetingCard(m: MeetingRow, villageName: string, firstSecretaryRequired: boolean, validity: MeetingValidation): Card {
  const kind = m.kind;
  const rate = m.eligible > 0 ? Math.floor((m.present * 1000) / m.eligible) / 10 : 0;
  const perHousehold = householdVotes(m.votes);
  const v = Array.isArray(m.votes) ? null : m.votes;
  const voteLines = perHousehold.length
    ? [
        '逐户表决：',
        ...perHousehold.map(
          (h) =>
            `${h.passed ? '✅' : '❌'} ${esc(`${h.head}（${h.number}）`)}：${tallyText(h)}，${h.passed ? '通过' : '未通过'}` +
            (h.objection ? `（异议演说后单独表决：${esc(h.objection)}）` : ''),
        ),
      ]
    : [v ? `表决：${tallyText(v)}` : kind === 'two_committees' ? '' : '未登记表决'].filter(Boolean);
  const lines = [
    `**${esc(villageName)}** ${formatCn(m.date)}${m.backfilled ? backfillMark(cstDate(new Date(m.createdAt))) : ''}　应到 ${m.eligible} 人，实到 ${m.present} 人（到会率 ${rate}%）`,
    ...voteLines,
    ...(m.absenteeOpinions ? [`缺席人员意见：${esc(m.absenteeOpinions)}`] : []),
    `第一书记到场确认：${firstSecretaryRequired ? (m.confirmations.first_secretary ? `✅ ${botMention(m.confirmations.first_secretary)}` : '⬜ 待确认') : '本村无第一书记'}`,
    `驻村干部到场确认：${m.confirmations.package_cadre ? `✅ ${botMention(m.confirmations.package_cadre)}` : '⬜ 待确认'}`,
    ...(kind === 'two_committees'
      ? [`驻村干部在会议记录上签字：${m.confirmations.package_cadre_sign ? `✅ ${botMention(m.confirmations.package_cadre_sign)}` : '⬜ 待签字'}`]
      : []),
    ...(kind === 'two_committees'
      ? (() => {
          const signed = Object.entries(m.confirmations).filter(([k]) => k.startsWith('township_sign:')).map(([, name]) => name);
          return signed.length ? [`乡干部签署意见：${esc(signed.join('、'))}`] : [];
        })()
      : []),
    ...(kind === 'villagers_assembly' && !m.absenteeOpinions ? ['缺席人员意见：⬜ 未登记（发送“缺席意见 具体意见”或“缺席意见 无缺席”）'] : []),
    ...(m.evidence.length ? [`佐证材料：${m.evidence.length} 份`] : ['请把签字的决议照片或文件回复到本卡片，作为佐证。']),
  ];
  const els = [md(lines.join('\n'))];
  const incomplete = validity.ok ? [] : validity.problems.filter((p) => p.startsWith(INCOMPLETE));
  const pending = validity.ok ? [] : validity.problems.filter((p) => !p.startsWith(INCOMPLETE));
  if (validity.ok) els.push(md('✅ **记录有效**'));
  else els.push(md(`⚠️ **尚未生效**：\n${validity.problems.map((p) => `• ${esc(p)}`).join('\n')}`));
  const bs: Element[] = [];
  // the buttons find the meeting by its card's message id (every meeting recorded in a chat has one)
  const key = m.cardMessageId;
  if (key) {
    if (firstSecretaryRequired && !m.confirmations.first_secretary) bs.push(meetingConfirm.button('第一书记确认到场', { m: key, as: 'first_secretary' }, 'primary'));
    if (!m.confirmations.package_cadre) bs.push(meetingConfirm.button('驻村干部确认到场', { m: key, as: 'package_cadre' }, 'primary'));
    if (kind === 'two_committees' && !m.confirmations.package_cadre_sign) bs.push(meetingConfirm.button('驻村干部签字', { m: key, as: 'package_cadre_sign' }));
    if (kind === 'two_committees') bs.push(meetingTownshipSign.button('乡干部签署意见', { m: key }));
  }
  if (bs.length) els.push(buttons(...bs));
  const state = validity.ok ? '' : pending.length ? '（待确认）' : incomplete.length ? '（记录不完整）' : '';
  return card(`${MEETING_NAMES[kind]}记录${state}`, els, validity.ok ? 'green' : 'orange');
}
