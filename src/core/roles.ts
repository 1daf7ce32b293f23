// Roles of DESIGN §1. A role is township-wide (villageId 0) or for one village.
import { own } from './lookup';
export const ROLES = ['office', 'leader', 'inspector', 'package_cadre', 'first_secretary', 'village_cadre', 'helper'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  office: '乡扶贫办',
  leader: '包片领导',
  inspector: '乡纪委',
  package_cadre: '驻村干部',
  first_secretary: '第一书记',
  village_cadre: '村干部',
  helper: '帮扶责任人',
};

const BY_CHINESE: Record<string, Role> = {
  乡扶贫办: 'office',
  扶贫办: 'office',
  包片领导: 'leader',
  领导: 'leader',
  乡纪委: 'inspector',
  纪委: 'inspector',
  驻村干部: 'package_cadre',
  包村干部: 'package_cadre',
  第一书记: 'first_secretary',
  村干部: 'village_cadre',
  村两委: 'village_cadre',
  村四职干部: 'village_cadre',
  帮扶责任人: 'helper',
  帮扶人: 'helper',
};

/** Accepts a role key or its Chinese name; null otherwise. */
export function parseRole(text: string): Role | null {
  const s = text.trim();
  if ((ROLES as readonly string[]).includes(s)) return s as Role;
  return own(BY_CHINESE, s.replace(/[“”"]/g, '')) ?? null;
}

/** Roles that only make sense for one village. */
export const VILLAGE_ROLES: ReadonlySet<Role> = new Set(['package_cadre', 'first_secretary', 'village_cadre']);

export interface RoleGrant {
  role: Role;
  villageId: number;
}

/**
 * May someone holding `grants` act with one of `allowed` (for `villageId` when given)?
 * The office acts everywhere; a village role only counts in its own village.
 */
export function allows(grants: RoleGrant[], allowed: readonly Role[], villageId?: number | null): boolean {
  return grants.some(
    (g) => allowed.includes(g.role) && (g.villageId === 0 || villageId == null || g.villageId === villageId),
  );
}

export function roleList(roles: readonly Role[]): string {
  return roles.map((r) => ROLE_NAMES[r]).join('、');
}
