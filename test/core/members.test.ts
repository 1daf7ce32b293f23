import { describe, it, expect } from 'vitest';
import { checkMembers } from '../../src/core/members';
import { makeIdCard } from '../../src/core/idcard';

const today = new Date('2026-12-08T01:30:00Z');
const A = makeIdCard('522630', '19700101', '131');
const B = makeIdCard('522630', '19720305', '142');

describe('checkMembers: applicant members checked like roster rows', () => {
  it('takes the roster’s relation spellings and full-width or spaced ID numbers', () => {
    const wide = B.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    const r = checkMembers(
      [
        { name: ' 张 大山 ', relation: '本人', idCard: `${A.slice(0, 6)} ${A.slice(6)}` },
        { name: '李小花', relation: '配偶', idCard: wide },
      ],
      { today, needsHead: true },
    );
    expect(r).toEqual({ ok: true, members: [{ name: '张大山', relation: 'head', idCard: A }, { name: '李小花', relation: 'spouse', idCard: B }] });
  });

  it('names every problem by member, never by the ID number', () => {
    const bad = `${A.slice(0, 17)}${A.endsWith('0') ? '1' : '0'}`;
    const r = checkMembers(
      [
        { name: '', relation: '之子', idCard: B },
        { name: '王五', relation: '表哥', idCard: bad },
        { name: '赵六', relation: '之女', idCard: B },
      ],
      { today, needsHead: true },
    );
    expect(r.ok).toBe(false);
    const p = r.ok ? [] : r.problems;
    expect(p[0]).toBe('第 1 名成员没有填写姓名。');
    expect(p[1]).toMatch(/^第 2 名成员（王五）：“表哥”不是有效的与户主关系/);
    expect(p[2]).toMatch(/^第 2 名成员（王五）的身份证号有误：/);
    expect(p.join('')).not.toContain(bad);
    expect(checkMembers([{ name: '赵六', relation: '之女', idCard: B }], { today, needsHead: true })).toEqual({ ok: false, problems: ['没有与户主关系为“户主”的成员。'] });
    const twoHeads = checkMembers([{ name: '甲', relation: '户主', idCard: A }, { name: '乙', relation: '户主', idCard: B }], { today });
    expect(twoHeads).toEqual({ ok: false, problems: ['有 2 名成员的关系为户主，只能有一名。'] });
  });
});
