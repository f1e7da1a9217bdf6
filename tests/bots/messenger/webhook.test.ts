import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import express from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { logger } from "../../../src/log.js";
import type { InboundEvent } from "../../../src/messaging/inbound.js";
import { createMessengerWebhook, verifyMessengerSignature } from "../../../src/handlers/webhooks/messenger.js";
import { serveRouter } from "../../fakes/http.js";

const APP_SECRET = "test-app-secret-0123456789";
const VERIFY_TOKEN = "verify-me-please";
const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/messenger/${name}`, import.meta.url), "utf8");
const sign = (raw: string, secret = APP_SECRET): string => `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;

describe("Messenger webhook over HTTP", () => {
  const batches: InboundEvent[][] = [];
  let failIngest = false;
  let server: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    const router = createMessengerWebhook({
      verifyToken: VERIFY_TOKEN,
      appSecret: APP_SECRET,
      logger,
      ingest: async (events) => {
        if (failIngest) throw new Error("db down");
        batches.push(events);
      },
    });
    server = await serveRouter(router);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    batches.length = 0;
    failIngest = false;
  });

  const post = (raw: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/webhooks/messenger`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: raw });

  describe("GET handshake", () => {
    it("answers 200 with the raw hub.challenge for the right token and mode=subscribe", async () => {
      const res = await fetch(`${server.url}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("1158201444");
    });
    it("refuses a wrong token with 403", async () => {
      const res = await fetch(`${server.url}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=123`);
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain("123");
    });
    it("refuses another mode and a missing challenge with 403", async () => {
      expect((await fetch(`${server.url}/webhooks/messenger?hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).status).toBe(403);
      expect((await fetch(`${server.url}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`)).status).toBe(403);
      expect((await fetch(`${server.url}/webhooks/messenger`)).status).toBe(403);
    });
  });

  describe("POST signature", () => {
    const raw = fixture("text.json");
    it("accepts the right X-Hub-Signature-256 and answers EVENT_RECEIVED after ingest", async () => {
      const res = await post(raw, { "x-hub-signature-256": sign(raw) });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("EVENT_RECEIVED");
      expect(batches).toHaveLength(1);
      expect(batches[0]?.[0]).toMatchObject({ channel: "messenger", kind: "message", externalId: "m_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij" });
    });
    it.each([
      ["wrong", { "x-hub-signature-256": sign(raw, "another-secret") }],
      ["missing", {}],
      ["empty", { "x-hub-signature-256": "" }],
      ["prefix only", { "x-hub-signature-256": "sha256=" }],
      ["not hex", { "x-hub-signature-256": `sha256=${"z".repeat(64)}` }],
      ["legacy sha1 only", { "x-hub-signature": `sha1=${createHmac("sha1", APP_SECRET).update(raw).digest("hex")}` }],
      ["signature of another body", { "x-hub-signature-256": sign(`${raw} `) }],
    ])("answers 401 to a %s signature and never echoes the expected one", async (_name, headers) => {
      const res = await post(raw, headers);
      expect(res.status).toBe(401);
      const body = await res.text();
      expect(body).not.toContain(sign(raw).slice(7));
      expect(batches).toHaveLength(0);
    });
    it("verifies the exact raw bytes (re-serialised JSON would not match)", () => {
      const reserialised = JSON.stringify(JSON.parse(raw));
      expect(verifyMessengerSignature(Buffer.from(reserialised), sign(raw), APP_SECRET)).toBe(false);
      expect(verifyMessengerSignature(Buffer.from(raw), sign(raw), APP_SECRET)).toBe(true);
      expect(verifyMessengerSignature(Buffer.from(raw), sign(raw), "")).toBe(false);
    });
    it("refuses to be created without an app secret or verify token", () => {
      expect(() => createMessengerWebhook({ verifyToken: VERIFY_TOKEN, appSecret: "", logger, ingest: async () => {} })).toThrow(/APP_SECRET/);
      expect(() => createMessengerWebhook({ verifyToken: "", appSecret: APP_SECRET, logger, ingest: async () => {} })).toThrow(/VERIFY_TOKEN/);
    });
  });

  describe("POST body", () => {
    it("ingests every event of every entry, in order (2 entries × 2 events)", async () => {
      const raw = fixture("batch.json");
      const res = await post(raw, { "x-hub-signature-256": sign(raw) });
      expect(res.status).toBe(200);
      expect(batches).toHaveLength(1);
      expect(batches[0]?.map((e) => e.externalId)).toEqual(["m_batch_1", "m_batch_2", "m_batch_3", "rd:5511223344556677:1763900008000"]);
      expect(batches[0]?.map((e) => e.kind)).toEqual(["message", "message", "message", "receipt"]);
    });
    it("passes a redelivered body through again with the same externalIds (de-duplication is the inbox's job)", async () => {
      const raw = fixture("batch.json");
      await post(raw, { "x-hub-signature-256": sign(raw) });
      await post(raw, { "x-hub-signature-256": sign(raw) });
      expect(batches).toHaveLength(2);
      expect(batches[1]?.map((e) => e.externalId)).toEqual(batches[0]?.map((e) => e.externalId));
    });
    it("ingests delivery and read receipts", async () => {
      for (const name of ["delivery.json", "read.json"]) {
        const raw = fixture(name);
        expect((await post(raw, { "x-hub-signature-256": sign(raw) })).status).toBe(200);
      }
      expect(batches.flat()).toMatchObject([
        { kind: "receipt", status: "delivered", externalId: "dl:7264512398761234:1763900005900", messageIds: ["m_fake_1", "m_fake_2"] },
        { kind: "receipt", status: "read", externalId: "rd:7264512398761234:1763900006900" },
      ]);
    });
    it("acknowledges an echo without ingesting anything", async () => {
      const raw = fixture("echo.json");
      const res = await post(raw, { "x-hub-signature-256": sign(raw) });
      expect(res.status).toBe(200);
      expect(batches).toHaveLength(0);
    });
    it("answers 400 with a reason to a signed body of the wrong shape", async () => {
      const raw = JSON.stringify({ object: "page", entry: [{ id: "1", messaging: [{ sender: {} }] }] });
      const res = await post(raw, { "x-hub-signature-256": sign(raw) });
      expect(res.status).toBe(400);
      expect(z.object({ message: z.string() }).parse(await res.json()).message).toMatch(/entry\.0\.messaging\.0/);
    });
    it("answers 400 to signed non-JSON", async () => {
      const raw = "not json";
      expect((await post(raw, { "x-hub-signature-256": sign(raw) })).status).toBe(400);
    });
    it("answers 503 when the durable write fails, so Meta redelivers", async () => {
      failIngest = true;
      const raw = fixture("text.json");
      expect((await post(raw, { "x-hub-signature-256": sign(raw) })).status).toBe(503);
    });
    it("answers 413 to a body over 1 MB", async () => {
      const raw = JSON.stringify({ object: "page", entry: [], pad: "x".repeat(1_100_000) });
      expect((await post(raw, { "x-hub-signature-256": sign(raw) })).status).toBe(413);
    });
  });

  it("answers 503 (not 200) when mounted after a JSON parser, because the signed bytes are gone", async () => {
    const router = createMessengerWebhook({ verifyToken: VERIFY_TOKEN, appSecret: APP_SECRET, logger, ingest: async () => {} });
    const mismounted = await serveRouter(router, express.json());
    try {
      const raw = fixture("text.json");
      const res = await fetch(`${mismounted.url}/webhooks/messenger`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sign(raw) }, body: raw });
      expect(res.status).toBe(503);
    } finally {
      await mismounted.close();
    }
  });
});
