// Named export of the module file: under NodeNext the package default import is typed as the module namespace.
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTelegramSender } from "../../../src/bots/telegram/sender.js";
import type { SendTarget } from "../../../src/messaging/outbound.js";
import { createRateLimiter } from "../../../src/runtime/rate-limiter.js";
import { fail, ok, sentMessage, startFakeBotApi } from "./fake-bot-api.js";
import { freePort, testLogger } from "./helpers.js";

const TOKEN = "123456:TEST-TOKEN";
const target = (userId: string): SendTarget => ({ userId, lastInboundAt: new Date(), purpose: "response" });

describe("Telegram sender against telegram-test-api", () => {
  let server: TelegramServer;

  beforeAll(async () => {
    server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storage: "RAM" });
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("sends a choices message with an inline keyboard that the user's client sees", async () => {
    const sender = createTelegramSender({ token: TOKEN, apiRoot: server.config.apiURL, logger: testLogger });
    const result = await sender.send(target("1"), {
      kind: "choices",
      text: "Em muốn làm gì?",
      choices: [{ id: "menu:report", label: "Báo cáo" }, { id: "menu:talk", label: "Nói chuyện" }],
    });
    expect(result).toEqual({ ok: true, platformMessageIds: [expect.stringMatching(/^\d+$/)] });
    const client = server.getClient(TOKEN, { chatId: 1 });
    const updates = await client.getUpdates();
    const seen = updates.result.map((u) => u.message);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      text: "Em muốn làm gì?",
      reply_markup: { inline_keyboard: [[{ text: "Báo cáo", callback_data: "menu:report" }], [{ text: "Nói chuyện", callback_data: "menu:talk" }]] },
    });
  });

  it("splits a long text into several messages under 4096 characters", async () => {
    const sender = createTelegramSender({ token: TOKEN, apiRoot: server.config.apiURL, logger: testLogger });
    const text = "Em không có lỗi gì cả, và em xứng đáng được an toàn. ".repeat(170).trim(); // ≈ 9 000 chars
    const result = await sender.send(target("2"), { kind: "text", text });
    if (!result.ok) throw new Error(result.reason);
    expect(result.platformMessageIds).toHaveLength(3);
    const client = server.getClient(TOKEN, { chatId: 2 });
    const texts = (await client.getUpdates()).result.map((u) => String(u.message.text));
    expect(texts).toHaveLength(3);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(4096);
    expect(texts.join(" ")).toBe(text);
  });
});

describe("Telegram sender error classification (local fake Bot API)", () => {
  let messageId = 100;
  let fake: Awaited<ReturnType<typeof startFakeBotApi>>;
  const replies: Record<string, (body: Record<string, unknown>, n: number) => ReturnType<typeof ok>> = {};

  beforeAll(async () => {
    fake = await startFakeBotApi({
      sendMessage: (body, n) => {
        const chat = String(body.chat_id);
        const handler = replies[chat];
        return handler ? handler(body, n) : ok(sentMessage(messageId++, body));
      },
      sendPhoto: (body) => ok({ ...sentMessage(messageId++, body), photo: [] }),
    });
    replies["429"] = () => fail(429, "Too Many Requests: retry after 7", { retry_after: 7 });
    replies["403"] = () => fail(403, "Forbidden: bot was blocked by the user");
    replies["400"] = () => fail(400, "Bad Request: chat not found");
    replies["500"] = () => ({ status: 502, json: { ok: false, error_code: 502, description: "Bad Gateway" } });
    replies["html"] = () => ({ status: 502, json: "<html>bad gateway</html>" });
  });
  afterAll(async () => {
    await fake.close();
  });

  const sender = () => createTelegramSender({ token: TOKEN, apiRoot: fake.apiRoot, logger: testLogger });
  const hello = { kind: "text", text: "Xin chào" } as const;

  it("429 → retryable with retryAfterMs from parameters.retry_after", async () => {
    expect(await sender().send(target("429"), hello)).toEqual({ ok: false, retryable: true, reason: "telegram_429", retryAfterMs: 7000 });
  });

  it("403 blocked by the user → permanent, blocked", async () => {
    expect(await sender().send(target("403"), hello)).toEqual({ ok: false, retryable: false, reason: "telegram_blocked", blocked: true });
  });

  it("other 400s → permanent", async () => {
    expect(await sender().send(target("400"), hello)).toEqual({ ok: false, retryable: false, reason: "telegram_400" });
  });

  it("5xx and non-API replies → retryable", async () => {
    expect(await sender().send(target("500"), hello)).toMatchObject({ ok: false, retryable: true });
    expect(await sender().send(target("html"), hello)).toMatchObject({ ok: false, retryable: true });
  });

  it("network failure → retryable", async () => {
    const down = createTelegramSender({ token: TOKEN, apiRoot: `http://127.0.0.1:${await freePort()}`, logger: testLogger });
    expect(await down.send(target("1"), hello)).toEqual({ ok: false, retryable: true, reason: "telegram_network" });
  });

  it("sends images with sendPhoto and the caption", async () => {
    const result = await sender().send(target("7"), { kind: "image", url: "https://example.org/qr.png", alt: "Mã QR", caption: "Quét mã" });
    expect(result.ok).toBe(true);
    expect(fake.callsOf("sendPhoto").at(-1)?.body).toMatchObject({ chat_id: "7", photo: "https://example.org/qr.png", caption: "Quét mã" });
  });

  it("a render error (choice id over 64 bytes) is a permanent failure, nothing is sent", async () => {
    const before = fake.calls.length;
    const result = await sender().send(target("8"), { kind: "choices", text: "?", choices: [{ id: "đ".repeat(40), label: "x" }] });
    expect(result).toEqual({ ok: false, retryable: false, reason: "render_failed" });
    expect(fake.calls.length).toBe(before);
  });

  it("retries a 429 on a later part in-process instead of failing half a message", async () => {
    let calls = 0;
    replies["split"] = (body) => {
      calls++;
      return calls === 2 ? fail(429, "Too Many Requests: retry after 0", { retry_after: 0 }) : ok(sentMessage(messageId++, body));
    };
    const slept: number[] = [];
    const s = createTelegramSender({
      token: TOKEN,
      apiRoot: fake.apiRoot,
      logger: testLogger,
      clock: { now: () => Date.now(), sleep: async (ms) => void slept.push(ms) },
      limiter: createRateLimiter({ perKey: { rate: 1000, burst: 100 }, global: { rate: 1000, burst: 100 } }),
    });
    const result = await s.send(target("split"), { kind: "text", text: "Câu một. ".repeat(1000).trim() });
    if (!result.ok) throw new Error(result.reason);
    expect(result.platformMessageIds.length).toBeGreaterThan(1);
    expect(calls).toBe(result.platformMessageIds.length + 1);
    expect(slept).toEqual([0]);
  });

  it("spaces messages to one chat by the per-chat limit", async () => {
    const s = createTelegramSender({
      token: TOKEN,
      apiRoot: fake.apiRoot,
      logger: testLogger,
      limiter: createRateLimiter({ perKey: { rate: 10, burst: 1 }, global: { rate: 30, burst: 30 } }),
    });
    const start = Date.now();
    await Promise.all([1, 2, 3].map(() => s.send(target("9"), hello)));
    expect(Date.now() - start).toBeGreaterThanOrEqual(180);
  });
});
