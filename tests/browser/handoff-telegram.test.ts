/**
 * A hand-off over Telegram, worked in real headless Chromium: the Telegram user (telegram-test-api emulator; the
 * app polls it and sends through its Telegram sender) asks for a person, a 111 operator takes over in the console,
 * replies, sees the user's answer appear in the transcript (refresh script), and hands the conversation back.
 */
import type { Browser } from "playwright-core";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import type { TelegramClient } from "telegram-test-api/lib/modules/telegramClient.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort } from "../bots/telegram/helpers.js";
import { auditMark, auditSince, createStaffAccount, describeBrowser, launchBrowser, newPage, signIn, TEST_PASSWORD } from "../support/browser.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const TOKEN = "777002:HANDOFF-BROWSER-TOKEN";
const USER = 4242;

/** Waits for the bot's next messages to the user's chat (the emulator hands each one out once). */
async function botTexts(client: TelegramClient, until: (all: string[]) => boolean, ms = 15_000): Promise<string[]> {
  const got: string[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // The emulator's getUpdates waits (up to the client's timeout) until the bot has said something.
    const r = await client.getUpdates().catch((err: unknown) => {
      if (err instanceof Error && /did not get new updates/.test(err.message)) return { result: [] };
      throw err;
    });
    for (const u of r.result) got.push(String((u.message as { text?: string }).text ?? ""));
    if (got.length > 0 && until(got)) return got;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`timed out; bot said: ${JSON.stringify(got.map((g) => g.slice(0, 80)))}`);
}
const has = (re: RegExp) => (all: string[]) => all.some((x) => re.test(x));

describeBrowser("hand-off of a Telegram conversation in Chromium", () => {
  let server: TelegramServer;
  let t: TestApp;
  let browser: Browser;
  let user: TelegramClient;
  let operator: { id: string; username: string };

  beforeAll(async () => {
    server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storage: "RAM" });
    await server.start();
    [t, browser] = await Promise.all([
      startTestApp({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "polling", TELEGRAM_API_ROOT: server.config.apiURL } }),
      launchBrowser(),
    ]);
    operator = await createStaffAccount(t.db.prisma, { username: "tongdai.minh", displayName: "Lê Minh", role: "hotline" });
    user = server.getClient(TOKEN, { chatId: USER, userId: USER, firstName: "Người dùng", timeout: 2_000, interval: 50 });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await server?.stop();
  });

  it("user asks for a person → operator takes over, replies, user answers, operator hands back", async () => {
    await user.sendMessage(user.makeMessage("Xin chào"));
    await botTexts(user, (all) => all.length > 0);
    await user.sendMessage(user.makeMessage("gặp nhân viên"));
    await botTexts(user, has(/chuyển yêu cầu của bạn tới nhân viên/));
    const contact = await t.db.prisma.contact.findUniqueOrThrow({ where: { channel_channelUserId: { channel: "telegram", channelUserId: String(USER) } }, include: { conversation: true } });
    const conversationId = contact.conversation!.id;

    const mark = await auditMark(t.db.prisma);
    const { context, page } = await newPage(browser);
    try {
      await signIn(page, t.baseUrl, operator.username, TEST_PASSWORD);
      await page.click("nav a:has-text('Hàng đợi hỗ trợ')");
      expect(new URL(page.url()).pathname).toBe("/console/handoff");
      const waiting = page.locator("#waiting-list li");
      expect(await waiting.count()).toBe(1);
      expect(await waiting.first().textContent()).toContain("Telegram");
      await waiting.first().locator("a").click();
      expect(new URL(page.url()).pathname).toBe(`/console/handoff/${conversationId}`);
      expect(await page.textContent("#conv-state")).toContain("Đang chờ nhân viên");
      expect(await page.locator("#transcript li.msg-in", { hasText: "gặp nhân viên" }).count()).toBe(1);

      // Take over: the user is told a person joined, by name.
      await Promise.all([page.waitForURL(/\?ok=take$/), page.click("#take-form button")]);
      expect(await page.textContent("#conv-state")).toContain("Bạn đang hỗ trợ");
      await botTexts(user, has(/^Nhân viên Lê Minh của Cầu Nối đã tham gia cuộc trò chuyện\./));

      // Reply through the user's own channel.
      const REPLY = "Chào bạn, mình là Minh ở Tổng đài 111. Bạn cứ kể, mình nghe đây.";
      await page.fill("#reply-text", REPLY);
      await Promise.all([page.waitForURL(/\?ok=reply$/), page.click("#reply-form button")]);
      expect(await botTexts(user, has(/Tổng đài 111\. Bạn cứ kể/))).toContain(REPLY);

      // The user answers; the bot stays silent and the open page shows the answer by itself (refresh script).
      const ANSWER = "Em cảm ơn anh, em đang ở nhà bà ngoại";
      await user.sendMessage(user.makeMessage(ANSWER));
      await page.locator("#transcript li.msg-in", { hasText: ANSWER }).waitFor({ timeout: 10_000 });

      // Hand back: the bot is back for the user.
      await Promise.all([page.waitForURL(/\/console\/handoff\?ok=back$/), page.click("#handback-form button")]);
      expect(await page.textContent("[role=status]")).toContain("Đã trả cuộc trò chuyện cho trợ lý tự động.");
      const back = await botTexts(user, has(/^Nhân viên đã kết thúc cuộc trò chuyện\./));
      expect(back.some((x) => /Tổng đài 111\. Bạn cứ kể/.test(x))).toBe(false);
    } finally {
      await context.close();
    }

    const conv = await t.db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(conv).toMatchObject({ handoff: false, handoffStaffId: null, flow: "menu" });
    const staffMsg = await t.db.prisma.message.findFirstOrThrow({ where: { conversationId, author: `staff:${operator.id}`, kind: "text" }, orderBy: { id: "desc" } });
    expect(staffMsg.status).toBe("sent");

    const rows = (await auditSince(t.db.prisma, mark)).filter((r) => r.actor === `staff:${operator.id}`);
    const actions = rows.map((r) => r.action);
    expect(actions[0]).toBe("auth.login_succeeded");
    expect(actions.filter((a) => a === "handoff.list")).toHaveLength(2);
    for (const a of ["handoff.take_over", "handoff.staff_reply", "handoff.hand_back"]) expect(actions.filter((x) => x === a), a).toHaveLength(1);
    // Opening the conversation, and each page after take-over and reply, read the transcript: each read is audited,
    // and so is the refresh that brought the user's answer.
    const views = rows.filter((r) => r.action === "handoff.view_transcript");
    expect(views.length).toBeGreaterThanOrEqual(4);
    expect(views.some((v) => (v.details as { via?: string }).via === "refresh")).toBe(true);
    expect(rows.filter((r) => r.action !== "auth.login_succeeded" && r.action !== "handoff.list").every((r) => r.entityId === conversationId)).toBe(true);
    expect(JSON.stringify(rows)).not.toMatch(/cảm ơn anh|Bạn cứ kể/);
  });
});
