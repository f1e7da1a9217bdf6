import type { Server } from "node:http";
import express from "express";
import { Api } from "grammy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTelegramWebhook, TELEGRAM_WEBHOOK_PATH } from "../../../src/handlers/webhooks/telegram.js";
import type { InboundEvent } from "../../../src/messaging/inbound.js";
import { ok, startFakeBotApi } from "./fake-bot-api.js";
import { baseUrl, fixture, testLogger, waitFor } from "./helpers.js";

const SECRET = "test_secret-0123456789abcdef";

describe("POST /webhooks/telegram", () => {
  let server: Server;
  let url: string;
  let fakeApi: Awaited<ReturnType<typeof startFakeBotApi>>;
  let ingested: InboundEvent[][] = [];
  let failIngest = false;

  beforeAll(async () => {
    fakeApi = await startFakeBotApi({ answerCallbackQuery: () => ok(true) });
    const app = express();
    app.use(
      createTelegramWebhook({
        secretToken: SECRET,
        ingest: async (events) => {
          if (failIngest) throw new Error("db down");
          ingested.push(events);
        },
        api: new Api("123:TEST", { apiRoot: fakeApi.apiRoot }),
        logger: testLogger,
      }),
    );
    server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    url = `${baseUrl(server)}${TELEGRAM_WEBHOOK_PATH}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fakeApi.close();
  });
  afterEach(() => {
    ingested = [];
    failIngest = false;
  });

  const post = (body: string, secret?: string, contentType = "application/json") =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": contentType, ...(secret !== undefined ? { "x-telegram-bot-api-secret-token": secret } : {}) },
      body,
    });

  it("refuses a missing, wrong or empty secret with 401 and never ingests", async () => {
    const body = JSON.stringify(fixture("message-text"));
    expect((await post(body)).status).toBe(401);
    expect((await post(body, "wrong")).status).toBe(401);
    expect((await post(body, `${SECRET}x`)).status).toBe(401);
    expect((await post(body, "")).status).toBe(401);
    expect(ingested).toEqual([]);
  });

  it("answers 400 with a reason for bad JSON or a body that is not an update", async () => {
    const badJson = await post("{not json", SECRET);
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: "bad_request", reason: expect.stringContaining("JSON") });
    const notUpdate = await post(JSON.stringify({ hello: "world" }), SECRET);
    expect(notUpdate.status).toBe(400);
    expect(await notUpdate.json()).toMatchObject({ reason: expect.stringContaining("update_id") });
    expect((await post(JSON.stringify({ update_id: "7" }), SECRET)).status).toBe(400);
    expect((await post(JSON.stringify([1, 2]), SECRET)).status).toBe(400);
    expect((await post("update_id=1", SECRET, "application/x-www-form-urlencoded")).status).toBe(400);
    expect(ingested).toEqual([]);
  });

  it("ingests a valid update once, then answers 200", async () => {
    const res = await post(JSON.stringify(fixture("message-text")), SECRET);
    expect(res.status).toBe(200);
    expect(ingested).toHaveLength(1);
    expect(ingested[0]).toEqual([
      expect.objectContaining({ channel: "telegram", kind: "message", externalId: "815734001", userId: "123456789", text: "Em cần giúp đỡ" }),
    ]);
  });

  it("answers 200 without ingesting for updates we ignore", async () => {
    const res = await post(JSON.stringify(fixture("edited-message")), SECRET);
    expect(res.status).toBe(200);
    expect(ingested).toEqual([]);
  });

  it("answers 503 when the durable write fails, so Telegram re-delivers", async () => {
    failIngest = true;
    const res = await post(JSON.stringify(fixture("message-text")), SECRET);
    expect(res.status).toBe(503);
  });

  it("acknowledges a callback query after storing it", async () => {
    const before = fakeApi.callsOf("answerCallbackQuery").length;
    const res = await post(JSON.stringify(fixture("callback-query")), SECRET);
    expect(res.status).toBe(200);
    expect(ingested[0]?.[0]).toMatchObject({ payload: "menu:report" });
    await waitFor(() => fakeApi.callsOf("answerCallbackQuery").length > before);
    expect(fakeApi.callsOf("answerCallbackQuery").at(-1)?.body).toMatchObject({ callback_query_id: "4382bfdwdsb323b2d9" });
  });

  it("cannot be created without a proper secret", () => {
    const base = { ingest: async () => {}, logger: testLogger };
    expect(() => createTelegramWebhook({ ...base, secretToken: "" })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(() => createTelegramWebhook({ ...base, secretToken: "short" })).toThrow();
    expect(() => createTelegramWebhook({ ...base, secretToken: "has spaces in it and is long" })).toThrow();
  });
});
