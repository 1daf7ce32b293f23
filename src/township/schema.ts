/**
 * township.json: one file describing a township — its villages, the people who work
 * on the re-review with their roles, the bound chats and the campaign settings
 * (DESIGN §1, §2, §9).
 *
 * parseTownship() validates in two passes: first the shape (zod), then the
 * cross-field rules (unique names, references, village-scoped roles, date order).
 * Every error is one line, `<JSON path>: <中文说明>`, e.g.
 *   villages[2].name: 村名不能为空
 *   people[0]: 需要 openId、mobile 或 email 之一
 *
 * Campaign settings that are absent stay absent in the parsed value: the DESIGN §2
 * template (src/core/campaign.ts) supplies the defaults. `start`/`end` here are
 * that module's `startDate`/`endDate`.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

// ---------------------------------------------------------------------------
// Roles

// One list of roles for the whole app: src/core/roles.ts.
export { ROLES as ROLE_KEYS, ROLE_NAMES, parseRole } from '../core/roles';
export type { Role as RoleKey } from '../core/roles';
import { ROLES as ROLE_KEYS, ROLE_NAMES, parseRole, VILLAGE_ROLES, type Role as RoleKey } from '../core/roles';

/** Roles that only make sense for one village: the role entry must name it. */
export const VILLAGE_SCOPED_ROLES: readonly RoleKey[] = [...VILLAGE_ROLES];

const roleLabel = (r: RoleKey): string => `${r}（${ROLE_NAMES[r]}）`;

// ---------------------------------------------------------------------------
// Stages (the keys of campaign.deadlines) and the DESIGN §2 default template

export { STAGE_KEYS as DEADLINE_KEYS } from '../core/campaign';
import { STAGE_KEYS as DEADLINE_KEYS, stageName, type StageKey as DeadlineKey } from '../core/campaign';
import { own } from '../core/lookup';
export type { StageKey as DeadlineKey } from '../core/campaign';

/** Month-day of the default template's deadlines (DESIGN §2), used to check the order of partial settings. */
const TEMPLATE_MD: Readonly<Record<DeadlineKey | 'start' | 'end', string>> = {
  start: '12-08',
  qualification_review: '12-10',
  village_evaluation: '12-17',
  township_review: '12-19',
  county_report: '12-20',
  end: '12-20',
};

// ---------------------------------------------------------------------------
// Field schemas

function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
}

const text = (emptyMessage: string) => z.string().trim().min(1, emptyMessage);
const optionalText = (emptyMessage: string) => text(emptyMessage).optional();

const dateField = z
  .string()
  .refine(isRealDate, { message: '日期应为 YYYY-MM-DD 格式的真实日期，如 2026-12-10' });

const chatIdField = z
  .string()
  .trim()
  .regex(/^oc_[0-9A-Za-z]+$/, { message: '群 ID 应以 oc_ 开头，如 oc_a1b2c3…（在群设置或机器人日志中查看）' });

const openIdField = z
  .string()
  .trim()
  .regex(/^ou_[0-9A-Za-z]+$/, { message: 'openId 应以 ou_ 开头，如 ou_a1b2c3…' });

/** Spaces, hyphens and a +86 / 86 prefix are removed; a number is accepted too. */
const mobileField = z.preprocess(
  (v) => (typeof v === 'number' && Number.isInteger(v) ? String(v) : v),
  z
    .string()
    .overwrite((s) => s.replace(/[\s-]/g, '').replace(/^(?:\+?86)(?=1\d{10}$)/, ''))
    .regex(/^1\d{10}$/, { message: '手机号应为 11 位数字（以 1 开头）' }),
);

const emailField = z.string().trim().pipe(z.email({ message: '邮箱格式不正确' }));

const personRefField = text('人员不能为空（填写 people 中某人的 name 或 key）');

const roleField = z.preprocess(
  (v) => (typeof v === 'string' ? (parseRole(v) ?? v) : v),
  z.enum(ROLE_KEYS, {
    message: `角色应为 ${ROLE_KEYS.map(roleLabel).join('、')} 之一`,
  }),
);

const intIn = (min: number, max: number, what: string) =>
  z
    .number()
    .int({ message: `${what}应为整数` })
    .min(min, { message: `${what}应在 ${min} 到 ${max} 之间` })
    .max(max, { message: `${what}应在 ${min} 到 ${max} 之间` });

// ---------------------------------------------------------------------------
// The schema

export const roleEntrySchema = z.strictObject({
  role: roleField,
  village: optionalText('村名不能为空'),
});

export const personSchema = z
  .strictObject({
    key: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { message: 'key 只能由字母、数字、_ . - 组成，如 zhangsan' })
      .optional(),
    name: text('姓名不能为空'),
    openId: openIdField.optional(),
    mobile: mobileField.optional(),
    email: emailField.optional(),
    roles: z.array(roleEntrySchema).min(1, { message: '至少需要一个角色' }),
    partyMember: z.boolean().optional(),
    department: optionalText('单位不能为空（不填请删除该字段）'),
  })
  .superRefine((p, ctx) => {
    if (p.openId === undefined && p.mobile === undefined && p.email === undefined) {
      ctx.addIssue({ code: 'custom', message: '需要 openId、mobile 或 email 之一', path: [] });
    }
  });

export const villageSchema = z.strictObject({
  name: text('村名不能为空'),
  poor: z.boolean({ message: 'poor 应为 true（贫困村）或 false' }),
  chatId: chatIdField.optional(),
  areaLeader: personRefField.optional(),
  packageCadre: personRefField.optional(),
  firstSecretary: personRefField.optional(),
  assistingDepartment: optionalText('帮扶部门不能为空（不填请删除该字段）'),
});

export const campaignSchema = z.strictObject({
  year: intIn(2000, 2999, '年份'),
  deadlines: z
    .strictObject({
      qualification_review: dateField.optional(),
      village_evaluation: dateField.optional(),
      township_review: dateField.optional(),
      county_report: dateField.optional(),
    })
    .optional(),
  start: dateField.optional(),
  end: dateField.optional(),
  noticeMinDays: intIn(1, 60, '公示最少天数').optional(),
  helperMaxHouseholds: intIn(1, 100, '每名帮扶责任人最多帮扶户数').optional(),
  /** township cadres (besides the package cadre) who must sign the two-committees minutes, default 1 */
  twoCommitteesTownshipSigners: intIn(0, 10, '两委会议须签字的乡干部人数').optional(),
  reminderOffsets: z.array(intIn(0, 60, '提醒提前天数')).optional(),
  escalateAfterDays: intIn(1, 60, '再次督办间隔天数').optional(),
  /** 后补登记: an entry more than this many days after the date it describes needs a photo (default 2) */
  backfillDays: intIn(0, 30, '后补登记天数').optional(),
  dutyDueDates: z
    .strictObject({
      helpers: dateField.optional(),
      classification: dateField.optional(),
      helpCards: dateField.optional(),
      visits: dateField.optional(),
      exitPlans: dateField.optional(),
    })
    .optional(),
  jobTimes: z
    .strictObject({
      reminder: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '时间应为 HH:MM，如 09:05' }).optional(),
      digest: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '时间应为 HH:MM，如 18:05' }).optional(),
    })
    .optional(),
});

export const townshipSchema = z.strictObject({
  $schema: z.string().optional(),
  township: z.strictObject({
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { message: '乡镇代码只能由字母、数字、_ - 组成，如 qingshui' }),
    name: text('乡镇名称不能为空'),
    county: text('县名不能为空'),
  }),
  campaign: campaignSchema,
  chats: z
    .strictObject({
      leaders: chatIdField.optional(),
      inspectors: chatIdField.optional(),
    })
    .optional(),
  villages: z.array(villageSchema).min(1, { message: '至少需要一个村' }),
  people: z.array(personSchema).min(1, { message: '至少需要一名人员' }),
});

export type Township = z.output<typeof townshipSchema>;
export type TownshipInfo = Township['township'];
export type CampaignSettings = Township['campaign'];
export type Village = Township['villages'][number];
export type Person = Township['people'][number];
export type RoleEntry = Person['roles'][number];

export type TownshipParseResult =
  | { ok: true; value: Township; /** advice that does not block loading, in Chinese */ warnings: string[] }
  | { ok: false; errors: string[] };

// ---------------------------------------------------------------------------
// Error messages

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: '文字',
  number: '数字',
  int: '整数',
  boolean: 'true 或 false',
  object: '对象 {…}',
  array: '列表 […]',
  null: 'null',
  undefined: '空',
};

function typeOfInput(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Chinese fallback for issues whose schema did not set its own message. */
function chineseErrorMap(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return '缺少必填字段';
      const expected = own(TYPE_NAMES, issue.expected) ?? issue.expected;
      const got = own(TYPE_NAMES, typeOfInput(issue.input)) ?? typeOfInput(issue.input);
      return `应为${expected}，实际是${got}`;
    }
    case 'unrecognized_keys':
      return `未知字段 ${issue.keys.join('、')}（请检查拼写）`;
    case 'too_small':
      if (issue.origin === 'array') return `至少需要 ${String(issue.minimum)} 项`;
      if (issue.origin === 'string') return '不能为空';
      return `不能小于 ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array') return `最多 ${String(issue.maximum)} 项`;
      return `不能大于 ${String(issue.maximum)}`;
    case 'invalid_value':
      return `应为 ${issue.values.map((v) => JSON.stringify(v)).join('、')} 之一`;
    case 'invalid_format':
      return '格式不正确';
    default:
      return undefined;
  }
}

/** ['villages', 2, 'name'] → 'villages[2].name' */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

const line = (path: readonly PropertyKey[], message: string): string => {
  const p = formatJsonPath(path);
  return p === '' ? message : `${p}: ${message}`;
};

// ---------------------------------------------------------------------------
// Cross-field rules

interface Problems {
  errors: string[];
  warnings: string[];
}

/** Index of the person a reference (key first, then name) points to, or undefined. */
function resolveRef(t: Township, ref: string): number | undefined {
  const r = ref.trim();
  const byKey = t.people.findIndex((p) => p.key === r);
  if (byKey >= 0) return byKey;
  const byName = t.people.findIndex((p) => p.name === r);
  return byName >= 0 ? byName : undefined;
}

function hasRole(p: Person, role: RoleKey, village?: string): boolean {
  return p.roles.some((r) => r.role === role && (village === undefined || r.village === village));
}

function checkUnique<T>(
  items: readonly T[],
  value: (item: T) => string | undefined,
  path: (i: number) => PropertyKey[],
  message: (v: string, first: number) => string,
  out: string[],
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const v = value(item);
    if (v === undefined) return;
    const first = seen.get(v);
    if (first === undefined) seen.set(v, i);
    else out.push(line(path(i), message(v, first)));
  });
}

/**
 * What the checks across entries know of a file whose shape is wrong in places: entries that do
 * not fit their schema stand in as ghosts (their name and key, and their roles when those fit),
 * so references and duplicates are still checked and every error is reported in one pass.
 */
interface Readable {
  ghostPeople: ReadonlySet<number>;
  ghostVillages: ReadonlySet<number>;
  campaignOk: boolean;
}
const WHOLE: Readable = { ghostPeople: new Set(), ghostVillages: new Set(), campaignOk: true };

function crossCheck(t: Township, partial: Readable = WHOLE): Problems {
  const errors: string[] = [];
  const warnings: string[] = [];
  const villageNames = new Set(t.villages.map((v) => v.name));

  // Unique names and ids
  checkUnique(t.villages, (v) => v.name, (i) => ['villages', i, 'name'], (v, f) => `村名“${v}”重复（与 villages[${f}] 相同）`, errors);
  checkUnique(t.people, (p) => p.name, (i) => ['people', i, 'name'], (v, f) => `姓名“${v}”重复（与 people[${f}] 相同）；同名的人请在姓名后加以区分，如“${v}（石门村）”`, errors);
  checkUnique(t.people, (p) => p.key, (i) => ['people', i, 'key'], (v, f) => `key“${v}”重复（与 people[${f}] 相同）`, errors);
  checkUnique(t.people, (p) => p.openId, (i) => ['people', i, 'openId'], (_v, f) => `openId 重复（与 people[${f}] 相同）`, errors);
  checkUnique(t.people, (p) => p.mobile, (i) => ['people', i, 'mobile'], (v, f) => `手机号 ${v} 重复（与 people[${f}] 相同）`, errors);
  checkUnique(t.people, (p) => p.email?.toLowerCase(), (i) => ['people', i, 'email'], (v, f) => `邮箱 ${v} 重复（与 people[${f}] 相同）`, errors);
  t.people.forEach((p, i) => {
    if (p.key === undefined) return;
    const other = t.people.findIndex((q, j) => j !== i && q.name === p.key);
    if (other >= 0) errors.push(line(['people', i, 'key'], `key“${p.key}”与 people[${other}] 的姓名相同，引用时会混淆`));
  });

  // A chat is bound to one thing only
  const chatUses: { id: string; path: PropertyKey[] }[] = [];
  if (t.chats?.leaders) chatUses.push({ id: t.chats.leaders, path: ['chats', 'leaders'] });
  if (t.chats?.inspectors) chatUses.push({ id: t.chats.inspectors, path: ['chats', 'inspectors'] });
  t.villages.forEach((v, i) => {
    if (v.chatId) chatUses.push({ id: v.chatId, path: ['villages', i, 'chatId'] });
  });
  checkUnique(chatUses, (c) => c.id, (i) => chatUses[i].path, (v, f) => `群 ${v} 已用于 ${formatJsonPath(chatUses[f].path)}，一个群只能绑定一处`, errors);

  // Roles: known villages, village-scoped roles name a village, no duplicates
  t.people.forEach((p, i) => {
    const seen = new Set<string>();
    p.roles.forEach((r, j) => {
      const path = ['people', i, 'roles', j];
      if (r.village !== undefined && !villageNames.has(r.village)) {
        errors.push(line([...path, 'village'], `村“${r.village}”不存在（villages 中没有这个村）`));
      }
      if (VILLAGE_SCOPED_ROLES.includes(r.role) && r.village === undefined) {
        errors.push(line(path, `${roleLabel(r.role)}角色需要指定 village`));
      }
      const k = `${r.role}\u0000${r.village ?? ''}`;
      if (seen.has(k)) errors.push(line(path, `角色重复：${roleLabel(r.role)}${r.village ? ` ${r.village}` : ''}`));
      seen.add(k);
    });
    if (hasRole(p, 'helper') && p.partyMember === false) {
      warnings.push(line(['people', i], `${p.name} 不是党员：帮扶责任人原则上由党员干部担任`));
    }
  });

  // Village references point to people who hold the matching role
  const refs: { field: 'areaLeader' | 'packageCadre' | 'firstSecretary'; role: RoleKey; scoped: boolean }[] = [
    { field: 'areaLeader', role: 'leader', scoped: false },
    { field: 'packageCadre', role: 'package_cadre', scoped: true },
    { field: 'firstSecretary', role: 'first_secretary', scoped: true },
  ];
  t.villages.forEach((v, i) => {
    for (const { field, role, scoped } of refs) {
      const ref = v[field];
      if (ref === undefined) continue;
      const idx = resolveRef(t, ref);
      const path = ['villages', i, field];
      if (idx === undefined) {
        errors.push(line(path, `找不到人员“${ref}”（应为 people 中某人的 name 或 key）`));
        continue;
      }
      const p = t.people[idx];
      // a person whose own entry is wrong is reported there; whether they hold the role is not known
      if (partial.ghostPeople.has(idx)) continue;
      if (!hasRole(p, role, scoped ? v.name : undefined)) {
        const what = scoped ? `${v.name} 的 ${roleLabel(role)}` : roleLabel(role);
        errors.push(line(path, `${p.name} 没有 ${what}角色，请在 people[${idx}].roles 中加上`));
      }
    }
    const hasSecretary = v.firstSecretary !== undefined || t.people.some((p) => hasRole(p, 'first_secretary', v.name));
    if (v.poor && !hasSecretary) {
      warnings.push(line(['villages', i], `贫困村 ${v.name} 没有第一书记：村里的三次会议需要第一书记监督`));
    }
    const hasPackageCadre = v.packageCadre !== undefined || t.people.some((p) => hasRole(p, 'package_cadre', v.name));
    if (!hasPackageCadre) {
      warnings.push(line(['villages', i], `${v.name} 没有驻村干部：村里的三次会议需要驻村干部监督`));
    }
  });

  if (!t.people.some((p) => hasRole(p, 'office'))) {
    warnings.push('people: 没有 office（乡扶贫办）人员，无人能导入数据、绑定群和配置复核工作');
  }

  if (!partial.campaignOk) return { errors, warnings };
  // Campaign dates, with the template's defaults standing in for the ones not given
  const c = t.campaign;
  const given: Partial<Record<DeadlineKey | 'start' | 'end', string>> = { ...c.deadlines, start: c.start, end: c.end };
  const eff = (k: DeadlineKey | 'start' | 'end'): string => given[k] ?? `${c.year}-${TEMPLATE_MD[k]}`;
  const pathOf = (k: DeadlineKey | 'start' | 'end'): PropertyKey[] =>
    k === 'start' || k === 'end' ? ['campaign', k] : ['campaign', 'deadlines', k];
  const nameOf = (k: DeadlineKey | 'start' | 'end'): string =>
    k === 'start' ? '开始日期' : k === 'end' ? '结束日期' : `「${stageName(k)}」截止日期`;
  const defaultNote = (k: DeadlineKey | 'start' | 'end'): string => (given[k] === undefined ? '（默认）' : '');
  for (let i = 1; i < DEADLINE_KEYS.length; i++) {
    const prev = DEADLINE_KEYS[i - 1];
    const cur = DEADLINE_KEYS[i];
    if (given[prev] === undefined && given[cur] === undefined) continue;
    if (eff(cur) < eff(prev)) {
      const blame = given[cur] !== undefined ? cur : prev;
      errors.push(
        line(
          pathOf(blame),
          `${nameOf(cur)} ${eff(cur)}${defaultNote(cur)} 早于上一阶段${nameOf(prev)} ${eff(prev)}${defaultNote(prev)}，截止日期须按阶段先后排列`,
        ),
      );
    }
  }
  if ((given.start !== undefined || given.end !== undefined) && eff('end') < eff('start')) {
    const blame = given.end !== undefined ? 'end' : 'start';
    errors.push(line(pathOf(blame), `结束日期 ${eff('end')}${defaultNote('end')} 早于开始日期 ${eff('start')}${defaultNote('start')}`));
  }
  if (given.start !== undefined && eff('qualification_review') < given.start) {
    errors.push(line(['campaign', 'start'], `开始日期 ${given.start} 晚于${nameOf('qualification_review')} ${eff('qualification_review')}${defaultNote('qualification_review')}`));
  }
  if (c.reminderOffsets) {
    checkUnique(c.reminderOffsets, (n) => String(n), (i) => ['campaign', 'reminderOffsets', i], (v) => `提前 ${v} 天提醒重复`, errors);
  }

  return { errors, warnings };
}

// ---------------------------------------------------------------------------
// Entry points

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** The entries that fit, with ghosts for those that do not (see `Readable`); null when there is too little to check. */
function salvage(json: unknown): { t: Township; partial: Readable } | null {
  if (!isRecord(json) || !Array.isArray(json.villages) || !Array.isArray(json.people)) return null;
  const ghostVillages = new Set<number>();
  const ghostPeople = new Set<number>();
  const villages = json.villages.map((v, i): Village => {
    const r = villageSchema.safeParse(v);
    if (r.success) return r.data;
    ghostVillages.add(i);
    return { name: str(isRecord(v) ? v.name : undefined) ?? `\u0000village${i}`, poor: false };
  });
  const people = json.people.map((p, i): Person => {
    const r = personSchema.safeParse(p);
    if (r.success) return r.data;
    ghostPeople.add(i);
    const raw = isRecord(p) ? p : {};
    const roles = z.array(roleEntrySchema).safeParse(raw.roles);
    return { name: str(raw.name) ?? `\u0000person${i}`, ...(str(raw.key) ? { key: str(raw.key) } : {}), roles: roles.success ? roles.data : [] };
  });
  const campaign = campaignSchema.safeParse(json.campaign);
  const chats = isRecord(json.chats) ? townshipSchema.shape.chats.safeParse(json.chats) : null;
  const t = {
    township: { code: '', name: '', county: '' },
    campaign: campaign.success ? campaign.data : { year: 2000 },
    ...(chats?.success && chats.data ? { chats: chats.data } : {}),
    villages,
    people,
  } as Township;
  return { t, partial: { ghostPeople, ghostVillages, campaignOk: campaign.success } };
}

/** Validates township.json content (already JSON-parsed). */
export function parseTownship(json: unknown): TownshipParseResult {
  const parsed = townshipSchema.safeParse(json, { error: chineseErrorMap });
  if (!parsed.success) {
    const shape = parsed.error.issues.map((iss) => ({ path: formatJsonPath(iss.path), text: line(iss.path, iss.message) }));
    // the checks across entries too, on what could be read, so one pass lists every error
    const s = salvage(json);
    const across = s ? crossCheck(s.t, s.partial).errors : [];
    const under = (e: string) => shape.some(({ path }) => path !== '' && (e.startsWith(`${path}:`) || e.startsWith(`${path}.`) || e.startsWith(`${path}[`)));
    return { ok: false, errors: [...shape.map((x) => x.text), ...across.filter((e) => !under(e))] };
  }
  const { errors, warnings } = crossCheck(parsed.data);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: parsed.data, warnings };
}

/** Reads, JSON-parses and validates a township.json file. Every error names the file. */
export async function loadTownshipFile(path: string): Promise<TownshipParseResult> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? '找不到文件' : code === 'EISDIR' ? '这是一个目录，不是文件' : `无法读取（${code ?? String(e)}）`;
    return { ok: false, errors: [`${path}: ${why}`] };
  }
  const parsedJson = parseJsonText(raw);
  if (!parsedJson.ok) {
    return { ok: false, errors: [`${path} 第 ${parsedJson.line} 行第 ${parsedJson.column} 列: ${parsedJson.reason}`] };
  }
  const result = parseTownship(parsedJson.value);
  if (!result.ok) return { ok: false, errors: result.errors.map((e) => `${path}: ${e}`) };
  return result;
}

/** Person a reference (key or name, as in villages[].areaLeader) points to. */
export function findPerson(t: Township, ref: string): Person | undefined {
  const i = resolveRef(t, ref);
  return i === undefined ? undefined : t.people[i];
}

export function findVillage(t: Township, name: string): Village | undefined {
  return t.villages.find((v) => v.name === name.trim());
}

// ---------------------------------------------------------------------------
// JSON with located, Chinese error messages

export type JsonTextResult =
  | { ok: true; value: unknown }
  | { ok: false; line: number; column: number; reason: string };

/**
 * JSON.parse with a BOM allowed and, on failure, the line and column (1-based) of
 * the first error and a Chinese reason (trailing comma, missing comma, Chinese
 * punctuation, comments, single quotes…).
 */
export function parseJsonText(raw: string): JsonTextResult {
  const textIn = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  try {
    return { ok: true, value: JSON.parse(textIn) };
  } catch {
    const { pos, reason } = locateJsonError(textIn);
    const before = textIn.slice(0, pos);
    const lineNo = before.split('\n').length;
    const column = pos - (before.lastIndexOf('\n') + 1) + 1;
    return { ok: false, line: lineNo, column, reason: `JSON 格式错误：${reason}` };
  }
}

const CN_PUNCT: Readonly<Record<string, string>> = {
  '，': '中文逗号“，”，应为英文逗号 ,',
  '：': '中文冒号“：”，应为英文冒号 :',
  '“': '中文引号“，应为英文双引号 "',
  '”': '中文引号”，应为英文双引号 "',
  '｛': '全角括号｛，应为 {',
  '｝': '全角括号｝，应为 }',
  '【': '中文括号【，应为 [',
  '】': '中文括号】，应为 ]',
};

/** A small JSON scanner that only finds where and why parsing fails. */
function locateJsonError(s: string): { pos: number; reason: string } {
  let i = 0;
  class Fail {
    constructor(
      readonly pos: number,
      readonly reason: string,
    ) {}
  }
  const fail = (reason: string, pos = i): never => {
    throw new Fail(pos, reason);
  };
  const unexpected = (): never => {
    if (i >= s.length) return fail('文件意外结束（缺少 } 或 ]？）');
    const ch = s[i];
    const punct = own(CN_PUNCT, ch);
    if (punct) return fail(`使用了${punct}`);
    if (ch === '/' && (s[i + 1] === '/' || s[i + 1] === '*')) return fail('JSON 中不能写注释');
    if (ch === "'") return fail('字符串须用英文双引号 "，不能用单引号');
    return fail(`此处不应出现“${ch}”`);
  };
  const ws = () => {
    while (i < s.length && ' \t\n\r'.includes(s[i])) i++;
  };
  const str = () => {
    const start = i;
    i++; // opening quote
    while (i < s.length) {
      const ch = s[i];
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === '\\') {
        const e = s[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) fail('\\u 后应为 4 位十六进制数');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('字符串中有无效的转义（反斜杠 \\ 要写成 \\\\）');
        continue;
      }
      if (ch === '\n') fail('字符串没有结束（缺少右引号 "）', start);
      if (ch.charCodeAt(0) < 0x20) fail('字符串中不能有控制字符（如 Tab），请用 \\t');
      i++;
    }
    fail('字符串没有结束（缺少右引号 "）', start);
  };
  const num = () => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(s.slice(i, i + 400));
    if (!m) unexpected();
    else i += m[0].length;
  };
  const value = () => {
    ws();
    const ch = s[i];
    if (ch === '{') return obj();
    if (ch === '[') return arr();
    if (ch === '"') return str();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return num();
    for (const lit of ['true', 'false', 'null']) {
      if (s.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    if (ch !== undefined && /[A-Za-z_]/.test(ch)) {
      const word = /^[A-Za-z_]\w*/.exec(s.slice(i))?.[0] ?? ch;
      fail(`无法识别“${word}”：文字须加英文双引号，布尔值写 true / false`);
    }
    unexpected();
  };
  const obj = () => {
    i++;
    ws();
    if (s[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (s[i] === '}') fail('最后一项后面多了逗号', lastComma);
      if (s[i] !== '"') {
        if (s[i] !== undefined && /[A-Za-z_$]/.test(s[i])) fail('字段名须加英文双引号');
        unexpected();
      }
      str();
      ws();
      if (s[i] !== ':') {
        if (s[i] === '：') unexpected();
        fail('字段名后缺少冒号 :');
      }
      i++;
      value();
      ws();
      if (s[i] === ',') {
        lastComma = i;
        i++;
        continue;
      }
      if (s[i] === '}') {
        i++;
        return;
      }
      if (s[i] === '"') fail('上一项后面缺少逗号 ,');
      unexpected();
    }
  };
  const arr = () => {
    i++;
    ws();
    if (s[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (s[i] === ']') fail('最后一项后面多了逗号', lastComma);
      value();
      ws();
      if (s[i] === ',') {
        lastComma = i;
        i++;
        continue;
      }
      if (s[i] === ']') {
        i++;
        return;
      }
      if (s[i] !== undefined && /[{["\-0-9tfn]/.test(s[i])) fail('上一项后面缺少逗号 ,');
      unexpected();
    }
  };
  let lastComma = 0;
  try {
    ws();
    if (i >= s.length) return { pos: 0, reason: '文件为空' };
    value();
    ws();
    if (i < s.length) fail('JSON 已结束，后面还有多余的内容');
    return { pos: s.length, reason: '无法解析' };
  } catch (e) {
    if (e instanceof Fail) return { pos: Math.min(e.pos, s.length), reason: e.reason };
    throw e;
  }
}
