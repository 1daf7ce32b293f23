// Words that name Object.prototype's properties (`__proto__`, `constructor`, `toString`, …) typed
// where a command picks an entry (a stage, a role, a meeting kind, a department, a batch, a hit
// decision, a chat kind, a village…), or carried in a card button's value and form: every one
// gets a clear Chinese answer, changes nothing, and no handler throws (a throw leaves the event
// to be retried). Writes are counted by TEMP triggers on every table but the inbox and outbox.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { createBot } from '../../src/bot/index';
import { processPending, runCardAction, runMessage, type BotDeps } from '../../src/bot/dispatch';
import { acceptEvent } from '../../src/store/inbox';
import { openSqlite, type SqliteDatabase } from '../../src/store/sqlite';
import { memoryLogger } from '../../src/log';
import { loadExample } from '../../src/township/seed';
import { runCli } from '../../src/cli/main';
import { parseStageKey } from '../../src/core/campaign';
import { parseRole } from '../../src/core/roles';
import { parseDepartment, parseExclusion } from '../../src/core/exclusions';
import { parseMeetingKind } from '../../src/core/meetings';
import { parseBatch } from '../../src/core/batches';
import { cardEnvelope, messageEnvelope } from '../support/events';
import { tempDbPath } from '../support/harness';
import { EX } from '../support/example';

/** Tried everywhere; the random mixtures also use the rarer ones. */
const PROTO_WORDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const MORE_WORDS = [...PROTO_WORDS, 'isPrototypeOf', '__defineGetter__', 'propertyIsEnumerable', 'toLocaleString', '__lookupGetter__'];

let d: SqliteDatabase;
let dbPath: string;
const bot = createBot();
const log = memoryLogger();
const deps = (): BotDeps => ({ d, bot, log, botOpenId: 'ou_bot000000000000000000000000000', now: () => new Date('2026-12-09T02:00:00Z') });

const rowCounts = () => {
  const tables = d.sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' and name not in ('inbox', 'outbox')").pluck().all() as string[];
  return Object.fromEntries(tables.map((t) => [t, d.sqlite.prepare(`select count(*) from "${t}"`).pluck().get()]));
};
const writes = () => (d.sqlite.prepare('select n from temp.fuzz_writes').get() as { n: number }).n;

beforeAll(async () => {
  dbPath = tempDbPath();
  d = openSqlite(dbPath);
  await loadExample(d);
  d.sqlite.exec('create temp table fuzz_writes (n integer not null); insert into fuzz_writes values (0);');
  const tables = d.sqlite
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' and name not in ('inbox', 'outbox', '__drizzle_migrations')")
    .pluck()
    .all() as string[];
  for (const t of tables) {
    for (const op of ['insert', 'update', 'delete']) {
      d.sqlite.exec(`create temp trigger "fuzz_${t}_${op}" after ${op} on main."${t}" begin update fuzz_writes set n = n + 1; end;`);
    }
  }
});

const CJK = /[\u4e00-\u9fff]/;
/** What a person must never see: a JS value printed instead of an answer. */
const LEAK = /function |\[native code\]|\[object |undefined|NaN|\bnull\b/;

function expectChineseAnswer(text: string) {
  expect(text).toMatch(CJK);
  expect(text).not.toMatch(LEAK);
}

/** The text a person reads in an outgoing message body (text or card). */
const shown = (content: string): string => {
  const o = JSON.parse(content) as { text?: string };
  return typeof o.text === 'string' ? o.text : content;
};

const SENDERS: { who: string; openId: string; chatId: string; chatType?: 'p2p' }[] = [
  { who: 'office in a village chat', openId: EX.office, chatId: EX.shimen.chat },
  { who: 'village cadre', openId: EX.shimen.cadre, chatId: EX.shimen.chat },
  { who: 'first secretary', openId: EX.shimen.firstSecretary, chatId: EX.shimen.chat },
  { who: 'office in the leaders chat', openId: EX.office, chatId: EX.leadersChat },
  { who: 'inspector', openId: EX.inspector, chatId: EX.inspectorsChat },
  { who: 'office in p2p', openId: EX.office, chatId: 'oc_p2p_office', chatType: 'p2p' },
];

// After these words the next one picks an entry (a subcommand, a household, a verdict, a kind…).
const PREFIXES: string[][] = [
  ['公示', '异议'],
  ['公示', '处理'],
  ['公示', '开始'],
  ['核查', '确认'],
  ['核查', '排除'],
  ['资格', '01-001'],
  ['分类', '01-001'],
  ['分类', '01-001', '张三'],
  ['联系', '01-001'],
  ['帮扶卡', '01-001'],
  ['帮扶', '01-001'],
  ['角色', '@_user_2'],
  ['角色', '@_user_2', '村干部'],
  ['宣传'],
  ['督办'],
  ['乡会议'],
  ['报表'],
];

let cases = 0;

async function sendLine(text: string, s: (typeof SENDERS)[number]) {
  cases++;
  // a mention only where the line names one (帮扶 takes the message's mention wherever it stands)
  const mention = text.includes('@_user_2') ? [{ openId: EX.shimen.cadre, name: '杨光明' }] : [];
  const env = messageEnvelope({ text, openId: s.openId, chatId: s.chatId, chatType: s.chatType, mention });
  const before = writes();
  const ctx = await runMessage(deps(), env as never, null);
  expect(ctx, text).not.toBeNull();
  expect(ctx!.outgoing.length, `${s.who}: ${text}`).toBeGreaterThanOrEqual(1);
  for (const m of ctx!.outgoing) expectChineseAnswer(shown(m.content));
  return writes() - before;
}

describe('prototype names as user words', () => {
  it('parsers of user words know only their own entries', () => {
    for (const w of PROTO_WORDS) {
      expect(parseStageKey(w)).toBeNull();
      expect(parseRole(w)).toBeNull();
      expect(parseDepartment(w)).toBeNull();
      expect(parseExclusion(w)).toBeNull();
      expect(parseMeetingKind(w)).toBeNull();
      expect(parseBatch(w)).toBeNull();
    }
  });

  it('every command, with the word in every place that picks an entry: a Chinese answer, nothing changed, no throw', async () => {
    const { commands } = bot.names();
    expect(commands.length).toBeGreaterThanOrEqual(30);
    const lines: string[] = [];
    for (const w of PROTO_WORDS) {
      lines.push(w, `${w} 进度`);
      for (const c of commands) lines.push(`${c} ${w}`, `${c} ${w} ${w} 1 理由`);
      for (const p of PREFIXES) lines.push([...p, w, '10', '理由'].join(' '));
    }
    const appliedNames = () => d.sqlite.prepare("select head_name from households where status = 'applied' and applicant = 1").pluck().all() as string[];
    const had = new Set(appliedNames());
    const changed: string[] = [];
    for (const s of SENDERS) {
      for (const text of lines) {
        const n = await sendLine(text, s);
        // 申请 <户主姓名>: the first word is a name, data as typed (a new applicant household), not a
        // lookup; 比对 reads no word (it runs the cross-check)
        if (n > 0 && !/^(申请|比对) /.test(text)) changed.push(`${s.who}: ${text} (${n} rows)`);
      }
    }
    expect(changed).toEqual([]);
    // the applicant's name is kept as typed, nothing more
    const added = appliedNames().filter((n) => !had.has(n));
    expect(added.length).toBeGreaterThan(0);
    for (const name of added) expect(PROTO_WORDS).toContain(name);
  });

  it('random mixtures of the words and real arguments: an answer, no throw', async () => {
    const { commands } = bot.names();
    const real = ['通过', '不通过', '开始', '异议', '处理', '确认', '排除', '村民大会', '应到100', '实到80', '同意60', '反对10', '01-001', '01-012', '张三', '石门村', '领导群', '资格复审', '评议公示', '村干部', '@_user_2', '电话', '1', '12-09'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...commands),
        fc.array(fc.oneof(fc.constantFrom(...MORE_WORDS), fc.constantFrom(...real)), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(...SENDERS),
        async (c, args, s) => {
          await sendLine([c, ...args].join(' '), s);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every card action, with the word as its name and in every value and form field: a Chinese toast or card, nothing changed, no throw', async () => {
    const { actions } = bot.names();
    expect(actions.length).toBeGreaterThanOrEqual(20);
    const valueKeys = ['k', 'v', 's', 'd', 'ad', 'm', 'as', 'h', 'no', 'id', 'decision', 'offset', 'stage', 'chat', 't', 'from', 'had'];
    const formKeys = ['verdict', 'reason', 'batches', 'finding', 'action', 'kind', 'absentees', 'result', 'start', 'end', 'measures', 'owner', 'helper', 'present', 'eligible'];
    // actions that read no key: they act on the operator's chat whatever the button carries
    const keyless = new Set(['crosscheck.run', 'report.export', 'progress.refresh', 'hit.list', 'bind.cancel', 'meeting.form', 'notice.form', 'alert.inspect_form', 'qualify.form', 'data.filed']);
    const changed: string[] = [];
    const run = async (valueJson: string, formJson: string | null, s: (typeof SENDERS)[number], name: string) => {
      cases++;
      // through JSON, as Feishu's bytes arrive: `__proto__` is then an own key
      const env = cardEnvelope({ openId: s.openId, chatId: s.chatId, value: JSON.parse(valueJson), ...(formJson ? { form: JSON.parse(formJson) } : {}) });
      const before = writes();
      const answer = await runCardAction(deps(), JSON.parse(JSON.stringify(env)) as never, null);
      const n = writes() - before;
      if (n > 0 && !keyless.has(name)) changed.push(`${s.who}: ${valueJson} ${formJson ?? ''} (${n} rows)`);
      expect(answer.toast ?? answer.card, valueJson).toBeTruthy();
      if (answer.toast) expectChineseAnswer(answer.toast.content);
      if (answer.card) expect(JSON.stringify(answer.card)).toMatch(CJK);
    };
    for (const s of SENDERS) {
      for (const w of PROTO_WORDS) {
        const q = JSON.stringify(w);
        await run(`{"a":${q}}`, null, s, w);
        for (const a of actions) {
          const all = `{"a":${JSON.stringify(a)},${valueKeys.map((k) => `"${k}":${q}`).join(',')}}`;
          const form = `{${formKeys.map((k) => `"${k}":${q}`).join(',')},"__proto__":${q},"constructor":${q}}`;
          await run(all, form, s, a);
          await run(`{"a":${JSON.stringify(a)},"__proto__":{"a":"progress.refresh"},"constructor":${q}}`, `{"__proto__":${q}}`, s, a);
          // one key at a time, the others missing (the office, which may use every action)
          if (s === SENDERS[0]) for (const k of valueKeys) await run(`{"a":${JSON.stringify(a)},"${k}":${q}}`, null, s, a);
        }
      }
    }
    expect(changed).toEqual([]);
  });

  it('CLI words: a Chinese error and a non-zero exit, never a crash', async () => {
    const env = { DATABASE_PATH: dbPath, FEISHU_APP_ID: '', FEISHU_APP_SECRET: '' };
    // the CLI has its own connection: its writes are seen as row counts
    const rows = () => rowCounts();
    for (const w of PROTO_WORDS) {
      const argvs = [
        [w],
        ['import', w, 'x.csv'],
        ['import', 'department', w, 'x.csv'],
        ['hit', w, '1', '理由'],
        ['hit', 'confirm', w, '理由'],
        ['township', w],
        ['township', 'remove', w],
        ['export', w, 'x.xlsx'],
        ['export', 'helpers', 'x.xlsx', '--village', w],
        ['audit', '--village', w],
        ['audit', '--township', w],
        ['jobs', 'run', '--at', w],
        ['init', w],
      ];
      for (const argv of argvs) {
        cases++;
        const err: string[] = [];
        const before = rows();
        const code = await runCli(argv, env, { out: () => {}, err: (s: string) => err.push(s) });
        expect(code, argv.join(' ')).not.toBe(0);
        expectChineseAnswer(err.join('\n'));
        expect(err.join('\n'), argv.join(' ')).not.toMatch(/^出错：/);
        expect(rows(), argv.join(' ')).toEqual(before);
      }
    }
  });

  it('through the inbox, as Feishu delivers them: every event done the first time, none left to retry', async () => {
    const texts = PROTO_WORDS.flatMap((w) => [`完成 ${w}`, `角色 @_user_2 ${w}`, `核查 ${w} 1 理由`, `会议 ${w} 应到100 实到80`, `绑定 ${w}`, `分类 01-001 ${w}`]);
    const ids: number[] = [];
    for (const text of texts) {
      const env = messageEnvelope({ text, openId: EX.office, chatId: EX.shimen.chat, mention: [{ openId: EX.shimen.cadre, name: '杨光明' }] });
      const id = await acceptEvent(d, { eventId: env.header.event_id, messageId: env.event.message.message_id, eventType: env.header.event_type, payload: JSON.stringify(env) }, Date.now());
      ids.push(id!);
    }
    for (const w of PROTO_WORDS) {
      const env = cardEnvelope({ openId: EX.office, chatId: EX.shimen.chat, value: { a: 'stage.complete', stage: w } });
      ids.push((await acceptEvent(d, { eventId: env.header.event_id, eventType: env.header.event_type, payload: JSON.stringify(env) }, Date.now()))!);
    }
    cases += ids.length;
    await processPending(deps());
    const rows = d.sqlite.prepare(`select status, attempts, error from inbox where id in (${ids.join(',')})`).all() as { status: string; attempts: number; error: string | null }[];
    expect(rows).toHaveLength(ids.length);
    for (const r of rows) expect(r).toMatchObject({ status: 'done', error: null });
    expect(log.lines.filter((l) => l.includes('event handler failed'))).toEqual([]);
  });

  it('reports the number of cases', () => {
    // biome-ignore lint/suspicious/noConsole: the fuzz reports how many cases it ran
    console.log(`prototype-word fuzz: ${cases} cases`);
    expect(cases).toBeGreaterThan(3000);
  });
});
