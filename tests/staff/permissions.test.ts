/**
 * The authorisation matrix: EVERY role × record position × permission, against tables written out by hand here
 * (not derived from src/staff/permissions.ts), so a change to the rules must be made twice, on purpose.
 * The same table is then checked against real database queries through scopeFilter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertCanAccess,
  canAccess,
  canViewPrivate,
  hasPermission,
  PERMISSIONS,
  ROLES,
  scopeFilter,
  withinScope,
  type ScopeEntity,
  type StaffScope,
} from "../../src/staff/permissions.js";
import { AppError } from "../../src/errors.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";

// ── the expected tables, by hand ──────────────────────────────────────────────────────────────────────────────
const Y = true;
const N = false;
// columns: admin, hotline, province_officer, commune_worker, donations_officer
const ROLE_ORDER = ["admin", "hotline", "province_officer", "commune_worker", "donations_officer"] as const;
const GRANTS: Record<string, readonly [boolean, boolean, boolean, boolean, boolean]> = {
  "case.list":          [Y, Y, Y, Y, N],
  "case.view":          [Y, Y, Y, Y, N],
  "case.view_private":  [N, Y, Y, Y, N],
  "case.update_status": [N, Y, Y, Y, N],
  "case.assign":        [N, Y, Y, N, N],
  "case.note":          [N, Y, Y, Y, N],
  "case.change_risk":   [N, Y, Y, Y, N],
  "handoff.reply":      [N, Y, N, N, N],
  "need.view":          [Y, N, Y, Y, Y],
  "need.verify":        [N, N, Y, Y, Y],
  "pledge.view":        [Y, N, N, N, Y],
  "pledge.confirm":     [N, N, N, N, Y],
  "statement.import":   [N, N, N, N, Y],
  "report.view":        [Y, Y, Y, Y, Y],
  "report.export":      [Y, N, Y, N, Y],
  "directory.view":     [Y, Y, Y, Y, Y],
  "directory.edit":     [Y, N, N, N, N],
  "staff.manage":       [Y, N, N, N, N],
  "audit.view":         [Y, N, N, N, N],
  "retention.run":      [Y, N, N, N, N],
  "guidance.gaps":      [Y, Y, N, N, N],
};

// Staff: the province officer covers province 01; the commune worker covers commune 00004 (in province 01).
const STAFF: Record<(typeof ROLE_ORDER)[number], StaffScope> = {
  admin: { role: "admin", provinceCodes: [], communeCodes: [] },
  hotline: { role: "hotline", provinceCodes: [], communeCodes: [] },
  province_officer: { role: "province_officer", provinceCodes: ["01"], communeCodes: [] },
  commune_worker: { role: "commune_worker", provinceCodes: ["01"], communeCodes: ["00004"] },
  donations_officer: { role: "donations_officer", provinceCodes: [], communeCodes: [] },
};

// Record positions relative to those staff.
const POSITIONS = {
  in_scope: { provinceCode: "01", communeCode: "00004" },
  same_province_other_commune: { provinceCode: "01", communeCode: "00008" },
  other_province: { provinceCode: "79", communeCode: "26734" },
  no_location: { provinceCode: null, communeCode: null },
} as const;
type Position = keyof typeof POSITIONS;

// reach[role][entity] = which positions are visible (same for every entity of a geographic role)
const ALL_POS: Position[] = ["in_scope", "same_province_other_commune", "other_province", "no_location"];
const REACH: Record<(typeof ROLE_ORDER)[number], Record<ScopeEntity, Position[]>> = {
  admin: { case: ALL_POS, need: ALL_POS, pledge: ALL_POS },
  hotline: { case: ALL_POS, need: [], pledge: [] },
  province_officer: { case: ["in_scope", "same_province_other_commune"], need: ["in_scope", "same_province_other_commune"], pledge: ["in_scope", "same_province_other_commune"] },
  commune_worker: { case: ["in_scope"], need: ["in_scope"], pledge: ["in_scope"] },
  donations_officer: { case: [], need: ALL_POS, pledge: ALL_POS },
};

// Which record kind a permission acts on (null: not about one record).
function entityOf(permission: string): ScopeEntity | null {
  if (permission.startsWith("case.")) return "case";
  if (permission.startsWith("need.")) return "need";
  if (permission.startsWith("pledge.")) return "pledge";
  return null;
}

/** canAccess on a record of the kind and position; a pledge takes its need's place ("no_location": no need at all). */
function reaches(staff: StaffScope, entity: ScopeEntity, pos: Position): boolean {
  const geo = POSITIONS[pos];
  switch (entity) {
    case "case":
      return canAccess(staff, "case", geo);
    case "need":
      return canAccess(staff, "need", geo);
    case "pledge":
      return canAccess(staff, "pledge", { need: pos === "no_location" ? null : geo });
  }
}

/** What the code under test must answer: the permission for the role AND (for record actions) the record in reach. */
function decide(staff: StaffScope, permission: string, entity: ScopeEntity, pos: Position): boolean {
  return hasPermission(staff, permission) && reaches(staff, entity, pos);
}

// ── the matrix ───────────────────────────────────────────────────────────────────────────────────────────────
describe("the tables cover exactly the code's roles and permissions", () => {
  it("lists the same roles and permissions", () => {
    expect([...ROLES].sort()).toEqual([...ROLE_ORDER].sort());
    expect([...PERMISSIONS].sort()).toEqual(Object.keys(GRANTS).sort());
  });
});

const rows: [string, Position, string, ScopeEntity, boolean][] = [];
for (const [ri, role] of ROLE_ORDER.entries()) {
  for (const pos of Object.keys(POSITIONS) as Position[]) {
    for (const [permission, grants] of Object.entries(GRANTS)) {
      const granted = grants[ri]!;
      const own = entityOf(permission);
      // Non-record permissions are still checked against every record kind: the role grant alone decides whether
      // the action exists, and the record's reach decides whether it may be applied to that record.
      for (const entity of own ? [own] : (["case", "need", "pledge"] as const)) {
        rows.push([role, pos, permission, entity, granted && REACH[role][entity].includes(pos)]);
      }
    }
  }
}

describe.each(ROLE_ORDER)("role %s", (role) => {
  it.each(rows.filter((r) => r[0] === role).map((r) => [r[1], r[2], r[3], r[4]] as const))("%s · %s on a %s → %s", (pos, permission, entity, expected) => {
    expect(decide(STAFF[role], permission, entity, pos)).toBe(expected);
  });

  it("grants exactly the expected permissions", () => {
    const ri = ROLE_ORDER.indexOf(role);
    for (const [permission, grants] of Object.entries(GRANTS)) expect(hasPermission(STAFF[role], permission), permission).toBe(grants[ri]);
  });

  it.each(["case", "need", "pledge"] as const)("reaches exactly the expected %s records", (entity) => {
    for (const pos of Object.keys(POSITIONS) as Position[]) {
      expect(reaches(STAFF[role], entity, pos), pos).toBe(REACH[role][entity].includes(pos));
    }
  });
});

describe("deny by default", () => {
  it("refuses unknown roles, including prototype names", () => {
    for (const role of ["superuser", "Admin", "", "constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const staff = { role, provinceCodes: ["01"], communeCodes: ["00004"] };
      for (const p of PERMISSIONS) expect(hasPermission(staff, p), `${role} ${p}`).toBe(false);
      for (const e of ["case", "need", "pledge"] as const) expect(reaches(staff, e, "in_scope")).toBe(false);
      expect(scopeFilter(staff, "case")).toEqual({ id: { in: [] } });
    }
  });

  it("refuses unknown permissions and a missing staff member", () => {
    for (const p of ["case.delete", "case.*", "*", "", "constructor", "__proto__", "CASE.LIST"]) expect(hasPermission(STAFF.admin, p), p).toBe(false);
    expect(hasPermission(null, "case.list")).toBe(false);
    expect(hasPermission(undefined, "case.list")).toBe(false);
  });

  it("gives a geographic role without codes nothing", () => {
    const empty = { role: "commune_worker", provinceCodes: [], communeCodes: [] };
    expect(canAccess(empty, "case", POSITIONS.in_scope)).toBe(false);
    expect(scopeFilter(empty, "case")).toEqual({ communeCode: { in: [] } });
  });

  it("answers out-of-scope and missing records with the same 404 AppError", () => {
    const catchIt = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      return null;
    };
    const out = catchIt(() => assertCanAccess(STAFF.commune_worker, "case", POSITIONS.other_province));
    const missing = catchIt(() => assertCanAccess(STAFF.commune_worker, "case", null));
    for (const e of [out, missing]) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe("not_found");
      expect((e as AppError).publicMessage).toBe("Không tìm thấy");
    }
    expect(() => assertCanAccess(STAFF.commune_worker, "case", POSITIONS.in_scope)).not.toThrow();
  });

  it("shows private case fields only with the permission and the case in scope", () => {
    expect(canViewPrivate(STAFF.commune_worker, POSITIONS.in_scope)).toBe(true);
    expect(canViewPrivate(STAFF.commune_worker, POSITIONS.same_province_other_commune)).toBe(false);
    expect(canViewPrivate(STAFF.admin, POSITIONS.in_scope)).toBe(false);
    expect(canViewPrivate(STAFF.hotline, POSITIONS.other_province)).toBe(true);
    expect(canViewPrivate(STAFF.donations_officer, POSITIONS.in_scope)).toBe(false);
  });
});

// ── the same table, through real queries ─────────────────────────────────────────────────────────────────────
const kinds = await availableKinds();
describe.each(kinds)("scopeFilter on %s returns exactly the reachable records", (kind) => {
  let db: TestDb;
  const ids: Record<ScopeEntity, Record<string, Position>> = { case: {}, need: {}, pledge: {} };

  beforeAll(async () => {
    db = await createTestDb(kind);
    let n = 0;
    for (const pos of Object.keys(POSITIONS) as Position[]) {
      const geo = POSITIONS[pos];
      n++;
      const c = await db.prisma.case.create({ data: { code: `BV-T-${n}`, category: "bao_luc", riskLevel: "medium", provinceCode: geo.provinceCode, communeCode: geo.communeCode } });
      ids.case[c.id] = pos;
      if (geo.provinceCode === null || geo.communeCode === null) {
        // Needs always have a place; a pledge without a need is the "no location" pledge.
        const p = await db.prisma.pledge.create({ data: { code: `UH-T-${n}`, kind: "money", amountVnd: 100_000n } });
        ids.pledge[p.id] = pos;
        continue;
      }
      const need = await db.prisma.need.create({ data: { code: `NC-T-${n}`, facility: "Điểm trường", provinceCode: geo.provinceCode, communeCode: geo.communeCode, category: "warm_clothes", childrenCount: 10, quantity: 10, unit: "bộ" } });
      ids.need[need.id] = pos;
      const p = await db.prisma.pledge.create({ data: { code: `UH-T-${n}`, kind: "goods", needId: need.id, items: "áo ấm", quantity: 5 } });
      ids.pledge[p.id] = pos;
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  it.each(ROLE_ORDER)("%s", async (role) => {
    const staff = STAFF[role];
    const found = {
      case: (await db.prisma.case.findMany({ where: scopeFilter(staff, "case"), select: { id: true } })).map((r) => ids.case[r.id]),
      need: (await db.prisma.need.findMany({ where: scopeFilter(staff, "need"), select: { id: true } })).map((r) => ids.need[r.id]),
      pledge: (await db.prisma.pledge.findMany({ where: scopeFilter(staff, "pledge"), select: { id: true } })).map((r) => ids.pledge[r.id]),
    };
    for (const entity of ["case", "need", "pledge"] as const) {
      const expected = REACH[role][entity].filter((pos) => Object.values(ids[entity]).includes(pos));
      expect(found[entity].sort(), entity).toEqual([...expected].sort());
    }
    // withinScope keeps the caller's own filter.
    const firstCase = Object.keys(ids.case)[0]!;
    const one = await db.prisma.case.findFirst({ where: withinScope(staff, "case", { id: firstCase }) });
    expect(one !== null).toBe(REACH[role].case.includes(ids.case[firstCase]!));
  });
});
