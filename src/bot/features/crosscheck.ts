// 比对 and 核查: the office runs the six-exclusions cross-check from a chat and decides each hit
// (确认清退 removes the household; 排除 keeps it) with a reason, from the 核查 card or by text.
// The department lists themselves are imported with the admin CLI (import department).
import type { Bot } from '../bot';
import { own } from '../../core/lookup';
import type { BotContext } from '../context';
import type { TownshipContext } from '../action';
import { decideHit, getHit, hitTotals, listHits, planCrosscheck, type Decision, type HitView } from '../../store/crosscheck';
import { sendAccountabilityCards } from '../accountability';
import { crosscheckResultCard, hitListCard, HITS_PER_PAGE } from '../cards/crosscheck';
import { crosscheckRun, hitList, hitDecide } from '../actions/crosscheck';

const HIT_USAGE = '核查 / 核查 确认 <编号> <理由> / 核查 排除 <编号> <理由>';
const DECISION_WORDS: Record<string, Decision> = { 确认: 'confirm', 确认清退: 'confirm', 清退: 'confirm', 排除: 'dismiss', 不属实: 'dismiss' };

async function crosscheckNow(ctx: TownshipContext) {
  const t = ctx.township;
  const before = await hitTotals(ctx.d, t.id);
  const plan = await planCrosscheck(ctx.d, t, ctx.now);
  ctx.write(...plan.statements);
  if (plan.flags.length > 0) sendAccountabilityCards(ctx);
  const added = plan.newHits.reduce((s, h) => s + h.n, 0);
  ctx.audit({
    action: 'crosscheck',
    entity: 'township',
    entityId: t.id,
    villageId: null,
    after: { newHits: added, byExclusion: plan.newHits, flagged: plan.flags.length, missing: plan.missing },
  });
  return { card: crosscheckResultCard(t.name, plan, before), added };
}

async function listCard(ctx: TownshipContext, offset: number, without?: number) {
  const page = await listHits(ctx.d, ctx.township.id, { status: 'open', limit: HITS_PER_PAGE + 1, offset });
  // a hit decided in this very handler is not committed yet: leave it out
  const hits = page.hits.filter((h) => h.id !== without).slice(0, HITS_PER_PAGE);
  const total = page.total - (page.hits.some((h) => h.id === without) ? 1 : 0);
  if (hits.length === 0 && offset > 0 && total > 0) return listCard(ctx, Math.max(0, offset - HITS_PER_PAGE), without);
  return hitListCard(total, hits, offset);
}

/** Applies a decision; returns the office's answer, or a refusal (nothing queued). */
async function decide(ctx: BotContext, hit: HitView | null, idText: string, decision: Decision, reason: string): Promise<{ ok: boolean; text: string }> {
  if (!hit) return { ok: false, text: `没有编号为 ${idText} 的线索。发送“核查”查看待处理的线索。` };
  const effects = decideHit(ctx.d, hit, decision, reason, { now: ctx.now, decidedBy: ctx.actor.person ? `${ctx.actor.person.name}(${ctx.actor.openId})` : ctx.actor.openId });
  if (typeof effects === 'string') return { ok: false, text: effects };
  ctx.write(...effects.writes);
  for (const a of effects.audits) ctx.audit(a);
  if (effects.notice) ctx.send({ chatId: effects.notice.chatId }, effects.notice.text);
  const told = effects.notice ? `已通知${hit.village?.name ?? '村'}工作群。` : '（该村未绑定工作群，未发通知。）';
  return { ok: true, text: `${effects.summary}${told}` };
}

export const crosscheck = (bot: Bot) =>
  bot
    .command({
      name: '比对',
      usage: '比对',
      summary: '六个不纳入比对：全乡成员 × 县直九部门名单，列出新线索',
      roles: ['office'],
      async run(ctx) {
        const r = await crosscheckNow(ctx);
        ctx.reply({ card: r.card });
      },
    })
    .action(crosscheckRun, async (ctx) => {
        const r = await crosscheckNow(ctx);
        ctx.reply({ card: r.card });
        ctx.toast('success', `比对完成，新发现线索 ${r.added} 条。`);
      })
    .command({
      name: '核查',
      usage: HIT_USAGE,
      summary: '处理比对线索：确认清退或排除，须写理由',
      roles: ['office'],
      async run(ctx, p) {
        const [verb, idText, ...why] = p.args;
        if (!verb) return ctx.reply({ card: await listCard(ctx, 0) });
        const decision = own(DECISION_WORDS, verb);
        const id = Number(String(idText ?? '').replace(/^#/, ''));
        if (!decision || !idText || !Number.isInteger(id) || id <= 0) return ctx.reply(`用法：${HIT_USAGE}`);
        const r = await decide(ctx, await getHit(ctx.d, ctx.township.id, id), idText, decision, why.join(' '));
        ctx.reply(r.ok ? r.text : `${r.text}\n用法：${HIT_USAGE}`);
      },
    })
    .action(hitList, async (ctx, { value }) => {
        ctx.answer.card = await listCard(ctx, value.offset);
      })
    .action(hitDecide, async (ctx, { value, form }) => {
        const { id, decision } = value;
        const reason = form[`reason_${id}`] ?? form.reason ?? '';
        const r = await decide(ctx, await getHit(ctx.d, ctx.township.id, id), String(id), decision, reason);
        if (!r.ok) return ctx.toast('error', r.text);
        ctx.toast('success', r.text);
        ctx.answer.card = await listCard(ctx, value.offset, id);
      });
