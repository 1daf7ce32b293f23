// The chat simulator (npm run chat): people of the chosen chat first with their village and
// roles, a hint for a group message without @bot, form fields asked by their Chinese labels
// with numbered choices, names instead of open_ids.
import { describe, it, expect } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { runChat } from '../../src/cli/chat';
import { renderMessage } from '../../src/feishu/render';
import { card, form, md, select, input } from '../../src/feishu/card';
import { tempDbPath } from '../support/harness';
import BetterSqlite3 from 'better-sqlite3';

async function play(lines: string[]) {
  const db = tempDbPath();
  process.env.DATABASE_PATH = db;
  const inp = new PassThrough();
  let screen = '';
  const output = new Writable({ write: (c, _e, cb) => ((screen += c.toString()), cb()) });
  inp.end([...lines, '/退出', ''].join('\n'));
  try {
    await runChat(inp, output);
  } finally {
    delete process.env.DATABASE_PATH;
  }
  return { screen, db };
}

describe('npm run chat', () => {
  it('lists the chosen chat’s people first, with their village and roles', async () => {
    const { screen } = await play(['2', '1']);
    const list = screen.slice(screen.indexOf('选择你的身份'));
    expect(list).toContain('选择你的身份（先列出「岩脚村 工作群」的人）');
    expect(list).toMatch(/ 1\. 张敏（岩脚村 驻村干部）/);
    expect(list).toContain('龙德贵（岩脚村 帮扶责任人、村干部）');
    expect(list).toContain('杨国平（包片领导：石门村、岩脚村、清水村、河坝村）');
    // 岩脚村's people come before any other village's
    expect(list.indexOf('石小花')).toBeLessThan(list.indexOf('王磊（石门村'));
    expect(list).toContain('〔其他人〕');
    expect(screen).toContain('你是 张敏，在「岩脚村 工作群」');
  });

  it('hints when a group message lacks @bot, and sends nothing', async () => {
    const { screen } = await play(['1', '3', '进度']);
    expect(screen).toContain('群里的消息要先 @bot 机器人才收得到，例如：@bot 进度');
    expect(screen).not.toContain('🤖');
  });

  it('asks a form’s fields by their Chinese labels with numbered choices, and submits the chosen value', async () => {
    const { screen, db } = await play(['1', '3', '@bot 进度', '3', '9', '2', '家庭收入超标']);
    expect(screen).toContain('  复审结论：\n    1. 通过\n    2. 不通过');
    expect(screen).toContain('请输入 1 到 2 之间的编号');
    expect(screen).toContain('理由（不通过必填）');
    expect(screen).not.toMatch(/verdict|reason/);
    expect(screen).toContain('资格复审不通过（家庭收入超标）');
    const row = new BetterSqlite3(db, { readonly: true }).prepare("select qualification q from households where head_name = '龙学林'").get();
    expect(row).toEqual({ q: 'fail' });
  });
});

describe('renderMessage', () => {
  it('shows mentions by name when it knows the person, and form fields by label with their choices', () => {
    const c = card('会议', [
      md('第一书记到场确认：✅ <at id=ou_aaa></at>，<at id=ou_unknown></at>'),
      form('f', [select('kind', '会议类型', [{ text: '村民大会', value: '村民大会' }, { text: '两委会议', value: '两委会议' }]), input('n', '应到人数', { required: true })], '登记', { a: 'x' }),
    ]);
    const r = renderMessage('interactive', JSON.stringify(c), (id) => (id === 'ou_aaa' ? '马超' : undefined));
    expect(r.text).toContain('✅ @马超，@ou_unknown');
    expect(r.text).toContain('▢ 会议类型（村民大会 / 两委会议）');
    expect(r.buttons[0]!.fields!.map((f) => [f.label, f.kind, f.required, f.options.length])).toEqual([
      ['会议类型', 'select', true, 2],
      ['应到人数', 'input', true, 0],
    ]);
    expect(renderMessage('text', JSON.stringify({ text: '<at user_id="ou_aaa"></at> 请处理' }), () => '马超').text).toBe('@马超 请处理');
  });
});
