// Property test over the command parser and every handler: random command lines from real
// people in a real village chat always get exactly one answer, never an exception, and the
// rules' invariants hold in the data afterwards.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { createBot } from '../../src/bot/index';
import { runMessage } from '../../src/bot/dispatch';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite';
import { memoryLogger } from '../../src/log';
import { loadExample } from '../../src/township/seed';
import { messageEnvelope } from '../support/events';
import { tempDbPath } from '../support/harness';
import { EX } from '../support/example';

let d: SqliteDatabase;
const bot = createBot();
const log = memoryLogger();

beforeAll(async () => {
  d = openSqlite(tempDbPath());
  await loadExample(d);
});

const words = ['帮助', '进度', '绑定', '角色', '申请', '资格', '会议', '公示', '完成', '资料', '乡会议', '上报', '县批准', '清退', '宣传', '联系', '帮扶', '分类', '帮扶卡', '走访', '我的帮扶', '帮扶情况', '规划', '督办', '比对', '核查', '报表', '分类统计'];
const args = ['通过', '不通过', '开始', '异议', '处理', '村民大会', '两委会议', '应到100', '实到69', '实到80', '同意40', '反对40', '已填报', '已提交', '已回收', '01-001', '01-012', '张三', '石门村', '领导群', '纪委群', '资格复审', '评议公示', '12-09', '2026-13-45', '1', '-5', '99999999999', '522630197001011235', '@_user_2', '生产就业', '低保兜底', '村干部', '超限理由：', '群众会', '电话', ''];
const line = fc.tuple(fc.constantFrom(...words), fc.array(fc.oneof(fc.constantFrom(...args), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 6 })).map(([w, a]) => [w, ...a].join(' '));
const people = [EX.office, EX.shimen.cadre, EX.shimen.packageCadre, EX.shimen.firstSecretary, EX.yanjiao.cadre, EX.inspector, EX.leader, 'ou_stranger'];
const chats = [EX.shimen.chat, EX.leadersChat, EX.inspectorsChat, 'oc_unbound'];
let commandCases = 0;

describe('command fuzz', () => {
  it('answers every random command (at least one message, no full ID number) and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(line, fc.constantFrom(...people), fc.constantFrom(...chats), async (text, openId, chatId) => {
        commandCases++;
        const env = messageEnvelope({ text, openId, chatId, mention: [{ openId: EX.shimen.cadre, name: '杨光明' }] });
        const ctx = await runMessage({ d, bot, log, botOpenId: 'ou_bot000000000000000000000000000', now: () => new Date('2026-12-09T02:00:00Z') }, env as never, null);
        expect(ctx).not.toBeNull();
        expect(ctx!.outgoing.length).toBeGreaterThanOrEqual(1);
        for (const m of ctx!.outgoing) expect(m.content).not.toMatch(/(?<![0-9A-Za-z_])\d{17}[\dXx](?![0-9A-Za-z_])/); // no full ID number
      }),
      { numRuns: 400 },
    );
    // invariants of the rules hold whatever was typed
    const badMeetings = d.sqlite.prepare("select count(*) n from meetings where kind = 'villagers_assembly' and valid = 1 and present * 10 < eligible * 7").get() as { n: number };
    expect(badMeetings.n).toBe(0);
    const tie = d.sqlite.prepare("select count(*) n from meetings where valid = 1 and json_extract(votes, '$.for') * 2 <= present").get() as { n: number };
    expect(tie.n).toBe(0);
    expect(commandCases).toBeGreaterThanOrEqual(400);
  });
});
