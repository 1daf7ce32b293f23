// Property test over the roster reader: random and mangled spreadsheets give a result or a list
// of Chinese errors with row numbers, never an exception.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readRoster } from '../../src/import/roster';
import { EXAMPLES_DIR } from '../../src/township/seed';

const exampleCsv = readFileSync(resolve(EXAMPLES_DIR, 'roster.csv'), 'utf8');
const exampleXlsx = readFileSync(resolve(EXAMPLES_DIR, 'roster.xlsx'));

describe('roster importer fuzz', () => {
  it('random bytes as csv or xlsx: a result or row-numbered errors, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.constantFrom('a.csv', 'a.xlsx'), async (data, name) => {
        const r = await readRoster({ data, name });
        if (!r.ok) for (const e of r.errors) expect(typeof e.reason).toBe('string');
      }),
      { numRuns: 150 },
    );
  });

  it('the example roster with random cells changed or rows cut: never a throw, never a full ID in a reason', async () => {
    const lines = exampleCsv.split('\n');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: lines.length - 1 }),
        fc.integer({ min: 0, max: 16 }),
        fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', '"', ',,,', '522630197001011235', '12345678901234567X', '一级', '是')),
        fc.integer({ min: 0, max: exampleCsv.length }),
        async (row, col, value, cut) => {
          const mangled = lines.map((l, i) => (i === row ? l.split(',').map((c, j) => (j === col ? value : c)).join(',') : l)).join('\n');
          for (const text of [mangled, exampleCsv.slice(0, cut)]) {
            const r = await readRoster({ data: new TextEncoder().encode(text), name: 'r.csv' }, { villages: ['石门村', '岩脚村', '高坡村', '清水村', '河坝村', '新寨村', '龙井村'] });
            if (!r.ok) for (const e of r.errors) expect(e.reason).not.toMatch(/\d{17}[\dXx]/);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a truncated xlsx: a clear error, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: exampleXlsx.length - 1 }), async (cut) => {
        const r = await readRoster({ data: exampleXlsx.subarray(0, cut), name: 'r.xlsx' });
        expect(r.ok).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});
