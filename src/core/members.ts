/**
 * The members of an applicant household (DESIGN §3.4 "applicants are whole households"), checked
 * the way the roster import checks its rows (src/import/roster/rows.ts): a name, a relation from
 * the roster's value set, a valid ID number, no ID twice in the household, one head. Problems are
 * in Chinese and name the member by name and row, never by the ID number. Pure: no I/O.
 */
import { validateIdCard } from './idcard';
import { RELATIONS, allowed, lookup, type Relation } from './roster-values';
import { tooLong } from './limits';
import { cleanName } from '../sheet/cells';

export interface MemberInput {
  name: string;
  relation: string;
  idCard: string;
}

export interface CheckedMember {
  name: string;
  relation: Relation;
  idCard: string;
}

export type MembersCheck = { ok: true; members: CheckedMember[] } | { ok: false; problems: string[] };

/** The ID as typed, normalised like the roster's cells (full-width digits, spaces and dashes). */
export const normaliseIdText = (s: string) => s.normalize('NFKC').replace(/^'/, '').replace(/[\s-]/g, '');

/**
 * Checks the members (the head among them when given). `label(i)` names a row in messages
 * (成员 1, 第 2 行…). With `needsHead`, exactly one member must be the head (户主).
 */
export function checkMembers(rows: MemberInput[], o: { today: Date; needsHead?: boolean; label?: (i: number) => string }): MembersCheck {
  const label = o.label ?? ((i: number) => `第 ${i + 1} 名成员`);
  const problems: string[] = [];
  const members: CheckedMember[] = [];
  const seen = new Map<string, string>();
  rows.forEach((r, i) => {
    const name = cleanName(r.name ?? '');
    const who = name ? `${label(i)}（${name}）` : label(i);
    const before = problems.length;
    if (!name) problems.push(`${label(i)}没有填写姓名。`);
    else {
      const long = tooLong('name', '成员姓名', name);
      if (long) problems.push(`${who}：${long}`);
    }
    const relText = (r.relation ?? '').trim();
    const relation = relText ? lookup(RELATIONS, relText) : undefined;
    if (!relText) problems.push(`${who}没有填写与户主关系，应为 ${allowed(RELATIONS)}。`);
    else if (relation === undefined) problems.push(`${who}：“${relText.slice(0, 10)}”不是有效的与户主关系，应为 ${allowed(RELATIONS)}。`);
    const idText = normaliseIdText(r.idCard ?? '');
    let id: string | null = null;
    if (!idText) problems.push(`${who}没有填写身份证号。`);
    else {
      const check = validateIdCard(idText, { today: o.today });
      if (!check.ok) problems.push(`${who}的身份证号有误：${check.reason}。`);
      else if (seen.has(check.id)) problems.push(`${who}的身份证号与${seen.get(check.id)}相同，同一户内成员不能重复。`);
      else {
        id = check.id;
        seen.set(check.id, who);
      }
    }
    if (problems.length === before && id && relation) members.push({ name, relation, idCard: id });
  });
  const heads = members.filter((m) => m.relation === 'head').length;
  if (problems.length === 0 && o.needsHead && heads === 0) problems.push('没有与户主关系为“户主”的成员。');
  if (heads > 1) problems.push(`有 ${heads} 名成员的关系为户主，只能有一名。`);
  return problems.length ? { ok: false, problems } : { ok: true, members };
}
