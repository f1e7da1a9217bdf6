/**
 * Staff sign-in: password check, lock-out after repeated failures, session start, and an audit row for every
 * attempt. Outcomes are values; the HTTP edge shows ONE generic message for all failures so an attacker learns
 * nothing about which usernames exist or are locked (the audit row keeps the real reason for administrators).
 */
import { createHash } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.js";
import { auditData, staffActor, writeAudit } from "./audit.js";
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword, PASSWORD_MAX_LENGTH } from "./passwords.js";
import { isRole } from "./permissions.js";
import { createSession, destroySession, DEFAULT_SESSION_POLICY, type NewSession, type SessionPolicy, type StaffPrincipal } from "./sessions.js";

export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;
export const SIGN_IN_FAILED_MESSAGE = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khoá.";

export type SignInFailure = "invalid_input" | "unknown_user" | "inactive" | "locked" | "bad_password";
export type SignInResult = { ok: true; staff: StaffPrincipal; session: NewSession } | { ok: false; reason: SignInFailure };

export interface SignInInput {
  username: string;
  password: string;
  ip?: string | null;
  /** The cookie token of a session the browser already had: ended, so an old (possibly planted) token dies here. */
  previousToken?: string | null;
}

export interface SignInOptions {
  now: Date;
  policy?: SessionPolicy;
  lockoutThreshold?: number;
  lockoutMs?: number;
}

const USERNAME_RE = /^[a-z0-9._-]{3,64}$/;

/** Canonical form of a username (NFC, trimmed, lower case), used both when creating staff and when signing in. */
export function normaliseUsername(raw: string): string {
  return raw.normalize("NFC").trim().toLowerCase();
}

/** Whether a (normalised) username has the allowed shape: 3–64 of a-z, 0-9, dot, dash, underscore. */
export function isValidUsername(username: string): boolean {
  return USERNAME_RE.test(username);
}

/**
 * Unknown usernames are audited as a short hash: people regularly type their password into the username box,
 * and the append-only log must never keep a password. Repeated attempts on one name still group together.
 */
function usernameFingerprint(username: string): string {
  return createHash("sha256").update(username, "utf8").digest("hex").slice(0, 16);
}

/** Checks credentials, applies the lock-out rules, starts a session on success; audits every attempt. */
export async function signIn(prisma: PrismaClient, input: SignInInput, options: SignInOptions): Promise<SignInResult> {
  const now = options.now;
  const threshold = options.lockoutThreshold ?? LOCKOUT_THRESHOLD;
  const lockMs = options.lockoutMs ?? LOCKOUT_MS;
  const ip = input.ip ?? null;
  const username = normaliseUsername(input.username);
  const fail = async (reason: SignInFailure, staffId: string | null, extra: Record<string, string | number> = {}): Promise<SignInResult> => {
    const who: Record<string, string> = staffId ? { username } : { usernameHash: usernameFingerprint(username) };
    await writeAudit(prisma, { actor: "anonymous", action: "auth.login_failed", entity: "staff", entityId: staffId, details: { ...who, reason, ...extra }, ip });
    return { ok: false, reason };
  };

  if (!isValidUsername(username) || input.password.length === 0 || [...input.password].length > PASSWORD_MAX_LENGTH) {
    await verifyAgainstDummy(input.password.slice(0, PASSWORD_MAX_LENGTH));
    return fail("invalid_input", null);
  }
  const staff = await prisma.staff.findUnique({ where: { username } });
  if (!staff) {
    await verifyAgainstDummy(input.password);
    return fail("unknown_user", null);
  }
  // Always pay for the hash, even when the answer is already "no", so locked/inactive accounts answer in the same time.
  const passwordOk = await verifyPassword(input.password, staff.passwordHash);
  if (!staff.active || !isRole(staff.role)) return fail("inactive", staff.id);
  if (staff.lockedUntil && staff.lockedUntil.getTime() > now.getTime()) return fail("locked", staff.id);

  if (!passwordOk) {
    // Atomic increment: parallel wrong guesses cannot all read the same count and slip past the threshold.
    const { failedLogins } = await prisma.staff.update({ where: { id: staff.id }, data: { failedLogins: { increment: 1 } }, select: { failedLogins: true } });
    const result = await fail("bad_password", staff.id, { failedLogins });
    if (failedLogins >= threshold) {
      const lockedUntil = new Date(now.getTime() + lockMs);
      const locked = await prisma.staff.updateMany({ where: { id: staff.id, failedLogins: { gte: threshold } }, data: { failedLogins: 0, lockedUntil } });
      if (locked.count > 0) {
        await writeAudit(prisma, { actor: "system", action: "auth.account_locked", entity: "staff", entityId: staff.id, details: { username, lockedUntil: lockedUntil.toISOString(), afterFailures: failedLogins }, ip });
      }
    }
    return result;
  }

  const rehash = needsRehash(staff.passwordHash) ? await hashPassword(input.password) : null;
  if (input.previousToken) await destroySession(prisma, input.previousToken);
  const session = await prisma.$transaction(async (tx) => {
    await tx.staff.update({ where: { id: staff.id }, data: { failedLogins: 0, lockedUntil: null, ...(rehash ? { passwordHash: rehash } : {}) } });
    const s = await createSession(tx, staff.id, now, options.policy ?? DEFAULT_SESSION_POLICY);
    await tx.auditLog.create({ data: auditData({ actor: staffActor(staff.id), action: "auth.login_succeeded", entity: "staff", entityId: staff.id, details: { username, session: s.id.slice(0, 12) }, ip }) });
    return s;
  });
  return {
    ok: true,
    session,
    staff: { id: staff.id, username: staff.username, displayName: staff.displayName, role: staff.role, provinceCodes: staff.provinceCodes, communeCodes: staff.communeCodes },
  };
}
