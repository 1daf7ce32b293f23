// Reading messages: posts flattened to the command line, mentions by placeholder, the bot by open_id.
import { describe, it, expect } from 'vitest';
import { parseText, readMessage } from '../../src/bot/parse';
import { messageEventSchema } from '../../src/feishu/events';
import { messageEnvelope } from '../support/events';

const BOT = 'ou_bot';
const mention = (key: string, open_id: string | null, user_id: string | null = '') => ({ key, id: { open_id: open_id ?? undefined, user_id: user_id ?? undefined }, name: key });

describe('readMessage', () => {
  it('flattens a post: text, at placeholders, links; pictures and videos kept apart; other nodes dropped', () => {
    const content = JSON.stringify({
      title: '标题不算命令',
      content: [
        [{ tag: 'at', user_id: '@_user_1', user_name: '复核助手' }, { tag: 'text', text: '走访 01-003' }, { tag: 'emotion', emoji_type: 'SMILE' }],
        [{ tag: 'text', text: '送去化肥 ' }, { tag: 'a', text: '', href: 'https://example.invalid' }, { tag: 'hr' }],
        [{ tag: 'img', image_key: 'img_1' }, { tag: 'media', file_key: 'file_m', image_key: 'img_cover' }],
      ],
    });
    const m = readMessage('post', content);
    expect(m.text).toBe(' @_user_1 走访 01-003\n送去化肥 https://example.invalid\n');
    expect(m.attachments).toEqual([
      { messageType: 'image', content: '{"image_key":"img_1"}' },
      { messageType: 'media', content: '{"file_key":"file_m","image_key":"img_cover"}' },
    ]);
  });

  it('reads a post wrapped in a locale key, and gives null for kinds without text or broken content', () => {
    expect(readMessage('post', JSON.stringify({ zh_cn: { title: '', content: [[{ tag: 'text', text: '进度' }]] } })).text).toBe('进度');
    expect(readMessage('sticker', '{"file_key":"x"}').text).toBeNull();
    expect(readMessage('post', 'not json').text).toBeNull();
    expect(readMessage('post', '{"content":"x"}').text).toBeNull();
    expect(readMessage('text', '{"text":5}').text).toBeNull();
  });
});

describe('parseText', () => {
  it('finds the bot by open_id anywhere; @_user_1 does not eat @_user_10', () => {
    const mentions = [mention('@_user_10', 'ou_ten'), mention('@_user_1', BOT)];
    const p = parseText('帮扶 01-003 @_user_10 @_user_1', mentions, 'group', BOT);
    expect(p.addressed).toBe(true);
    expect(p.command).toBe('帮扶');
    expect(p.args).toEqual(['01-003', '@_user_10']);
    expect(p.mentions.get('@_user_10')).toEqual({ openId: 'ou_ten', name: '@_user_10' });
  });

  it('without the bot open_id, only a leading mention is the bot; a mention without open_id is nobody', () => {
    const mentions = [mention('@_user_1', 'ou_someone'), mention('@_user_2', null)];
    expect(parseText('@_user_1 进度', mentions, 'group').addressed).toBe(true);
    const later = parseText('进度 @_user_1', mentions, 'group');
    expect(later.addressed).toBe(false);
    expect(parseText('@_user_1 角色 @_user_2 村干部', mentions, 'group').mentions.has('@_user_2')).toBe(false);
  });
});

describe('messageEventSchema', () => {
  it('reads null and "" IDs as absent, everywhere but the sender open_id', () => {
    const env = messageEnvelope({ text: '进度', openId: 'ou_a', chatId: 'oc_1', thread: { rootId: 'om_r', threadId: 'omt_1' } });
    const e = env.event as unknown as { sender: { sender_id: { open_id: string } }; message: { mentions: unknown[] } };
    e.message.mentions[0] = { key: '@_user_1', id: { open_id: BOT, union_id: null, user_id: '' }, name: '复核助手' };
    e.message.mentions.push({ key: '@_all', id: null, name: null });
    const parsed = messageEventSchema.parse(e);
    expect(parsed.sender.sender_id).toEqual({ open_id: 'ou_a', union_id: 'on_a', user_id: undefined });
    expect(parsed.message.mentions[0]!.id).toEqual({ open_id: BOT, union_id: undefined, user_id: undefined });
    expect(parsed.message.mentions[1]!.id.open_id).toBeUndefined();
    expect(parsed.message).toMatchObject({ root_id: 'om_r', thread_id: 'omt_1', parent_id: 'om_r' });
    e.sender.sender_id.open_id = '';
    expect(messageEventSchema.safeParse(e).success).toBe(false);
  });
});

describe('ID numbers typed in pieces', () => {
  it('are one word, half-width, whatever the spelling; two phone numbers stay two words', () => {
    const id = '522630198506121231';
    for (const typed of ['522630 19850612 1231', '5226 3019 8506 1212 31', '522630-19850612-1231', '５２２６３０１９８５０６１２１２３１', '522630\u200b198506121231']) {
      const p = parseText(`申请 张三 ${typed} 说明`, [], 'p2p');
      expect(p.args, typed).toEqual(['张三', id, '说明']);
    }
    expect(parseText('联系 01-001 电话 13800010002 13800010003', [], 'p2p').args).toEqual(['01-001', '电话', '13800010002', '13800010003']);
    expect(parseText('会议 村民大会 应到100 实到80 2026-12-09', [], 'p2p').args).toEqual(['村民大会', '应到100', '实到80', '2026-12-09']);
  });
});
