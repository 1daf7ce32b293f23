// The exit (src/feishu/safe-out.ts) and the escaping (src/feishu/escape.ts): masking in every
// spelling, user text shown as typed but never markup, every message within Feishu's limits.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { maskIdsInText, makeIdCard } from '../../src/core/idcard';
import { decodeEntities, esc, escCell, neutralizeMarkdown, neutralizeText, botMention } from '../../src/feishu/escape';
import { FEISHU_LIMITS, cardFits, cardSize, fitCard, fitOneCard, fitText, outgoingBodies, safeCardAnswer, safeToast, safeValue } from '../../src/feishu/safe-out';
import { card, md, button, buttons, form, input, type Card } from '../../src/feishu/card';
import { memoryLogger } from '../../src/log';
import { renderMessage } from '../../src/feishu/render';
import { anyMarkup, anySpelledId, idSpellings, leaks, MARKUP } from '../support/ids';

const ID = makeIdCard('522630', '19850612', '123');
export const exitCases = { n: 0 };

/** Every string of a value with the key path, machine keys included. */
function strings(v: unknown, path = ''): { path: string; s: string }[] {
  if (typeof v === 'string') return [{ path, s: v }];
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${path}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => strings(x, `${path}.${k}`));
  return [];
}
const markdownOf = (c: unknown): string[] => {
  const out: string[] = [];
  const visit = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (o.tag === 'markdown' && typeof o.content === 'string') out.push(o.content);
    Object.values(o).forEach(visit);
  };
  visit(c);
  return out;
};

describe('masking: every spelling', () => {
  it('masks each listed spelling, keeping at most the first 6 and last 4', () => {
    for (const s of idSpellings(ID)) {
      const out = maskIdsInText(`户主张三${s}已核实`);
      expect(leaks(out, ID), `${JSON.stringify(s)} → ${out}`).toBe(false);
      expect(out).toContain('522630********');
    }
    expect(maskIdsInText(`ID${ID}`)).toBe('ID522630********1231'.replace('1231', ID.slice(-4)));
  });

  it('property: an ID in any spelling, anywhere in any text, never shows', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), anySpelledId, fc.string({ maxLength: 20 }), (before, { id, spelled }, after) => {
        exitCases.n++;
        expect(leaks(maskIdsInText(before + spelled + after), id)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves Feishu ids, phone numbers, dates and the bot mentions alone; masking twice changes nothing', () => {
    const t = '电话 13800000000，2026-12-10 截止 <at id=ou_1234567890123456789abc></at> om_9876543210987654321 oc_123456789012345678901';
    expect(maskIdsInText(t)).toBe(t);
    const once = maskIdsInText(`a ${ID} b`);
    expect(maskIdsInText(once)).toBe(once);
  });
});

describe('escaping: shown as typed, never markup', () => {
  it('property: card markdown escaping decodes back to the text and contains no markup character', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), anyMarkup, fc.string({ unit: 'grapheme' })), (s) => {
        exitCases.n++;
        const e = esc(s);
        expect(decodeEntities(e)).toBe(s);
        expect(e.replace(/&#\d+;/g, '').replace(/(?<!\*)\*{8}(?!\*)/g, '')).not.toMatch(/[<>*_~`[\]()#|\\!$]|:\/\//);
      }),
      { numRuns: 500 },
    );
    expect(escCell('a|b\nc')).toBe('a&#124;b c');
  });

  it('text messages: no mention, tag, link, emphasis or entity survives; usage words like <户> stay', () => {
    for (const m of MARKUP) {
      const out = neutralizeText(`异议：${m}`);
      expect(out).not.toMatch(/<\s*\/?\s*[A-Za-z]/);
      expect(out).not.toMatch(/\]\(/);
      expect(out).not.toContain('**');
      expect(out).not.toMatch(/&#?\w+;/);
      expect(out).not.toContain('://');
    }
    expect(neutralizeText('用法：走访 <户> <内容> [超限理由：…]')).toBe('用法：走访 <户> <内容> [超限理由：…]');
    expect(neutralizeText('522630********1231')).toBe('522630********1231');
  });

  it('markdown at the exit: only the bot’s own mention of an open_id stays a tag', () => {
    const s = `${botMention('ou_abc')} <at id=all></at> <at user_id="all"></at> <font color=red>x</font> [a](https://e.x) ![i](k)`;
    const out = neutralizeMarkdown(s);
    expect(out.startsWith('<at id=ou_abc></at> ')).toBe(true);
    expect(out.slice(20)).not.toMatch(/<\s*\/?\s*[A-Za-z]/);
    expect(out).not.toContain('](');
    expect(botMention('all')).toBe('all');
    expect(botMention('ou_x></at><at id=all')).not.toContain('<');
  });
});

describe('the exit over structured values', () => {
  it('masks every string of a card, an ID after a line break included, and leaves callback values as they are', () => {
    const c = card(`张三 ${ID}`, [
      md(`户主\n${ID}\n**成员**`),
      buttons(button(`按钮 ${ID}`, { a: 'x', m: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' })),
      form('f', [input('measures', '措施', { value: `${ID} 养殖` })], '保存', { a: 'plan.save', h: 1 }),
      { tag: 'chart', chart_spec: { data: [{ values: [{ v: `村 ${ID}`, n: 1 }] }] } },
    ]);
    const out = safeValue(c);
    for (const { path, s } of strings(out)) expect(leaks(s, ID), path).toBe(false);
    expect(JSON.stringify(out)).toContain('"m":"a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"');
    expect(JSON.stringify(out)).toContain('**成员**');
  });

  it('toasts and card answers are masked; a toast is one short line', () => {
    const a = safeCardAnswer({ toast: { type: 'error', content: `身份证${ID}有误` }, card: card('t', [md(`\n${ID}`)]) });
    expect(leaks(JSON.stringify(a), ID)).toBe(false);
    expect([...safeToast({ type: 'info', content: '长'.repeat(5000) }).content].length).toBeLessThanOrEqual(FEISHU_LIMITS.toastChars);
  });

  it('the log masks every line, whatever was passed', () => {
    const log = memoryLogger();
    log.error(`失败 ${ID}`, { detail: `\n${idSpellings(ID)[12]}` });
    expect(leaks(log.lines.join('\n'), ID)).toBe(false);
  });

  it('the chat simulator and offline log show escaped text as typed', () => {
    const [b] = outgoingBodies({ card: card('t', [md(`意见：${esc('[领取补贴](https://e.x) <at id=all></at>')}`)]) });
    expect(renderMessage('interactive', b!.content).text).toContain('意见：[领取补贴](https://e.x) <at id=all></at>');
  });
});

describe('Feishu limits', () => {
  it('a 100 KB markdown becomes a card within 30 KB; 300 elements and 12 charts are spread over cards', () => {
    const big = card('大', [md('异议'.repeat(50_000))]);
    const [one, ...rest] = fitCard(big);
    expect(rest).toHaveLength(0);
    expect(cardFits(one!)).toBe(true);
    expect(JSON.stringify(one)).toContain('内容过长，已截断');

    const many = card('多', [...Array.from({ length: 300 }, (_, i) => md(`第 ${i} 项`)), ...Array.from({ length: 12 }, () => ({ tag: 'chart', chart_spec: {} }))]);
    const parts = fitCard(many);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    for (const p of parts) {
      const s = cardSize(p);
      expect(s.bytes).toBeLessThanOrEqual(FEISHU_LIMITS.cardBytes);
      expect(s.elements).toBeLessThanOrEqual(FEISHU_LIMITS.cardElements);
      expect(s.charts).toBeLessThanOrEqual(FEISHU_LIMITS.cardCharts);
    }
    expect(JSON.stringify(parts[0])).toContain(`（1/${parts.length}）`);
    const shown = parts.flatMap((p) => markdownOf(p)).filter((m) => m.startsWith('第 '));
    expect(shown).toHaveLength(300);
    // an answer can only be one card: the first part, saying how many are left out
    const answer = fitOneCard(many);
    expect(cardFits(answer)).toBe(true);
    expect(JSON.stringify(answer)).toMatch(/还有 \d+ 项未能显示/);
  });

  it('a 302 KB text is split at line ends into messages within 150 KB, nothing lost', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `第 ${i} 行：${'异'.repeat(20)}`).join('\n');
    const parts = fitText(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(new TextEncoder().encode(JSON.stringify({ text: p })).length).toBeLessThanOrEqual(FEISHU_LIMITS.textBytes);
    expect(parts.join('\n')).toBe(text);
    const oneLine = fitText('长'.repeat(120_000));
    expect(oneLine.join('')).toBe('长'.repeat(120_000));
  });

  it('property: any card of random size and content comes out as cards Feishu accepts, with nothing unmasked', () => {
    const el = fc.oneof(
      fc.tuple(fc.string({ maxLength: 3000 }), anySpelledId, anyMarkup).map(([s, { spelled }, m]) => md(`${s}${spelled}${esc(m)}`)),
      fc.constant({ tag: 'chart', chart_spec: { type: 'bar' } }),
      fc.string({ maxLength: 40 }).map((s) => buttons(button(s, { a: 'x' }))),
    );
    fc.assert(
      fc.property(fc.array(el, { maxLength: 260 }), (els) => {
        exitCases.n++;
        const parts = outgoingBodies({ card: card('标题', els) as Card });
        for (const p of parts) {
          expect(cardFits(JSON.parse(p.content) as Card)).toBe(true);
          expect(p.content).not.toMatch(/\d{17}[\dXx]/);
        }
      }),
      { numRuns: 60 },
    );
  });
});
