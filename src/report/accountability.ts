/**
 * 追责 and 督查 in the county report (DESIGN §7): every wrongly identified household found after
 * the close with its source, finding, 识别责任人 and the committee's 处理结果; every inspection
 * (明察 / 暗访 / 督办) with its household, person, finding and action. Plain lines from the store's
 * reads (src/store/accountability.ts, src/store/inspections.ts); ID numbers masked.
 */
import { cstDateTime } from '../core/dates';
import { SOURCE_NAMES } from '../core/accountability';
import type { AccountabilityView } from '../store/accountability';
import type { InspectionView } from '../store/inspections';

export interface AccountabilityLine {
  code: string;
  source: string;
  village: string;
  number: string;
  head: string;
  /** masked */
  headIdCard: string;
  finding: string;
  owner: string;
  foundAt: string;
  outcome: string;
  outcomeNote: string;
  outcomeBy: string;
  outcomeAt: string;
}

export interface InspectionLine {
  at: string;
  /** 明察 | 暗访 | 督办 (an inspection recorded with 督办, no kind) */
  kind: string;
  village: string;
  number: string;
  head: string;
  person: string;
  finding: string;
  action: string;
  wrongIdentification: string;
  recordedBy: string;
}

export const accountabilityLines = (rows: readonly AccountabilityView[]): AccountabilityLine[] =>
  rows.map((a) => ({
    code: a.code,
    source: SOURCE_NAMES[a.source],
    village: a.villageName,
    number: a.number,
    head: a.headName,
    headIdCard: a.headId ?? '',
    finding: a.finding,
    owner: a.identificationOwner ?? '',
    foundAt: cstDateTime(a.foundAt),
    outcome: a.outcome ?? '未处理',
    outcomeNote: a.outcomeNote ?? '',
    outcomeBy: a.outcomeByName ?? '',
    outcomeAt: a.outcomeAt === null ? '' : cstDateTime(a.outcomeAt),
  }));

export const inspectionLines = (rows: readonly InspectionView[]): InspectionLine[] =>
  rows.map((i) => ({
    at: cstDateTime(i.at),
    kind: i.kind ?? '督办',
    village: i.villageName,
    number: i.householdNumber ?? '',
    head: i.headName ?? '',
    person: i.person ?? '',
    finding: i.finding,
    action: i.action ?? '',
    wrongIdentification: i.wrongIdentification ? '是' : '',
    recordedBy: i.recordedByName,
  }));
