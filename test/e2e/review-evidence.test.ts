// Meeting evidence (DESIGN §3.4), through the chat: a 村民大会 counts only with the absentees'
// opinions (or 无缺席) and a photo of the signed resolution; the two-committees meeting only with
// the package cadre's and the configured number of township cadres' signatures. Short of them the
// record is 记录不完整 and says what is missing. Every photo is in the archive manifest; township
// cadres' signatures are in the county report.
import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../support/harness';
import { AT_BOT, messageEnvelope, cardEnvelope, postEnvelope } from '../support/events';
import { EX } from '../support/example';
import { loadExample } from '../../src/township/seed';
import { writeArchive, type Manifest } from '../../src/report/archive';
import { gatherCountyReport } from '../../src/report/county';

let h: Harness;
const clock = new Date('2026-12-09T02:00:00Z'); // 10:00 CST
const S = EX.shimen;
const Y = EX.yanjiao;
const dirs: string[] = [];

beforeAll(async () => {
  h = await startHarness({ now: () => clock });
  await loadExample(h.server.d);
});
afterAll(async () => {
  await h?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sqlite = () => h.server.d.sqlite;
const one = <T = Record<string, unknown>>(sql: string, ...args: unknown[]) => sqlite().prepare(sql).get(...args) as T;
const validOf = (uuid: string) => one<{ valid: number }>('select valid from meetings where card_message_id = ?', uuid).valid;

async function send(env: ReturnType<typeof messageEnvelope>) {
  const before = h.fake.messages.length;
  expect((await h.post(env)).status).toBe(200);
  await h.settle();
  return h.fake.messages.slice(before);
}
const say = (text: string, openId: string, chatId = S.chat, extra: Partial<Parameters<typeof messageEnvelope>[0]> = {}) => send(messageEnvelope({ text, openId, chatId, ...extra }));
const textOf = (m: { msgType: string; content: string }) => (m.msgType === 'text' ? (JSON.parse(m.content).text as string) : m.content);
async function press(openId: string, value: Record<string, unknown>, chatId = S.chat) {
  const res = await h.post(cardEnvelope({ openId, chatId, value }), '/feishu/card');
  expect(res.status).toBe(200);
  const body = await res.json();
  await h.settle();
  return body as { toast?: { type: string; content: string }; card?: { type: string; data: { header: { title: { content: string } } } & Record<string, unknown> } };
}

describe('the 村民大会 needs the absentees’ opinions and the signed resolution’s photo', () => {
  let uuid = '';
  let messageId = '';

  it('without them, confirmed by both overseers, it is 记录不完整 and says what is missing', async () => {
    expect(textOf((await say('申请 张大山', S.cadre))[0]!)).toContain('已登记');
    await say('资格 张大山 通过 无劳力', S.cadre);
    await say('资格 龙学林 不通过 家有商品房', S.cadre);
    await say('完成 资格复审', S.cadre); // the assembly follows the qualification review
    await say('资格 赵应祥 不通过 家有商品房', Y.cadre, Y.chat);
    await say('完成 资格复审', Y.cadre, Y.chat);
    const [card] = await say('会议 村民大会 应到100 实到80 张大山 同意60 反对10', S.cadre);
    uuid = card!.uuid!;
    messageId = card!.messageId!;
    expect(JSON.stringify(JSON.parse(card!.content))).toContain('缺席人员意见：⬜ 未登记');
    await press(S.packageCadre, { a: 'meeting.confirm', m: uuid, as: 'package_cadre' });
    const fs = await press(S.firstSecretary, { a: 'meeting.confirm', m: uuid, as: 'first_secretary' });
    expect(fs.toast).toEqual({ type: 'success', content: '已确认。' });
    expect(fs.card!.data.header.title.content).toBe('村民大会记录（记录不完整）');
    const text = JSON.stringify(fs.card!.data);
    expect(text).toContain('记录不完整：缺少缺席人员意见，请发送“缺席意见 具体意见”；无人缺席的，发送“缺席意见 无缺席”。');
    expect(text).toContain('记录不完整：缺少决议签字照片，请把签字的决议照片回复到本卡片。');
    expect(validOf(uuid)).toBe(0);
    const done = textOf((await say('完成 评议公示', S.cadre))[0]!);
    expect(done).toContain('缺少有效的会议记录：村民大会');
  });

  it('缺席意见 adds the opinions (audited); still short of the photo', async () => {
    const [r] = await say('缺席意见 无缺席', S.cadre);
    expect(textOf(r!)).toBe('已登记村民大会（12月9日）缺席人员意见：无缺席\n尚未生效：\n• 记录不完整：缺少决议签字照片，请把签字的决议照片回复到本卡片。');
    expect(validOf(uuid)).toBe(0);
    expect(one("select count(*) n from audit_log where action = 'absentees' and entity = 'meeting'")).toEqual({ n: 1 });
    expect(textOf((await say('缺席意见', S.cadre))[0]!)).toContain('用法：缺席意见 <内容>');
    expect(textOf((await say('缺席意见 都同意', Y.cadre, Y.chat))[0]!)).toBe('本村还没有登记村民大会。请先登记：会议 村民大会 应到N 实到N <户> 同意N 反对N …');
  });

  it('a post with the picture replying to the meeting card completes it', async () => {
    const [r] = await send(
      postEnvelope({ openId: S.cadre, chatId: S.chat, parentId: messageId, paragraphs: [[{ tag: 'text', text: '决议签字' }], [{ tag: 'img', image_key: 'img_resolution_shimen' }]] }),
    );
    expect(textOf(r!)).toBe('已将照片附到村民大会（2026-12-09）记录，作为佐证（共 1 份）。\n✅ 村民大会记录有效。');
    expect(validOf(uuid)).toBe(1);
  });

  it('the meeting sent as a post with the picture and 无缺席 carries its evidence at once', async () => {
    const [card] = await send(
      postEnvelope({
        openId: Y.packageCadre,
        chatId: Y.chat,
        paragraphs: [[AT_BOT, { tag: 'text', text: ' 会议 村民大会 应到50 实到40 同意30 反对5 无缺席' }], [{ tag: 'img', image_key: 'img_resolution_yanjiao' }]],
      }),
    );
    const c = JSON.parse(card!.content);
    expect(c.header.title.content).toBe('村民大会记录（待确认）');
    expect(JSON.stringify(c)).toContain('佐证材料：1 份');
    expect(JSON.stringify(c)).not.toContain('记录不完整');
    const fs = await press(Y.firstSecretary, { a: 'meeting.confirm', m: card!.uuid, as: 'first_secretary' }, Y.chat);
    expect(fs.toast?.content).toBe('已确认，村民大会记录有效。');
  });
});

describe('the two-committees meeting needs the township cadres’ signatures', () => {
  let uuid = '';

  it('signed by the package cadre only, it is 记录不完整', async () => {
    // the two-committees meeting follows a valid representatives meeting
    const [rep] = await say('会议 村民代表大会 应到30 实到28 张大山 同意25 反对2', S.packageCadre);
    await press(S.firstSecretary, { a: 'meeting.confirm', m: rep!.uuid, as: 'first_secretary' });
    expect(validOf(rep!.uuid!)).toBe(1);
    const [card] = await say('会议 两委会议 应到7 实到7', S.packageCadre);
    uuid = card!.uuid!;
    const fs = await press(S.firstSecretary, { a: 'meeting.confirm', m: uuid, as: 'first_secretary' });
    expect(fs.card!.data.header.title.content).toBe('两委会议记录（记录不完整）');
    expect(JSON.stringify(fs.card!.data)).toContain('记录不完整：须至少 1 名乡干部在会议记录上签署意见（已签 0 名），请乡干部在本卡片上按“乡干部签署意见”。');
    expect(validOf(uuid)).toBe(0);
  });

  it('the number is configurable: with two required, one signature is not enough', async () => {
    sqlite().prepare("update townships set campaign = json_set(campaign, '$.twoCommitteesTownshipSigners', 2)").run();
    const office = await press(EX.office, { a: 'meeting.township_sign', m: uuid });
    expect(office.toast).toEqual({ type: 'success', content: '已签字。' });
    expect(JSON.stringify(office.card!.data)).toContain('须至少 2 名乡干部在会议记录上签署意见（已签 1 名）');
    expect(validOf(uuid)).toBe(0);
    const leader = await press(EX.leader, { a: 'meeting.township_sign', m: uuid });
    expect(leader.toast).toEqual({ type: 'success', content: '已签字，两委会议记录有效。' });
    expect(JSON.stringify(leader.card!.data)).toContain('乡干部签署意见：周建华、杨国平');
    expect(validOf(uuid)).toBe(1);
  });

  it('the county report exports the township cadres’ signatures; the archive manifest lists every evidence photo', async () => {
    const report = await gatherCountyReport(h.server.d, 'qingshui', clock);
    const tc = report.meetings.find((m) => m.village === '石门村' && m.kind === '两委会议')!;
    expect(tc.townshipSigners).toBe('周建华、杨国平');
    const dir = mkdtempSync(join(tmpdir(), 'evidence-archive-'));
    dirs.push(dir);
    await writeArchive(h.server.d, 'qingshui', join(dir, 'a'), { now: clock, actor: 'test' });
    const manifest = JSON.parse(readFileSync(join(dir, 'a', 'manifest.json'), 'utf8')) as Manifest;
    const refs = manifest.evidence.map((e) => e.ref.split('#')[0]);
    expect(refs).toEqual(expect.arrayContaining(['image:img_resolution_shimen', 'image:img_resolution_yanjiao']));
    expect(manifest.evidence.find((e) => e.ref.startsWith('image:img_resolution_shimen'))).toMatchObject({ kind: '会议', village: '石门村', date: '2026-12-09' });
  });
});
