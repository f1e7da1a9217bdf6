import { Api } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteTelegramWebhook, setTelegramWebhook } from "../../../src/bots/telegram/setup.js";
import { ok, startFakeBotApi } from "./fake-bot-api.js";

describe("Telegram webhook setup", () => {
  let fake: Awaited<ReturnType<typeof startFakeBotApi>>;
  let api: Api;
  beforeAll(async () => {
    fake = await startFakeBotApi({ setWebhook: () => ok(true), deleteWebhook: () => ok(true) });
    api = new Api("1:SETUP", { apiRoot: fake.apiRoot });
  });
  afterAll(async () => {
    await fake.close();
  });

  it("registers the URL with the secret token and our update types, keeping pending updates", async () => {
    await setTelegramWebhook(api, "https://caunoi.example.vn/webhooks/telegram", "s3cret_token-abcdefgh");
    expect(fake.callsOf("setWebhook")[0]?.body).toEqual({
      url: "https://caunoi.example.vn/webhooks/telegram",
      secret_token: "s3cret_token-abcdefgh",
      allowed_updates: ["message", "callback_query", "my_chat_member"],
      drop_pending_updates: false,
    });
    await deleteTelegramWebhook(api);
    expect(fake.callsOf("deleteWebhook")[0]?.body).toEqual({ drop_pending_updates: false });
  });

  it("refuses http URLs and secrets Telegram would reject", async () => {
    await expect(setTelegramWebhook(api, "http://caunoi.example.vn/webhooks/telegram", "s3cret_token-abcdefgh")).rejects.toThrow(/https/);
    await expect(setTelegramWebhook(api, "https://caunoi.example.vn/webhooks/telegram", "bad secret!")).rejects.toThrow(/secret/);
    expect(fake.callsOf("setWebhook")).toHaveLength(1);
  });
});
