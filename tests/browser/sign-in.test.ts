/** Sign-in in real headless Chromium: a wrong password shows the generic message, the right one opens the console. */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SIGN_IN_FAILED_MESSAGE } from "../../src/staff/sign-in.js";
import { auditMark, auditSince, createStaffAccount, describeBrowser, launchBrowser, newPage, TEST_PASSWORD } from "../support/browser.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

describeBrowser("console sign-in in Chromium", () => {
  let t: TestApp;
  let browser: Browser;
  let staffId: string;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({ workers: false }), launchBrowser()]);
    staffId = (await createStaffAccount(t.db.prisma, { username: "tongdai.lan", displayName: "Nguyễn Thị Lan", role: "hotline" })).id;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("refuses a wrong password with the generic message, then signs in", async () => {
    const mark = await auditMark(t.db.prisma);
    const { context, page } = await newPage(browser);
    try {
      await page.goto(`${t.baseUrl}/console`);
      expect(new URL(page.url()).pathname).toBe("/console/login");
      expect(await page.getAttribute("html", "lang")).toBe("vi");
      await page.fill("#username", "tongdai.lan");
      await page.fill("#password", "sai-mat-khau-roi");
      await page.click("button[type=submit]");
      await expect.poll(() => page.textContent("#login-error")).toBe(SIGN_IN_FAILED_MESSAGE);
      // The username stays filled in; the password does not.
      expect(await page.inputValue("#username")).toBe("tongdai.lan");
      expect(await page.inputValue("#password")).toBe("");

      await page.fill("#password", TEST_PASSWORD);
      await Promise.all([page.waitForURL(`${t.baseUrl}/console`), page.click("button[type=submit]")]);
      expect(await page.textContent("h1")).toBe("Xin chào, Nguyễn Thị Lan");
      const nav = await page.locator("nav[aria-label='Điều hướng chính'] a").allTextContents();
      expect(nav).toEqual(expect.arrayContaining(["Hồ sơ", "Hàng đợi hỗ trợ"]));
      expect(nav).not.toContain("Nhật ký truy cập");
      // The session cookie is HttpOnly: page scripts cannot read it.
      expect(await page.evaluate(() => document.cookie)).toBe("");
      const cookie = (await context.cookies()).find((c) => c.name === "cn_session");
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/console" });

      // Keyboard: the skip link is the first thing Tab reaches.
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Bỏ qua, đến nội dung chính");
    } finally {
      await context.close();
    }

    const rows = await auditSince(t.db.prisma, mark);
    expect(rows.map((r) => r.action)).toEqual(["auth.login_failed", "auth.login_succeeded"]);
    expect(rows[0]).toMatchObject({ actor: "anonymous", entity: "staff", entityId: staffId, details: expect.objectContaining({ reason: "bad_password" }) });
    expect(rows[1]).toMatchObject({ actor: `staff:${staffId}`, entityId: staffId });
    // No password, right or wrong, ever reaches the audit log.
    expect(JSON.stringify(rows)).not.toMatch(/sai-mat-khau|Bao-ve-tre-em/);
  });
});
