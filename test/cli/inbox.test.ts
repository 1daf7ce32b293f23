// `cli inbox [--errors]` on the database the real server wrote: events acknowledged but not
// understood are listed with their reason, never their content.
import { describe, it, expect, afterEach } from 'vitest';
import { runCli } from '../../src/cli/main';
import { startHarness, type Harness } from '../support/harness';
import { messageEnvelope } from '../support/events';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('inbox', () => {
  it('counts events, and with --errors lists the ones that could not be understood, with id, type and reason', async () => {
    h = await startHarness();
    const ok = messageEnvelope({ text: '帮助', openId: 'ou_a', chatId: 'oc_x' });
    const noSender = messageEnvelope({ text: '进度 522630197001011234', openId: 'ou_b', chatId: 'oc_x' });
    (noSender.event.sender.sender_id as { open_id: string | null }).open_id = null;
    const oddSchema = { ...messageEnvelope({ text: '进度', openId: 'ou_c', chatId: 'oc_x' }), schema: '3.0' };
    for (const e of [ok, noSender, oddSchema]) expect((await h.post(e)).status).toBe(200);
    await h.settle();

    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) };
    const env = { DATABASE_PATH: h.config.DATABASE_PATH, FEISHU_APP_ID: '', FEISHU_APP_SECRET: '' };
    expect(await runCli(['inbox'], env, io)).toBe(0);
    expect(out).toEqual(['收到的事件：待处理 0 条，已处理 1 条，失败 2 条。', '查看失败的事件及原因：npm run cli -- inbox --errors']);

    out.length = 0;
    expect(await runCli(['inbox', '--errors'], env, io)).toBe(0);
    expect(out[1]).toBe('时间（北京时间）  编号  事件类型  事件 ID  状态：原因');
    const text = out.join('\n');
    expect(out.find((l) => l.includes(noSender.header.event_id))).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}  #\\d+  im\\.message\\.receive_v1  ${noSender.header.event_id}  无法识别：event\\.sender\\.sender_id\\.open_id: invalid_type \\(expected string\\)$`));
    expect(out[2]).toContain(`${oddSchema.header.event_id}  无法识别：schema: invalid_value`);
    expect(text).not.toContain(ok.header.event_id);
    for (const secret of ['522630', '进度', 'ou_b', 'ou_c', 'oc_x']) expect(text).not.toContain(secret);
    expect(await runCli(['inbox', '--errors', '--limit', 'x'], env, io)).toBe(2);
    expect(err.at(-1)).toContain('--limit 须为正整数');
  });
});
