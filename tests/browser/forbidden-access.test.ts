/**
 * Geography in real Chromium: a commune worker who opens another commune's case link gets the same "Không tìm thấy"
 * as for a case that does not exist, and the attempt is audited; an administrator sees the case without its
 * private fields ("Ẩn — …").
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { HIDDEN_TEXT } from "../../src/handlers/console/views/cases.js";
import { makeCase, PRIVATE_STRINGS, testEscalationDeps } from "../cases/helpers.js";
import { auditMark, auditSince, createStaffAccount, describeBrowser, launchBrowser, newPage, signIn, TEST_PASSWORD } from "../support/browser.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

describeBrowser("out-of-scope case links in Chromium", () => {
  let t: TestApp;
  let browser: Browser;
  let worker: { id: string; username: string };
  let admin: { id: string; username: string };
  let own: { id: string; code: string };
  let other: { id: string; code: string };

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({ workers: false }), launchBrowser()]);
    const communes = await t.db.prisma.administrativeUnit.findMany({ where: { level: "commune", provinceCode: "01" }, orderBy: { code: "asc" }, take: 2, select: { code: true } });
    const [a, b] = [communes[0]!.code, communes[1]!.code];
    worker = await createStaffAccount(t.db.prisma, { username: "xa.a", displayName: "Cán bộ xã A", role: "commune_worker", provinceCodes: ["01"], communeCodes: [a] });
    admin = await createStaffAccount(t.db.prisma, { username: "quantri", displayName: "Quản trị", role: "admin" });
    const deps = testEscalationDeps();
    const now = new Date();
    own = await makeCase(t.db.prisma, deps, now, { communeCode: a });
    other = await makeCase(t.db.prisma, deps, now, { communeCode: b });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("answers another commune's case exactly like a missing one, and audits the attempt", async () => {
    const mark = await auditMark(t.db.prisma);
    const { context, page } = await newPage(browser);
    try {
      await signIn(page, t.baseUrl, worker.username, TEST_PASSWORD);
      // The queue lists only the worker's own commune.
      await page.goto(`${t.baseUrl}/console/cases`);
      const codes = await page.locator(".case-code").allTextContents();
      expect(codes).toEqual([own.code]);

      const res = await page.goto(`${t.baseUrl}/console/cases/${other.id}`);
      expect(res?.status()).toBe(404);
      expect(await page.textContent("h1")).toBe("Không tìm thấy");
      const body = (await page.textContent("main")) ?? "";
      expect(body).not.toContain(other.code);

      const missing = await page.goto(`${t.baseUrl}/console/cases/00000000-0000-4000-8000-000000000000`);
      expect(missing?.status()).toBe(404);
      expect((await page.textContent("main")) ?? "").toBe(body);
    } finally {
      await context.close();
    }
    const rows = await auditSince(t.db.prisma, mark);
    expect(rows.map((r) => [r.actor, r.action, r.entityId])).toEqual([
      [`staff:${worker.id}`, "auth.login_succeeded", worker.id],
      [`staff:${worker.id}`, "case.list", null],
      [`staff:${worker.id}`, "case.access_refused", other.id],
      [`staff:${worker.id}`, "case.access_refused", null],
    ]);
    expect(rows[2]!.details).toMatchObject({ exists: true, method: "GET" });
    expect(rows[3]!.details).toMatchObject({ exists: false });
  });

  it("shows an administrator the case without its private fields", async () => {
    const mark = await auditMark(t.db.prisma);
    const { context, page } = await newPage(browser, { phone: false });
    try {
      await signIn(page, t.baseUrl, admin.username, TEST_PASSWORD);
      await page.goto(`${t.baseUrl}/console/cases/${other.id}`);
      expect(await page.textContent("#case-code")).toBe(other.code);
      expect(await page.textContent("#private-hidden")).toBe(HIDDEN_TEXT);
      const html = await page.content();
      for (const s of PRIVATE_STRINGS) expect(html, s).not.toContain(s);
      // No action forms for a role that may not work cases.
      expect(await page.locator("#status-form, #note-form, #ack-form").count()).toBe(0);
    } finally {
      await context.close();
    }
    const rows = await auditSince(t.db.prisma, mark);
    expect(rows.map((r) => [r.actor, r.action, r.entityId])).toEqual([
      [`staff:${admin.id}`, "auth.login_succeeded", admin.id],
      [`staff:${admin.id}`, "case.view", other.id],
    ]);
    expect(rows[1]!.details).toMatchObject({ private: false });
  });
});
