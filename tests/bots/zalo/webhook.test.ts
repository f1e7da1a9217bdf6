import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { zaloVerificationMeta } from "../../../src/bots/zalo/verification.js";
import { createZaloWebhook, verifyZaloSignature, zaloSignature } from "../../../src/handlers/webhooks/zalo.js";
import { logger } from "../../../src/log.js";
import type { InboundEvent } from "../../../src/messaging/inbound.js";
import { serveRouter } from "../../fakes/http.js";

const APP_ID = "360846524940903967";
const OA_SECRET = "oa-secret-key-abcdef";
const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/zalo/${name}`, import.meta.url), "utf8");
const timestampOf = (raw: string): string => z.object({ timestamp: z.string() }).parse(JSON.parse(raw)).timestamp;
/** The documented formula, computed independently of the code under test. */
const sign = (raw: string, secret = OA_SECRET, appId = APP_ID): string =>
  createHash("sha256").update(`${appId}${raw}${timestampOf(raw)}${secret}`, "utf8").digest("hex");

describe("Zalo webhook over HTTP", () => {
  const batches: InboundEvent[][] = [];
  let failIngest = false;
  let server: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    server = await serveRouter(
      createZaloWebhook({
        appId: APP_ID,
        oaSecretKey: OA_SECRET,
        logger,
        siteVerification: "AbC-12_xyZ",
        ingest: async (events) => {
          if (failIngest) throw new Error("db down");
          batches.push(events);
        },
      }),
    );
  });
  afterAll(() => server.close());
  beforeEach(() => {
    batches.length = 0;
    failIngest = false;
  });

  const post = (raw: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/webhooks/zalo`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: raw });

  describe("signature", () => {
    const raw = fixture("user_send_text.json");
    it("accepts the bare hex signature", async () => {
      const res = await post(raw, { "x-zevent-signature": sign(raw) });
      expect(res.status).toBe(200);
      expect(batches[0]).toMatchObject([{ kind: "message", channel: "zalo", externalId: "96d3cdf3af150460909", userId: "246845883529197922" }]);
    });
    it("accepts the mac= form", async () => {
      expect((await post(raw, { "x-zevent-signature": `mac=${sign(raw)}` })).status).toBe(200);
      expect((await post(raw, { "x-zevent-signature": `mac = ${sign(raw).toUpperCase()}` })).status).toBe(200);
    });
    it.each([
      ["wrong key", () => ({ "x-zevent-signature": sign(raw, "App-Secret-instead") })],
      ["wrong app id", () => ({ "x-zevent-signature": sign(raw, OA_SECRET, "999") })],
      ["missing", () => ({})],
      ["empty", () => ({ "x-zevent-signature": "" })],
      ["mac= only", () => ({ "x-zevent-signature": "mac=" })],
      ["HMAC instead of plain sha256", () => ({ "x-zevent-signature": createHash("sha256").update(raw).digest("hex") })],
    ])("answers 401 to a %s signature without echoing the expected one", async (_name, headers) => {
      const res = await post(raw, headers());
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain(sign(raw));
      expect(batches).toHaveLength(0);
    });
    it("answers 401 when the body has no timestamp to verify with", async () => {
      const noTs = JSON.stringify({ app_id: APP_ID, event_name: "user_send_text", sender: { id: "1" }, message: { text: "x", msg_id: "1" } });
      const sig = createHash("sha256").update(`${APP_ID}${noTs}${OA_SECRET}`).digest("hex");
      expect((await post(noTs, { "x-zevent-signature": sig })).status).toBe(401);
    });
    it("signs the raw bytes: the same JSON re-serialised does not verify", () => {
      const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw)));
      const parts = { appId: APP_ID, timestamp: timestampOf(raw), oaSecretKey: OA_SECRET };
      expect(verifyZaloSignature({ ...parts, rawBody: reserialised }, sign(raw))).toBe(false);
      expect(verifyZaloSignature({ ...parts, rawBody: Buffer.from(raw) }, sign(raw))).toBe(true);
      expect(zaloSignature({ ...parts, rawBody: Buffer.from(raw) })).toBe(sign(raw));
    });
    it("refuses to be created without the OA secret key", () => {
      expect(() => createZaloWebhook({ appId: APP_ID, oaSecretKey: "", logger, ingest: async () => {} })).toThrow(/OA_SECRET_KEY/);
    });
  });

  describe("events", () => {
    const send = async (name: string) => {
      const raw = fixture(name);
      const res = await post(raw, { "x-zevent-signature": sign(raw) });
      expect(res.status).toBe(200);
      return batches.at(-1);
    };
    it("an admin's echo (sender.admin_id) → human takeover", async () => {
      expect(await send("oa_send_text_admin.json")).toEqual([
        { channel: "zalo", kind: "human_takeover", active: true, userId: "246845883529197922", externalId: "a1b2c3d4e5f60001", occurredAt: new Date(1763900009123) },
      ]);
    });
    it("our own API echo is acknowledged and ignored", async () => {
      const before = batches.length;
      const raw = fixture("oa_send_text_api.json");
      expect((await post(raw, { "x-zevent-signature": sign(raw) })).status).toBe(200);
      expect(batches.length).toBe(before);
    });
    it("receipts, follow and unfollow", async () => {
      expect(await send("user_received_message.json")).toMatchObject([{ kind: "receipt", status: "delivered", messageIds: ["zmsg1"], userId: "246845883529197922" }]);
      expect(await send("user_seen_message.json")).toMatchObject([{ kind: "receipt", status: "read", messageIds: ["zmsg1", "zmsg2"] }]);
      expect(await send("follow.json")).toMatchObject([{ kind: "reachability", blocked: false, externalId: "follow:246845883529197922:1763900004123" }]);
      expect(await send("unfollow.json")).toMatchObject([{ kind: "reachability", blocked: true }]);
    });
    it("a redelivered event is passed on again with the same externalId (the inbox de-duplicates)", async () => {
      const a = await send("user_send_image.json");
      const b = await send("user_send_image.json");
      expect(b?.[0]?.externalId).toBe(a?.[0]?.externalId);
    });
    it("answers 400 to a signed body of the wrong shape", async () => {
      const raw = JSON.stringify({ app_id: APP_ID, timestamp: "1763900000000", event_name: 42 });
      expect((await post(raw, { "x-zevent-signature": sign(raw) })).status).toBe(400);
    });
    it("answers 503 when the durable write fails", async () => {
      failIngest = true;
      const raw = fixture("user_send_text.json");
      expect((await post(raw, { "x-zevent-signature": sign(raw) })).status).toBe(503);
    });
    it("answers 413 to a body over 1 MB", async () => {
      const raw = JSON.stringify({ timestamp: "1", event_name: "user_send_text", pad: "x".repeat(1_100_000) });
      expect((await post(raw, { "x-zevent-signature": sign(raw) })).status).toBe(413);
    });
    it("answers well within Zalo's 2 s budget", async () => {
      const raw = fixture("user_send_text.json");
      const started = Date.now();
      await post(raw, { "x-zevent-signature": sign(raw) });
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });

  describe("domain verification", () => {
    it("serves the verifier file for the configured code only", async () => {
      const ok = await fetch(`${server.url}/zalo_verifierAbC-12_xyZ.html`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('<meta name="zalo-platform-site-verification" content="AbC-12_xyZ" />');
      expect((await fetch(`${server.url}/zalo_verifierOTHER.html`)).status).toBe(404);
    });
    it("builds an escaped meta tag, empty without a token", () => {
      expect(zaloVerificationMeta("abc")).toBe('<meta name="zalo-platform-site-verification" content="abc" />');
      expect(zaloVerificationMeta('a"><script>')).toBe('<meta name="zalo-platform-site-verification" content="a&quot;&gt;&lt;script&gt;" />');
      expect(zaloVerificationMeta()).toBe("");
    });
  });
});
