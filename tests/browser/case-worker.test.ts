/**
 * A commune worker works a case from the notification to closure, in real headless Chromium: a citizen reports
 * through the web chat (the real report flow), the worker follows the console link of the notification in the
 * outbox, signs in, sees the private fields (audited), acknowledges, and moves the case through every Decree 56
 * step with reasons; the timeline shows each step and the audit log shows every access.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CASE_TRANSITIONS, type CaseStatus } from "../../src/cases/types.js";
import { decryptJson } from "../../src/crypto/index.js";
import { STATUS_LABELS } from "../../src/handlers/console/cases-labels.js";
import { auditMark, auditSince, createStaffAccount, describeBrowser, launchBrowser, newPage, signIn, TEST_PASSWORD } from "../support/browser.js";
import { ChatClient, startTestApp, type TestApp } from "../support/test-app.js";

const WORKER_CHAT_ID = "7001";
const DESCRIPTION = "Hàng xóm nhà tôi đánh con rất dã man";
const PHONE = "0912345678";
const NAME = "Chú Bình";
/** Every Decree 56 step in order, from receipt to closure (emergency protection included). */
const STEPS: CaseStatus[] = ["verifying", "emergency_protection", "needs_assessment", "plan_drafted", "plan_approved", "in_progress", "monitoring", "closed"];

type Reply = Awaited<ReturnType<ChatClient["replies"]>>[number];
const texts = (rs: Reply[]) => rs.map((r) => r.message.text ?? "").join("\n");

async function until<T>(get: () => Promise<T | null | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeBrowser("a commune worker works a case from notification to closure", () => {
  let t: TestApp;
  let browser: Browser;
  let worker: { id: string; username: string };

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({ env: { PUBLIC_BASE_URL: "http://caunoi.test" } }), launchBrowser()]);
    const commune = (await t.db.prisma.administrativeUnit.findFirstOrThrow({ where: { level: "commune", name: "Ô Chợ Dừa", provinceCode: "01" } })).code;
    worker = await createStaffAccount(t.db.prisma, {
      username: "xa.ochodua",
      displayName: "Phạm Thu Hà",
      role: "commune_worker",
      provinceCodes: ["01"],
      communeCodes: [commune],
      escalationLevel: "commune",
      notifyChannels: [{ channel: "telegram", userId: WORKER_CHAT_ID }],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** The citizen's report through the web chat, answered step by step like a person would. */
  async function reportThroughWebChat(): Promise<string> {
    const c = await ChatClient.open(t.baseUrl);
    const step = async (text: string, payload: string | undefined, expect: RegExp) => {
      const r = await c.say(text, payload);
      if (!expect.test(texts(r))) throw new Error(`unexpected reply to "${text}": ${texts(r).slice(0, 300)}`);
      return r;
    };
    await step(DESCRIPTION, undefined, /Đây là điều bạn muốn báo tin/);
    await step("Đúng vậy", "r:yes", /tỉnh\/thành phố nào/);
    await step("Hà Nội", undefined, /xã\/phường nào/);
    await step("Ô Chợ Dừa", undefined, /khi nào/);
    await step("Hôm nay", "when:today", /bao nhiêu tuổi/);
    await step("7", undefined, /bé trai hay bé gái/);
    await step("Bé trai", "sex:nam", /nguy hiểm/);
    await step("Không", "danger:no", /Người bị nghi/);
    await step("Hàng xóm", "sus:hang_xom", /ảnh/);
    await step("Không có ảnh", "r:done", /ẩn danh/);
    await step("Để lại số điện thoại", "contact:leave", /Số điện thoại/);
    await step(PHONE, undefined, /gọi bạn là gì/);
    const done = await step(NAME, undefined, /BV-\d{4}-\d{6}/);
    return /BV-\d{4}-\d{6}/.exec(texts(done))![0];
  }

  async function status(page: Page): Promise<string | null> {
    return page.textContent("#case-status");
  }

  it("from the notification link to a closed case, every step on the timeline and in the audit log", async () => {
    const code = await reportThroughWebChat();
    const c = await t.db.prisma.case.findUniqueOrThrow({ where: { code } });

    // The notification the worker got on Telegram (still in the outbox: Telegram is not wired in this test).
    const link = await until(async () => {
      const rows = await t.db.prisma.outboxItem.findMany({ where: { channel: "telegram", recipient: WORKER_CHAT_ID }, orderBy: { id: "asc" } });
      for (const r of rows) {
        const m = decryptJson(r.payloadEnc) as { kind: string; url?: string };
        if (m.kind === "link" && m.url) return m.url;
      }
      return null;
    });
    expect(link).toBe(`http://caunoi.test/console/cases/${c.id}`);
    const path = new URL(link).pathname;

    const mark = await auditMark(t.db.prisma);
    const { context, page } = await newPage(browser);
    try {
      // Not signed in: the console asks to sign in, then returns to the case.
      await page.goto(`${t.baseUrl}${path}`);
      expect(new URL(page.url()).pathname).toBe("/console/login");
      await signIn(page, t.baseUrl, worker.username, TEST_PASSWORD);
      expect(new URL(page.url()).pathname).toBe(path);

      expect(await page.textContent("#case-code")).toBe(code);
      const main = (await page.textContent("main")) ?? "";
      expect(main).toContain("Bạo lực");
      expect(main).toContain("Ô Chợ Dừa");
      expect(main).toContain("Hà Nội");
      expect(main).toContain("Trung bình");
      expect(main).toContain("Lập kế hoạch (5 ngày làm việc)");
      expect(await status(page)).toBe(STATUS_LABELS.received);
      // Private fields, decrypted for this worker (in scope, case.view_private).
      expect(await page.textContent("#case-description")).toBe(DESCRIPTION);
      const priv = (await page.textContent("section.private")) ?? "";
      expect(priv).toContain(PHONE);
      expect(priv).toContain(NAME);
      // The reporter's conversation is on the timeline.
      expect(await page.locator("#timeline li.event-message").count()).toBeGreaterThan(5);
      expect(await page.locator("#timeline li.event-message.msg-in", { hasText: DESCRIPTION }).count()).toBe(1);

      // "Đã nhận" from the console.
      await Promise.all([page.waitForURL(/\?ok=ack$/), page.click("#ack-form button")]);
      expect(await page.textContent("[role=status]")).toContain("Đã xác nhận nhận hồ sơ.");
      expect(await page.locator("#ack-form").count()).toBe(0);
      expect(await page.locator("#timeline li.event-acknowledged").count()).toBe(1);

      // Every Decree 56 step, with a reason each; only the allowed next steps are offered.
      let current: CaseStatus = "received";
      for (const [i, to] of STEPS.entries()) {
        const offered = await page.locator("#status-form input[name=to]").evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
        expect(offered).toEqual(CASE_TRANSITIONS[current].filter((s) => s !== "closed"));
        expect(await page.locator("#close-form").count()).toBe(CASE_TRANSITIONS[current].includes("closed") ? 1 : 0);
        const reason = `Lý do bước ${i + 1}: ${STATUS_LABELS[to]}`;
        if (to === "closed") {
          // Closing has its own form, confirmed in a dialog (accepted by the test page).
          await page.fill("#close-reason", reason);
          await Promise.all([page.waitForURL(/\?ok=status$/), page.click("#close-form button[type=submit]")]);
        } else {
          await page.check(`#to-${to}`);
          await page.fill("#status-reason", reason);
          await Promise.all([page.waitForURL(/\?ok=status$/), page.click("#status-form button[type=submit]")]);
        }
        expect(await status(page)).toBe(STATUS_LABELS[to]);
        current = to;
      }
      expect(await page.locator("#status-form, #close-form").count()).toBe(0);
      expect(await page.textContent("main")).toContain("Hồ sơ đã đóng: không còn bước tiếp theo.");

      // The timeline shows each step with its reason.
      const steps = await page.locator("#timeline li.event-status_changed").allTextContents();
      expect(steps).toHaveLength(STEPS.length);
      for (const [i, to] of STEPS.entries()) {
        expect(steps[i]).toContain(STATUS_LABELS[to]);
        expect(steps[i]).toContain(`Lý do bước ${i + 1}`);
      }
    } finally {
      await context.close();
    }

    const after = await t.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(after).toMatchObject({ status: "closed", assignedStaffId: worker.id });
    expect(after.acknowledgedAt).not.toBeNull();
    expect(after.closedAt).not.toBeNull();

    // The audit log holds every access made in this test: sign-in, each view, each private view, each change.
    const rows = await auditSince(t.db.prisma, mark);
    const mine = rows.filter((r) => r.actor === `staff:${worker.id}`);
    expect(mine.every((r) => r.action === "auth.login_succeeded" || r.entityId === c.id)).toBe(true);
    const count = (action: string) => mine.filter((r) => r.action === action).length;
    expect(count("auth.login_succeeded")).toBe(1);
    expect(count("escalation.acknowledged")).toBe(1);
    expect(count("case.status_changed")).toBe(STEPS.length);
    // One page view after sign-in, one after the acknowledgement, one after each step — each with its private view.
    expect(count("case.view")).toBe(2 + STEPS.length);
    expect(count("case.view_private")).toBe(2 + STEPS.length);
    const firstPrivate = mine.find((r) => r.action === "case.view_private")!;
    expect((firstPrivate.details as { fields: string[] }).fields).toEqual(expect.arrayContaining(["reporterName", "reporterPhone", "description", "conversation"]));
    expect(mine.map((r) => r.action)).toEqual([
      "auth.login_succeeded",
      "case.view",
      "case.view_private",
      "escalation.acknowledged",
      "case.view",
      "case.view_private",
      ...STEPS.flatMap(() => ["case.status_changed", "case.view", "case.view_private"]),
    ]);
    // Field names only: no private value reaches the audit log.
    expect(JSON.stringify(rows)).not.toMatch(new RegExp([DESCRIPTION, PHONE, NAME, "Lý do bước"].join("|")));
  });
});
