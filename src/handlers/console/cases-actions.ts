/**
 * Case actions that have no use case in src/cases or src/escalation yet: acknowledging from the console and
 * recording an attachment reference. Each runs in the caller's transaction and writes its CaseEvent and AuditLog
 * rows there, like the use cases do (architecture principle 9).
 */
import { encryptText } from "../../crypto/index.js";
import { insertAttachments, insertAudit as insertCaseAudit, insertCaseEvent, lockCase, type Db } from "../../cases/repository.js";
import { timeoutJobKey } from "../../escalation/escalate-case.js";
import { insertAudit, insertEvent, lockEscalation, markCaseAcknowledged, openEscalations, setEscalationStatus } from "../../escalation/repository.js";
import { cancelJob } from "../../runtime/scheduler.js";

export type ConsoleAckResult = { ok: true; escalations: number } | { ok: false; reason: "not_found" | "already" | "closed" };

/**
 * "Đã nhận" from the console. The staff member's own open notifications for the case are acknowledged; the case is
 * marked acknowledged (a commune worker who takes it becomes its worker when nobody is assigned), and every
 * remaining escalation timer of the case stops — a person now holds it. Refused when already acknowledged and the
 * staff member has nothing open, or when the case is closed.
 */
export async function acknowledgeFromConsole(tx: Db, opts: { caseId: string; staffId: string; role: string; now: Date; ip?: string | null }): Promise<ConsoleAckResult> {
  const c = await lockCase(tx, opts.caseId);
  if (!c) return { ok: false, reason: "not_found" };
  if (c.status === "closed") return { ok: false, reason: "closed" };
  const open = await openEscalations(tx, c.id);
  const mine: typeof open = [];
  for (const e of open) {
    if (e.recipientStaffId !== opts.staffId) continue;
    const locked = await lockEscalation(tx, e.id);
    if (locked?.status === "sent") mine.push(locked);
  }
  if (c.acknowledgedAt && mine.length === 0) return { ok: false, reason: "already" };
  await setEscalationStatus(tx, mine.map((e) => e.id), "acknowledged", opts.now);
  const level = mine.find((e) => e.level === "commune")?.level ?? mine[0]?.level ?? null;
  const takesCase = level === "commune" || (level === null && opts.role === "commune_worker");
  await markCaseAcknowledged(tx, c.id, opts.now, takesCase ? opts.staffId : null);
  await insertEvent(tx, { caseId: c.id, type: "acknowledged", actor: `staff:${opts.staffId}`, at: opts.now, data: { level, escalationId: mine[0]?.id ?? null, channel: null, via: "console" } });
  await insertAudit(tx, { actor: `staff:${opts.staffId}`, action: "escalation.acknowledged", entity: "Case", entityId: c.id, at: opts.now, details: { escalations: mine.length, level, via: "console" } });
  for (const e of open) await cancelJob(tx, timeoutJobKey(e.id));
  return { ok: true, escalations: mine.length };
}

export const ATTACHMENT_TYPES = ["file", "image", "audio", "video", "other"] as const;
export type ConsoleAttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** Records a reference to a file kept elsewhere (a report number, where the paper file is): encrypted, evented, audited. */
export async function addAttachmentNote(tx: Db, opts: { caseId: string; staffId: string; type: ConsoleAttachmentType; note: string; now: Date }): Promise<boolean> {
  const note = opts.note.normalize("NFC").trim();
  if (!note) return false;
  const c = await lockCase(tx, opts.caseId);
  if (!c) return false;
  await insertAttachments(tx, c.id, [{ channel: "console", refEnc: encryptText(JSON.stringify({ type: opts.type, note })), addedBy: `staff:${opts.staffId}`, at: opts.now }]);
  await insertCaseEvent(tx, { caseId: c.id, type: "attachment", actor: `staff:${opts.staffId}`, at: opts.now, data: { count: 1, channel: "console", type: opts.type } });
  await insertCaseAudit(tx, { actor: `staff:${opts.staffId}`, action: "case.attachment_added", entityId: c.id, at: opts.now, details: { type: opts.type } });
  return true;
}
