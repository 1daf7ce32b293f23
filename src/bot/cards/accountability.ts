// The 追责 card in the discipline committee's chat (DESIGN §7): one per wrongly identified
// household found after the close, with the village, the household (head's ID masked), the
// finding, where it came from and the 识别责任人; the committee records 处理结果 on it.
import { buttons, card, form, hr, input, md, select, type Card, type Element } from '../../feishu/card';
import { accountabilityForm, accountabilityOutcome, accountabilityShow } from '../actions/accountability';
import { esc } from '../../feishu/escape';
import { OUTCOMES, SOURCE_NAMES } from '../../core/accountability';
import type { AccountabilityView } from '../../store/accountability';
import { cstClock } from './alerts';

/** What the card's buttons carry to find the finding again. */
export const accountabilityRef = (a: Pick<AccountabilityView, 'source' | 'sourceId'>) => ({ s: a.source, sid: a.sourceId });

/** `01-004 户主 蒋应祥（522601********1234）` */
export const householdLine = (a: Pick<AccountabilityView, 'number' | 'headName' | 'headId'>) =>
  `${a.number} 户主 ${a.headName}${a.headId ? `（${a.headId}）` : ''}`;

/** `约谈：已约谈村支书（张三，12月22日 10:00）` */
export const outcomeLine = (a: AccountabilityView) =>
  a.outcome
    ? `${a.outcome}${a.outcomeNote ? `：${a.outcomeNote}` : ''}（${a.outcomeByName ?? ''}，${a.outcomeAt !== null ? cstClock(a.outcomeAt) : ''}）`
    : '未处理';

export function accountabilityCard(a: AccountabilityView, o: { showForm?: boolean } = {}): Card {
  const lines = [
    `**来源**　${SOURCE_NAMES[a.source]}`,
    `**编号**　${a.code}`,
    `**村**　${esc(a.villageName)}`,
    `**户**　${esc(householdLine(a))}`,
    `**发现**　${esc(a.finding)}`,
    `**识别责任人**　${a.identificationOwner ? esc(a.identificationOwner) : '（花名册未填写）'}`,
    `**报送**　${cstClock(a.foundAt)}，复核工作结束后发现的识别错误，请核查追责。`,
  ];
  const els: Element[] = [md(lines.join('\n'))];
  if (a.outcome) els.push(hr(), md(`✅ **处理结果**　${esc(outcomeLine(a))}`));
  const ref = accountabilityRef(a);
  if (o.showForm) {
    els.push(
      form(
        'outcome',
        [
          select('outcome', '处理结果', OUTCOMES.map((x) => ({ text: x, value: x }))),
          input('note', '说明', { placeholder: '选“其他”时必填，如：责令作出书面检查' }),
        ],
        '提交处理结果',
        accountabilityOutcome.submit(ref),
      ),
      buttons(accountabilityShow.button('取消', ref)),
    );
  } else {
    els.push(buttons(accountabilityForm.button(a.outcome ? '修改处理结果' : '记录处理结果', ref, a.outcome ? 'default' : 'primary')));
    els.push(md(`手机上也可发送：处理 ${a.code} <约谈|通报|免职|党纪政纪处分|其他> [说明]`));
  }
  const title = `追责：${a.villageName} ${a.number} ${a.headName}（${SOURCE_NAMES[a.source]}）`;
  return card(title, els, a.outcome ? 'green' : 'red');
}
