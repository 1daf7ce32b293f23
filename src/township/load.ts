// Loads a validated township.json into the store, idempotently: the township and its campaign,
// villages, people (open_ids resolved from mobile / email through the contact API), their
// roles, and chat bindings. One atomic write; every change audited; a re-run of the same file
// changes nothing.
import type { Role } from '../core/roles';
import { eq, inArray, sql } from 'drizzle-orm';
import { auditLog, chats, people, roles, townships, villages } from '../../db/schema/index';
import { chunks, type Database, type Statement } from '../store/database';
import { defaultCampaign, type CampaignConfig } from '../core/campaign';
import type { FeishuApi } from '../feishu/client';
import type { Township, Person } from './schema';
import { findPerson } from './schema';

export interface LoadResult {
  townshipId: string;
  created: { villages: number; people: number; roles: number; chats: number };
  updated: { villages: number; people: number };
  removedRoles: number;
  /** people given by mobile / email whom Feishu could not find: reported, kept without open_id */
  unresolved: { name: string; by: string }[];
  changed: boolean;
}

export function campaignOf(t: Township): CampaignConfig {
  const c = t.campaign;
  return defaultCampaign(c.year, {
    startDate: c.start,
    endDate: c.end,
    deadlines: c.deadlines,
    noticeMinDays: c.noticeMinDays,
    helperMaxHouseholds: c.helperMaxHouseholds,
    twoCommitteesTownshipSigners: c.twoCommitteesTownshipSigners,
    reminderOffsets: c.reminderOffsets,
    escalateAfterDays: c.escalateAfterDays,
    backfillDays: c.backfillDays,
    dutyDueDates: c.dutyDueDates,
    jobTimes: c.jobTimes,
  });
}

/** Open IDs for people named by mobile or email only. */
async function resolveOpenIds(t: Township, api: FeishuApi | null) {
  const want = t.people.filter((p) => !p.openId && (p.mobile || p.email));
  const found = new Map<Person, string>();
  const unresolved: LoadResult['unresolved'] = [];
  if (want.length === 0) return { found, unresolved };
  const ids = api
    ? await api.openIdsByContact({
        mobiles: want.flatMap((p) => (p.mobile ? [p.mobile] : [])),
        emails: want.flatMap((p) => (!p.mobile && p.email ? [p.email] : [])),
      })
    : new Map<string, string>();
  for (const p of want) {
    const id = (p.mobile && ids.get(p.mobile)) || (p.email && ids.get(p.email));
    if (id) found.set(p, id);
    else unresolved.push({ name: p.name, by: p.mobile ? `手机 ${p.mobile}` : `邮箱 ${p.email}` });
  }
  return { found, unresolved };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function loadTownship(
  d: Database,
  t: Township,
  o: { api: FeishuApi | null; actor: string; source: string; now?: Date },
): Promise<LoadResult> {
  const now = (o.now ?? new Date()).getTime();
  const tid = t.township.code;
  const campaign = campaignOf(t);
  const { found, unresolved } = await resolveOpenIds(t, o.api);

  const [oldTownship] = await d.db.select().from(townships).where(eq(townships.id, tid));
  const oldVillages = await d.db.select().from(villages).where(eq(villages.townshipId, tid));
  const oldPeople = await d.db.select().from(people).where(eq(people.townshipId, tid));
  const oldRoles = await d.db
    .select({ r: roles, personName: people.name, villageName: villages.name })
    .from(roles)
    .innerJoin(people, eq(people.id, roles.personId))
    .leftJoin(villages, eq(villages.id, roles.villageId))
    .where(eq(roles.townshipId, tid));
  const oldChats = await d.db.select().from(chats).where(eq(chats.townshipId, tid));

  const w: Statement[] = [];
  const audit = (action: string, entity: string, entityId: string, before: unknown, after: unknown) =>
    w.push(d.db.insert(auditLog).values({ townshipId: tid, at: now, actor: o.actor, action, entity, entityId, before, after, source: o.source }));
  const result: LoadResult = {
    townshipId: tid,
    created: { villages: 0, people: 0, roles: 0, chats: 0 },
    updated: { villages: 0, people: 0 },
    removedRoles: 0,
    unresolved,
    changed: false,
  };

  // Township and campaign
  const tRow = {
    id: tid,
    name: t.township.name,
    county: t.township.county,
    campaign,
    leadersChatId: t.chats?.leaders ?? null,
    inspectorsChatId: t.chats?.inspectors ?? null,
  };
  const tBefore = oldTownship
    ? { name: oldTownship.name, county: oldTownship.county, campaign: oldTownship.campaign, leadersChatId: oldTownship.leadersChatId, inspectorsChatId: oldTownship.inspectorsChatId }
    : null;
  const { id: _id, ...tAfter } = tRow;
  if (!same(tBefore, tAfter)) {
    w.push(
      d.db
        .insert(townships)
        .values({ ...tRow, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: townships.id, set: { ...tAfter, updatedAt: now } }),
    );
    audit(oldTownship ? 'update' : 'create', 'township', tid, tBefore, tAfter);
  }

  // Villages
  for (const v of t.villages) {
    const row = { poor: v.poor, assistingDepartment: v.assistingDepartment ?? null, chatId: v.chatId ?? null };
    const old = oldVillages.find((x) => x.name === v.name);
    const before = old ? { poor: old.poor, assistingDepartment: old.assistingDepartment, chatId: old.chatId } : null;
    if (same(before, row)) continue;
    w.push(
      d.db
        .insert(villages)
        .values({ townshipId: tid, name: v.name, ...row })
        .onConflictDoUpdate({ target: [villages.townshipId, villages.name], set: row }),
    );
    audit(old ? 'update' : 'create', 'village', v.name, before, row);
    if (old) result.updated.villages++;
    else result.created.villages++;
  }

  // People
  for (const p of t.people) {
    const row = {
      openId: p.openId ?? found.get(p) ?? null,
      mobile: p.mobile ?? null,
      email: p.email ?? null,
      partyMember: p.partyMember ?? false,
      department: p.department ?? null,
    };
    const old = oldPeople.find((x) => x.name === p.name);
    const before = old
      ? { openId: old.openId, mobile: old.mobile, email: old.email, partyMember: old.partyMember, department: old.department }
      : null;
    // A person already resolved keeps their open_id when Feishu cannot find them this time.
    if (old && row.openId === null && old.openId) row.openId = old.openId;
    if (same(before, row)) continue;
    w.push(
      d.db
        .insert(people)
        .values({ townshipId: tid, name: p.name, ...row })
        .onConflictDoUpdate({ target: [people.townshipId, people.name], set: row }),
    );
    audit(old ? 'update' : 'create', 'person', p.name, before, row);
    if (old) result.updated.people++;
    else result.created.people++;
  }

  // Roles from the file: each person's own roles plus the village posts named on villages.
  const wanted = new Map<string, { person: string; role: Role; village: string | null }>();
  const want = (person: string, role: Role, village: string | null) =>
    wanted.set(`${person}|${role}|${village ?? ''}`, { person, role, village });
  for (const p of t.people) for (const r of p.roles) want(p.name, r.role, r.role === 'office' || r.role === 'inspector' ? null : (r.village ?? null));
  for (const v of t.villages) {
    const post = (ref: string | undefined, role: Role) => {
      const p = ref ? findPerson(t, ref) : undefined;
      if (p) want(p.name, role, v.name);
    };
    post(v.areaLeader, 'leader');
    post(v.packageCadre, 'package_cadre');
    post(v.firstSecretary, 'first_secretary');
  }
  const have = new Map(oldRoles.map((x) => [`${x.personName}|${x.r.role}|${x.villageName ?? ''}`, x]));
  const personId = (name: string) => sql`(select id from people where township_id = ${tid} and name = ${name})`;
  const villageId = (name: string | null) =>
    name === null ? sql`0` : sql`(select id from villages where township_id = ${tid} and name = ${name})`;
  for (const [key, r] of wanted) {
    if (have.has(key)) continue;
    w.push(
      d.db
        .insert(roles)
        .values({ townshipId: tid, personId: personId(r.person), role: r.role, villageId: villageId(r.village), source: 'file' })
        .onConflictDoNothing(),
    );
    audit('grant', 'role', key, null, r);
    result.created.roles++;
  }
  const stale = oldRoles.filter((x) => x.r.source === 'file' && !wanted.has(`${x.personName}|${x.r.role}|${x.villageName ?? ''}`));
  if (stale.length) {
    // in chunks: D1 binds at most 100 parameters a statement
    for (const ids of chunks(stale.map((x) => x.r.id))) w.push(d.db.delete(roles).where(inArray(roles.id, ids)));
    for (const x of stale) audit('revoke', 'role', `${x.personName}|${x.r.role}|${x.villageName ?? ''}`, { role: x.r.role, village: x.villageName }, null);
    result.removedRoles = stale.length;
  }

  // Chat bindings named in the file
  const bindings: { chatId: string; kind: 'village' | 'leaders' | 'inspectors'; village: string | null }[] = [
    ...t.villages.flatMap((v) => (v.chatId ? [{ chatId: v.chatId, kind: 'village' as const, village: v.name }] : [])),
    ...(t.chats?.leaders ? [{ chatId: t.chats.leaders, kind: 'leaders' as const, village: null }] : []),
    ...(t.chats?.inspectors ? [{ chatId: t.chats.inspectors, kind: 'inspectors' as const, village: null }] : []),
  ];
  for (const b of bindings) {
    const old = oldChats.find((c) => c.chatId === b.chatId);
    const oldVillage = old?.villageId ? oldVillages.find((v) => v.id === old.villageId)?.name ?? null : null;
    if (old && old.kind === b.kind && oldVillage === b.village) continue;
    const set = { townshipId: tid, kind: b.kind, villageId: b.village ? villageId(b.village) : null, boundBy: o.actor, boundAt: now };
    w.push(d.db.insert(chats).values({ chatId: b.chatId, ...set }).onConflictDoUpdate({ target: chats.chatId, set }));
    audit('bind', 'chat', b.chatId, old ? { kind: old.kind, village: oldVillage } : null, { kind: b.kind, village: b.village });
    result.created.chats++;
  }

  result.changed = w.length > 0;
  if (w.length) await d.atomic(w);
  return result;
}

/** Township ids currently loaded, for the CLI's "which township" question. */
export async function townshipIds(d: Database): Promise<string[]> {
  return (await d.db.select({ id: townships.id }).from(townships)).map((r) => r.id);
}
