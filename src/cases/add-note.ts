/** A staff note on a case timeline (encrypted: notes name people and places). */
import { encryptText } from "../crypto/index.js";
import { findCaseById, insertAudit, insertCaseEvent, type Db } from "./repository.js";

/** Adds a note; returns false when the case does not exist or the note is empty. */
export async function addNote(tx: Db, opts: { caseId: string; text: string; staffId: string; now: Date }): Promise<boolean> {
  const text = opts.text.trim();
  if (!text) return false;
  const c = await findCaseById(tx, opts.caseId);
  if (!c) return false;
  await insertCaseEvent(tx, { caseId: c.id, type: "note", actor: `staff:${opts.staffId}`, at: opts.now, textEnc: encryptText(text) });
  await insertAudit(tx, { actor: `staff:${opts.staffId}`, action: "case.note_added", entityId: c.id, at: opts.now, details: { length: text.length } });
  return true;
}
