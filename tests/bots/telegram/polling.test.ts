import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { startTelegramPolling } from "../../../src/bots/telegram/polling.js";
import type { InboundEvent } from "../../../src/messaging/inbound.js";
import { ok, startFakeBotApi } from "./fake-bot-api.js";
import { fixture, freePort, testLogger, waitFor } from "./helpers.js";

const TOKEN = "654321:POLL-TOKEN";
const fast = { backoff: { initialMs: 10, maxMs: 50 }, idleDelayMs: 20, timeoutSeconds: 1 };

describe("Telegram polling against telegram-test-api", () => {
  let server: TelegramServer;
  beforeAll(async () => {
    server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storage: "RAM" });
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("delivers a user message and a button tap to ingest exactly once each", async () => {
    const ingested: InboundEvent[][] = [];
    const polling = startTelegramPolling({ token: TOKEN, apiRoot: server.config.apiURL, logger: testLogger, ingest: async (e) => void ingested.push(e), ...fast });
    try {
      const client = server.getClient(TOKEN, { chatId: 42, userId: 42 });
      await client.sendMessage(client.makeMessage("Em cần giúp"));
      await waitFor(() => ingested.length === 1);
      expect(ingested[0]).toEqual([expect.objectContaining({ channel: "telegram", kind: "message", userId: "42", text: "Em cần giúp" })]);
      await client.sendCallback(client.makeCallbackQuery("menu:report"));
      await waitFor(() => ingested.length === 2);
      expect(ingested[1]).toEqual([expect.objectContaining({ kind: "message", userId: "42", payload: "menu:report" })]);
      // Let the loop run a few more rounds: nothing is delivered twice.
      await new Promise((r) => setTimeout(r, 200));
      expect(ingested).toHaveLength(2);
      expect(new Set(ingested.map((e) => e[0]?.externalId)).size).toBe(2);
    } finally {
      await polling.stop();
    }
  });
});

describe("Telegram polling offset semantics (local Bot API that honours offset)", () => {
  function update(id: number, text: string): Update {
    const base = fixture("message-text");
    if (!base.message) throw new Error("fixture");
    return { update_id: id, message: { ...base.message, message_id: id, text } };
  }

  it("advances the offset only after ingest resolved; a failed write is fetched again", async () => {
    const queue: Update[] = [update(500, "một"), update(501, "hai"), update(502, "ba")];
    const fake = await startFakeBotApi({
      deleteWebhook: () => ok(true),
      getUpdates: (body) => {
        const offset = typeof body.offset === "number" ? body.offset : 0;
        return ok(queue.filter((u) => u.update_id >= offset));
      },
    });
    const attempts: string[] = [];
    const stored: string[] = [];
    let failedOnce = false;
    const polling = startTelegramPolling({
      token: TOKEN,
      apiRoot: fake.apiRoot,
      logger: testLogger,
      ...fast,
      ingest: async (events) => {
        const id = events[0]?.externalId ?? "?";
        attempts.push(id);
        if (id === "501" && !failedOnce) {
          failedOnce = true;
          throw new Error("db down");
        }
        stored.push(id);
      },
    });
    try {
      await waitFor(() => stored.length === 3);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await polling.stop();
      await fake.close();
    }
    expect(attempts).toEqual(["500", "501", "501", "502"]);
    expect(stored).toEqual(["500", "501", "502"]);
    const offsets = fake.callsOf("getUpdates").map((c) => c.body.offset);
    // First call without offset; after the failure the poller asks again from 501 (500 is confirmed, 501 is not).
    expect(offsets[0]).toBeUndefined();
    expect(offsets[1]).toBe(501);
    expect(offsets[2]).toBe(503);
    expect(offsets.at(-1)).toBe(503);
    expect(fake.callsOf("getUpdates")[0]?.body).toMatchObject({ allowed_updates: ["message", "callback_query", "my_chat_member"] });
  });

  it("backs off after getUpdates errors and stop() aborts a hanging long poll", async () => {
    let calls = 0;
    const fake = await startFakeBotApi({
      deleteWebhook: () => ok(true),
      getUpdates: async () => {
        calls++;
        if (calls <= 2) return { status: 502, json: { ok: false, error_code: 502, description: "Bad Gateway" } };
        await new Promise((r) => setTimeout(r, 5000)); // a long poll that would hold stop() for 5 s
        return ok([]);
      },
    });
    const polling = startTelegramPolling({ token: TOKEN, apiRoot: fake.apiRoot, logger: testLogger, ingest: async () => {}, ...fast });
    await waitFor(() => calls === 3);
    const start = Date.now();
    await polling.stop();
    expect(Date.now() - start).toBeLessThan(1000);
    await fake.close();
  });
});
