// Cards of the six-exclusions cross-check: the result of 比对, and the 核查 list where the office
// confirms (确认清退) or dismisses (排除) each open hit with a reason typed into the card.
import { card, md, hr, buttons, input, type Card, type Element, submitButton } from '../../feishu/card';
import { esc, escCell } from '../../feishu/escape';
import { EXCLUSIONS, EXCLUSION_NAMES, describeEvidence } from '../../core/exclusions';
import { maskIdCard } from '../../core/idcard';
import { formatCn } from '../../core/dates';
import type { CrosscheckPlan, HitTotals, HitView } from '../../store/crosscheck';
import { crosscheckRun, hitDecide, hitList } from '../actions/crosscheck';

/** Hits per 核查 card: each carries a form; 8 keep the card far below Feishu's 30 KB. */
export const HITS_PER_PAGE = 8;

export function crosscheckResultCard(townshipName: string, plan: CrosscheckPlan, before: HitTotals[]): Card {
  const added = plan.newHits.reduce((s, h) => s + h.n, 0);
  const rows = EXCLUSIONS.map((x) => {
    const fresh = plan.newHits.filter((h) => h.exclusion === x);
    const n = fresh.reduce((s, h) => s + h.n, 0);
    const open = (before.find((b) => b.exclusion === x)?.open ?? 0) + n;
    const by = escCell(fresh.map((h) => `${h.department} ${h.n}`).join('、'));
    return `| ${EXCLUSION_NAMES[x]} | ${n}${by ? `（${by}）` : ''} | ${open} |`;
  });
  const els: Element[] = [
    md(`新发现线索 **${added}** 条。线索是待核实的证据，不是结论：请逐条确认清退或排除。`),
    md(`| 六个不纳入 | 新增 | 待处理 |\n|---|---|---|\n${rows.join('\n')}`),
  ];
  if (plan.missing.length) els.push(md(`⚠️ 尚未导入名单的部门：${esc(plan.missing.join('、'))}（乡扶贫办用管理命令 import department 导入）`));
  if (plan.flags.length && plan.closingDate) {
    els.push(md(`🔴 复核工作已于 ${formatCn(plan.closingDate)} 结束：${plan.flags.length} 条在册户的新线索已连同识别责任人报乡纪委。`));
  }
  for (const w of plan.warnings.slice(0, 10)) els.push(md(`⚠️ ${esc(w)}`));
  if (plan.warnings.length > 10) els.push(md(`还有 ${plan.warnings.length - 10} 条提示，发送“核查”查看线索明细。`));
  els.push(hr());
  els.push(buttons(hitList.button('核查线索', { offset: 0 }, 'primary'), crosscheckRun.button('重新比对', {})));
  return card(`${townshipName} 六个不纳入比对结果`, els, added ? 'orange' : 'green');
}

function hitForm(h: HitView, offset: number): Element {
  const value = (decision: 'confirm' | 'dismiss') => hitDecide.submit({ id: h.id, decision, offset });
  return {
    tag: 'form',
    name: `hit_${h.id}`,
    elements: [
      // names unique in the whole card (Feishu refuses a card with two components of one name)
      input(`reason_${h.id}`, '理由', { placeholder: '核实情况，确认或排除都须写明理由' }),
      buttons(
        submitButton(`hit_${h.id}_confirm`, '确认清退', value('confirm'), 'danger'),
        submitButton(`hit_${h.id}_dismiss`, '排除', value('dismiss'), 'default'),
      ),
    ],
  };
}

export function hitText(h: HitView): string {
  const removed = h.household.status === 'removed' ? '（本户已清退）' : '';
  return (
    `**#${h.id} ${EXCLUSION_NAMES[h.exclusion]}**　${esc(`${h.village?.name ?? ''} ${h.household.number} ${h.household.headName}`)}户${removed}\n` +
    esc(`成员 ${h.member.name}（${maskIdCard(h.member.idCard)}）\n${describeEvidence(h.department, h.evidence)}`)
  );
}

export function hitListCard(total: number, hits: HitView[], offset: number): Card {
  const els: Element[] = [];
  if (total === 0) {
    els.push(md('没有待处理的比对线索。'));
    els.push(buttons(crosscheckRun.button('比对', {}, 'primary')));
    return card('比对线索核查', els, 'green');
  }
  els.push(md(`待处理 **${total}** 条，第 ${offset + 1}–${offset + hits.length} 条。确认清退：该户清退；排除：线索不属实。都要写理由，结果通知所在村工作群。`));
  for (const h of hits) {
    els.push(hr());
    els.push(md(hitText(h)));
    els.push(hitForm(h, offset));
  }
  const nav: Element[] = [];
  if (offset > 0) nav.push(hitList.button('上一页', { offset: Math.max(0, offset - HITS_PER_PAGE) }));
  if (offset + hits.length < total) nav.push(hitList.button('下一页', { offset: offset + HITS_PER_PAGE }));
  nav.push(hitList.button('刷新', { offset }));
  els.push(hr());
  els.push(buttons(...nav));
  return card(`比对线索核查（待处理 ${total} 条）`, els, 'orange');
}
