import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createZaloSender } from "../../../src/bots/zalo/sender.js";
import { createMemoryZaloTokenStore } from "../../../src/bots/zalo/token-store.js";
import { createZaloClient } from "../../../src/bots/zalo/zalo-client.js";
import { logger } from "../../../src/log.js";
import type { OutboundMessage, SendTarget } from "../../../src/messaging/outbound.js";
import { createRateLimiter } from "../../../src/runtime/rate-limiter.js";
import { startFakeZaloApi, ZALO_ERRORS } from "../../fakes/zalo-api.js";

const USER = "246845883529197922";
const target = (agoMs: number | null = 60_000): SendTarget => ({ userId: USER, lastInboundAt: agoMs === null ? null : new Date(Date.now() - agoMs), purpose: "response" });
const text: OutboundMessage = { kind: "text", text: "Xin chào" };
const errorOf = (r: { response: unknown }): unknown => (typeof r.response === "object" && r.response !== null && "error" in r.response ? r.response.error : undefined);

describe("Zalo client and sender over HTTP (fake Zalo API)", () => {
  let zalo: Awaited<ReturnType<typeof startFakeZaloApi>>;
  let store: ReturnType<typeof createMemoryZaloTokenStore>;

  const setup = (opts: { now?: () => Date } = {}) => {
    const client = createZaloClient({ appId: zalo.appId, appSecret: zalo.appSecret, tokenStore: store, logger, apiUrl: zalo.url, oauthUrl: zalo.url, timeoutMs: 2000, ...opts });
    const sender = createZaloSender({ client, logger, rateLimiter: createRateLimiter({ perKey: { rate: 1000, burst: 1000 }, global: { rate: 1000, burst: 1000 } }) });
    return { client, sender };
  };
  const cs = () => zalo.requests.filter((r) => r.kind === "cs");
  const oauth = () => zalo.requests.filter((r) => r.kind === "oauth");

  beforeEach(async () => {
    zalo = await startFakeZaloApi();
    store = createMemoryZaloTokenStore({ accessToken: zalo.accessToken, refreshToken: zalo.refreshToken });
  });
  afterEach(() => zalo.close());

  it("sends with the bare access_token header and returns the message id", async () => {
    const res = await setup().sender.send(target(), text);
    expect(res).toEqual({ ok: true, platformMessageIds: ["zmsg1"] });
    expect(cs()[0]?.headers.access_token).toBe("zat-0");
    expect(cs()[0]?.body).toEqual({ recipient: { user_id: USER }, message: { text: "Xin chào" } });
  });

  it("on -216 refreshes once (form fields + secret_key header), persists the rotated pair, and the retry succeeds", async () => {
    zalo.expireAccessToken();
    const res = await setup().sender.send(target(), text);
    expect(res).toMatchObject({ ok: true });
    expect(cs().map(errorOf)).toEqual([-216, 0]);
    const [refresh] = oauth();
    expect(refresh?.headers.secret_key).toBe(zalo.appSecret);
    expect(refresh?.headers.content_type).toMatch(/^application\/x-www-form-urlencoded/);
    expect(refresh?.body).toEqual({ refresh_token: "zrt-0", app_id: zalo.appId, grant_type: "refresh_token" });
    // The single-use refresh token was replaced by the new one before the retry used the new access token.
    expect(store.snapshot().tokens).toMatchObject({ accessToken: "zat-1", refreshToken: "zrt-1" });
    expect(store.snapshot().tokens?.accessExpiresAt?.getTime()).toBeGreaterThan(Date.now() + 89_000_000);
    expect(cs()[1]?.headers.access_token).toBe("zat-1");
  });

  it("-220 (expired) is handled like -216", async () => {
    zalo.script(ZALO_ERRORS.expiredToken);
    expect(await setup().sender.send(target(), text)).toMatchObject({ ok: true });
    expect(oauth()).toHaveLength(1);
  });

  it("two concurrent sends meeting -216 refresh only once (the second reuses the rotated token)", async () => {
    zalo.expireAccessToken();
    const { sender } = setup();
    const results = await Promise.all([sender.send(target(), text), sender.send(target(), text)]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(oauth()).toHaveLength(1);
    expect(zalo.valid().refreshToken).toBe("zrt-1");
  });

  it("a refused refresh disables the channel with the reason; later sends fail permanently without calling Zalo", async () => {
    zalo.expireAccessToken();
    zalo.failNextRefresh();
    const { sender } = setup();
    expect(await sender.send(target(), text)).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining("disabled") });
    expect(await store.disabledReason()).toMatch(/-14014/);
    const before = zalo.requests.length;
    expect(await sender.send(target(), text)).toMatchObject({ ok: false, retryable: false });
    expect(zalo.requests.length).toBe(before);
  });

  it("a refresh that fails with a 5xx is retryable and keeps the tokens", async () => {
    zalo.expireAccessToken();
    zalo.failNextRefresh({ httpStatus: 502 });
    expect(await setup().sender.send(target(), text)).toMatchObject({ ok: false, retryable: true });
    expect(await store.disabledReason()).toBeNull();
    expect(store.snapshot().tokens?.refreshToken).toBe("zrt-0");
  });

  it("refreshes ahead of expiry", async () => {
    await store.replace({ accessToken: "zat-0", refreshToken: "zrt-0", accessExpiresAt: new Date(Date.now() + 60_000) });
    expect(await setup().sender.send(target(), text)).toMatchObject({ ok: true });
    expect(oauth()).toHaveLength(1);
    expect(cs()[0]?.headers.access_token).toBe("zat-1");
  });

  it.each([
    ["-230 (no interaction in 7 days)", ZALO_ERRORS.notInteracted, { retryable: false, outsideWindow: true }],
    ["-232", ZALO_ERRORS.noInteraction, { retryable: false, outsideWindow: true }],
    ["-213 (not a follower)", ZALO_ERRORS.notFollower, { retryable: false, blocked: true }],
    ["-32 (rate limit)", ZALO_ERRORS.rateLimited, { retryable: true }],
    ["HTTP 503", { httpStatus: 503 }, { retryable: true }],
    ["a dropped connection", { network: true as const }, { retryable: true }],
  ])("maps %s without retrying it", async (_name, answer, expected) => {
    zalo.script(answer);
    expect(await setup().sender.send(target(), text)).toMatchObject({ ok: false, ...expected });
    expect(cs()).toHaveLength(1);
    expect(oauth()).toHaveLength(0);
  });

  it("does not try a user whose last message is over 7 days old", async () => {
    expect(await setup().sender.send(target(8 * 86_400_000), text)).toMatchObject({ ok: false, retryable: false, outsideWindow: true });
    expect(zalo.requests).toHaveLength(0);
  });

  it("renders every kind into bodies the fake accepts", async () => {
    const { sender } = setup();
    const all: OutboundMessage[] = [
      { kind: "text", text: "a" },
      { kind: "choices", text: "b", choices: [{ id: "x", label: "X" }] },
      { kind: "choices", text: "b", choices: Array.from({ length: 8 }, (_, i) => ({ id: `x${i}`, label: `X${i}` })) },
      { kind: "call_buttons", text: "c", numbers: [{ label: "111", phone: "111" }] },
      { kind: "link", text: "d", url: "https://example.vn", label: "Mở" },
      { kind: "image", url: "https://example.vn/a.png", alt: "ảnh", caption: "chú thích" },
      { kind: "location_request", text: "Bạn ở đâu?" },
    ];
    for (const m of all) expect(await sender.send(target(), m)).toMatchObject({ ok: true });
    expect(cs().every((r) => errorOf(r) === 0)).toBe(true);
  });
});
