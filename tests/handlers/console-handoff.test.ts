/**
 * The hand-off section over real HTTP with a web chat user: who may open it, the queue, the audited transcript and
 * its refresh API, one holder at a time (a second operator gets the reason, not a crash), CSRF on every action.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditMark, auditSince, createStaffAccount, TEST_PASSWORD } from "../support/browser.js";
import { availableKinds } from "../support/test-db.js";
import { ChatClient, startTestApp, type TestApp } from "../support/test-app.js";

const kinds = await availableKinds();

interface Session {
  cookie: string;
  csrf: string;
}

describe.each(kinds)("console hand-off over HTTP on %s", (kind) => {
  let t: TestApp;
  const staff: Record<string, { id: string; username: string }> = {};

  async function login(username: string): Promise<Session> {
    const res = await fetch(`${t.baseUrl}/console/login`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ username, password: TEST_PASSWORD }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("cn_session="))!.split(";")[0]!;
    return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
  }
  const get = (s: Session, path: string, accept = "text/html") => fetch(`${t.baseUrl}${path}`, { headers: { cookie: s.cookie, accept }, redirect: "manual" });
  const post = (s: Session, path: string, form: Record<string, string> = {}, csrf: string | null = s.csrf) =>
    fetch(`${t.baseUrl}${path}`, { method: "POST", redirect: "manual", headers: { cookie: s.cookie, accept: "text/html", "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ ...form, ...(csrf ? { _csrf: csrf } : {}) }) });

  async function waitingUser(): Promise<{ c: ChatClient; conversationId: string }> {
    const c = await ChatClient.open(t.baseUrl);
    await c.say("Xin chào");
    await c.say("gặp nhân viên", undefined, 2);
    const contact = await t.db.prisma.contact.findUniqueOrThrow({ where: { channel_channelUserId: { channel: "webchat", channelUserId: c.sessionId } }, include: { conversation: true } });
    return { c, conversationId: contact.conversation!.id };
  }

  beforeAll(async () => {
    t = await startTestApp({ kind });
    const p = t.db.prisma;
    staff.lan = await createStaffAccount(p, { username: "lan", displayName: "Lan", role: "hotline" });
    staff.minh = await createStaffAccount(p, { username: "minh", displayName: "Minh", role: "hotline" });
    staff.worker = await createStaffAccount(p, { username: "xa-ocd", displayName: "Xã", role: "commune_worker", provinceCodes: ["01"], communeCodes: ["00235"] });
    staff.admin = await createStaffAccount(p, { username: "quantri", displayName: "Quản trị", role: "admin" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("is open to 111 operators only", async () => {
    for (const u of ["xa-ocd", "quantri"]) {
      const s = await login(u);
      expect((await get(s, "/console/handoff")).status, u).toBe(403);
      expect((await get(s, "/console/api/handoff/00000000-0000-4000-8000-000000000000/messages", "application/json")).status, u).toBe(403);
    }
    const s = await login("lan");
    expect((await get(s, "/console/handoff")).status).toBe(200);
    expect((await get(s, "/console/handoff/not-a-uuid")).status).toBe(404);
    expect((await post(s, "/console/handoff/00000000-0000-4000-8000-000000000000/take")).status).toBe(404);
  });

  it("queue → transcript (audited) → take over → reply → refresh API → hand back; one holder at a time", async () => {
    const { c, conversationId } = await waitingUser();
    const lan = await login("lan");
    const minh = await login("minh");
    const mark = await auditMark(t.db.prisma);

    const queue = await (await get(lan, "/console/handoff")).text();
    expect(queue).toContain(`/console/handoff/${conversationId}`);
    const page = await (await get(lan, `/console/handoff/${conversationId}`)).text();
    expect(page).toContain("gặp nhân viên");
    expect(page).toContain('src="/console/static/handoff.js"');

    expect((await post(lan, `/console/handoff/${conversationId}/take`, {}, null)).status).toBe(403);
    expect((await post(lan, `/console/handoff/${conversationId}/take`)).headers.get("location")).toBe(`/console/handoff/${conversationId}?ok=take`);
    expect((await c.replies(1)).map((r) => r.message.text)).toEqual([expect.stringMatching(/^Nhân viên Lan của Cầu Nối/)]);

    // Minh cannot take or answer Lan's conversation: he is told why, on the conversation page.
    const taken = await post(minh, `/console/handoff/${conversationId}/take`);
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain("Cuộc trò chuyện đang do nhân viên khác phụ trách.");
    const refused = await post(minh, `/console/handoff/${conversationId}/reply`, { text: "Chào bạn" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("Bạn cần tiếp nhận cuộc trò chuyện trước khi trả lời.");

    expect((await post(lan, `/console/handoff/${conversationId}/reply`, { text: "  " })).status).toBe(400);
    expect((await post(lan, `/console/handoff/${conversationId}/reply`, { text: "Chào bạn, mình là Lan." })).headers.get("location")).toBe(`/console/handoff/${conversationId}?ok=reply`);
    expect((await c.replies(1)).map((r) => r.message.text)).toEqual(["Chào bạn, mình là Lan."]);

    // The refresh API: only what is new after the given message id.
    const last = await t.db.prisma.message.findFirstOrThrow({ where: { conversationId }, orderBy: { id: "desc" } });
    const none = (await (await get(lan, `/console/api/handoff/${conversationId}/messages?after=${last.id}`, "application/json")).json()) as { messages: unknown[]; heldByMe: boolean };
    expect(none).toMatchObject({ messages: [], heldByMe: true });
    await c.send("Em cảm ơn chị");
    let fresh: { messages: { direction: string; author: string; text: string }[] } = { messages: [] };
    for (let i = 0; i < 100 && fresh.messages.length === 0; i++) {
      fresh = (await (await get(lan, `/console/api/handoff/${conversationId}/messages?after=${last.id}`, "application/json")).json()) as typeof fresh;
      if (fresh.messages.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(fresh.messages).toEqual([expect.objectContaining({ direction: "in", author: "Người dùng", text: "Em cảm ơn chị" })]);

    expect((await post(minh, `/console/handoff/${conversationId}/hand-back`)).status).toBe(409);
    expect((await post(lan, `/console/handoff/${conversationId}/hand-back`)).headers.get("location")).toBe("/console/handoff?ok=back");
    expect((await c.replies(2))[0]!.message.text).toMatch(/^Nhân viên đã kết thúc cuộc trò chuyện\./);

    const rows = await auditSince(t.db.prisma, mark);
    const by = (id: string) => rows.filter((r) => r.actor === `staff:${id}`).map((r) => r.action);
    expect(by(staff.lan!.id)).toEqual([
      "handoff.list",
      "handoff.view_transcript",
      "handoff.take_over",
      "handoff.view_transcript", // the empty reply was refused on the re-rendered conversation page
      "handoff.staff_reply",
      "handoff.view_transcript", // the refresh that returned the new message (the empty one is not a view)
      "handoff.hand_back",
    ]);
    // Minh's refused attempts re-rendered the conversation: those were views of it.
    expect(by(staff.minh!.id)).toEqual(["handoff.view_transcript", "handoff.view_transcript", "handoff.view_transcript"]);
    expect(JSON.stringify(rows.map((r) => r.details))).not.toMatch(/cảm ơn|mình là Lan/);
  });
});
