// 政策宣讲: publicity activities per village, and contact with households whose members are all
// away (全家外出). The progress card shows who was reached and who was not.
import { addContact, addPublicity } from '../../store/outreach';
import type { Bot } from '../bot';
import { findHousehold } from '../households';
import { tooLong } from '../../core/limits';

const METHODS = ['群众会', '入户', '资料', '专栏'];
const CONTACT_METHODS = ['电话', '短信', '微信', '视频'];

export const outreach = (bot: Bot) =>
  bot
    .command({
      name: '宣传',
      usage: `宣传 <${METHODS.join('/')}> <人数>`,
      summary: '登记政策宣讲活动及覆盖人数',
      roles: ['village_cadre', 'first_secretary', 'package_cadre', 'office'],
      where: 'village',
      run(ctx, p) {
        const [method, n] = p.args;
        const reached = Number(n);
        if (!method || !METHODS.includes(method) || !Number.isInteger(reached) || reached <= 0) {
          return ctx.reply(`用法：宣传 <${METHODS.join('/')}> <人数>，例如：宣传 群众会 86`);
        }
        const v = ctx.village;
        const row = { townshipId: v.townshipId, villageId: v.id, method, reached, recordedBy: ctx.actor.person?.name ?? ctx.actor.openId, at: ctx.now.getTime() };
        ctx.write(addPublicity(ctx.d, row));
        ctx.audit({ action: 'record', entity: 'publicity', entityId: `${v.name}/${method}`, after: { method, reached } });
        ctx.reply(`已登记：${v.name}${method}宣讲，覆盖 ${reached} 人。`);
      },
    })
    .command({
      name: '联系',
      usage: `联系 <户> <${CONTACT_METHODS.join('/')}> [情况]`,
      summary: '登记与全家外出户的联系',
      roles: ['village_cadre', 'first_secretary', 'package_cadre', 'office'],
      where: 'village',
      async run(ctx, p) {
        const [ref, method, ...note] = p.args;
        if (!ref || !method || !CONTACT_METHODS.includes(method)) return ctx.reply(`用法：联系 <户> <${CONTACT_METHODS.join('/')}> [情况]`);
        const long = tooLong('note', '联系情况', note.join(' '));
        if (long) return ctx.reply(long);
        const found = await findHousehold(ctx, ref);
        if (!found.ok) return ctx.reply(found.message);
        const h = found.household;
        ctx.write(addContact(ctx.d, { townshipId: h.townshipId, householdId: h.id, method, note: note.join(' ') || null, recordedBy: ctx.actor.person?.name ?? ctx.actor.openId, at: ctx.now.getTime() }));
        ctx.audit({ action: 'contact', entity: 'household', entityId: h.number, after: { method, note: note.join(' ') } });
        ctx.reply(`已登记：通过${method}联系了 ${h.number} ${h.headName}${h.allAway ? '（全家外出户）' : ''}。`);
      },
    });
