/** Changes a case's risk level (with a reason), keeping `urgent` and the 12-hour protection deadline consistent. */
import { encryptText } from "../crypto/index.js";
import { insertAudit, insertCaseEvent, lockCase, updateCase, type CaseRow, type Db } from "./repository.js";
import { isUrgentRisk, type RiskLevel } from "./types.js";

export type ChangeRiskResult = { ok: true; case: CaseRow } | { ok: false; reason: "not_found" | "reason_required" | "unchanged" };

/** Sets the risk level; a case that becomes urgent gets the 12-hour protection deadline from its receipt. */
export async function changeRisk(tx: Db, opts: { caseId: string; to: RiskLevel; reason: string; staffId: string; now: Date }): Promise<ChangeRiskResult> {
  const reason = opts.reason.trim();
  if (reason.length === 0) return { ok: false, reason: "reason_required" };
  const c = await lockCase(tx, opts.caseId);
  if (!c) return { ok: false, reason: "not_found" };
  if (c.riskLevel === opts.to) return { ok: false, reason: "unchanged" };
  const urgent = c.urgent || isUrgentRisk(opts.to);
  const updated = await updateCase(tx, c.id, {
    riskLevel: opts.to,
    urgent,
    // Downgrading never removes a deadline already promised; upgrading adds the 12-hour one from receipt.
    protectionDueAt: c.protectionDueAt ?? (urgent ? new Date(c.receivedAt.getTime() + 12 * 3_600_000) : null),
  });
  await insertCaseEvent(tx, { caseId: c.id, type: "risk_changed", actor: `staff:${opts.staffId}`, at: opts.now, data: { from: c.riskLevel, to: opts.to }, textEnc: encryptText(reason) });
  await insertAudit(tx, { actor: `staff:${opts.staffId}`, action: "case.risk_changed", entityId: c.id, at: opts.now, details: { from: c.riskLevel, to: opts.to } });
  return { ok: true, case: updated };
}
