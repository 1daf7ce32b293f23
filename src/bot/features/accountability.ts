// The discipline committee after the close (DESIGN §7): 处理结果 on a 追责 card (a form) or by
// text (`处理 <编号> <结果> [说明]`), the list of findings still without one (`追责`), and
// 督查 records by text (`明察` / `暗访`). Recording an outcome again changes it, audited with
// what it was.
import type { Bot } from '../bot';
import type { BotContext } from '../context';
import { OUTCOMES, isOutcome, parseFindingCode, SOURCE_NAMES, type AccountabilitySource, type InspectionKind } from '../../core/accountability';
import { tooLong } from '../../core/limits';
import { getAccountability, listAccountability, setOutcome, type AccountabilityView } from '../../store/accountability';
import { findVillageByName, listVillages } from '../../store/township';
import { accountabilityCard, householdLine, outcomeLine } from '../cards/accountability';
import { actorName } from '../household-info';
import { accountabilityForm, accountabilityOutcome, accountabilityShow } from '../actions/accountability';
import { inspectedHousehold, inspectionTooLong, saveInspection } from '../inspect';
import type { HouseholdRow } from '../households';

const OUTCOME_USAGE = '处理 <编号> <约谈|通报|免职|党纪政纪处分|其他> [说明]';
const OUTCOME_EXAMPLE = '处理 清退7 约谈 已约谈村支书和识别责任人';
const inspectUsage = (kind: InspectionKind) => `${kind} <村名> [户] <发现> [人员：<姓名>] [措施：<内容>] [确认识别错误]`;
const inspectExample = (kind: InspectionKind) => `${kind} 石门村 01-004 家有小汽车未申报 人员：王磊 措施：已报乡扶贫办清退 确认识别错误`;

/** The finding a card button names, or null with the reason toasted. */
async function findingOfButton(ctx: BotContext, value: { s: AccountabilitySource; sid: number }): Promise<AccountabilityView | null> {
  const a = await getAccountability(ctx.d, ctx.township!.id, [value.s], value.sid);
  if (!a) ctx.toast('error', '找不到这件追责事项，请发送“追责”查看。');
  return a;
}

/** Validates and queues an outcome; returns the updated view, or a refusal (nothing queued). */
function recordOutcome(ctx: BotContext, a: AccountabilityView, outcome: unknown, noteText: string, via: 'card' | 'text'): AccountabilityView | string {
  if (!isOutcome(outcome)) return `处理结果只能是：${OUTCOMES.join('、')}。`;
  const note = noteText.trim() || null;
  if (outcome === '其他' && !note) return '选“其他”时请写明处理结果，例如：其他 责令作出书面检查。';
  const long = tooLong('outcome', '说明', note);
  if (long) return long;
  if (a.id === null) return '这件追责事项还没有记下，请稍后再试。';
  const at = ctx.now.getTime();
  ctx.write(setOutcome(ctx.d, a.id, { outcome, note, by: ctx.actor.openId, at }));
  ctx.audit({
    action: a.outcome ? 'change_outcome' : 'record_outcome',
    entity: 'accountability',
    entityId: a.code,
    villageId: a.villageId,
    before: a.outcome ? { outcome: a.outcome, note: a.outcomeNote, by: a.outcomeBy, at: a.outcomeAt } : null,
    after: { outcome, note, via },
  });
  return { ...a, outcome, outcomeNote: note, outcomeBy: ctx.actor.openId, outcomeByName: actorName(ctx), outcomeAt: at };
}

/** `人员：…` and `措施：…` parts and the `确认识别错误` mark, out of a 督查's text. */
export function parseInspectionText(text: string): { main: string; person: string | null; action: string | null; wrong: boolean } {
  let wrong = false;
  const cleaned = text.replace(/(^|\s)确认识别错误(?=\s|$)/g, () => {
    wrong = true;
    return ' ';
  });
  const parts = cleaned.split(/(人员[:：]|措施[:：])/);
  let main = parts[0] ?? '';
  let person: string | null = null;
  let action: string | null = null;
  for (let i = 1; i < parts.length; i += 2) {
    const value = (parts[i + 1] ?? '').trim() || null;
    if (parts[i]!.startsWith('人员')) person = value;
    else action = value;
  }
  main = main.trim();
  return { main, person, action, wrong };
}

function inspectCommand(kind: InspectionKind) {
  return {
    name: kind,
    usage: inspectUsage(kind),
    summary: kind === '明察' ? '记录一次明察（可写户、人员、措施，可标记确认识别错误）' : '记录一次暗访（写法同明察）',
    roles: ['inspector'] as const,
    async run(ctx: BotContext, p: { args: string[]; rest: string }) {
      const t = ctx.township!;
      const target = p.args[0] ?? '';
      const all = async () => (await listVillages(ctx.d, t.id)).map((v) => v.name).join('、');
      if (!target) return ctx.reply(`用法：${inspectUsage(kind)}\n例如：${inspectExample(kind)}`);
      const named = await findVillageByName(ctx.d, t.id, target);
      const township = target === '乡级' || target === '全乡';
      if (!named && !township) return ctx.reply(`本乡没有“${target}”。可选：${await all()}、乡级\n用法：${inspectUsage(kind)}`);
      const [vid, vname] = named ? [named.id, named.name] : [0, '乡级'];
      const { main, person, action, wrong } = parseInspectionText(p.rest.slice(target.length));
      const [first = '', ...others] = main.split(/\s+/);
      let household: HouseholdRow | null = null;
      let finding = main;
      if (first && others.length > 0) {
        const h = await inspectedHousehold(ctx, vid, vname, first);
        if ('refusal' in h) return ctx.reply(`${h.refusal}\n用法：${inspectUsage(kind)}`);
        if (h.household) [household, finding] = [h.household, others.join(' ')];
      }
      if (!finding) return ctx.reply(`请写明${kind}发现的问题。用法：${inspectUsage(kind)}\n例如：${inspectExample(kind)}`);
      const long = inspectionTooLong({ finding, person, action });
      if (long) return ctx.reply(long);
      if (wrong && !household) {
        return ctx.reply(`确认识别错误须写明是哪一户（户编号或户主姓名，写在村名之后）。例如：${inspectExample(kind)}`);
      }
      const note = saveInspection(ctx, { villageId: vid, villageName: vname, kind, household, person, finding, action, wrongIdentification: wrong, via: 'text' });
      const lines = [
        `已记录${kind}：${vname}${household ? ` ${household.number} ${household.headName}` : ''}`,
        `发现：${finding}`,
        ...(person ? [`涉及人员：${person}`] : []),
        ...(action ? [`措施：${action}`] : []),
        ...(note ? [note] : []),
      ];
      ctx.reply(lines.join('\n'));
    },
  };
}

export const accountabilityFeature = (bot: Bot) =>
  bot
    .command({
      name: '处理',
      usage: OUTCOME_USAGE,
      summary: '记录追责事项的处理结果（再次记录即修改）',
      roles: ['inspector'],
      async run(ctx, p) {
        const t = ctx.township!;
        const [code, outcome] = p.args;
        if (!code || !outcome) return ctx.reply(`用法：${OUTCOME_USAGE}，例如：${OUTCOME_EXAMPLE}\n发送“追责”查看待处理的事项和编号。`);
        const parsed = parseFindingCode(code);
        if (!parsed) return ctx.reply(`“${code}”不是追责编号。编号写作 疑点12、清退7、督查3，见追责卡片或发送“追责”查看。`);
        const a = await getAccountability(ctx.d, t.id, parsed.sources, parsed.sourceId);
        if (!a) return ctx.reply(`没有编号为 ${code} 的追责事项。发送“追责”查看。`);
        const afterCode = p.rest.slice(p.rest.indexOf(code) + code.length);
        const note = afterCode.slice(afterCode.indexOf(outcome) + outcome.length);
        const r = recordOutcome(ctx, a, outcome, note, 'text');
        if (typeof r === 'string') return ctx.reply(`${r}\n用法：${OUTCOME_USAGE}`);
        const was = a.outcome ? `（原为：${outcomeLine(a)}）` : '';
        ctx.reply(`已记录 ${a.code}（${a.villageName} ${a.number} ${a.headName}）的处理结果：${r.outcome}${r.outcomeNote ? `：${r.outcomeNote}` : ''}。${was}`);
      },
    })
    .command({
      name: '追责',
      usage: '追责',
      summary: '查看复核结束后发现的识别错误和处理情况',
      roles: ['inspector'],
      async run(ctx) {
        const t = ctx.township!;
        const all = await listAccountability(ctx.d, t.id);
        if (all.length === 0) return ctx.reply('复核工作结束后还没有发现识别错误的户。');
        const open = all.filter((a) => !a.outcome);
        const lines = [`复核结束后发现的识别错误共 ${all.length} 件，已处理 ${all.length - open.length} 件，待处理 ${open.length} 件。`];
        const shown = open.slice(0, 30);
        for (const a of shown) {
          lines.push(`• ${a.code} ${a.villageName} ${householdLine(a)}（${SOURCE_NAMES[a.source]}）：${a.finding}；识别责任人：${a.identificationOwner ?? '未填写'}`);
        }
        if (open.length > shown.length) lines.push(`…另有 ${open.length - shown.length} 件未列出。`);
        if (open.length > 0) lines.push(`记录处理结果：${OUTCOME_USAGE}，例如：${OUTCOME_EXAMPLE}`);
        ctx.reply(lines.join('\n'));
      },
    })
    .command(inspectCommand('明察'))
    .command(inspectCommand('暗访'))
    .action(accountabilityForm, async (ctx, { value }) => {
      const a = await findingOfButton(ctx, value);
      if (!a) return;
      ctx.answer.card = accountabilityCard(a, { showForm: true });
    })
    .action(accountabilityShow, async (ctx, { value }) => {
      const a = await findingOfButton(ctx, value);
      if (!a) return;
      ctx.answer.card = accountabilityCard(a);
    })
    .action(accountabilityOutcome, async (ctx, { value, form }) => {
      const a = await findingOfButton(ctx, value);
      if (!a) return;
      const r = recordOutcome(ctx, a, form.outcome, form.note, 'card');
      if (typeof r === 'string') {
        ctx.answer.card = accountabilityCard(a, { showForm: true });
        return ctx.toast('error', r);
      }
      ctx.answer.card = accountabilityCard(r);
      ctx.toast('success', a.outcome ? `已修改处理结果：${r.outcome}。` : `已记录处理结果：${r.outcome}。`);
    });
