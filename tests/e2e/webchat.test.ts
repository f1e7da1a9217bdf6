import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptJson } from "../../src/crypto/index.js";
import { availableKinds } from "../support/test-db.js";
import { ChatClient, startTestApp, type TestApp } from "../support/test-app.js";

const kinds = await availableKinds();

describe.each(kinds)("web chat end to end on %s", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ kind });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("greets with the main menu and logs every message in the case database", async () => {
    const c = await ChatClient.open(t.baseUrl);
    const first = await c.say("Xin chào");
    expect(first[0]!.message.kind).toBe("choices");
    expect(first[0]!.message.choices!.map((x) => x.label)).toEqual([
      "Hỏi đáp nuôi dạy con", "Báo tin trẻ em cần giúp đỡ", "Ủng hộ / quyên góp", "Báo nhu cầu hỗ trợ", "Tra cứu hồ sơ", "Gặp nhân viên",
    ]);
    const conv = await t.db.prisma.contact.findUniqueOrThrow({ where: { channel_channelUserId: { channel: "webchat", channelUserId: c.sessionId } }, include: { conversation: true } });
    const msgs = await t.db.prisma.message.findMany({ where: { conversationId: conv.conversation!.id }, orderBy: { id: "asc" } });
    expect(msgs.map((m) => m.direction)).toEqual(["in", "out"]);
    expect((decryptJson(msgs[0]!.bodyEnc) as { text: string }).text).toBe("Xin chào");
    expect(msgs[1]!.status).toBe("sent");
  });

  it("routes menu words typed without diacritics and 'huỷ' back to the menu", async () => {
    const c = await ChatClient.open(t.baseUrl);
    await c.say("menu");
    const r = await c.say("ung ho");
    expect(r.length).toBeGreaterThan(0);
    const back = await c.say("huỷ");
    expect(back.at(-1)!.message.kind).toBe("choices");
  });

  it("switches to English on request and back to Vietnamese", async () => {
    const c = await ChatClient.open(t.baseUrl);
    await c.say("Xin chào");
    const en = await c.say("english");
    expect(en.at(-1)!.message.choices!.map((x) => x.label)).toContain("Report a child at risk");
    const contact = await t.db.prisma.contact.findUniqueOrThrow({ where: { channel_channelUserId: { channel: "webchat", channelUserId: c.sessionId } } });
    expect(contact.locale).toBe("en");
    const vi = await c.say("tiếng việt");
    expect(vi.at(-1)!.message.choices!.map((x) => x.label)).toContain("Báo tin trẻ em cần giúp đỡ");
  });

  it("accepts a client's retry of the same message once", async () => {
    const c = await ChatClient.open(t.baseUrl);
    const body = JSON.stringify({ sessionId: c.sessionId, clientMessageId: "retry-12345", text: "menu" });
    const a = await fetch(`${t.baseUrl}/api/chat/messages`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const b = await fetch(`${t.baseUrl}/api/chat/messages`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(await a.json()).toEqual({ accepted: true, duplicate: false });
    expect(await b.json()).toEqual({ accepted: false, duplicate: true });
    await c.replies(1);
    const contact = await t.db.prisma.contact.findUniqueOrThrow({ where: { channel_channelUserId: { channel: "webchat", channelUserId: c.sessionId } }, include: { conversation: true } });
    expect(await t.db.prisma.message.count({ where: { conversationId: contact.conversation!.id, direction: "in" } })).toBe(1);
  });

  it("answers bad input with a clear 4xx and a reason", async () => {
    const bad = await fetch(`${t.baseUrl}/api/chat/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/Malformed JSON/);
    const empty = await fetch(`${t.baseUrl}/api/chat/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sessionId: "x".repeat(20), clientMessageId: "abcdefgh", text: "  " }) });
    expect(empty.status).toBe(400);
    expect((await empty.json()).message).toMatch(/text, payload or location is required/);
    const big = await fetch(`${t.baseUrl}/api/chat/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sessionId: "x".repeat(20), clientMessageId: "abcdefgh", text: "a".repeat(20_000) }) });
    expect(big.status).toBe(413);
    const unknown = await fetch(`${t.baseUrl}/api/nope`);
    expect(unknown.status).toBe(404);
  });

  it("serves the web chat page, health and readiness", async () => {
    const page = await fetch(`${t.baseUrl}/`);
    expect(await page.text()).toContain('lang="vi"');
    expect((await (await fetch(`${t.baseUrl}/healthz`)).json()).status).toBe("ok");
    const ready = await (await fetch(`${t.baseUrl}/readyz`)).json();
    expect(ready).toMatchObject({ status: "ready", database: kind, pendingMigrations: [] });
  });
});
