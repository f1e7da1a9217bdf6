/**
 * Report export in real headless Chromium: a provincial officer signs in, opens the reports, picks a period with the
 * date fields, downloads a table as CSV (the browser's download event), and the file holds their province's figures
 * only (UTF-8 BOM, formula-safe). The audit log shows the view and the export.
 */
import { readFile } from "node:fs/promises";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { auditMark, auditSince, createStaffAccount, describeBrowser, launchBrowser, newPage, signIn, TEST_PASSWORD } from "../support/browser.js";
import { createTestDb, type TestDb } from "../support/test-db.js";
import { parseCsv, seedSomeUnits, startConsole, type Harness } from "../handlers/console-admin-harness.js";

describeBrowser("report CSV export in Chromium", () => {
  let db: TestDb;
  let h: Harness;
  let browser: Browser;
  let staffId: string;

  beforeAll(async () => {
    [db, browser] = await Promise.all([createTestDb("pglite"), launchBrowser()]);
    await seedSomeUnits(db);
    staffId = (await createStaffAccount(db.prisma, { username: "tinh.hanoi", displayName: "Trần Văn Minh", role: "province_officer", provinceCodes: ["01"] })).id;
    const at = (iso: string) => new Date(iso);
    let n = 0;
    const mk = (category: string, province: string, commune: string, receivedAt: Date) =>
      db.prisma.case.create({ data: { code: `BV-2026-${String(++n).padStart(6, "0")}`, category, riskLevel: "medium", provinceCode: province, communeCode: commune, receivedAt, childNameEnc: Buffer.from("private") } });
    for (let i = 0; i < 3; i++) await mk("bao_luc", "01", "00004", at("2026-08-10T03:00:00Z"));
    await mk("bat_nat", "01", "00025", at("2026-08-11T03:00:00Z"));
    await mk("bao_luc", "01", "00004", at("2026-01-05T03:00:00Z")); // outside the chosen period
    await mk("mua_ban", "79", "25747", at("2026-08-10T03:00:00Z")); // another province
    h = await startConsole(db);
  });
  afterAll(async () => {
    await browser?.close();
    h?.close();
    await db?.close();
  });

  it("picks a period, downloads the CSV, and leaves report.view and report.export in the audit log", async () => {
    const mark = await auditMark(db.prisma);
    const { context, page } = await newPage(browser, { phone: false });
    try {
      await page.goto(`${h.base}/console/reports`);
      await signIn(page, h.base, "tinh.hanoi", TEST_PASSWORD);
      // the sign-in form came back to the page asked for
      expect(new URL(page.url()).pathname).toBe("/console/reports");
      expect(await page.textContent("h1")).toBe("Báo cáo");

      await page.fill("#r-from", "2026-07-01");
      await page.fill("#r-to", "2026-09-30");
      await Promise.all([page.waitForURL((u) => u.searchParams.get("from") === "2026-07-01"), page.click("#r-submit")]);
      expect(await page.textContent("main")).toContain("2026-07-01");
      expect(await page.locator("#t-categories svg").count()).toBe(1);
      expect(await page.textContent("#t-categories table")).toContain("Bạo lực");
      expect(await page.textContent("main")).not.toContain("Mua bán trẻ em");

      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#t-categories a[data-table=categories]")]);
      expect(download.suggestedFilename()).toBe("bao-cao-categories-2026-07-01-2026-09-30.csv");
      const bytes = await readFile((await download.path())!);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = parseCsv(bytes.toString("utf8"));
      expect(rows).toEqual([
        ["Hình thức", "Mã", "Số ca", "Trong đó khẩn cấp/nguy cơ cao"],
        ["Bạo lực", "bao_luc", "3", "0"],
        ["Bắt nạt", "bat_nat", "1", "0"],
        ["TỔNG", "", "4", "0"],
      ]);
      expect(bytes.toString("utf8")).not.toContain("private");
    } finally {
      await context.close();
    }

    const rows = await auditSince(db.prisma, mark);
    const mine = rows.filter((r) => r.actor === `staff:${staffId}` && r.action.startsWith("report."));
    expect(mine.map((r) => r.action)).toEqual(["report.view", "report.view", "report.export"]);
    expect(mine[1]!.details).toMatchObject({ from: "2026-07-01", to: "2026-09-30" });
    expect(mine[2]).toMatchObject({ entity: "report", entityId: "categories", details: expect.objectContaining({ table: "categories", from: "2026-07-01", to: "2026-09-30" }) });
  });
});
