// Typed card actions (src/bot/action.ts): the button a declaration makes carries the same wire
// value as before (`a` and the keys), and a value or form that does not fit the action's schema
// answers the stale-card toast and writes nothing, for the office, the cadres and the inspector.
import { describe, it, expect, beforeAll } from 'vitest';
import { createBot } from '../../src/bot/index';
import { runCardAction, type BotDeps } from '../../src/bot/dispatch';
import { STALE_CARD } from '../../src/bot/action';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite';
import { memoryLogger } from '../../src/log';
import { loadExample } from '../../src/township/seed';
import { stageComplete, meetingForm } from '../../src/bot/actions/review';
import { alertAck } from '../../src/bot/actions/alerts';
import { cardEnvelope } from '../support/events';
import { tempDbPath } from '../support/harness';
import { EX } from '../support/example';

let d: SqliteDatabase;
const bot = createBot();
const deps = (): BotDeps => ({ d, bot, log: memoryLogger(), botOpenId: 'ou_bot000000000000000000000000000', now: () => new Date('2026-12-09T02:00:00Z') });
const rows = () => {
  const tables = d.sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'").pluck().all() as string[];
  return Object.fromEntries(tables.map((t) => [t, d.sqlite.prepare(`select count(*) from "${t}"`).pluck().get()]));
};
const press = (openId: string, chatId: string, value: Record<string, unknown>, form?: Record<string, unknown>) =>
  runCardAction(deps(), cardEnvelope({ openId, chatId, value, ...(form ? { form } : {}) }) as never, null);

beforeAll(async () => {
  d = openSqlite(tempDbPath());
  await loadExample(d);
});

describe('a card action declaration', () => {
  it('makes buttons and form values in the wire format cards already sent use', () => {
    expect(stageComplete.button('标记完成', { stage: 'qualification_review' }, 'primary')).toEqual({
      tag: 'button',
      text: { tag: 'plain_text', content: '标记完成' },
      type: 'primary',
      behaviors: [{ type: 'callback', value: { a: 'stage.complete', stage: 'qualification_review' } }],
    });
    expect(meetingForm.submit({ kind: 'villagers_assembly', hs: ['01-001'] }, ['eligible', 'present'])).toEqual({
      a: 'meeting.form',
      kind: 'villagers_assembly',
      hs: ['01-001'],
      fields: ['eligible', 'present'],
    });
    const ref = { k: 'overdue', v: '1', s: 'qualification_review', d: '2026-12-09' } as const;
    expect(alertAck.button('已督办', ref)).toMatchObject({ behaviors: [{ value: { a: 'alert.ack', ...ref } }] });
  });

  it('every action the bot answers is declared once and registered once', () => {
    const { actions } = bot.names();
    expect(new Set(actions).size).toBe(actions.length);
    expect(actions).toHaveLength(33);
  });
});

describe('a value or form that does not fit', () => {
  const office = [EX.office, EX.shimen.chat] as const;
  const inspector = [EX.inspector, EX.inspectorsChat] as const;
  const cadre = [EX.shimen.cadre, EX.shimen.chat] as const;
  const secretary = [EX.shimen.firstSecretary, EX.shimen.chat] as const;
  const alert = { k: 'overdue', v: '1', s: 'qualification_review', d: '2026-12-09' };
  const cases: [string, readonly [string, string], Record<string, unknown>, Record<string, unknown> | undefined, string][] = [
    ['hit.decide: an id that is not a number', office, { a: 'hit.decide', id: '1', decision: 'confirm' }, { reason: '核实' }, '这个按钮已失效，请发送“核查”获取新卡片。'],
    ['hit.decide: an unknown decision', office, { a: 'hit.decide', id: 1, decision: 'delete' }, { reason: '核实' }, '这个按钮已失效，请发送“核查”获取新卡片。'],
    ['hit.list: a negative offset', office, { a: 'hit.list', offset: -10 }, undefined, STALE_CARD],
    ['stage.complete: an unknown stage', cadre, { a: 'stage.complete', stage: 'all' }, undefined, STALE_CARD],
    ['plan.save: a household id as text', office, { a: 'plan.save', h: '1' }, { measures: '养殖', owner: '张三' }, STALE_CARD],
    ['plan.save: a form field that is an object', office, { a: 'plan.save', h: 1 }, { measures: { text: '养殖' }, owner: '张三' }, STALE_CARD],
    ['helper.assign: the helper as an object', office, { a: 'helper.assign', h: 1 }, { helper: { id: 3 } }, STALE_CARD],
    ['batches.set: a class list holding an object', office, { a: 'batches.set', h: 1 }, { batches: [{ x: 1 }] }, STALE_CARD],
    ['meeting.confirm: an unknown role', secretary, { a: 'meeting.confirm', m: 'om_x', as: 'boss' }, undefined, STALE_CARD],
    ['meeting.form: the applicants not a list', cadre, { a: 'meeting.form', kind: 'villagers_assembly', hs: '01-001' }, { eligible: '10', present: '9' }, STALE_CARD],
    ['objection.resolve: no number', office, { a: 'objection.resolve', no: 'x' }, { result: '已核实' }, STALE_CARD],
    ['qualify.form: a verdict that is a list of objects', cadre, { a: 'qualify.form', h: '01-001' }, { verdict: [{}], reason: '' }, STALE_CARD],
    ['bind.confirm: no chat', office, { a: 'bind.confirm', t: 'x', k: 'village', v: 1 }, undefined, '这张卡片已失效，请在要绑定的群里重新发送“绑定”。'],
    ['alert.ack: a day that does not exist', inspector, { a: 'alert.ack', ...alert, d: '2026-02-30' }, undefined, '这张通报卡片的数据不完整，请等待下一次通报。'],
    ['acc.outcome: an unknown source', inspector, { a: 'acc.outcome', s: 'rumour', sid: 1 }, { outcome: '约谈' }, '这张追责卡片已失效，请发送“追责”查看待处理的事项。'],
    ['acc.form: a source id as text', inspector, { a: 'acc.form', s: 'removal', sid: '1' }, undefined, '这张追责卡片已失效，请发送“追责”查看待处理的事项。'],
    ['alert.inspect: 确认识别错误 as an object', inspector, { a: 'alert.inspect', k: 'overdue', v: '1', s: 'qualification_review', d: '2026-12-09' }, { finding: '约谈', wrong: { x: 1 } }, '这张通报卡片的数据不完整，请等待下一次通报。'],
    ['import.confirm: no import id', office, { a: 'import.confirm', id: 7 }, undefined, '这张卡片已失效，请重新发送文件并回复“导入”。'],
    ['import.cancel: no import id', office, { a: 'import.cancel' }, undefined, '这张卡片已失效，请重新发送文件并回复“导入”。'],
    ['alert.inspect: a finding that is an object', inspector, { a: 'alert.inspect', ...alert }, { finding: { x: '约谈' } }, '这张通报卡片的数据不完整，请等待下一次通报。'],
  ];
  for (const [what, [openId, chatId], value, form, toast] of cases) {
    it(`${what}: the stale-card toast, nothing written`, async () => {
      const before = rows();
      const answer = await press(openId, chatId, value, form);
      expect(answer).toEqual({ toast: { type: 'error', content: toast } });
      expect(rows()).toEqual(before);
    });
  }

  it('while a value that fits reaches the handler (the control)', async () => {
    const answer = await press(EX.office, EX.shimen.chat, { a: 'hit.list', offset: 0 });
    expect(answer.toast).toBeUndefined();
    expect(JSON.stringify(answer.card)).toContain('比对线索');
  });
});
