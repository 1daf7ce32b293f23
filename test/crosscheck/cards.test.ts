// The 核查 card stays under Feishu's 30 KB with a full page of hits carrying the longest evidence.
import { describe, expect, it } from 'vitest';
import { hitListCard, HITS_PER_PAGE } from '../../src/bot/cards/crosscheck';
import { cardBytes, CARD_MAX_BYTES } from '../../src/feishu/card';
import type { HitView } from '../../src/store/crosscheck';

const hit = (id: number): HitView => ({
  id,
  status: 'open',
  exclusion: 'commercial_housing',
  department: '房管',
  evidenceKey: 'x',
  evidence: { source: 'list', row: 1_000_000 + id, kind: '政策性住房', detail: '县城'.repeat(250), date: '2026-01-01', file: '房管局二〇二六年度不动产登记全量数据.xlsx' },
  reason: null,
  decidedBy: null,
  decidedAt: null,
  foundAt: 0,
  flaggedAt: null,
  household: { id, number: `07-${1000 + id}`, headName: '欧阳某某', status: 'included', applicant: false, villageId: 7, identificationOwner: '某某', removalReason: null },
  village: { name: '龙井村', chatId: 'oc_x' },
  member: { id, name: '欧阳某某某', idCard: '52263019760504755X', relation: 'head' },
});

describe('核查 card', () => {
  it('keeps a full page under 30 KB, with no full ID number', () => {
    const card = hitListCard(1000, Array.from({ length: HITS_PER_PAGE }, (_, i) => hit(i + 1)), 8);
    expect(cardBytes(card)).toBeLessThan(CARD_MAX_BYTES);
    const text = JSON.stringify(card);
    expect(text).not.toContain('52263019760504755X');
    expect(text).toContain('"a":"hit.list","offset":0'); // 上一页
    expect(text).toContain('"a":"hit.list","offset":16'); // 下一页
  });
});
