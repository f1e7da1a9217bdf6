/** Assigns a case to a staff member whose scope covers its commune or province (or to a hotline/admin account). */
import { canAccess, hasPermission } from "../staff/permissions.js";
import { findCaseById, findStaff, insertAudit, insertCaseEvent, updateCase, type Db } from "./repository.js";

export type AssignResult = { ok: true } | { ok: false; reason: "not_found" | "staff_not_found" | "out_of_scope" };

/** Assigns the case; refuses a worker whose communes/provinces do not include the case's place. */
export async function assignCase(tx: Db, opts: { caseId: string; assigneeId: string; byStaffId: string; now: Date }): Promise<AssignResult> {
  const c = await findCaseById(tx, opts.caseId);
  if (!c) return { ok: false, reason: "not_found" };
  const s = await findStaff(tx, opts.assigneeId);
  if (!s || !s.active) return { ok: false, reason: "staff_not_found" };
  // Roles and scopes are data (src/staff/permissions.ts): the assignee must be able to see and work this case —
  // a commune worker of another commune in the same province cannot.
  const inScope = hasPermission(s, "case.view") && canAccess(s, "case", { communeCode: c.communeCode, provinceCode: c.provinceCode });
  if (!inScope) return { ok: false, reason: "out_of_scope" };
  await updateCase(tx, c.id, { assignedStaffId: s.id });
  await insertCaseEvent(tx, { caseId: c.id, type: "assigned", actor: `staff:${opts.byStaffId}`, at: opts.now, data: { from: c.assignedStaffId, to: s.id } });
  await insertAudit(tx, { actor: `staff:${opts.byStaffId}`, action: "case.assigned", entityId: c.id, at: opts.now, details: { to: s.id } });
  return { ok: true };
}
