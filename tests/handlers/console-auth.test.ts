/**
 * The staff console's security edge, over real HTTP (express on 127.0.0.1:0 + fetch) and a real database
 * (PGlite always, PostgreSQL when it answers): sign-in, cookie flags, lock-out, CSRF, expiry, rate limit,
 * security headers, geography 404s, and the audit trail of every attempt.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logger } from "../../src/log.js";
import { audit, currentStaff } from "../../src/handlers/console/middleware.js";
import { createConsoleRouter, registerConsoleSection, type ConsoleRouterOptions } from "../../src/handlers/console/router.js";
import { html } from "../../src/handlers/console/views/layout.js";
import { renderPage } from "../../src/handlers/console/render.js";
import { hashPassword } from "../../src/staff/passwords.js";
import { notFound, withinScope } from "../../src/staff/permissions.js";
import { SIGN_IN_FAILED_MESSAGE } from "../../src/staff/sign-in.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";

const PASSWORD = "Bao-ve-tre-em-2026";
const GENERIC = SIGN_IN_FAILED_MESSAGE;
const MIN = 60_000;

interface Harness {
  base: string;
  server: Server;
  clock: { ms: number };
}

async function start(db: TestDb, opts: Partial<ConsoleRouterOptions> & { publicBaseUrl?: string } = {}): Promise<Harness> {
  const clock = { ms: Date.parse("2026-11-23T08:00:00Z") };
  const router = createConsoleRouter({
    prisma: db.prisma,
    config: { publicBaseUrl: opts.publicBaseUrl ?? "http://localhost:3000" },
    logger,
    now: () => new Date(clock.ms),
    loginRateLimit: opts.loginRateLimit ?? { limit: 10_000, windowMs: MIN },
  });
  // A minimal "cases" section, written the way the real one will be: scoped look-up, 404 when outside scope.
  registerConsoleSection(router, {
    id: "cases",
    routes: ({ pages, api, prisma }) => {
      const load = async (req: express.Request) => {
        const c = await prisma.case.findFirst({ where: withinScope(currentStaff(req), "case", { id: String(req.params.id) }) });
        if (!c) throw notFound();
        await audit(req, "case.view", "case", c.id, {});
        return c;
      };
      api.get("/:id", async (req, res) => {
        const c = await load(req);
        res.json({ id: c.id, code: c.code });
      });
      api.post("/:id/touch", async (req, res) => {
        const c = await load(req);
        res.json({ ok: true, id: c.id });
      });
      pages.get("/:id", async (req, res) => {
        const c = await load(req);
        renderPage(req, res, { title: c.code, current: "cases", body: html`<h1>${c.code}</h1>` });
      });
    },
  });
  const app = express();
  app.use(router);
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, server, clock };
}

function cookieOf(res: Response): string | undefined {
  const set = res.headers.getSetCookie().find((c) => c.startsWith("cn_session="));
  return set?.split(";")[0];
}

async function loginForm(h: Harness, username: string, password: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.base}/console/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", ...headers },
    body: new URLSearchParams({ username, password, ...extra }),
  });
}

async function loginJson(h: Harness, username: string, password: string): Promise<{ res: Response; cookie?: string; csrf?: string }> {
  const res = await fetch(`${h.base}/console/login`, { method: "POST", redirect: "manual", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ username, password }) });
  const body = (await res.json()) as { csrfToken?: string };
  return { res, cookie: cookieOf(res), csrf: body.csrfToken };
}

async function me(h: Harness, cookie: string): Promise<Response> {
  return fetch(`${h.base}/console/api/me`, { headers: { cookie }, redirect: "manual" });
}

const kinds = await availableKinds();

describe.each(kinds)("staff console auth on %s", (kind) => {
  let db: TestDb;
  let h: Harness;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDb(kind);
    const passwordHash = await hashPassword(PASSWORD);
    const mk = async (username: string, role: "admin" | "hotline" | "province_officer" | "commune_worker" | "donations_officer", extra: { provinceCodes?: string[]; communeCodes?: string[]; displayName?: string } = {}) => {
      const s = await db.prisma.staff.create({ data: { username, displayName: extra.displayName ?? username, role, passwordHash, provinceCodes: extra.provinceCodes ?? [], communeCodes: extra.communeCodes ?? [] } });
      ids[username] = s.id;
    };
    await mk("admin", "admin", { displayName: `Quản trị <script>alert("x")</script>` });
    await mk("xa4", "commune_worker", { provinceCodes: ["01"], communeCodes: ["00004"] });
    await mk("locky", "hotline");
    await mk("expiry", "hotline");
    await mk("audited", "donations_officer");
    const c1 = await db.prisma.case.create({ data: { code: "BV-2026-000001", category: "bao_luc", riskLevel: "high", provinceCode: "01", communeCode: "00004" } });
    const c2 = await db.prisma.case.create({ data: { code: "BV-2026-000002", category: "bao_luc", riskLevel: "high", provinceCode: "01", communeCode: "00008" } });
    const c3 = await db.prisma.case.create({ data: { code: "BV-2026-000003", category: "bao_luc", riskLevel: "high", provinceCode: "79", communeCode: "26734" } });
    ids.ownCase = c1.id;
    ids.otherCommuneCase = c2.id;
    ids.otherProvinceCase = c3.id;
    h = await start(db);
  });

  afterAll(async () => {
    h?.server.close();
    await db?.close();
  });

  it("signs in with the form, sets cn_session with the right flags, and stores only the token's sha256", async () => {
    const res = await loginForm(h, "admin", PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console");
    const raw = res.headers.getSetCookie().find((c) => c.startsWith("cn_session="))!;
    expect(raw).toMatch(/; HttpOnly/);
    expect(raw).toMatch(/; SameSite=Strict/);
    expect(raw).toMatch(/; Path=\/console(;|$)/);
    expect(raw).toMatch(/; Max-Age=28800/);
    expect(raw).not.toMatch(/Secure/); // http deployment
    const token = raw.split(";")[0]!.slice("cn_session=".length);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await db.prisma.staffSession.findMany({ where: { staffId: ids.admin } });
    expect(rows.map((r) => r.id)).toContain(createHash("sha256").update(token).digest("hex"));
    expect(rows.some((r) => r.id === token)).toBe(false);

    const home = await fetch(`${h.base}/console`, { headers: { cookie: `cn_session=${token}` } });
    expect(home.status).toBe(200);
    const page = await home.text();
    expect(page).toContain("Nhật ký truy cập"); // admin nav
    expect(page).toContain("Đăng xuất");
    expect(page).not.toContain(`<script>alert("x")</script>`); // display name escaped
    expect(page).toContain("&lt;script&gt;");
    expect(page).not.toMatch(/<script>(?!<\/script>)/); // no inline script at all
  });

  it("sets Secure on the cookie when PUBLIC_BASE_URL is https", async () => {
    const hs = await start(db, { publicBaseUrl: "https://caunoi.example.vn" });
    try {
      const res = await loginForm(hs, "admin", PASSWORD);
      expect(res.status).toBe(303);
      expect(res.headers.getSetCookie().find((c) => c.startsWith("cn_session="))).toMatch(/; Secure/);
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=/);
    } finally {
      hs.server.close();
    }
  });

  it("answers JSON sign-in with the CSRF token and /api/me with the permissions", async () => {
    const { res, cookie, csrf } = await loginJson(h, "xa4", PASSWORD);
    expect(res.status).toBe(200);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const m = await me(h, cookie!);
    expect(m.status).toBe(200);
    const body = (await m.json()) as { role: string; permissions: string[]; csrfToken: string };
    expect(body.role).toBe("commune_worker");
    expect(body.permissions).toContain("case.view_private");
    expect(body.permissions).not.toContain("audit.view");
    expect(body.csrfToken).toBe(csrf);
  });

  it("refuses a wrong password and an unknown user with the same generic message", async () => {
    const wrong = await loginForm(h, "admin", "not-the-password");
    const unknown = await loginForm(h, "nobody", PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await wrong.text(), await unknown.text()];
    expect(a).toContain(GENERIC);
    expect(b).toContain(GENERIC);
    expect(cookieOf(wrong)).toBeUndefined();
    const j = await loginJson(h, "admin", "nope-nope-nope");
    expect(j.res.status).toBe(401);
    expect(j.cookie).toBeUndefined();
  });

  it("locks an account for 15 minutes after 5 failures, with the same message, then lets it in again", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await loginJson(h, "locky", `wrong-password-${i}`);
      expect(res.res.status).toBe(401);
    }
    const staff = await db.prisma.staff.findUniqueOrThrow({ where: { id: ids.locky } });
    expect(staff.lockedUntil?.getTime()).toBe(h.clock.ms + 15 * MIN);
    // The right password is refused while locked, and the message does not say why.
    const locked = await loginForm(h, "locky", PASSWORD);
    expect(locked.status).toBe(401);
    expect(await locked.text()).toContain(GENERIC);
    const reasons = await db.prisma.auditLog.findMany({ where: { entityId: ids.locky }, orderBy: { id: "asc" } });
    expect(reasons.map((r) => r.action)).toContain("auth.account_locked");
    expect(reasons.at(-1)?.details).toMatchObject({ reason: "locked" });

    h.clock.ms += 15 * MIN + 1000;
    const ok = await loginForm(h, "locky", PASSWORD);
    expect(ok.status).toBe(303);
    const after = await db.prisma.staff.findUniqueOrThrow({ where: { id: ids.locky } });
    expect(after.failedLogins).toBe(0);
    expect(after.lockedUntil).toBeNull();
  });

  it("refuses state-changing requests with a missing or wrong CSRF token (403) and accepts the right one", async () => {
    const { cookie, csrf } = await loginJson(h, "xa4", PASSWORD);
    const post = (headers: Record<string, string>, body?: string) =>
      fetch(`${h.base}/console/api/cases/${ids.ownCase}/touch`, { method: "POST", headers: { cookie: cookie!, "content-type": "application/json", ...headers }, body: body ?? "{}" });
    expect((await post({})).status).toBe(403);
    expect((await post({ "x-csrf-token": "x".repeat(43) })).status).toBe(403);
    expect((await post({}, JSON.stringify({ _csrf: "wrong" }))).status).toBe(403);
    const forbidden = await post({ "x-csrf-token": csrf!.slice(0, -1) + (csrf!.endsWith("A") ? "B" : "A") });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: { message: string } }).error.message).toMatch(/mã bảo vệ/);
    expect((await post({ "x-csrf-token": csrf! })).status).toBe(200);
    expect((await post({}, JSON.stringify({ _csrf: csrf }))).status).toBe(200);
    // Cross-site Origin is refused even with the token.
    expect((await post({ "x-csrf-token": csrf!, origin: "https://evil.example" })).status).toBe(403);

    // Sign-out is a POST: without the form token it is refused, with it the session ends.
    const noToken = await fetch(`${h.base}/console/logout`, { method: "POST", redirect: "manual", headers: { cookie: cookie!, "content-type": "application/x-www-form-urlencoded", accept: "text/html" }, body: "" });
    expect(noToken.status).toBe(403);
    expect((await me(h, cookie!)).status).toBe(200);
    const out = await fetch(`${h.base}/console/logout`, { method: "POST", redirect: "manual", headers: { cookie: cookie!, "content-type": "application/x-www-form-urlencoded", accept: "text/html" }, body: new URLSearchParams({ _csrf: csrf! }) });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/console/login");
    expect(out.headers.getSetCookie().find((c) => c.startsWith("cn_session="))).toMatch(/Max-Age=0/);
    expect((await me(h, cookie!)).status).toBe(401);
  });

  it("expires sessions after 30 idle minutes and 8 hours in all, sliding on activity", async () => {
    const idle = await loginJson(h, "expiry", PASSWORD);
    h.clock.ms += 29 * MIN;
    expect((await me(h, idle.cookie!)).status).toBe(200); // slides the idle deadline
    h.clock.ms += 29 * MIN;
    expect((await me(h, idle.cookie!)).status).toBe(200);
    h.clock.ms += 31 * MIN;
    const expired = await me(h, idle.cookie!);
    expect(expired.status).toBe(401);
    const page = await fetch(`${h.base}/console/cases/${ids.ownCase}`, { headers: { cookie: idle.cookie! }, redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe(`/console/login?next=${encodeURIComponent(`/console/cases/${ids.ownCase}`)}`);

    const busy = await loginJson(h, "expiry", PASSWORD);
    const startMs = h.clock.ms;
    let lastOk = startMs;
    for (;;) {
      h.clock.ms += 20 * MIN;
      const r = await me(h, busy.cookie!);
      if (r.status !== 200) break;
      lastOk = h.clock.ms;
    }
    expect(lastOk - startMs).toBeLessThanOrEqual(8 * 60 * MIN);
    expect(lastOk - startMs).toBeGreaterThan(7 * 60 * MIN);
  });

  it("answers 404 'Không tìm thấy' for another commune's case, exactly as for a missing one", async () => {
    const { cookie } = await loginJson(h, "xa4", PASSWORD);
    const get = (id: string) => fetch(`${h.base}/console/api/cases/${id}`, { headers: { cookie: cookie! } });
    const own = await get(ids.ownCase!);
    expect(own.status).toBe(200);
    const other = await get(ids.otherCommuneCase!);
    const far = await get(ids.otherProvinceCase!);
    const missing = await get("00000000-0000-0000-0000-000000000000");
    expect([other.status, far.status, missing.status]).toEqual([404, 404, 404]);
    const bodies = [await other.text(), await far.text(), await missing.text()];
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!)).toEqual({ error: { code: "not_found", message: "Không tìm thấy" } });
    const page = await fetch(`${h.base}/console/cases/${ids.otherCommuneCase}`, { headers: { cookie: cookie!, accept: "text/html" } });
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("Không tìm thấy");
  });

  it("keeps the audit page for admins, escaped and paginated, and audits viewing it", async () => {
    const worker = await loginJson(h, "xa4", PASSWORD);
    expect((await fetch(`${h.base}/console/audit`, { headers: { cookie: worker.cookie!, accept: "text/html" } })).status).toBe(403);
    await db.prisma.auditLog.createMany({ data: Array.from({ length: 60 }, (_, i) => ({ actor: "system", action: "test.filler", entity: "staff", entityId: `filler-${i}` })) });
    const admin = await loginJson(h, "admin", PASSWORD);
    const res = await fetch(`${h.base}/console/audit?entity=staff`, { headers: { cookie: admin.cookie!, accept: "text/html" } });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("auth.login_succeeded");
    expect(page).toContain("test.filler");
    expect(page).not.toContain("auth.login_failed"); // older than the 50 newest rows
    const older = /href="(\/console\/audit\?[^"]*before=\d+[^"]*)"/.exec(page);
    expect(older).not.toBeNull();
    const next = await fetch(h.base + older![1]!.replaceAll("&amp;", "&"), { headers: { cookie: admin.cookie!, accept: "text/html" } });
    expect(next.status).toBe(200);
    const page2 = await next.text();
    expect(page2).toContain("auth.login_failed");
    expect(page2).toContain("« Mới nhất");
    expect((await fetch(`${h.base}/console/audit?before=abc`, { headers: { cookie: admin.cookie!, accept: "text/html" } })).status).toBe(400);
    const views = await db.prisma.auditLog.count({ where: { action: "audit.view", actor: `staff:${ids.admin}` } });
    expect(views).toBe(2);
    // The table is append-only in the database itself.
    await expect(db.prisma.auditLog.deleteMany({})).rejects.toThrow();
  });

  it("writes every sign-in attempt to AuditLog, without the password", async () => {
    const before = await db.prisma.auditLog.count({ where: { action: { in: ["auth.login_succeeded", "auth.login_failed"] } } });
    await loginJson(h, "audited", PASSWORD);
    await loginJson(h, "audited", "Sai-mat-khau-123");
    await loginForm(h, "ghost-user", "Bao-ve-tre-em-2026-secret");
    await loginForm(h, "", "");
    const rows = await db.prisma.auditLog.findMany({ where: { action: { in: ["auth.login_succeeded", "auth.login_failed"] } }, orderBy: { id: "asc" } });
    expect(rows.length - before).toBe(4);
    const mine = rows.slice(before);
    expect(mine.map((r) => r.action)).toEqual(["auth.login_succeeded", "auth.login_failed", "auth.login_failed", "auth.login_failed"]);
    expect(mine[0]).toMatchObject({ actor: `staff:${ids.audited}`, entity: "staff", entityId: ids.audited });
    expect(mine[1]!.details).toMatchObject({ username: "audited", reason: "bad_password" });
    expect(mine[2]!.details).toMatchObject({ reason: "unknown_user" });
    expect(JSON.stringify(mine[2]!.details)).not.toContain("ghost-user"); // unknown names are hashed: it may be a password typed in the wrong box
    for (const r of mine) {
      expect(r.ip).toMatch(/127\.0\.0\.1/);
      expect(JSON.stringify(r.details)).not.toMatch(/Bao-ve-tre-em|Sai-mat-khau/);
    }
  });

  it("sends strict security headers and no-store on console pages", async () => {
    const res = await fetch(`${h.base}/console/login`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const page = await res.text();
    expect(page).toContain('<label for="username">');
    expect(page).toContain('class="skip-link"');
    expect(page).not.toMatch(/<script>|style="/);
    const css = await fetch(`${h.base}/console/static/console.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toMatch(/text\/css/);
    expect(css.headers.get("x-content-type-options")).toBe("nosniff");
    const traversal = await fetch(`${h.base}/console/static/..%2frouter.ts`, { redirect: "manual" });
    expect([400, 403, 404]).toContain(traversal.status);
    expect(await traversal.text()).not.toContain("createConsoleRouter");
    expect((await fetch(`${h.base}/console/static/nope.js`)).status).toBe(404);
  });

  it("redirects anonymous pages to sign-in, answers 401 on the API, and refuses cross-site sign-in and open redirects", async () => {
    const page = await fetch(`${h.base}/console`, { redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/console/login");
    const api = await fetch(`${h.base}/console/api/me`);
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    const cross = await loginForm(h, "admin", PASSWORD, {}, { origin: "https://evil.example" });
    expect(cross.status).toBe(403);
    const redirect = await loginForm(h, "admin", PASSWORD, { next: "//evil.example/console" });
    expect(redirect.headers.get("location")).toBe("/console");
    const inside = await loginForm(h, "admin", PASSWORD, { next: "/console/audit?entity=staff" });
    expect(inside.headers.get("location")).toBe("/console/audit?entity=staff");
  });

  it("derives navigation, placeholders and section gates from the role", async () => {
    const donor = await loginJson(h, "audited", PASSWORD); // donations_officer
    const home = await (await fetch(`${h.base}/console`, { headers: { cookie: donor.cookie! } })).text();
    expect(home).toContain('href="/console/needs"');
    expect(home).not.toContain('href="/console/cases"');
    expect(home).not.toContain('href="/console/audit"');
    expect(home).toContain("Đang được xây dựng");
    // A registered section is gated by its permission before its own handlers run.
    expect((await fetch(`${h.base}/console/api/cases/${ids.ownCase}`, { headers: { cookie: donor.cookie! } })).status).toBe(403);
    expect((await fetch(`${h.base}/console/cases`, { headers: { cookie: donor.cookie!, accept: "text/html" } })).status).toBe(403);
    // A planned, unregistered section shows its placeholder to permitted roles only.
    expect((await fetch(`${h.base}/console/needs`, { headers: { cookie: donor.cookie!, accept: "text/html" } })).status).toBe(200);
    expect((await fetch(`${h.base}/console/handoff`, { headers: { cookie: donor.cookie!, accept: "text/html" } })).status).toBe(403);
    const unknown = await fetch(`${h.base}/console/nothing-here`, { headers: { cookie: donor.cookie!, accept: "text/html" } });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("Không tìm thấy");
    // The extension point refuses mistakes at start-up rather than serving them.
    const r = createConsoleRouter({ prisma: db.prisma, config: { publicBaseUrl: "http://localhost:3000" }, logger });
    const noop = () => {};
    expect(() => registerConsoleSection(r, { id: "audit", routes: noop })).toThrow(/already registered/);
    expect(() => registerConsoleSection(r, { id: "login", routes: noop })).toThrow(/invalid section id/);
    expect(() => registerConsoleSection(r, { id: "training", title: "Tập huấn", routes: noop })).toThrow(/permission/);
    expect(() => registerConsoleSection(express.Router(), { id: "cases", routes: noop })).toThrow(/createConsoleRouter/);
    registerConsoleSection(r, { id: "cases", routes: noop });
    expect(() => registerConsoleSection(r, { id: "cases", routes: noop })).toThrow(/already registered/);
  });

  it("rate-limits the sign-in route per IP (429, Vietnamese message)", async () => {
    const hr = await start(db, { loginRateLimit: { limit: 10, windowMs: MIN } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await loginJson(hr, "nobody", "whatever-123")).res.status);
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses[10]).toBe(429);
      const page = await loginForm(hr, "admin", PASSWORD);
      expect(page.status).toBe(429);
      expect(await page.text()).toContain("quá nhiều lần");
    } finally {
      hr.server.close();
    }
  });
});
