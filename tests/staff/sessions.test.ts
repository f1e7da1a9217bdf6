/** Session store and sign-in service against a real database (the HTTP side is in tests/handlers/console-auth.test.ts). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../src/staff/passwords.js";
import {
  createSession,
  csrfTokenMatches,
  destroySession,
  destroyStaffSessions,
  hashSessionToken,
  loadSession,
  purgeExpiredSessions,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
} from "../../src/staff/sessions.js";
import { LOCKOUT_MS, LOCKOUT_THRESHOLD, normaliseUsername, signIn } from "../../src/staff/sign-in.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";

const T0 = new Date("2026-11-23T08:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const MIN = 60_000;
const PASSWORD = "Bao-ve-tre-em-2026";

const kinds = await availableKinds();
describe.each(kinds)("sessions and sign-in on %s", (kind) => {
  let db: TestDb;
  let staffId: string;

  beforeAll(async () => {
    db = await createTestDb(kind);
    const passwordHash = await hashPassword(PASSWORD);
    staffId = (await db.prisma.staff.create({ data: { username: "hotline1", displayName: "Tổng đài 1", role: "hotline", passwordHash } })).id;
    await db.prisma.staff.create({ data: { username: "ex-staff", displayName: "Đã nghỉ", role: "hotline", passwordHash, active: false } });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("creates a session whose id is the token's sha256 and whose CSRF token is separate", async () => {
    const s = await createSession(db.prisma, staffId, T0);
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.id).toBe(hashSessionToken(s.token));
    expect(s.csrfToken).not.toBe(s.token);
    expect(s.expiresAt).toEqual(at(SESSION_IDLE_MS));
    const loaded = await loadSession(db.prisma, s.token, at(MIN));
    expect(loaded?.staff).toMatchObject({ id: staffId, username: "hotline1", role: "hotline" });
    expect(loaded).not.toHaveProperty("staff.passwordHash");
    expect(await loadSession(db.prisma, s.id, at(MIN))).toBeNull(); // the stored hash is not a valid cookie
    expect(await loadSession(db.prisma, "short", at(MIN))).toBeNull();
  });

  it("slides the idle deadline, caps it at 8 hours, and deletes expired rows", async () => {
    const s = await createSession(db.prisma, staffId, T0);
    expect((await loadSession(db.prisma, s.token, at(25 * MIN)))?.expiresAt).toEqual(at(55 * MIN));
    expect(await loadSession(db.prisma, s.token, at(54 * MIN))).not.toBeNull();
    let t = 54 * MIN;
    while (t + 25 * MIN < SESSION_ABSOLUTE_MS) {
      t += 25 * MIN;
      expect(await loadSession(db.prisma, s.token, at(t)), `at ${t / MIN} min`).not.toBeNull();
    }
    expect(await loadSession(db.prisma, s.token, at(SESSION_ABSOLUTE_MS))).toBeNull();
    expect(await db.prisma.staffSession.findUnique({ where: { id: s.id } })).toBeNull();

    const idle = await createSession(db.prisma, staffId, T0);
    expect(await loadSession(db.prisma, idle.token, at(SESSION_IDLE_MS))).toBeNull();
  });

  it("ends sessions on sign-out, for a deactivated account, and in the purge", async () => {
    const a = await createSession(db.prisma, staffId, T0);
    await destroySession(db.prisma, a.token);
    expect(await loadSession(db.prisma, a.token, at(MIN))).toBeNull();

    const b = await createSession(db.prisma, staffId, T0);
    await db.prisma.staff.update({ where: { id: staffId }, data: { active: false } });
    expect(await loadSession(db.prisma, b.token, at(MIN))).toBeNull();
    await db.prisma.staff.update({ where: { id: staffId }, data: { active: true } });

    await createSession(db.prisma, staffId, T0);
    expect(await destroyStaffSessions(db.prisma, staffId)).toBeGreaterThan(0);
    await createSession(db.prisma, staffId, T0);
    const fresh = await createSession(db.prisma, staffId, at(40 * MIN));
    expect(await purgeExpiredSessions(db.prisma, at(35 * MIN))).toBe(1);
    expect(await loadSession(db.prisma, fresh.token, at(41 * MIN))).not.toBeNull();
  });

  it("compares CSRF tokens in constant time and refuses anything missing or malformed", () => {
    expect(csrfTokenMatches("abc", "abc")).toBe(true);
    for (const bad of [undefined, null, "", "abd", "ab", "abcd", 123, ["abc"], "x".repeat(300)]) expect(csrfTokenMatches("abc", bad)).toBe(false);
  });

  it("signs in, resets counters, and refuses inactive accounts with the generic outcome", async () => {
    const ok = await signIn(db.prisma, { username: "  HOTLINE1 ", password: PASSWORD, ip: "10.0.0.1" }, { now: T0 });
    expect(ok.ok).toBe(true);
    const inactive = await signIn(db.prisma, { username: "ex-staff", password: PASSWORD }, { now: T0 });
    expect(inactive).toEqual({ ok: false, reason: "inactive" });
    expect(normaliseUsername(" Nguyễn.A ")).toBe("nguyễn.a".normalize("NFC"));
  });

  it("locks after the threshold, ignores attempts while locked, and unlocks after the period", async () => {
    for (let i = 1; i <= LOCKOUT_THRESHOLD; i++) {
      const r = await signIn(db.prisma, { username: "hotline1", password: `wrong-${i}-xxxxx` }, { now: T0 });
      expect(r).toEqual({ ok: false, reason: "bad_password" });
    }
    const staff = await db.prisma.staff.findUniqueOrThrow({ where: { id: staffId } });
    expect(staff.lockedUntil).toEqual(at(LOCKOUT_MS));
    expect(await signIn(db.prisma, { username: "hotline1", password: PASSWORD }, { now: at(LOCKOUT_MS - 1000) })).toEqual({ ok: false, reason: "locked" });
    expect((await signIn(db.prisma, { username: "hotline1", password: PASSWORD }, { now: at(LOCKOUT_MS + 1000) })).ok).toBe(true);
    const locks = await db.prisma.auditLog.count({ where: { action: "auth.account_locked", entityId: staffId } });
    expect(locks).toBe(1);
  });
});
