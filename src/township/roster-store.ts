// Writes a read roster (建档立卡) into the store: households by 户编号, members by ID number.
// All-or-nothing (one atomic write); re-importing the same file changes nothing; a changed row
// is updated and audited (ID numbers in the audit trail are masked).
import { eq, inArray, sql } from 'drizzle-orm';
import { auditLog, households, members, villages } from '../../db/schema/index';
import { chunks, type Database, type Statement } from '../store/database';
import type { RosterHousehold, RosterMember } from '../import/roster';
import { maskIdCard } from '../core/idcard';

export interface RosterImportResult {
  households: { created: number; updated: number; unchanged: number };
  members: { created: number; updated: number; removed: number };
}

const memberFields = (m: RosterMember) => ({
  name: m.name,
  relation: m.relation,
  labour: m.labor,
  health: m.health,
  disability: String(m.disability),
  disabilityCert: m.disabilityCert ?? null,
});

const householdFields = (h: RosterHousehold) => ({
  headName: h.headName,
  povertyCause: h.povertyCause || null,
  housing: h.housing,
  zone: h.zone,
  allAway: h.allAway,
  phone: h.phone ?? null,
  identificationOwner: h.identifiedBy || null,
});

const statusOf = (h: RosterHousehold) => h.status; // 'included' | 'applied' | 'removed'
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function importRoster(
  d: Database,
  townshipId: string,
  roster: readonly RosterHousehold[],
  o: { actor: string; source: string; now?: Date },
): Promise<RosterImportResult> {
  const now = (o.now ?? new Date()).getTime();
  const vs = await d.db.select().from(villages).where(eq(villages.townshipId, townshipId));
  const villageId = new Map(vs.map((v) => [v.name, v.id]));
  const unknown = [...new Set(roster.map((h) => h.village).filter((n) => !villageId.has(n)))];
  if (unknown.length) throw new Error(`花名册里的村不在本乡名单中：${unknown.join('、')}。请先在 township.json 中添加并运行 init。`);

  const oldHouseholds = await d.db.select().from(households).where(eq(households.townshipId, townshipId));
  const oldByNumber = new Map(oldHouseholds.map((h) => [h.number, h]));
  const oldMembers = await d.db.select().from(members).where(eq(members.townshipId, townshipId));
  const membersOf = new Map<number, (typeof oldMembers)[number][]>();
  for (const m of oldMembers) membersOf.set(m.householdId, [...(membersOf.get(m.householdId) ?? []), m]);

  const w: Statement[] = [];
  const r: RosterImportResult = { households: { created: 0, updated: 0, unchanged: 0 }, members: { created: 0, updated: 0, removed: 0 } };
  const audit = (vid: number, action: string, entity: string, id: string, before: unknown, after: unknown) =>
    w.push(d.db.insert(auditLog).values({ townshipId, villageId: vid, at: now, actor: o.actor, action, entity, entityId: id, before, after, source: o.source }));
  const hid = (number: string) => sql`(select id from households where township_id = ${townshipId} and number = ${number})`;

  for (const h of roster) {
    const vid = villageId.get(h.village)!;
    const fields = { villageId: vid, ...householdFields(h) };
    const old = oldByNumber.get(h.householdNo);
    let changed = false;
    if (!old) {
      const status = statusOf(h);
      w.push(
        d.db.insert(households).values({ townshipId, number: h.householdNo, status, applicant: status === 'applied', ...fields, updatedAt: now }),
      );
      audit(vid, 'create', 'household', h.householdNo, null, { ...fields, status });
      r.households.created++;
      changed = true;
    } else {
      const before = {
        villageId: old.villageId,
        headName: old.headName,
        povertyCause: old.povertyCause,
        housing: old.housing,
        zone: old.zone,
        allAway: old.allAway,
        phone: old.phone,
        identificationOwner: old.identificationOwner,
      };
      if (!same(before, fields)) {
        w.push(d.db.update(households).set({ ...fields, updatedAt: now }).where(eq(households.id, old.id)));
        audit(vid, 'update', 'household', h.householdNo, before, fields);
        changed = true;
      }
    }

    const existing = old ? (membersOf.get(old.id) ?? []) : [];
    const byId = new Map(existing.map((m) => [m.idCard, m]));
    for (const m of h.members) {
      const f = memberFields(m);
      const prev = byId.get(m.idCard);
      if (!prev) {
        w.push(d.db.insert(members).values({ townshipId, householdId: hid(h.householdNo), idCard: m.idCard, ...f }));
        if (old) audit(vid, 'create', 'member', `${h.householdNo}/${maskIdCard(m.idCard)}`, null, f);
        r.members.created++;
        changed = true;
      } else {
        const pf = { name: prev.name, relation: prev.relation, labour: prev.labour, health: prev.health, disability: prev.disability, disabilityCert: prev.disabilityCert };
        if (!same(pf, f)) {
          w.push(d.db.update(members).set(f).where(eq(members.id, prev.id)));
          audit(vid, 'update', 'member', `${h.householdNo}/${maskIdCard(m.idCard)}`, pf, f);
          r.members.updated++;
          changed = true;
        }
      }
    }
    const keep = new Set(h.members.map((m) => m.idCard));
    const gone = existing.filter((m) => !keep.has(m.idCard));
    if (gone.length) {
      for (const ids of chunks(gone.map((m) => m.id))) w.push(d.db.delete(members).where(inArray(members.id, ids)));
      for (const m of gone) audit(vid, 'delete', 'member', `${h.householdNo}/${maskIdCard(m.idCard)}`, { name: m.name, relation: m.relation }, null);
      r.members.removed += gone.length;
      changed = true;
    }
    if (old) {
      if (changed) r.households.updated++;
      else r.households.unchanged++;
    }
  }
  if (w.length) await d.atomic(w);
  return r;
}

/** The township's roster back in the import's shape, for export. */
export async function rosterOf(d: Database, townshipId: string): Promise<RosterHousehold[]> {
  const vs = await d.db.select().from(villages).where(eq(villages.townshipId, townshipId));
  const vName = new Map(vs.map((v) => [v.id, v.name]));
  const hs = await d.db.select().from(households).where(eq(households.townshipId, townshipId)).orderBy(households.number);
  const ms = await d.db.select().from(members).where(eq(members.townshipId, townshipId)).orderBy(members.id);
  const byH = new Map<number, typeof ms>();
  for (const m of ms) byH.set(m.householdId, [...(byH.get(m.householdId) ?? []), m]);
  return hs.map((h, i) => ({
    row: i + 2,
    householdNo: h.number,
    village: vName.get(h.villageId) ?? '',
    headName: h.headName,
    status: (h.status === 'removed' ? 'removed' : h.status === 'included' || h.status === 'county_approved' ? 'included' : h.applicant ? 'applied' : 'included') as RosterHousehold['status'],
    housing: (h.housing ?? 'safe') as RosterHousehold['housing'],
    zone: (h.zone ?? 'normal') as RosterHousehold['zone'],
    povertyCause: h.povertyCause ?? '',
    identifiedBy: h.identificationOwner ?? '',
    allAway: h.allAway,
    ...(h.phone ? { phone: h.phone } : {}),
    members: (byH.get(h.id) ?? []).map((m, j) => ({
      row: i + 2 + j,
      name: m.name,
      relation: m.relation as RosterMember['relation'],
      isHead: m.name === h.headName,
      idCard: m.idCard,
      birthDate: `${m.idCard.slice(6, 10)}-${m.idCard.slice(10, 12)}-${m.idCard.slice(12, 14)}`,
      gender: Number(m.idCard[16]) % 2 === 1 ? 'male' : 'female',
      labor: (m.labour ?? 'able') as RosterMember['labor'],
      health: (m.health ?? 'healthy') as RosterMember['health'],
      disability: Number(m.disability ?? 0) as RosterMember['disability'],
      ...(m.disabilityCert ? { disabilityCert: m.disabilityCert } : {}),
    })),
  }));
}
