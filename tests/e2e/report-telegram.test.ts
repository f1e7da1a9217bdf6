/**
 * A report end to end over real HTTP with the Telegram Bot API emulator (telegram-test-api): citizen A reports through
 * the bot (the app polls the emulator for updates and sends replies through the outbox's Telegram sender); commune
 * worker B, on another Telegram account, gets the notification, taps "Đã nhận", and the case timeline shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import type { TelegramClient } from "telegram-test-api/lib/modules/telegramClient.js";
import { freePort } from "../bots/telegram/helpers.js";
import { makeStaff } from "../cases/helpers.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const TOKEN = "777001:REPORT-E2E-TOKEN";
const A = 1001; // citizen
const B = 2002; // commune worker (Phường Ô Chợ Dừa, Hà Nội)
const H = 3003; // 111 operator

interface BotMsg {
  text: string;
  buttons: { text: string; callback_data?: string; url?: string }[];
}

/** Waits for the bot's next messages to one chat (the emulator marks them read as they are fetched). */
async function botMessages(client: TelegramClient, until: (all: BotMsg[]) => boolean, ms = 20_000): Promise<BotMsg[]> {
  const got: BotMsg[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const r = await client.getUpdates();
    for (const u of r.result) {
      const m = u.message as { text?: string; reply_markup?: { inline_keyboard?: { text: string; callback_data?: string; url?: string }[][] } };
      got.push({ text: String(m.text ?? ""), buttons: (m.reply_markup?.inline_keyboard ?? []).flat() });
    }
    if (got.length > 0 && until(got)) return got;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`timed out; bot said: ${JSON.stringify(got.map((g) => g.text.slice(0, 80)))}`);
}

describe("a report through Telegram reaches the commune worker, who acknowledges it", () => {
  let server: TelegramServer;
  let t: TestApp;
  let a: TelegramClient;
  let b: TelegramClient;
  let h: TelegramClient;

  beforeAll(async () => {
    server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storage: "RAM" });
    await server.start();
    t = await startTestApp({
      env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: "polling", TELEGRAM_API_ROOT: server.config.apiURL, PUBLIC_BASE_URL: "https://caunoi.example" },
    });
    const commune = (await t.db.prisma.administrativeUnit.findFirstOrThrow({ where: { level: "commune", name: "Ô Chợ Dừa", provinceCode: "01" } })).code;
    await makeStaff(t.db.prisma, "ocd-worker-b", "commune", { communeCodes: [commune] }, [{ channel: "telegram", userId: String(B) }]);
    await makeStaff(t.db.prisma, "hotline-h", "hotline", {}, [{ channel: "telegram", userId: String(H) }]);
    a = server.getClient(TOKEN, { chatId: A, userId: A, firstName: "Citizen" });
    b = server.getClient(TOKEN, { chatId: B, userId: B, firstName: "Worker" });
    h = server.getClient(TOKEN, { chatId: H, userId: H, firstName: "Operator" });
  });
  afterAll(async () => {
    await t?.close();
    await server?.stop();
  });

  const say = async (text: string, until: (all: BotMsg[]) => boolean) => {
    await a.sendMessage(a.makeMessage(text));
    return botMessages(a, until);
  };
  const tap = async (data: string, until: (all: BotMsg[]) => boolean) => {
    await a.sendCallback(a.makeCallbackQuery(data));
    return botMessages(a, until);
  };
  const has = (re: RegExp) => (all: BotMsg[]) => all.some((m) => re.test(m.text));

  it("citizen A reports; worker B is notified without any identity and acknowledges", async () => {
    const DESCRIPTION = "Hàng xóm nhà tôi đánh con rất dã man";
    const offer = await say(DESCRIPTION, has(/Đây là điều bạn muốn báo tin/));
    expect(offer.flatMap((m) => m.buttons.map((x) => x.callback_data))).toEqual(expect.arrayContaining(["r:yes", "r:edit", "r:no"]));
    await tap("r:yes", has(/tỉnh\/thành phố nào/));
    await say("Hà Nội", has(/xã\/phường nào/));
    await say("Ô Chợ Dừa", has(/khi nào/));
    await tap("when:today", has(/bao nhiêu tuổi/));
    await say("7", has(/bé trai hay bé gái/));
    await tap("sex:nam", has(/nguy hiểm/));
    await tap("danger:no", has(/Người bị nghi/));
    await tap("sus:hang_xom", has(/ảnh/));
    await tap("r:done", has(/ẩn danh/));
    const done = await tap("contact:anon", has(/mã hồ sơ: BV-\d{4}-\d{6}/));
    const code = /BV-\d{4}-\d{6}/.exec(done.map((m) => m.text).join("\n"))![0];

    // Worker B's notification: code, commune, category, risk — and nothing that identifies anyone.
    const note = await botMessages(b, (all) => all.some((m) => m.text.includes(code)) && all.some((m) => m.buttons.some((x) => x.url)));
    const main = note.find((m) => m.text.includes("Mã hồ sơ"))!;
    expect(main.text).toContain(code);
    expect(main.text).toContain("Ô Chợ Dừa");
    expect(main.text).toContain("Bạo lực");
    expect(main.text).toContain("Trung bình");
    const all = JSON.stringify(note);
    for (const s of [DESCRIPTION, "Hàng xóm", "Citizen", String(A), "7 tuổi", "hang_xom"]) expect(all, s).not.toContain(s);
    const ack = main.buttons.find((x) => x.text === "Đã nhận")!;
    expect(ack.callback_data).toMatch(/^ack:[0-9a-f-]{36}$/);
    const c = await t.db.prisma.case.findUniqueOrThrow({ where: { code } });
    expect(note.flatMap((m) => m.buttons).some((x) => x.url === `https://caunoi.example/console/cases/${c.id}`)).toBe(true);

    // 111 got it too.
    const hotline = await botMessages(h, (all) => all.some((m) => m.text.includes(code)));
    expect(hotline[0]!.text).toContain("Tổng đài 111");

    // B taps "Đã nhận".
    await b.sendCallback(b.makeCallbackQuery(ack.callback_data!));
    await botMessages(b, has(/Đã ghi nhận\. Cảm ơn anh\/chị\./));

    const events = await t.db.prisma.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.type, (e.data as { level?: string }).level ?? null])).toEqual([
      ["received", null],
      ["escalation_sent", "commune"],
      ["escalation_sent", "hotline"],
      ["acknowledged", "commune"],
    ]);
    const after = await t.db.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.acknowledgedAt).not.toBeNull();
    expect(after).toMatchObject({ category: "bao_luc", riskLevel: "medium", anonymous: true, childAge: 7, childSex: "nam", suspectRelation: "hang_xom", reporterChannel: "telegram" });
  });
});
