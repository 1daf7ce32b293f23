// 追责 cards to the discipline committee (DESIGN §7): one card per wrongly identified household
// found after the campaign closed, once. A finding is recorded where it is found (a new hit by
// the cross-check, a removal by the office, an inspection the committee confirms); this kind
// sends the card of every finding not yet sent, and, from 09:05 on the day after the close, flags
// each hit still open at the close (recording the finding with its card). Handlers that record a
// finding run this kind at once after their write (src/bot/accountability.ts); the regular runs
// catch up on anything left (the committee's chat bound later, a crash in between).
import { addDays, cstDate, cstMidnightUtc } from '../../core/dates';
import { jobsDue, type MessageBase } from '../../core/planner';
import { campaignClosingDate } from '../../core/exclusions';
import { SOURCE_NAMES } from '../../core/accountability';
import { accountabilityCard, householdLine } from '../../bot/cards/accountability';
import { listAccountability, openHitsAtClose, recordAccountability, type AccountabilityView } from '../../store/accountability';
import { defineJob } from '../job';

export interface AccountabilityMessage extends MessageBase {
  kind: 'accountability';
  data: AccountabilityView;
}

interface Extra {
  findings: AccountabilityView[];
  openHits: AccountabilityView[];
}

/** Epoch ms of 00:00 CST on the day after `date`. */
const dayAfterCst = (date: string) => cstMidnightUtc(addDays(date, 1)).getTime();

export const accountabilityJob = defineJob<AccountabilityMessage, Extra>({
  kind: 'accountability',
  due: () => true,
  async read(d, t, now) {
    const closing = campaignClosingDate((t.campaign ?? {}) as { endDate?: string; deadlines?: Record<string, string> });
    const after = closing !== null && cstDate(now) > closing;
    const [findings, openHits] = await Promise.all([
      listAccountability(d, t.id),
      after ? openHitsAtClose(d, t.id, dayAfterCst(closing), now.getTime()) : Promise.resolve([]),
    ]);
    return { findings, openHits };
  },
  plan(input, extra) {
    const chatId = input.chats.inspectors;
    if (!extra || chatId === undefined) return [];
    const { alerts } = jobsDue(input.config, input.now);
    return [...extra.findings, ...(alerts ? extra.openHits : [])].map((a): AccountabilityMessage => {
      const date = cstDate(new Date(a.foundAt));
      return {
        key: `accountability:${a.villageId}:${a.source}-${a.sourceId}:${date}`,
        kind: 'accountability',
        chatId,
        date,
        text: [
          `【追责 · ${SOURCE_NAMES[a.source]}】${a.code}`,
          `${a.villageName} ${householdLine(a)}`,
          `发现：${a.finding}`,
          `识别责任人：${a.identificationOwner ?? '（花名册未填写）'}`,
        ].join('\n'),
        data: a,
      };
    });
  },
  card: (m) => [accountabilityCard(m.data)],
  writes: (d, t, m) =>
    m.data.id !== null
      ? []
      : [
          recordAccountability(d, {
            townshipId: t.id,
            villageId: m.data.villageId,
            householdId: m.data.householdId,
            source: m.data.source,
            sourceId: m.data.sourceId,
            finding: m.data.finding,
            identificationOwner: m.data.identificationOwner,
            foundAt: m.data.foundAt,
          }),
        ],
});
