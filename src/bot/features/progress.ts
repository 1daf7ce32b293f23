// 进度: the progress card of this village, or of the township in the leaders' / inspectors'
// chat and in a private chat with the office or a leader.
import type { Bot } from '../bot';
import type { BotContext } from '../context';
import { planSnapshots, townshipSnapshot } from '../../store/progress';
import { villageSnapshots } from '../../store/helpers';
import { getVillage } from '../../store/township';
import { villageProgressCard, townshipProgressCard } from '../cards/progress';
import { cstDate } from '../../core/dates';
import type { Card } from '../../feishu/card';
import { allAwayHouseholds, outreachOf } from '../../store/outreach';
import { progressRefresh } from '../actions/progress';

/** The progress card for where the person is, or a Chinese explanation. */
export async function progressCardFor(ctx: BotContext): Promise<Card | string> {
  const t = ctx.township;
  if (!t) return '你还不在任何乡镇的名单里，请联系乡扶贫办。';
  const config = t.campaign;
  const today = cstDate(ctx.now);
  let village = ctx.village;
  if (!village && !ctx.chat) {
    // private chat: a person serving exactly one village sees that village
    const own = [...new Set(ctx.actor.grants.filter((g) => g.villageId !== 0).map((g) => g.villageId))];
    const townshipWide = ctx.actor.grants.some((g) => g.villageId === 0);
    if (!townshipWide && own.length === 1) village = await getVillage(ctx.d, own[0]!);
  }
  if (village) {
    const [snap] = await villageSnapshots(ctx.d, t, [village]);
    const away = await allAwayHouseholds(ctx.d, village.id);
    return villageProgressCard(snap!, config, today, { outreach: await outreachOf(ctx.d, village.id, away) });
  }
  // The township card needs each village's stages only: the lean read the scheduler uses.
  const all = await planSnapshots(ctx.d, t, { members: false });
  return townshipProgressCard(t.name, all, await townshipSnapshot(ctx.d, t), config, today);
}

export const progress = (bot: Bot) =>
  bot
    .command({
      name: '进度',
      usage: '进度',
      summary: '查看本村（或全乡）的复核进度',
      async run(ctx) {
        const c = await progressCardFor(ctx);
        ctx.reply(typeof c === 'string' ? c : { card: c });
      },
    })
    .action(progressRefresh, async (ctx) => {
        const c = await progressCardFor(ctx);
        if (typeof c === 'string') ctx.toast('error', c);
        else {
          ctx.answer.card = c;
          ctx.toast('info', '已刷新');
        }
      });
