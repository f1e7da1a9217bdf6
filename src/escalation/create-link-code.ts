/**
 * One-time codes that let a staff member link a chat account (Telegram, Messenger, Zalo) to their console account, so
 * escalations reach them there: the console shows "/start link-<code>" (or a t.me deep link); the bot receives it and
 * the link_staff_account effect adds the chat account to the staff member's notifyChannels.
 */
import { randomInt } from "node:crypto";
import { insertAudit, insertLinkCode, type Db } from "./repository.js";

const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** Creates a link code valid for `ttlMinutes` (default 30); returns it with the command to send to the bot. */
export async function createLinkCode(db: Db, opts: { staffId: string; actor: string; now: Date; ttlMinutes?: number }): Promise<{ code: string; expiresAt: Date; command: string }> {
  let code = "";
  for (let i = 0; i < 12; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  const expiresAt = new Date(opts.now.getTime() + (opts.ttlMinutes ?? 30) * 60_000);
  await insertLinkCode(db, { code, staffId: opts.staffId, expiresAt });
  await insertAudit(db, { actor: opts.actor, action: "staff.link_code_created", entity: "Staff", entityId: opts.staffId, at: opts.now, details: { expiresAt: expiresAt.toISOString() } });
  return { code, expiresAt, command: `/start link-${code}` };
}
