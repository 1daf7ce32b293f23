// Household decisions of the review (DESIGN §3.3): applications and proposals (申请), the
// qualification review (资格), county approval of new inclusions (县批准) and removal (清退).
import { and, eq, like, sql } from 'drizzle-orm';
import { households, members } from '../../../db/schema/index';
import type { Bot } from '../bot';
import { findHousehold } from '../households';
import type { BotContext } from '../context';
import { validateIdCard, maskIdCard } from '../../core/idcard';
import { tooLong } from '../../core/limits';

const REVIEWERS = ['village_cadre', 'first_secretary', 'package_cadre', 'office'] as const;

/** 资格 <户> 通过|不通过 <理由>: the Chinese outcome; writes only when the decision is recorded. */
export async function decideQualification(ctx: BotContext, ref: string | undefined, verdict: string | undefined, reason: string): Promise<string> {
  const usage = '用法：资格 <户> 通过|不通过 <理由>';
  if (!ref || !verdict) return usage;
  const decision = verdict === '通过' ? 'pass' : verdict === '不通过' ? 'fail' : null;
  if (!decision) return `结论只能是“通过”或“不通过”。${usage}`;
  if (decision === 'fail' && !reason) return '“不通过”须写明理由，例如：资格 张三 不通过 家有商品房';
  const long = tooLong('reason', '理由', reason);
  if (long) return long;
  const found = await findHousehold(ctx, ref);
  if (!found.ok) return found.message;
  const h = found.household;
  if (!h.applicant) return `${h.number} ${h.headName} 是在册户，不是申请户；在册户的去留由评议和比对决定。`;
  if (h.status === 'rejected' && h.rejectedStep && h.rejectedStep !== 'qualification_review') {
    return `${h.number} ${h.headName} 已${h.rejection ? `因${h.rejection}` : '未通过'}退出本次识别程序，不能再改资格结论。`;
  }
  if (h.status !== 'applied' && h.status !== 'qualified' && h.status !== 'rejected') {
    return `${h.number} ${h.headName} 已进入后续环节（${h.status}），不能再改资格结论。`;
  }
  const status = decision === 'pass' ? 'qualified' : 'rejected';
  ctx.write(
    ctx.d.db
      .update(households)
      .set({
        qualification: decision,
        qualificationReason: reason || null,
        status,
        rejectedStep: decision === 'fail' ? 'qualification_review' : null,
        rejection: decision === 'fail' ? `资格复审不通过：${reason}` : null,
        updatedAt: ctx.now.getTime(),
      })
      .where(eq(households.id, h.id)),
  );
  ctx.audit({ action: 'qualify', entity: 'household', entityId: h.number, before: { qualification: h.qualification, status: h.status }, after: { qualification: decision, reason, status } });
  return `${h.number} ${h.headName}：资格复审${decision === 'pass' ? '通过' : `不通过（${reason}）`}。`;
}

export const reviewHouseholds = (bot: Bot) =>
  bot
    .command({
      name: '申请',
      usage: '申请 <户主姓名> [身份证号] [说明]',
      summary: '登记农户申请或干部提名（不在花名册上的户）',
      roles: REVIEWERS,
      where: 'village',
      async run(ctx, p) {
        const [head, maybeId, ...restWords] = p.args;
        if (!head) return ctx.reply('用法：申请 <户主姓名> [身份证号] [说明]');
        const longName = tooLong('name', '户主姓名', head);
        if (longName) return ctx.reply(longName);
        const v = ctx.village!;
        let idCard: string | null = null;
        let note = [maybeId, ...restWords].filter(Boolean).join(' ');
        if (maybeId && /^\d{15,17}[\dXx]?$/.test(maybeId)) {
          const check = validateIdCard(maybeId, { today: ctx.now });
          if (!check.ok) return ctx.reply(`身份证号有误：${check.reason}。请核对后重新发送。`);
          idCard = check.id;
          note = restWords.join(' ');
        }
        const longNote = tooLong('note', '说明', note);
        if (longNote) return ctx.reply(longNote);
        const prefix = `${v.name}-申`;
        const [{ n }] = (await ctx.d.db
          .select({ n: sql<number>`count(*)` })
          .from(households)
          .where(and(eq(households.townshipId, v.townshipId), like(households.number, `${prefix}%`)))) as [{ n: number }];
        const number = `${prefix}${String(Number(n) + 1).padStart(2, '0')}`;
        const row = { townshipId: v.townshipId, villageId: v.id, number, headName: head, status: 'applied', applicant: true, applicationNote: note || null, updatedAt: ctx.now.getTime() };
        ctx.write(ctx.d.db.insert(households).values(row));
        if (idCard) {
          ctx.write(
            ctx.d.db.insert(members).values({
              townshipId: v.townshipId,
              householdId: sql`(select id from households where township_id = ${v.townshipId} and number = ${number})`,
              name: head,
              idCard,
              relation: 'head',
            }),
          );
        }
        ctx.audit({ action: 'apply', entity: 'household', entityId: number, after: { headName: head, note, idCard: idCard ? maskIdCard(idCard) : null } });
        ctx.reply(`已登记 ${head} 的申请，编号 ${number}${idCard ? `（身份证 ${maskIdCard(idCard)}）` : ''}。下一步：资格 ${number} 通过|不通过 <理由>`);
      },
    })
    .command({
      name: '资格',
      usage: '资格 <户> 通过|不通过 <理由>',
      summary: '对申请户作资格复审结论',
      roles: REVIEWERS,
      where: 'village',
      async run(ctx, p) {
        const [ref, verdict, ...why] = p.args;
        ctx.reply(await decideQualification(ctx, ref, verdict, why.join(' ')));
      },
    })
    .action({
      name: 'qualify.form',
      roles: REVIEWERS,
      where: 'village',
      async run(ctx, { value, form }) {
        const text = await decideQualification(ctx, String(value.h ?? ''), String(form.verdict ?? ''), String(form.reason ?? '').trim());
        const ok = text.includes('资格复审通过') || text.includes('资格复审不通过');
        ctx.toast(ok ? 'success' : 'error', text);
        if (ok) ctx.reply(text);
      },
    })
    .command({
      name: '县批准',
      usage: '县批准 <户>',
      summary: '登记县里批准新纳入的户',
      roles: ['office'],
      async run(ctx, p) {
        const found = await findHousehold(ctx, p.args[0]);
        if (!found.ok) return ctx.reply(found.message);
        const h = found.household;
        if (h.status !== 'township_approved') return ctx.reply(`${h.number} ${h.headName} 还未通过乡审核（当前：${h.status}），不能登记县批准。`);
        ctx.write(ctx.d.db.update(households).set({ status: 'county_approved', updatedAt: ctx.now.getTime() }).where(eq(households.id, h.id)));
        ctx.audit({ action: 'county_approve', entity: 'household', entityId: h.number, villageId: h.villageId, before: { status: h.status }, after: { status: 'county_approved' } });
        ctx.reply(`${h.number} ${h.headName} 已登记为县批准新纳入。`);
      },
    })
    .command({
      name: '清退',
      usage: '清退 <户> <理由>',
      summary: '把不符合条件的户清退，须写明理由',
      roles: ['office'],
      async run(ctx, p) {
        const [ref, ...why] = p.args;
        const reason = why.join(' ');
        if (!ref || !reason) return ctx.reply('用法：清退 <户> <理由>，理由须写明（如：六个不纳入 有汽车）。');
        const long = tooLong('reason', '清退理由', reason);
        if (long) return ctx.reply(long);
        const found = await findHousehold(ctx, ref);
        if (!found.ok) return ctx.reply(found.message);
        const h = found.household;
        if (h.status === 'removed') return ctx.reply(`${h.number} ${h.headName} 已于此前清退（${h.removalReason ?? ''}）。`);
        ctx.write(ctx.d.db.update(households).set({ status: 'removed', removalReason: reason, updatedAt: ctx.now.getTime() }).where(eq(households.id, h.id)));
        ctx.audit({ action: 'remove', entity: 'household', entityId: h.number, villageId: h.villageId, before: { status: h.status }, after: { status: 'removed', reason } });
        ctx.reply(`${h.number} ${h.headName} 已清退：${reason}。`);
      },
    });
