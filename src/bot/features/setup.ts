// 绑定 and 角色: the office binds chats and gives roles from the chat itself.
import { and, eq, sql } from 'drizzle-orm';
import { chats, people, roles, townships, villages } from '../../../db/schema/index';
import { findVillageByName, getChat, listVillages } from '../../store/township';
import { parseRole, ROLE_NAMES, VILLAGE_ROLES, ROLES } from '../../core/roles';
import type { Bot } from '../bot';

const CHAT_KINDS: Partial<Record<string, 'leaders' | 'inspectors'>> = { 领导群: 'leaders', 纪委群: 'inspectors' };
const KIND_NAMES = { village: '村工作群', leaders: '领导群', inspectors: '纪委群' } as const;

export const setup = (bot: Bot) =>
  bot
    .command({
      name: '绑定',
      usage: '绑定 <村名> / 绑定 领导群 / 绑定 纪委群',
      summary: '把本群绑定为某村的工作群，或领导群、纪委群',
      roles: ['office'],
      async run(ctx, p) {
        const target = p.args[0];
        const t = ctx.township!;
        if (!target) return ctx.reply('用法：绑定 <村名> / 绑定 领导群 / 绑定 纪委群');
        if (!ctx.chatId) return;
        const existing = await getChat(ctx.d, ctx.chatId);
        if (existing && existing.townshipId !== t.id) return ctx.reply('本群已绑定到其他乡镇，不能重复绑定。');
        const now = ctx.now.getTime();
        const kind: 'village' | 'leaders' | 'inspectors' = CHAT_KINDS[target] ?? 'village';
        let villageId: number | null = null;
        if (kind === 'village') {
          const v = await findVillageByName(ctx.d, t.id, target);
          if (!v) {
            const all = await listVillages(ctx.d, t.id);
            return ctx.reply(`本乡没有“${target}”。可选：${all.map((x) => x.name).join('、')}`);
          }
          villageId = v.id;
          ctx.write(ctx.d.db.update(villages).set({ chatId: ctx.chatId }).where(eq(villages.id, v.id)));
        } else {
          ctx.write(
            ctx.d.db
              .update(townships)
              .set(kind === 'leaders' ? { leadersChatId: ctx.chatId } : { inspectorsChatId: ctx.chatId })
              .where(eq(townships.id, t.id)),
          );
        }
        const set = { townshipId: t.id, kind, villageId, boundBy: ctx.actor.openId, boundAt: now };
        ctx.write(ctx.d.db.insert(chats).values({ chatId: ctx.chatId, ...set }).onConflictDoUpdate({ target: chats.chatId, set }));
        ctx.audit({
          action: 'bind',
          entity: 'chat',
          entityId: ctx.chatId,
          villageId,
          before: existing ? { kind: existing.kind, villageId: existing.villageId } : null,
          after: { kind, villageId },
        });
        ctx.reply(`已将本群绑定为${kind === 'village' ? ` ${target} ` : ''}${KIND_NAMES[kind]}。`);
      },
    })
    .command({
      name: '角色',
      usage: '角色 @某人 <角色> [村名]',
      summary: '给某人角色（乡扶贫办、包片领导、乡纪委、驻村干部、第一书记、村干部、帮扶责任人）',
      roles: ['office'],
      async run(ctx, p) {
        const t = ctx.township!;
        const usage = `用法：角色 @某人 <角色> [村名]。角色可选：${ROLES.map((r) => ROLE_NAMES[r]).join('、')}`;
        const [who, roleText, villageName] = p.args;
        const mention = who ? p.mentions.get(who) : undefined;
        if (!mention) return ctx.reply(`请先 @ 要设置的人。${usage}`);
        const role = roleText ? parseRole(roleText) : null;
        if (!role) return ctx.reply(`没有“${roleText ?? ''}”这个角色。${usage}`);
        let villageId = 0;
        if (VILLAGE_ROLES.has(role) || role === 'leader' || role === 'helper') {
          const v = villageName ? await findVillageByName(ctx.d, t.id, villageName) : ctx.village;
          if (villageName && !v) return ctx.reply(`本乡没有“${villageName}”。`);
          if (!v && VILLAGE_ROLES.has(role)) return ctx.reply(`${ROLE_NAMES[role]}要指定村：角色 @某人 ${ROLE_NAMES[role]} <村名>`);
          villageId = v?.id ?? 0;
        }
        const [existing] = await ctx.d.db
          .select()
          .from(people)
          .where(and(eq(people.townshipId, t.id), eq(people.openId, mention.openId)));
        const name = existing?.name ?? (mention.name || mention.openId);
        if (!existing) {
          ctx.write(ctx.d.db.insert(people).values({ townshipId: t.id, name, openId: mention.openId }).onConflictDoNothing());
          ctx.audit({ action: 'create', entity: 'person', entityId: name, villageId, after: { openId: mention.openId } });
        }
        const personId = existing
          ? existing.id
          : sql`(select id from people where township_id = ${t.id} and open_id = ${mention.openId})`;
        ctx.write(
          ctx.d.db.insert(roles).values({ townshipId: t.id, personId, role, villageId, source: 'chat' }).onConflictDoNothing(),
        );
        ctx.audit({ action: 'grant', entity: 'role', entityId: `${name}|${role}|${villageId}`, villageId, after: { role, villageId } });
        const where = villageId ? `（${villageName ?? ctx.village?.name}）` : '';
        ctx.reply(`已设置 ${name} 为${ROLE_NAMES[role]}${where}。`);
      },
    });
