import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGraphClient } from "../../../src/bots/messenger/graph-client.js";
import { classifyGraphFailure, createMessengerSender, messengerDelivery } from "../../../src/bots/messenger/sender.js";
import { logger } from "../../../src/log.js";
import type { OutboundMessage, SendTarget } from "../../../src/messaging/outbound.js";
import { createRateLimiter } from "../../../src/runtime/rate-limiter.js";
import { GRAPH_ERRORS, startFakeGraphApi, type FakeGraphApi } from "../../fakes/graph-api.js";

const HOUR = 3_600_000;
const APP_SECRET = "graph-app-secret";

describe("Messenger sender over HTTP (fake Graph API)", () => {
  let graph: FakeGraphApi & { pageAccessToken: string };
  const fastLimiter = () => createRateLimiter({ perKey: { rate: 1000, burst: 1000 }, global: { rate: 1000, burst: 1000 } });
  const sender = () =>
    createMessengerSender({
      client: createGraphClient({ pageAccessToken: graph.pageAccessToken, graphUrl: graph.url, appSecret: APP_SECRET, timeoutMs: 2000 }),
      logger,
      rateLimiter: fastLimiter(),
    });
  const target = (agoMs: number | null, purpose: SendTarget["purpose"] = "response"): SendTarget => ({
    userId: "7264512398761234",
    lastInboundAt: agoMs === null ? null : new Date(Date.now() - agoMs),
    purpose,
  });

  beforeAll(async () => {
    graph = await startFakeGraphApi({ appSecret: APP_SECRET });
  });
  afterAll(() => graph.close());
  beforeEach(() => {
    graph.requests.length = 0;
  });

  it("sends a reply as RESPONSE with the bearer token and appsecret_proof", async () => {
    const res = await sender().send(target(HOUR), { kind: "text", text: "Xin chào" });
    expect(res).toEqual({ ok: true, platformMessageIds: [expect.stringMatching(/^m_fake_/)] });
    const [req] = graph.requests;
    expect(req?.status).toBe(200);
    expect(req?.authorization).toBe(`Bearer ${graph.pageAccessToken}`);
    expect(req?.query.access_token).toBeUndefined();
    expect(req?.query.appsecret_proof).toMatch(/^[0-9a-f]{64}$/);
    expect(req?.body).toMatchObject({ recipient: { id: "7264512398761234" }, messaging_type: "RESPONSE", message: { text: "Xin chào" } });
  });

  it("sends a notification inside the window as UPDATE", async () => {
    await sender().send(target(HOUR, "notification"), { kind: "text", text: "Cập nhật hồ sơ" });
    expect(graph.requests[0]?.body).toMatchObject({ messaging_type: "UPDATE" });
  });

  it("sends a staff reply after 2 days with MESSAGE_TAG + HUMAN_AGENT, accepted by the fake's window rules", async () => {
    graph.setLastUserMessage("7264512398761234", new Date(Date.now() - 48 * HOUR));
    const res = await sender().send(target(48 * HOUR, "human_agent"), { kind: "text", text: "Chào em, chị là cán bộ" });
    expect(res.ok).toBe(true);
    expect(graph.requests[0]?.body).toMatchObject({ messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
  });

  it("holds back (outsideWindow, no request) after 24 h for bot replies, after 7 days for staff, and with no known last message", async () => {
    for (const t of [target(25 * HOUR), target(8 * 24 * HOUR, "human_agent"), target(null)]) {
      expect(await sender().send(t, { kind: "text", text: "x" })).toMatchObject({ ok: false, retryable: false, outsideWindow: true });
    }
    expect(graph.requests).toHaveLength(0);
  });

  it("maps Meta's own outside-window refusal to outsideWindow", async () => {
    graph.setLastUserMessage("7264512398761234", new Date(Date.now() - 30 * HOUR));
    // Our record says 1 h (stale clock / lost inbound); Meta knows better.
    const res = await sender().send(target(HOUR), { kind: "text", text: "x" });
    expect(res).toMatchObject({ ok: false, retryable: false, outsideWindow: true });
    graph.setLastUserMessage("7264512398761234", new Date());
  });

  it.each([
    ["429 / code 4", GRAPH_ERRORS.rateLimited, { retryable: true }],
    ["code 613", GRAPH_ERRORS.pageRateLimited, { retryable: true }],
    ["5xx", GRAPH_ERRORS.serverError, { retryable: true }],
    ["551 user unavailable", GRAPH_ERRORS.userUnavailable, { retryable: false, blocked: true }],
    ["100 bad parameter", GRAPH_ERRORS.badParam, { retryable: false }],
  ])("classifies %s", async (_name, answer, expected) => {
    graph.script(answer);
    const res = await sender().send(target(HOUR), { kind: "text", text: "x" });
    expect(res).toMatchObject({ ok: false, ...expected });
    expect(graph.requests).toHaveLength(1);
  });

  it("treats a dropped connection as retryable", async () => {
    graph.script({ network: true });
    expect(await sender().send(target(HOUR), { kind: "text", text: "x" })).toMatchObject({ ok: false, retryable: true });
  });

  it("treats a rejected page token as permanent", async () => {
    const bad = createMessengerSender({ client: createGraphClient({ pageAccessToken: "wrong", graphUrl: graph.url, appSecret: APP_SECRET }), logger, rateLimiter: fastLimiter() });
    expect(await bad.send(target(HOUR), { kind: "text", text: "x" })).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining("code 190") });
  });

  it("sends every part of a long message in order and returns every id", async () => {
    const text = Array.from({ length: 150 }, (_, i) => `Câu ${i}.`).join(" ").repeat(3);
    const res = await sender().send(target(HOUR), { kind: "choices", text, choices: [{ id: "a", label: "A" }, { id: "b", label: "B" }, { id: "c", label: "C" }, { id: "d", label: "D" }] });
    expect(res.ok).toBe(true);
    expect(res.ok && res.platformMessageIds.length).toBe(graph.requests.length);
    expect(graph.requests.every((q) => q.status === 200)).toBe(true);
    expect(graph.requests.at(-1)?.body).toMatchObject({ message: { quick_replies: expect.any(Array) } });
  });

  it("renders every kind into requests the fake accepts", async () => {
    const s = sender();
    const kinds: OutboundMessage[] = [
      { kind: "text", text: "a" },
      { kind: "choices", text: "b", choices: [{ id: "x", label: "X" }] },
      { kind: "call_buttons", text: "c", numbers: [{ label: "111", phone: "111" }, { label: "Xã", phone: "0912345678" }] },
      { kind: "link", text: "d", url: "https://example.vn", label: "Mở" },
      { kind: "image", url: "https://example.vn/a.png", alt: "ảnh" },
      { kind: "location_request", text: "Bạn ở đâu?" },
    ];
    for (const m of kinds) expect(await s.send(target(HOUR), m)).toMatchObject({ ok: true });
    expect(graph.requests.every((q) => q.status === 200)).toBe(true);
  });
});

describe("messengerDelivery and classifyGraphFailure", () => {
  const now = new Date("2026-11-23T12:00:00Z");
  const at = (h: number) => new Date(now.getTime() - h * HOUR);
  it("chooses the messaging type by window and purpose", () => {
    expect(messengerDelivery({ userId: "1", lastInboundAt: at(23.9), purpose: "response" }, now)).toEqual({ messaging_type: "RESPONSE" });
    expect(messengerDelivery({ userId: "1", lastInboundAt: at(23.9), purpose: "human_agent" }, now)).toEqual({ messaging_type: "RESPONSE" });
    expect(messengerDelivery({ userId: "1", lastInboundAt: at(24), purpose: "response" }, now)).toBeNull();
    expect(messengerDelivery({ userId: "1", lastInboundAt: at(24), purpose: "human_agent" }, now)).toEqual({ messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
    expect(messengerDelivery({ userId: "1", lastInboundAt: at(168), purpose: "human_agent" }, now)).toBeNull();
  });
  it("classifies codes without HTTP", () => {
    expect(classifyGraphFailure({ status: null })).toMatchObject({ retryable: true });
    expect(classifyGraphFailure({ status: 400, code: 200, subcode: 1545041 })).toMatchObject({ retryable: false, blocked: true });
    expect(classifyGraphFailure({ status: 400, code: 100, subcode: 2018001 })).toMatchObject({ retryable: false, blocked: true });
    expect(classifyGraphFailure({ status: 403, code: 10 })).toEqual({ ok: false, retryable: false, reason: "messenger 403 code 10" });
    expect(classifyGraphFailure({ status: 503 })).toMatchObject({ retryable: true });
    expect(classifyGraphFailure({ status: 429, retryAfterMs: 5000 })).toMatchObject({ retryable: true, retryAfterMs: 5000 });
  });
});
