/**
 * Staff console sessions. The cookie holds a random 32-byte token; the database holds only its sha256 (a leaked
 * StaffSession table or backup cannot be replayed as cookies). Each session has its own CSRF token (synchroniser
 * token pattern). Lifetime: 8 h absolute from sign-in, and 30 min idle — `expiresAt` is the idle deadline, capped
 * by the absolute one and pushed forward on activity, so no extra column is needed.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client.js";
import { isRole, type Role } from "./permissions.js";

export const SESSION_COOKIE = "cn_session";
export const SESSION_ABSOLUTE_MS = 8 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** Sliding writes are skipped when the deadline would move less than this: one UPDATE per minute, not per request. */
const SLIDE_GRANULARITY_MS = 60 * 1000;

export interface SessionPolicy {
  absoluteMs: number;
  idleMs: number;
}
export const DEFAULT_SESSION_POLICY: SessionPolicy = { absoluteMs: SESSION_ABSOLUTE_MS, idleMs: SESSION_IDLE_MS };

/** A signed-in staff member as the console sees them (no password hash, no lock-out counters). */
export interface StaffPrincipal {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  provinceCodes: string[];
  communeCodes: string[];
}

export interface ActiveSession {
  /** sha256 of the cookie token (StaffSession.id); safe to log. */
  id: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
  staff: StaffPrincipal;
}

export interface NewSession {
  /** The cookie value: shown once, never stored. */
  token: string;
  id: string;
  csrfToken: string;
  expiresAt: Date;
}

type SessionDb = Pick<PrismaClient, "staffSession">;

/** sha256 (hex) of a session token: the StaffSession primary key. */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Cookie tokens are 32 random bytes in base64url (43 characters); anything else is not ours. */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

function deadline(createdAt: Date, now: Date, policy: SessionPolicy): Date {
  return new Date(Math.min(createdAt.getTime() + policy.absoluteMs, now.getTime() + policy.idleMs));
}

/** Starts a session for a staff member; returns the cookie token (store it nowhere else). */
export async function createSession(db: SessionDb, staffId: string, now: Date, policy: SessionPolicy = DEFAULT_SESSION_POLICY): Promise<NewSession> {
  const token = randomBytes(32).toString("base64url");
  const id = hashSessionToken(token);
  const csrfToken = randomBytes(32).toString("base64url");
  const expiresAt = deadline(now, now, policy);
  await db.staffSession.create({ data: { id, staffId, csrfToken, createdAt: now, expiresAt } });
  return { token, id, csrfToken, expiresAt };
}

/**
 * Resolves a cookie token to a live session and slides its idle deadline. Returns null (and deletes the row) when
 * the session is expired by either rule, or the staff member was deactivated or has an unknown role.
 */
export async function loadSession(prisma: Pick<PrismaClient, "staffSession">, token: string, now: Date, policy: SessionPolicy = DEFAULT_SESSION_POLICY): Promise<ActiveSession | null> {
  if (!isWellFormedToken(token)) return null;
  const id = hashSessionToken(token);
  const row = await prisma.staffSession.findUnique({
    where: { id },
    include: { staff: { select: { id: true, username: true, displayName: true, role: true, provinceCodes: true, communeCodes: true, active: true } } },
  });
  if (!row) return null;
  const absoluteEnd = row.createdAt.getTime() + policy.absoluteMs;
  if (row.expiresAt.getTime() <= now.getTime() || absoluteEnd <= now.getTime() || !row.staff.active || !isRole(row.staff.role)) {
    await prisma.staffSession.deleteMany({ where: { id } });
    return null;
  }
  let expiresAt = row.expiresAt;
  const next = deadline(row.createdAt, now, policy);
  if (next.getTime() - row.expiresAt.getTime() >= SLIDE_GRANULARITY_MS) {
    await prisma.staffSession.updateMany({ where: { id }, data: { expiresAt: next } });
    expiresAt = next;
  }
  const { active: _active, role, ...rest } = row.staff;
  return { id, csrfToken: row.csrfToken, createdAt: row.createdAt, expiresAt, staff: { ...rest, role } };
}

/** Ends the session of a cookie token (sign-out); unknown tokens are ignored. */
export async function destroySession(db: SessionDb, token: string): Promise<void> {
  if (!isWellFormedToken(token)) return;
  await db.staffSession.deleteMany({ where: { id: hashSessionToken(token) } });
}

/** Ends every session of a staff member (password change, deactivation, role change). */
export async function destroyStaffSessions(db: SessionDb, staffId: string): Promise<number> {
  return (await db.staffSession.deleteMany({ where: { staffId } })).count;
}

/** Deletes sessions past their deadline (for a periodic job; expired rows are refused on read anyway). */
export async function purgeExpiredSessions(db: SessionDb, now: Date, policy: SessionPolicy = DEFAULT_SESSION_POLICY): Promise<number> {
  const absoluteCut = new Date(now.getTime() - policy.absoluteMs);
  return (await db.staffSession.deleteMany({ where: { OR: [{ expiresAt: { lte: now } }, { createdAt: { lte: absoluteCut } }] } })).count;
}

/** Constant-time comparison of a submitted CSRF token with the session's; missing or malformed → false. */
export function csrfTokenMatches(expected: string, submitted: unknown): boolean {
  if (typeof submitted !== "string" || submitted.length === 0 || submitted.length > 256) return false;
  // Hash both sides so lengths are equal and the comparison time does not depend on where they differ.
  const a = createHash("sha256").update(expected, "utf8").digest();
  const b = createHash("sha256").update(submitted, "utf8").digest();
  return timingSafeEqual(a, b);
}
