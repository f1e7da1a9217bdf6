/**
 * The cases section over real HTTP (the whole app on PGlite, and PostgreSQL when it answers): queue order and
 * filters, scope (404 + audit), permissions (403), CSRF, the Decree 56 transition rules, and what each change
 * writes (CaseEvent + AuditLog, encrypted texts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCase, testEscalationDeps } from "../cases/helpers.js";
import { auditMark, auditSince, createStaffAccount, TEST_PASSWORD } from "../support/browser.js";
import { availableKinds } from "../support/test-db.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { compareQueue, currentDeadline } from "../../src/handlers/console/cases-labels.js";

const kinds = await availableKinds();
const HOUR = 3_600_000;

interface Session {
  cookie: string;
  csrf: string;
}

describe("currentDeadline and queue order", () => {
  const base = { protectionDueAt: null, planDueAt: new Date("2026-11-30T16:59:59Z"), approvalDueAt: new Date("2026-12-02T16:59:59Z"), protectedAt: null, receivedAt: new Date("2026-11-23T08:00:00Z") };
  it("follows the step the case is in", () => {
    expect(currentDeadline({ ...base, status: "received", protectionDueAt: new Date("2026-11-23T20:00:00Z") })?.kind).toBe("protection");
    expect(currentDeadline({ ...base, status: "verifying", protectionDueAt: new Date("2026-11-23T20:00:00Z"), protectedAt: new Date() })?.kind).toBe("plan");
    expect(currentDeadline({ ...base, status: "needs_assessment" })?.kind).toBe("plan");
    expect(currentDeadline({ ...base, status: "plan_drafted" })?.kind).toBe("approval");
    expect(currentDeadline({ ...base, status: "in_progress" })).toBeNull();
    expect(currentDeadline({ ...base, status: "closed" })).toBeNull();
  });
  it("sorts by risk, then the nearest deadline, then age", () => {
    const mk = (id: string, riskLevel: string, plan: string | null) => ({ ...base, id, status: "needs_assessment", riskLevel, planDueAt: plan ? new Date(plan) : null });
    const rows = [mk("low-soon", "low", "2026-11-24T00:00:00Z"), mk("high-late", "high", "2026-12-10T00:00:00Z"), mk("high-soon", "high", "2026-11-25T00:00:00Z"), mk("high-none", "high", null), mk("imm", "immediate", null)];
    expect(rows.sort(compareQueue).map((r) => r.id)).toEqual(["imm", "high-soon", "high-late", "high-none", "low-soon"]);
  });
});

describe.each(kinds)("console cases over HTTP on %s", (kind) => {
  let t: TestApp;
  const staff: Record<string, { id: string; username: string }> = {};
  const cases: Record<string, { id: string; code: string }> = {};
  let communeA: string;
  let communeB: string;

  async function login(username: string): Promise<Session> {
    const res = await fetch(`${t.baseUrl}/console/login`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ username, password: TEST_PASSWORD }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("cn_session="))!.split(";")[0]!;
    return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
  }
  const get = (s: Session, path: string) => fetch(`${t.baseUrl}${path}`, { headers: { cookie: s.cookie, accept: "text/html" }, redirect: "manual" });
  const post = (s: Session, path: string, form: Record<string, string>, csrf: string | null = s.csrf) =>
    fetch(`${t.baseUrl}${path}`, { method: "POST", redirect: "manual", headers: { cookie: s.cookie, accept: "text/html", "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ ...form, ...(csrf ? { _csrf: csrf } : {}) }) });

  beforeAll(async () => {
    t = await startTestApp({ kind, workers: false });
    const communes = await t.db.prisma.administrativeUnit.findMany({ where: { level: "commune", provinceCode: "01" }, orderBy: { code: "asc" }, take: 2, select: { code: true } });
    communeA = communes[0]!.code;
    communeB = communes[1]!.code;
    const p = t.db.prisma;
    staff.worker = await createStaffAccount(p, { username: "xa-a", displayName: "Cán bộ xã A", role: "commune_worker", provinceCodes: ["01"], communeCodes: [communeA] });
    staff.workerB = await createStaffAccount(p, { username: "xa-b", displayName: "Cán bộ xã B", role: "commune_worker", provinceCodes: ["01"], communeCodes: [communeB] });
    const far = await p.administrativeUnit.findFirstOrThrow({ where: { level: "commune", provinceCode: "79" }, select: { code: true } });
    staff.workerFar = await createStaffAccount(p, { username: "xa-xa", displayName: "Cán bộ tỉnh khác", role: "commune_worker", provinceCodes: ["79"], communeCodes: [far.code] });
    staff.hotline = await createStaffAccount(p, { username: "tongdai", displayName: "Tổng đài viên", role: "hotline" });
    staff.donations = await createStaffAccount(p, { username: "ungho", displayName: "Cán bộ ủng hộ", role: "donations_officer" });
    const deps = testEscalationDeps();
    const now = new Date();
    const old = new Date(now.getTime() - 30 * 24 * HOUR);
    cases.low = await makeCase(p, deps, now, { communeCode: communeA, riskLevel: "low" });
    cases.mediumOverdue = await makeCase(p, deps, old, { communeCode: communeA, riskLevel: "medium" });
    cases.medium = await makeCase(p, deps, now, { communeCode: communeA, riskLevel: "medium", description: `<script>alert("x")</script> <img src=x onerror=alert(1)>` });
    cases.immediate = await makeCase(p, deps, now, { communeCode: communeA, riskLevel: "immediate", urgent: true });
    cases.other = await makeCase(p, deps, now, { communeCode: communeB, riskLevel: "high" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists the worker's commune only, by risk then deadline, with overdue cases marked in words", async () => {
    const s = await login(staff.worker!.username);
    const html = await (await get(s, "/console/cases")).text();
    const codes = [...html.matchAll(/class="case-code" href="\/console\/cases\/[0-9a-f-]+">(BV-\d{4}-\d{6})</g)].map((m) => m[1]);
    expect(codes).toEqual([cases.immediate!.code, cases.mediumOverdue!.code, cases.medium!.code, cases.low!.code]);
    expect(html).not.toContain(cases.other!.code);
    expect(html).toMatch(/1 quá hạn/);
    expect(html.match(/Quá hạn<\/strong>/g)).toHaveLength(1);

    const filtered = await (await get(s, "/console/cases?risk=medium")).text();
    expect([...filtered.matchAll(/class="case-code"[^>]*>(BV-[\d-]+)</g)].map((m) => m[1])).toEqual([cases.mediumOverdue!.code, cases.medium!.code]);
    expect((await get(s, "/console/cases?status=closed")).status).toBe(200);
    expect((await get(s, "/console/cases?status=bogus")).status).toBe(400);
  });

  it("escapes private text (no markup from a report ever reaches the page)", async () => {
    const s = await login(staff.worker!.username);
    const html = await (await get(s, `/console/cases/${cases.medium!.id}`)).text();
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
  });

  it("answers 404 for another commune's case on every route, changes nothing, and audits each attempt", async () => {
    const s = await login(staff.worker!.username);
    const mark = await auditMark(t.db.prisma);
    expect((await get(s, `/console/cases/${cases.other!.id}`)).status).toBe(404);
    expect((await post(s, `/console/cases/${cases.other!.id}/status`, { to: "verifying", reason: "thử" })).status).toBe(404);
    expect((await post(s, `/console/cases/${cases.other!.id}/note`, { text: "thử" })).status).toBe(404);
    expect((await get(s, "/console/cases/not-a-uuid")).status).toBe(404);
    const rows = await auditSince(t.db.prisma, mark);
    expect(rows.map((r) => [r.action, r.entityId])).toEqual([
      ["case.access_refused", cases.other!.id],
      ["case.access_refused", cases.other!.id],
      ["case.access_refused", cases.other!.id],
      ["case.access_refused", null],
    ]);
    expect(await t.db.prisma.caseEvent.count({ where: { caseId: cases.other!.id, type: { in: ["status_changed", "note"] } } })).toBe(0);
  });

  it("refuses POSTs without the CSRF token, and roles without the permission", async () => {
    const w = await login(staff.worker!.username);
    expect((await post(w, `/console/cases/${cases.low!.id}/status`, { to: "verifying", reason: "x" }, null)).status).toBe(403);
    expect((await post(w, `/console/cases/${cases.low!.id}/status`, { to: "verifying", reason: "x" }, "wrong-token")).status).toBe(403);
    // Browsers send "Origin: null" on our forms (Referrer-Policy: no-referrer): accepted only when same-origin.
    const withOrigin = (headers: Record<string, string>) =>
      fetch(`${t.baseUrl}/console/cases/${cases.low!.id}/note`, { method: "POST", redirect: "manual", headers: { cookie: w.cookie, accept: "text/html", "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams({ text: "Kiểm tra nguồn gửi", _csrf: w.csrf }) });
    expect((await withOrigin({ origin: "null" })).status).toBe(403);
    expect((await withOrigin({ origin: "null", "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await withOrigin({ origin: "https://evil.example", "sec-fetch-site": "same-origin" })).status).toBe(403);
    expect((await withOrigin({ origin: "null", "sec-fetch-site": "same-origin" })).status).toBe(303);
    // Only the province and 111 assign cases.
    expect((await post(w, `/console/cases/${cases.low!.id}/assign`, { staffId: staff.worker!.id })).status).toBe(403);
    const d = await login(staff.donations!.username);
    expect((await get(d, "/console/cases")).status).toBe(403);
    expect((await get(d, `/console/cases/${cases.low!.id}`)).status).toBe(403);
    expect((await t.db.prisma.case.findUniqueOrThrow({ where: { id: cases.low!.id } })).status).toBe("received");
  });

  it("applies the Decree 56 table: reason required, disallowed steps refused, allowed ones recorded", async () => {
    const s = await login(staff.worker!.username);
    const path = `/console/cases/${cases.low!.id}`;
    let r = await post(s, `${path}/status`, { to: "verifying", reason: "   " });
    expect(r.headers.get("location")).toBe(`${path}?loi=reason_required`);
    r = await post(s, `${path}/status`, { to: "closed", reason: "đóng luôn" });
    expect(r.headers.get("location")).toBe(`${path}?loi=not_allowed`);
    r = await post(s, `${path}/status`, { to: "nonsense", reason: "x" });
    expect(r.status).toBe(400);
    expect((await t.db.prisma.case.findUniqueOrThrow({ where: { id: cases.low!.id } })).status).toBe("received");

    r = await post(s, `${path}/status`, { to: "verifying", reason: "Đã gọi điện cho trưởng thôn" });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe(`${path}?ok=status`);
    const page = await (await get(s, `${path}?ok=status`)).text();
    expect(page).toContain("Đã chuyển trạng thái hồ sơ.");
    // Only the steps allowed from "verifying" are offered.
    expect([...page.matchAll(/type="radio" id="to-[a-z_]+" name="to" value="([a-z_]+)"/g)].map((m) => m[1])).toEqual(["emergency_protection", "needs_assessment"]);
    expect(page).toContain('id="close-form"');
    const ev = await t.db.prisma.caseEvent.findFirstOrThrow({ where: { caseId: cases.low!.id, type: "status_changed" } });
    expect(ev.data).toEqual({ from: "received", to: "verifying" });
    expect(Buffer.from(ev.textEnc!).toString("utf8")).not.toContain("trưởng thôn");
    const a = await t.db.prisma.auditLog.findFirstOrThrow({ where: { entityId: cases.low!.id, action: "case.status_changed" } });
    expect(a).toMatchObject({ actor: `staff:${staff.worker!.id}`, details: { from: "received", to: "verifying" } });
  });

  it("changes risk, adds an encrypted note and an attachment reference, and the 111 operator assigns", async () => {
    const w = await login(staff.worker!.username);
    const path = `/console/cases/${cases.medium!.id}`;
    expect((await post(w, `${path}/risk`, { to: "high", reason: "Trẻ có dấu hiệu bị đánh nhiều lần" })).headers.get("location")).toBe(`${path}?ok=risk`);
    expect((await post(w, `${path}/risk`, { to: "high", reason: "lại" })).headers.get("location")).toBe(`${path}?loi=unchanged`);
    expect((await post(w, `${path}/note`, { text: "Mẹ cháu hẹn gặp chiều thứ Năm" })).headers.get("location")).toBe(`${path}?ok=note`);
    expect((await post(w, `${path}/note`, { text: "  " })).headers.get("location")).toBe(`${path}?loi=empty`);
    expect((await post(w, `${path}/attachment`, { type: "file", note: "Biên bản xác minh số 12/BB lưu tại UBND xã" })).headers.get("location")).toBe(`${path}?ok=attachment`);
    const c = await t.db.prisma.case.findUniqueOrThrow({ where: { id: cases.medium!.id }, include: { attachments: true } });
    expect(c).toMatchObject({ riskLevel: "high", urgent: true });
    expect(c.protectionDueAt).not.toBeNull();
    expect(c.attachments.map((x) => x.addedBy)).toContain(`staff:${staff.worker!.id}`);
    const note = await t.db.prisma.caseEvent.findFirstOrThrow({ where: { caseId: c.id, type: "note" } });
    expect(Buffer.from(note.textEnc!).toString("utf8")).not.toContain("thứ Năm");
    const page = await (await get(w, path)).text();
    expect(page).toContain("Mẹ cháu hẹn gặp chiều thứ Năm");
    expect(page).toContain("Biên bản xác minh số 12/BB lưu tại UBND xã");

    const h = await login(staff.hotline!.username);
    const hp = await (await get(h, path)).text();
    // The assignee list holds staff whose area covers the case (not the other commune's worker).
    expect(hp).toContain(`value="${staff.worker!.id}"`);
    expect(hp).not.toContain(`value="${staff.workerB!.id}"`);
    expect(hp).not.toContain(`value="${staff.workerFar!.id}"`);
    // (assignCase itself still accepts a commune worker of another commune in the same province: reported, not fixed here.)
    expect((await post(h, `${path}/assign`, { staffId: staff.workerFar!.id })).headers.get("location")).toBe(`${path}?loi=out_of_scope`);
    expect((await post(h, `${path}/assign`, { staffId: staff.worker!.id })).headers.get("location")).toBe(`${path}?ok=assign`);
    expect((await t.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } })).assignedStaffId).toBe(staff.worker!.id);
    const actions = (await t.db.prisma.auditLog.findMany({ where: { entityId: c.id }, orderBy: { id: "asc" } })).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["case.risk_changed", "case.note_added", "case.attachment_added", "case.assigned", "case.view_private"]));
    // Audit details never carry the texts.
    const all = JSON.stringify(await t.db.prisma.auditLog.findMany({ where: { entityId: c.id }, select: { action: true, details: true } }));
    expect(all).not.toMatch(/thứ Năm|12\/BB|đánh nhiều lần|<script/);
  });

  it("acknowledges from the console: the recipient's escalations close and their timers stop", async () => {
    // The case's escalations went to seeded recipients; the 111 operator acknowledges it in the console.
    const h = await login(staff.hotline!.username);
    const path = `/console/cases/${cases.immediate!.id}`;
    expect(await (await get(h, path)).text()).toContain('id="ack-form"');
    expect((await post(h, `${path}/acknowledge`, {})).headers.get("location")).toBe(`${path}?ok=ack`);
    expect((await post(h, `${path}/acknowledge`, {})).headers.get("location")).toBe(`${path}?loi=already`);
    const c = await t.db.prisma.case.findUniqueOrThrow({ where: { id: cases.immediate!.id } });
    expect(c.acknowledgedAt).not.toBeNull();
    expect(c.assignedStaffId).toBeNull(); // the hotline does not become the commune's worker
    const open = await t.db.prisma.escalation.findMany({ where: { caseId: c.id, status: "sent" }, select: { id: true } });
    const pending = await t.db.prisma.job.count({ where: { dedupeKey: { in: open.map((e) => `esc-timeout:${e.id}`) }, status: "pending" } });
    expect(pending).toBe(0);
    const ev = await t.db.prisma.caseEvent.findFirstOrThrow({ where: { caseId: c.id, type: "acknowledged" } });
    expect(ev).toMatchObject({ actor: `staff:${staff.hotline!.id}` });
    expect(ev.data).toMatchObject({ via: "console" });
  });
});
