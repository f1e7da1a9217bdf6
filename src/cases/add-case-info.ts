/**
 * A reporter adds information or photos to their case later ("Tra cứu hồ sơ" → "Bổ sung thông tin"). Only the chat
 * account that made the report may add to it: case codes are sequential, so a code alone must not let a stranger
 * write into someone else's case. The assigned worker (or whoever acknowledged it) is told through the outbox — the
 * notification says only that something was added, never what.
 */
import { encryptText } from "../crypto/index.js";
import type { Attachment } from "../messaging/inbound.js";
import { linkOutboxToContact } from "../escalation/repository.js";
import { parseNotifyChannels } from "../escalation/types.js";
import { queueNotification } from "../runtime/queue-reply.js";
import { acknowledgersOf, findCaseByCode, findStaff, insertAttachments, insertAudit, insertCaseEvent, type Db } from "./repository.js";
import { normalizeCaseCode } from "./types.js";

export type AddCaseInfoResult = { ok: true; code: string; notified: number } | { ok: false; reason: "empty" | "not_found" | "not_reporter" | "closed" };

/** Adds the reporter's text and attachments to the case timeline and notifies the worker; refusals are values. */
export async function addCaseInfo(
  tx: Db,
  deps: { publicBaseUrl: string },
  opts: { caseCode: string; text: string | null; attachments: Attachment[]; contactId: string; channel: string; now: Date },
): Promise<AddCaseInfoResult> {
  const text = opts.text?.trim() ?? "";
  if (!text && opts.attachments.length === 0) return { ok: false, reason: "empty" };
  const code = normalizeCaseCode(opts.caseCode);
  const c = code ? await findCaseByCode(tx, code) : null;
  if (!c) return { ok: false, reason: "not_found" };
  if (c.reporterContactId !== opts.contactId) return { ok: false, reason: "not_reporter" };
  if (c.status === "closed") return { ok: false, reason: "closed" };
  if (text) await insertCaseEvent(tx, { caseId: c.id, type: "reporter_added", actor: "reporter", at: opts.now, data: { channel: opts.channel }, textEnc: encryptText(text) });
  if (opts.attachments.length > 0) {
    await insertAttachments(tx, c.id, opts.attachments.map((a) => ({ channel: opts.channel, refEnc: encryptText(JSON.stringify(a)), addedBy: "reporter", at: opts.now })));
    await insertCaseEvent(tx, { caseId: c.id, type: "attachment", actor: "reporter", at: opts.now, data: { count: opts.attachments.length, channel: opts.channel } });
  }
  await insertAudit(tx, { actor: `reporter:${opts.contactId}`, action: "case.reporter_added", entityId: c.id, at: opts.now, details: { text: Boolean(text), attachments: opts.attachments.length } });

  const staffIds = c.assignedStaffId ? [c.assignedStaffId] : await acknowledgersOf(tx, c.id);
  let notified = 0;
  for (const id of staffIds) {
    const s = await findStaff(tx, id);
    if (!s?.active) continue;
    for (const ch of parseNotifyChannels(s.notifyChannels)) {
      const what = [text ? "thông tin" : null, opts.attachments.length ? `${opts.attachments.length} tệp/ảnh` : null].filter(Boolean).join(" và ");
      const outboxId = await queueNotification(
        tx,
        { channel: ch.channel, userId: ch.userId },
        { kind: "link", text: `Hồ sơ ${c.code}: người báo tin vừa bổ sung ${what}. Xem trong hệ thống Cầu Nối.`, url: `${deps.publicBaseUrl}/console/cases/${c.id}`, label: "Mở hồ sơ" },
        opts.now,
      );
      await linkOutboxToContact(tx, outboxId, ch);
      notified++;
    }
  }
  return { ok: true, code: c.code, notified };
}
