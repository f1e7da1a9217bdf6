/**
 * Roles, permissions and geography as data (architecture.md principle 10). Two independent checks guard every
 * staff action: the role's PERMISSION (may this kind of staff do X at all?) and the record's SCOPE (is this record
 * in their provinces/communes?). Both deny by default: an unknown role, permission or entity is refused.
 * A record outside scope must be answered exactly like a missing one (404 "Không tìm thấy"), so staff cannot probe
 * which case codes exist elsewhere — use `notFound()` / `assertCanAccess()`.
 */
import { AppError } from "../errors.js";
import type { Prisma, StaffRole } from "../generated/prisma/client.js";

export const ROLES = ["admin", "hotline", "province_officer", "commune_worker", "donations_officer"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "case.list",
  "case.view",
  /** child's and reporter's names, phones, addresses, free-text descriptions (Decree 56/2017 Art. 24/33) */
  "case.view_private",
  "case.update_status",
  "case.assign",
  "case.note",
  "case.change_risk",
  "handoff.reply",
  "need.view",
  "need.verify",
  "pledge.view",
  "pledge.confirm",
  "statement.import",
  "report.view",
  "report.export",
  "directory.view",
  "directory.edit",
  "staff.manage",
  "audit.view",
  "retention.run",
  /** questions the library could not answer (may contain private details) and answer feedback per article */
  "guidance.gaps",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * Who may do what. Choices worth knowing:
 * - admin governs the system (staff, directory, audit, retention) and can oversee case metadata, but does NOT see
 *   children's/reporters' identities or work cases: least privilege, and separation of duties for money.
 * - hotline (111) works every case and holds the chat hand-off queue; no money, no staff management.
 * - province/commune staff work the cases and needs of their area; only the province assigns cases.
 * - donations_officer handles needs, pledges and bank statements; never cases.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: [
    "case.list", "case.view",
    "need.view", "pledge.view",
    "report.view", "report.export",
    "directory.view", "directory.edit",
    "staff.manage", "audit.view", "retention.run",
    "guidance.gaps",
  ],
  hotline: [
    "case.list", "case.view", "case.view_private", "case.update_status", "case.assign", "case.note", "case.change_risk",
    "handoff.reply",
    "report.view",
    "directory.view",
    "guidance.gaps",
  ],
  province_officer: [
    "case.list", "case.view", "case.view_private", "case.update_status", "case.assign", "case.note", "case.change_risk",
    "need.view", "need.verify",
    "report.view", "report.export",
    "directory.view",
  ],
  commune_worker: [
    "case.list", "case.view", "case.view_private", "case.update_status", "case.note", "case.change_risk",
    "need.view", "need.verify",
    "report.view",
    "directory.view",
  ],
  donations_officer: [
    "need.view", "need.verify", "pledge.view", "pledge.confirm", "statement.import",
    "report.view", "report.export",
    "directory.view",
  ],
};

export const SCOPE_ENTITIES = ["case", "need", "pledge"] as const;
export type ScopeEntity = (typeof SCOPE_ENTITIES)[number];
/** all: every record; province/commune: records in the staff member's codes; none: no record at all. */
export type ScopeKind = "all" | "province" | "commune" | "none";

/** Which records of each kind a role reaches. Pledges take the geography of the need they answer. */
export const ROLE_SCOPES: Readonly<Record<Role, Readonly<Record<ScopeEntity, ScopeKind>>>> = {
  admin: { case: "all", need: "all", pledge: "all" },
  hotline: { case: "all", need: "none", pledge: "none" },
  province_officer: { case: "province", need: "province", pledge: "province" },
  commune_worker: { case: "commune", need: "commune", pledge: "commune" },
  donations_officer: { case: "none", need: "all", pledge: "all" },
};

/** The parts of a staff member that authorisation looks at. `role` is a plain string: it may come from anywhere. */
export interface StaffScope {
  role: string;
  provinceCodes: readonly string[];
  communeCodes: readonly string[];
}

const PERMISSION_SETS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries(ROLE_PERMISSIONS).map(([role, perms]) => [role, new Set<string>(perms)]),
);

/** True when the string is one of the known roles. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** True when the string is one of the known permissions. */
export function isPermission(value: unknown): value is Permission {
  return typeof value === "string" && (PERMISSIONS as readonly string[]).includes(value);
}

/** Whether the staff member's role grants the permission; unknown roles and permissions are denied. */
export function hasPermission(staff: Pick<StaffScope, "role"> | null | undefined, permission: string): boolean {
  if (!staff) return false;
  // A Map lookup, not `obj[role]`: a role named "constructor" or "__proto__" must not find anything.
  return PERMISSION_SETS.get(staff.role)?.has(permission) === true;
}

/** Every permission the staff member holds (for the home page and /console/api/me). */
export function permissionsOf(staff: Pick<StaffScope, "role">): Permission[] {
  return PERMISSIONS.filter((p) => hasPermission(staff, p));
}

/** The scope kind of a role for an entity; unknown role or entity → "none". */
export function scopeKind(role: string, entity: string): ScopeKind {
  if (!isRole(role) || !(SCOPE_ENTITIES as readonly string[]).includes(entity)) return "none";
  return ROLE_SCOPES[role][entity as ScopeEntity];
}

type WhereFor<E extends ScopeEntity> = E extends "case" ? Prisma.CaseWhereInput : E extends "need" ? Prisma.NeedWhereInput : Prisma.PledgeWhereInput;

// `in: []` matches nothing in Prisma, which is exactly "deny" for a role without codes or without access.
const NOTHING = { id: { in: [] as string[] } };

/** Prisma `where` fragment limiting a query to the records the staff member may see; AND it with your own filter. */
export function scopeFilter<E extends ScopeEntity>(staff: StaffScope, entity: E): WhereFor<E> {
  const kind = scopeKind(staff.role, entity);
  let where: Prisma.CaseWhereInput | Prisma.NeedWhereInput | Prisma.PledgeWhereInput;
  if (kind === "all") where = {};
  else if (kind === "none") where = NOTHING;
  else {
    const geo = kind === "province" ? { provinceCode: { in: [...staff.provinceCodes] } } : { communeCode: { in: [...staff.communeCodes] } };
    where = entity === "pledge" ? { need: { is: geo } } : geo;
  }
  return where as WhereFor<E>;
}

/** `{ AND: [where, scopeFilter(staff, entity)] }`: the one-liner for scoped look-ups. */
export function withinScope<E extends ScopeEntity>(staff: StaffScope, entity: E, where: WhereFor<E>): WhereFor<E> {
  return { AND: [where, scopeFilter(staff, entity)] } as WhereFor<E>;
}

export interface GeoRecord {
  provinceCode?: string | null;
  communeCode?: string | null;
}
/** A loaded record: cases and needs carry their own codes; a pledge is placed by its need (null: general donation). */
export type ScopedRecord<E extends ScopeEntity> = E extends "pledge" ? { need?: GeoRecord | null } : GeoRecord;

/** Whether a loaded record is inside the staff member's scope (same rules as scopeFilter). */
export function canAccess<E extends ScopeEntity>(staff: StaffScope, entity: E, record: ScopedRecord<E>): boolean {
  const kind = scopeKind(staff.role, entity);
  if (kind === "all") return true;
  if (kind === "none") return false;
  const geo: GeoRecord | null | undefined = entity === "pledge" ? (record as ScopedRecord<"pledge">).need : (record as GeoRecord);
  if (!geo) return false;
  if (kind === "province") return typeof geo.provinceCode === "string" && staff.provinceCodes.includes(geo.provinceCode);
  return typeof geo.communeCode === "string" && staff.communeCodes.includes(geo.communeCode);
}

/** The one answer for "missing" and "not yours" alike. */
export function notFound(): AppError {
  return new AppError("not_found", "Không tìm thấy");
}

/** Throws the 404 AppError unless the record exists and is in scope; narrows away null. */
export function assertCanAccess<E extends ScopeEntity, R extends ScopedRecord<E>>(staff: StaffScope, entity: E, record: R | null | undefined): asserts record is R {
  if (!record || !canAccess(staff, entity, record)) throw notFound();
}

/** Throws 403 unless the role grants the permission (use for actions; for records out of scope use 404). */
export function assertPermission(staff: StaffScope | null | undefined, permission: Permission): void {
  if (!hasPermission(staff, permission)) throw new AppError("forbidden", "Bạn không có quyền thực hiện thao tác này.");
}

/** Whether the staff member may see the private fields of this case: the permission AND the case in scope. */
export function canViewPrivate(staff: StaffScope, record: GeoRecord): boolean {
  return hasPermission(staff, "case.view_private") && canAccess(staff, "case", record);
}

/** Vietnamese role names for the UI. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: "Quản trị viên",
  hotline: "Tổng đài viên 111",
  province_officer: "Cán bộ cấp tỉnh",
  commune_worker: "Cán bộ cấp xã",
  donations_officer: "Cán bộ tiếp nhận ủng hộ",
};

/** The role's Vietnamese label, or the raw value for an unknown role. */
export function roleLabel(role: string): string {
  return isRole(role) ? ROLE_LABELS[role] : role;
}

// Compile-time guard: the role list above must match the StaffRole enum of prisma/schema.prisma exactly.
type SameRoles = [Role] extends [StaffRole] ? ([StaffRole] extends [Role] ? true : false) : false;
const rolesMatchSchema: SameRoles = true;
void rolesMatchSchema;
