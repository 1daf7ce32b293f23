/**
 * Roster rows → households: each data row normalised and checked (values from the value sets
 * of src/core/roster-values.ts, the ID number, disability consistency, household-level values
 * agreeing across the household's rows), then the household rules (required household values,
 * exactly one 户主 named as 户主姓名). Fed one row at a time, so a file is never held in memory:
 * what is kept is one small record per household (and its members only when asked to).
 * Portable: no I/O.
 */
import { maskIdsInText, validateIdCard } from '../../core/idcard';
import {
  DISABILITY,
  HEALTH,
  HOUSEHOLD_STATUSES,
  HOUSING,
  LABOR,
  RELATIONS,
  SCHOOLING,
  SKILL,
  WORK,
  YES_NO,
  ZONES,
  allowed,
  choiceWithNote,
  lookup,
  parseIncome,
  type DisabilityGrade,
  type EnumDef,
  type Health,
  type HouseholdStatus,
  type Housing,
  type Labor,
  type Relation,
  type Zone,
} from '../../core/roster-values';
import { cellText, clean, cleanName, isBlankRow, isNumericCell } from '../../sheet/cells';
import {
  COLUMN,
  ROSTER_COLUMNS,
  findHeader,
  headerErrors,
  type HeaderInfo,
  type ReadRosterOptions,
  type RosterError,
  type RosterField,
  type RosterHousehold,
  type RosterMember,
} from './columns';

type RowValues = Partial<Record<RosterField, string>>;

const HOUSEHOLD_ENUMS: Partial<Record<RosterField, EnumDef<string>>> = {
  housing: HOUSING,
  zone: ZONES,
  status: HOUSEHOLD_STATUSES,
  allAway: YES_NO,
  minimumLiving: YES_NO,
  extremePoverty: YES_NO,
};

/** Comparable form of a household-level value: spellings of one choice (危房 / D级危房) agree. */
function sameValue(field: RosterField, value: string): string {
  const def = HOUSEHOLD_ENUMS[field];
  return (def && lookup(def, value)) ?? value;
}

interface PendingHousehold {
  householdNo: string;
  row: number;
  // Compact on purpose: one of these is held per household until the end of the file (30,000
  // for a county), so no object per field and no Map per household.
  /** the first value of each household-level field */
  fields: Partial<Record<RosterField, string>>;
  /** the row of a field's first value, only where it is not `row` (rare) */
  fieldRows: Partial<Record<RosterField, number>> | null;
  /** kept only when the reader keeps members */
  members: RosterMember[] | null;
  memberCount: number;
  head: { row: number; name: string } | null;
  headRows: number[];
  /** a row's 与户主关系 could not be read, so the head rules cannot be judged */
  relationUnknown: boolean;
  /** the household's ID numbers so far and their rows: [id, row, id, row, …] (a household has a few) */
  seenIds: (string | number)[];
  invalid: boolean;
}

export interface RosterRowsResult {
  /** problems of the file itself (no header, missing columns, no data): nothing else is valid */
  fileErrors: RosterError[];
  /** data rows read (blank rows not counted) */
  rows: number;
  /** the valid households, in order of first row; members only when kept */
  households: RosterHousehold[];
  /** members of each valid household (by 户编号) */
  memberCounts: Map<string, number>;
  /** row and household problems, sorted by row, then column order */
  errors: RosterError[];
}

export interface RosterRowsOptions extends ReadRosterOptions {
  /** keep each valid member in its household (readRoster); otherwise only counts are kept */
  keepMembers?: boolean;
  /** called with every member read from a valid row, in file order (the second, writing pass) */
  onMember?(householdNo: string, m: RosterMember): void;
}

const COLUMN_ORDER = new Map(ROSTER_COLUMNS.map((c, idx) => [c.header, idx]));

/** Reads roster rows one at a time: push() each row of the sheet, then end(). */
export class RosterRows {
  private head: { row: number; values: readonly unknown[] }[] = [];
  private header: HeaderInfo | null = null;
  private fileErrors: RosterError[] = [];
  private dataRows = 0;
  private readonly households = new Map<string, PendingHousehold>();
  private readonly rowErrors: RosterError[] = [];
  private readonly knownVillages: Set<string> | undefined;

  constructor(private readonly o: RosterRowsOptions = {}) {
    this.knownVillages = o.villages ? new Set(o.villages) : undefined;
  }

  push(row: number, values: readonly unknown[]): void {
    if (this.fileErrors.length > 0 || isBlankRow(values)) return;
    if (this.header) {
      this.dataRow(row, values);
      return;
    }
    this.head.push({ row, values });
    if (this.head.length >= 10) this.settleHeader();
  }

  private settleHeader(): void {
    const found = findHeader(this.head);
    const rest = this.head.slice(found.index + 1);
    this.head = [];
    const errors = headerErrors(found);
    if (errors.length > 0) {
      this.fileErrors = errors;
      return;
    }
    this.header = found;
    for (const r of rest) this.dataRow(r.row, r.values);
  }

  end(): RosterRowsResult {
    if (!this.header && this.fileErrors.length === 0) {
      if (this.head.length === 0) this.fileErrors = [{ row: 0, column: '', reason: '文件为空，没有表头和数据' }];
      else this.settleHeader();
    }
    if (this.fileErrors.length === 0 && this.dataRows === 0) {
      this.fileErrors = [{ row: this.header!.row, column: '', reason: '文件只有表头，没有数据行' }];
    }
    if (this.fileErrors.length > 0) return { fileErrors: this.fileErrors, rows: 0, households: [], memberCounts: new Map(), errors: [] };
    const households: RosterHousehold[] = [];
    const memberCounts = new Map<string, number>();
    for (const h of this.households.values()) {
      const done = this.finishHousehold(h);
      if (done) {
        households.push(done);
        memberCounts.set(done.householdNo, h.memberCount);
      }
    }
    const errors = this.rowErrors;
    errors.sort((a, b) => a.row - b.row || (COLUMN_ORDER.get(a.column) ?? -1) - (COLUMN_ORDER.get(b.column) ?? -1));
    return { fileErrors: [], rows: this.dataRows, households, memberCounts, errors };
  }

  private dataRow(rowNumber: number, values: readonly unknown[]): void {
    const header = this.header!;
    this.dataRows++;
    const raw: RowValues = {};
    for (const [field, col] of header.columns) raw[field] = cellText(values[col]);
    const idRaw = values[header.columns.get('idCard') as number];
    const errs: RosterError[] = [];
    // values are echoed in reasons; an ID number typed into the wrong column is masked
    const err = (field: RosterField, reason: string) => errs.push({ row: rowNumber, column: COLUMN[field].header, reason: maskIdsInText(reason) });
    const text = (field: RosterField): string => {
      const v = clean(raw[field] ?? '');
      return v === '' ? (COLUMN[field].blankMeans ?? '') : v;
    };
    const required = (field: RosterField, value: string): string => {
      if (value === '') err(field, `${COLUMN[field].header}不能为空`);
      return value;
    };
    const enumValue = <K extends string>(field: RosterField, def: EnumDef<K>): K | undefined => {
      const v = text(field);
      if (v === '') {
        err(field, `${COLUMN[field].header}不能为空，应为 ${allowed(def)}`);
        return undefined;
      }
      const k = lookup(def, v);
      if (k === undefined) err(field, `“${v}”不是有效的${COLUMN[field].header}，应为 ${allowed(def)}`);
      return k;
    };

    const householdNo = required('householdNo', clean(raw.householdNo ?? ''));
    const name = required('memberName', cleanName(raw.memberName ?? ''));
    const relation = enumValue('relation', RELATIONS);

    // ID number: never echo it, it may be a real one
    let id: ReturnType<typeof validateIdCard> | undefined;
    const idText = clean(raw.idCard ?? '').normalize('NFKC').replace(/^'/, '').replace(/[\s-]/g, '');
    if (idText === '') err('idCard', '身份证号不能为空');
    else if (isNumericCell(idRaw) && idText.length > 15) {
      err('idCard', '身份证号被 Excel 存成了数字，后几位已丢失：请把该列设为“文本”格式后重新录入');
    } else {
      id = validateIdCard(idText, { today: this.o.today });
      if (!id.ok) err('idCard', id.reason);
    }

    const labor = enumValue('labor', LABOR);
    const health = enumValue('health', HEALTH);
    const disabilityKey = enumValue('disability', DISABILITY);
    const disability = disabilityKey === undefined ? undefined : (Number(disabilityKey) as DisabilityGrade);
    const cert = clean(raw.disabilityCert ?? '').normalize('NFKC').replace(/\s/g, '');
    if (cert !== '') {
      if (!/^[0-9A-Za-z-]{6,30}$/.test(cert)) err('disabilityCert', '残疾证号只能包含数字、字母和 -');
      else if (disability === 0) err('disabilityCert', '残疾情况为“无”，却填了残疾证号');
    }
    if (health === 'disabled' && disability === 0) {
      err('disability', '健康状况为“残疾”，残疾情况却为“无”：请填写残疾等级');
    }
    // optional member data (blank: not recorded)
    const schoolingText = clean(raw.schooling ?? '');
    const schooling = schoolingText === '' ? undefined : lookup(SCHOOLING, schoolingText);
    if (schoolingText !== '' && schooling === undefined) err('schooling', `“${schoolingText}”不是有效的在校情况，应为 ${allowed(SCHOOLING)}`);
    const noted = <K extends string>(field: RosterField, def: EnumDef<K>, example: string) => {
      const v = clean(raw[field] ?? '');
      if (v === '') return undefined;
      const c = choiceWithNote(def, v);
      if (c === undefined) err(field, `“${v}”不是有效的${COLUMN[field].header}，应为 ${allowed(def)}，可在后面写明，如：${example}`);
      else if (c.note.length > 50) err(field, `${COLUMN[field].header}的说明太长（${c.note.length} 字），请不超过 50 字`);
      return c;
    };
    const skill = noted('skill', SKILL, '有（电焊）');
    if (skill?.key === 'no' && skill.note) err('skill', `技能为“无”，却写了“${skill.note}”：有技能请写“有（${skill.note}）”`);
    const work = noted('work', WORK, '外出（浙江宁波）');
    if (work?.key === 'none' && work.note) err('work', `务工为“无”，却写了“${work.note}”：请写“本地（…）”或“外出（…）”`);

    // household-level values of this row (validated once per distinct value)
    const hv: Partial<Record<RosterField, string>> = {};
    for (const c of ROSTER_COLUMNS) {
      if (c.level !== 'household' || !header.columns.has(c.field)) continue;
      const v = c.field === 'headName' ? cleanName(raw[c.field] ?? '') : clean(raw[c.field] ?? '');
      if (v !== '') hv[c.field] = v;
    }
    const known = this.knownVillages;
    if (hv.village !== undefined && known && !known.has(hv.village)) {
      const guess = [...known].find((k) => k === `${hv.village}村` || k.replace(/村$/, '') === hv.village);
      err('village', `村名“${hv.village}”不在 township.json 的村名单中${guess ? `，是否应为“${guess}”？` : ''}`);
    }
    for (const [field, def] of Object.entries(HOUSEHOLD_ENUMS) as [RosterField, EnumDef<string>][]) {
      const v = hv[field];
      if (v !== undefined && lookup(def, v) === undefined) {
        err(field, `“${v}”不是有效的${COLUMN[field].header}，应为 ${allowed(def)}`);
      }
    }
    if (hv.income !== undefined && parseIncome(hv.income) === undefined) {
      err('income', `人均纯收入“${hv.income}”不是有效的金额：请填写 0 至 1000000 之间的整数（元/年），如 3500`);
    }
    if (hv.phone !== undefined) {
      const p = hv.phone.normalize('NFKC');
      if (!/^[0-9+\-()\s/、,，;；]+$/.test(p) || (p.match(/\d/g)?.length ?? 0) < 7) {
        err('phone', '联系电话格式不正确：应为手机号或座机号，多个号码用“/”分隔');
      }
    }

    if (householdNo === '') {
      this.rowErrors.push(...errs);
      return;
    }
    let h = this.households.get(householdNo);
    if (!h) {
      h = {
        householdNo,
        row: rowNumber,
        fields: {},
        fieldRows: null,
        members: this.o.keepMembers ? [] : null,
        memberCount: 0,
        head: null,
        headRows: [],
        relationUnknown: false,
        seenIds: [],
        invalid: false,
      };
      this.households.set(householdNo, h);
    }
    for (const [field, value] of Object.entries(hv) as [RosterField, string][]) {
      const first = h.fields[field];
      if (first === undefined) {
        h.fields[field] = value;
        if (rowNumber !== h.row) (h.fieldRows ??= {})[field] = rowNumber;
      } else if (first !== value && sameValue(field, first) !== sameValue(field, value)) {
        err(field, `户编号 ${householdNo} 在第 ${h.fieldRows?.[field] ?? h.row} 行的${COLUMN[field].header}是“${first}”，这一行却是“${value}”`);
      }
    }
    if (id?.ok) {
      const at = h.seenIds.indexOf(id.id);
      if (at !== -1) err('idCard', `同一户内成员重复：与第 ${h.seenIds[at + 1]} 行的身份证号相同`);
      else h.seenIds.push(id.id, rowNumber);
    }
    if (relation === 'head') h.headRows.push(rowNumber);
    if (relation === undefined) h.relationUnknown = true;

    if (errs.length > 0) {
      h.invalid = true;
      for (const e of errs) this.rowErrors.push({ ...e, householdNo });
      return;
    }
    const m: RosterMember = {
      row: rowNumber,
      name,
      relation: relation as Relation,
      isHead: relation === 'head',
      idCard: (id as { id: string }).id,
      birthDate: (id as { birthDate: string }).birthDate,
      gender: (id as { gender: 'male' | 'female' }).gender,
      labor: labor as Labor,
      health: health as Health,
      disability: disability as DisabilityGrade,
      ...(cert !== '' ? { disabilityCert: cert } : {}),
      ...(schooling !== undefined ? { schooling } : {}),
      ...(skill ? { skill: skill.key, ...(skill.note ? { skillNote: skill.note } : {}) } : {}),
      ...(work ? { work: work.key, ...(work.note ? { workPlace: work.note } : {}) } : {}),
    };
    if (m.isHead && !h.head) h.head = { row: m.row, name: m.name };
    if (h.invalid) return; // the household is rejected as a whole: its later rows are only checked
    h.memberCount++;
    h.members?.push(m);
    this.o.onMember?.(householdNo, m);
  }

  /** The household rules; the household as read when it passes them, else null (errors kept). */
  private finishHousehold(h: PendingHousehold): RosterHousehold | null {
    const errs: RosterError[] = [];
    const err = (row: number, field: RosterField, reason: string) =>
      errs.push({ row, column: COLUMN[field].header, reason: maskIdsInText(reason), householdNo: h.householdNo });
    for (const c of ROSTER_COLUMNS) {
      if (c.level === 'household' && c.required && c.blankMeans === undefined && h.fields[c.field] === undefined) {
        err(h.row, c.field, `户编号 ${h.householdNo} 的${c.header}没有填写`);
      }
    }
    const headName = h.fields.headName;
    if (h.relationUnknown) {
      // already reported on the row; 户主 rules are judged once it is fixed
    } else if (h.headRows.length === 0) {
      err(h.row, 'relation', `户编号 ${h.householdNo} 没有与户主关系为“户主”或“本人”的成员`);
    } else if (h.headRows.length > 1) {
      err(h.headRows[1]!, 'relation', `户编号 ${h.householdNo} 有 ${h.headRows.length} 名成员的关系为户主（第 ${h.headRows.join('、')} 行），只能有一名`);
    } else if (headName !== undefined && h.head && h.head.name !== headName) {
      err(h.head.row, 'headName', `户主姓名“${headName}”与关系为户主的成员“${h.head.name}”不一致`);
    }
    if (errs.length > 0 || h.invalid) {
      this.rowErrors.push(...errs);
      return null;
    }
    const f = (field: RosterField): string => h.fields[field] ?? COLUMN[field].blankMeans ?? '';
    const phone = h.fields.phone;
    const yes = (field: RosterField) => (h.fields[field] === undefined ? undefined : lookup(YES_NO, h.fields[field]!) === 'yes');
    const minimumLiving = yes('minimumLiving');
    const extremePoverty = yes('extremePoverty');
    const income = h.fields.income === undefined ? undefined : parseIncome(h.fields.income);
    return {
      row: h.row,
      householdNo: h.householdNo,
      village: f('village'),
      headName: f('headName'),
      status: lookup(HOUSEHOLD_STATUSES, f('status')) as HouseholdStatus,
      housing: lookup(HOUSING, f('housing')) as Housing,
      zone: lookup(ZONES, f('zone')) as Zone,
      povertyCause: f('povertyCause'),
      identifiedBy: f('identifiedBy'),
      allAway: lookup(YES_NO, f('allAway')) === 'yes',
      ...(phone !== undefined ? { phone } : {}),
      ...(minimumLiving !== undefined ? { minimumLiving } : {}),
      ...(extremePoverty !== undefined ? { extremePoverty } : {}),
      ...(income !== undefined ? { income } : {}),
      members: h.members ?? [],
    };
  }
}
