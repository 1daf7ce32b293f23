// 帮助: the usage lines of the commands this person may use here.
import type { Bot } from '../bot';

export const help = (bot: Bot) =>
  bot.command({
    name: '帮助',
    aliases: ['help', '?', '？'],
    usage: '帮助',
    summary: '查看可用命令',
    run(ctx) {
      const lines = bot.available(ctx).map((c) => `• ${c.usage}：${c.summary}`);
      const who = ctx.actor.person ? `${ctx.actor.person.name}，` : '';
      ctx.reply(`${who}你可以使用（先 @我）：\n${lines.join('\n')}`);
    },
  });
