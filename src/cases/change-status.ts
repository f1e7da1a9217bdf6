/**
 * Moves a case along the Decree 56/2017 steps. Only transitions in CASE_TRANSITIONS are allowed, a reason is required,
 * and the change, its timeline event and its audit row are written in one transaction (architecture principle 9).
 */
import { encryptText } from "../crypto/index.js";
import type { Prisma } from "../generated/prisma/client.js";
import { insertAudit, insertCaseEvent, lockCase, updateCase, type CaseRow, type Db } from "./repository.js";
import { canTransition, CASE_TRANSITIONS, type CaseStatus } from "./types.js";
import { addWorkingDays } from "./working-days.js";

export type ChangeStatusResult =
  | { ok: true; case: CaseRow }
  | { ok: false; reason: "not_found" | "reason_required" | "not_allowed"; allowed?: readonly CaseStatus[] };

/** Changes a case's status if the transition is allowed; values, not exceptions, for refusals. */
export async function changeStatus(tx: Db, opts: { caseId: string; to: CaseStatus; reason: string; staffId: string; now: Date }): Promise<ChangeStatusResult> {
  const reason = opts.reason.trim();
  if (reason.length === 0) return { ok: false, reason: "reason_required" };
  const c = await lockCase(tx, opts.caseId);
  if (!c) return { ok: false, reason: "not_found" };
  if (!canTransition(c.status, opts.to)) return { ok: false, reason: "not_allowed", allowed: CASE_TRANSITIONS[c.status] };
  const data: Prisma.CaseUncheckedUpdateInput = { status: opts.to };
  if (opts.to === "emergency_protection") data.protectedAt = opts.now;
  // The approval deadline runs from the day the plan is actually drafted (Art. 28 k.4), not from the plan deadline.
  if (opts.to === "plan_drafted") data.approvalDueAt = addWorkingDays(opts.now, 2);
  if (opts.to === "closed") data.closedAt = opts.now;
  const updated = await updateCase(tx, c.id, data);
  await insertCaseEvent(tx, { caseId: c.id, type: "status_changed", actor: `staff:${opts.staffId}`, at: opts.now, data: { from: c.status, to: opts.to }, textEnc: encryptText(reason) });
  await insertAudit(tx, { actor: `staff:${opts.staffId}`, action: "case.status_changed", entityId: c.id, at: opts.now, details: { from: c.status, to: opts.to } });
  return { ok: true, case: updated };
}
