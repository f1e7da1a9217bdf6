import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.js";
import { handBackConversation, listHandoffQueue, sendStaffReply, takeOverConversation, type HandoffDeps } from "../../src/handoff/index.js";
import { ManualClock } from "../../src/runtime/clock.js";
import { availableKinds } from "../support/test-db.js";
import { ChatClient, startTestApp, type TestApp } from "../support/test-app.js";

const kinds = await availableKinds();

type Reply = Awaited<ReturnType<ChatClient["replies"]>>[number];
const textOf = (rs: Reply[]) => rs.map((r) => r.message.text ?? "");
const MIN = 60_000;

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("condition not met in time");
}

describe.each(kinds)("hand-off to a person over web chat on %s", (kind) => {
  let t: TestApp;
  let deps: HandoffDeps;
  const clock = new ManualClock("2026-11-23T02:00:00Z");
  let lan: { id: string; role: string };
  let minh: { id: string; role: string };

  beforeAll(async () => {
    t = await startTestApp({ kind, clock });
    deps = { prisma: t.db.prisma, bus: t.app.bus, idleMin: t.config.HANDOFF_IDLE_MIN };
    const mk = (username: string, displayName: string) => t.db.prisma.staff.create({ data: { username, displayName, passwordHash: "not-used", role: "hotline" }, select: { id: true, role: true } });
    lan = await mk(`lan-${kind}`, "Lan");
    minh = await mk(`minh-${kind}`, "Minh");
  });
  afterAll(async () => {
    await t?.close();
  });

  async function open(): Promise<{ c: ChatClient; conversationId: string }> {
    const c = await ChatClient.open(t.baseUrl);
    await c.say("Xin chào");
    const contact = await t.db.prisma.contact.findUniqueOrThrow({ where: { channel_channelUserId: { channel: "webchat", channelUserId: c.sessionId } }, include: { conversation: true } });
    return { c, conversationId: contact.conversation!.id };
  }
  const inboundCount = (conversationId: string) => t.db.prisma.message.count({ where: { conversationId, direction: "in" } });

  it("request → staff takes over → bot silent → staff reply → hand back → bot answers again", async () => {
    const { c, conversationId } = await open();
    const req = await c.say("Gặp nhân viên", "menu:handoff", 2);
    expect(textOf(req)[0]).toMatch(/chuyển yêu cầu của bạn tới nhân viên/);
    expect(req[1]!.message.numbers!.map((n) => n.phone)).toEqual(["113", "115", "111"]);

    const queue = await listHandoffQueue(t.db.prisma, { staff: lan, now: clock.now() });
    const mine = queue.waiting.find((w) => w.conversationId === conversationId);
    expect(mine).toMatchObject({ channel: "webchat", flow: "handoff" });
    const audit = await t.db.prisma.auditLog.findFirst({ where: { entityId: conversationId, action: "handoff.requested" } });
    expect(audit).not.toBeNull();

    // Before anyone takes it, a message is acknowledged once and kept.
    expect(textOf(await c.say("em muon hoi them ve cach noi chuyen voi con"))[0]).toMatch(/lưu tin nhắn/);

    await takeOverConversation(deps, { conversationId, staff: lan, now: clock.now() });
    const joined = await c.replies(1);
    expect(textOf(joined)[0]).toMatch(/^Nhân viên Lan của Cầu Nối đã tham gia cuộc trò chuyện\./);
    expect((await listHandoffQueue(t.db.prisma, { staff: lan, now: clock.now() })).active.map((a) => a.conversationId)).toContain(conversationId);
    await expect(takeOverConversation(deps, { conversationId, staff: minh, now: clock.now() })).rejects.toMatchObject({ code: "conflict" });

    // The bot stays silent while Lan holds it, but the message is logged for her.
    const before = await inboundCount(conversationId);
    const sent = await c.send("em can tu van gap");
    expect(sent.status).toBe(202);
    await until(async () => (await inboundCount(conversationId)) === before + 1);
    expect(await c.replies(1, 800)).toEqual([]);

    await sendStaffReply(deps, { conversationId, staff: lan, text: "Chào bạn, mình là Lan. Bạn kể thêm nhé.", now: clock.now() });
    const staffMsg = await c.replies(1);
    expect(textOf(staffMsg)).toEqual(["Chào bạn, mình là Lan. Bạn kể thêm nhé."]);
    const row = await t.db.prisma.message.findFirstOrThrow({ where: { conversationId, direction: "out" }, orderBy: { id: "desc" } });
    expect(row.author).toBe(`staff:${lan.id}`);
    await expect(sendStaffReply(deps, { conversationId, staff: minh, text: "Xin chào", now: clock.now() })).rejects.toBeInstanceOf(AppError);
    await expect(sendStaffReply(deps, { conversationId, staff: { id: "x", role: "donations_officer" }, text: "Xin chào", now: clock.now() })).rejects.toMatchObject({ code: "forbidden" });

    expect(await handBackConversation(deps, { conversationId, staff: lan, now: clock.now() })).toEqual({ changed: true });
    const back = await c.replies(2);
    expect(textOf(back)[0]).toMatch(/^Nhân viên đã kết thúc cuộc trò chuyện\./);
    expect(back[1]!.message.kind).toBe("choices");
    const conv = await t.db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(conv).toMatchObject({ handoff: false, handoffStaffId: null, handoffRequestedAt: null, flow: "menu" });
    expect(await t.db.prisma.auditLog.count({ where: { entityId: conversationId, action: { in: ["handoff.take_over", "handoff.staff_reply", "handoff.hand_back"] } } })).toBe(3);

    const again = await c.say("be 7 thang an dam the nao", undefined, 3);
    expect(textOf(again).some((x) => x.includes("Nguồn: "))).toBe(true);
  });

  it("tells the person to call 111 when nobody takes the request in time", async () => {
    const { c, conversationId } = await open();
    await c.say("gap nhan vien", undefined, 2);
    clock.advance((t.config.HANDOFF_PICKUP_MIN - 1) * MIN);
    await t.app.scheduler.runDue();
    expect(await c.replies(1, 500)).toEqual([]);
    clock.advance(2 * MIN);
    await t.app.scheduler.runDue();
    const r = await c.replies(1);
    expect(r[0]!.message.kind).toBe("call_buttons");
    expect(r[0]!.message.text).toMatch(/chưa có nhân viên nào rảnh.*gọi Tổng đài 111 \(miễn phí, 24\/7\).*113.*115/s);
    expect(r[0]!.message.numbers![0]!.phone).toBe("111");
    // Still in the queue: staff can pick it up later.
    expect((await listHandoffQueue(t.db.prisma, { staff: lan, now: clock.now() })).waiting.map((w) => w.conversationId)).toContain(conversationId);
  });

  it("does not send the pickup notice once the request was taken", async () => {
    const { c, conversationId } = await open();
    await c.say("gap nhan vien", undefined, 2);
    await takeOverConversation(deps, { conversationId, staff: minh, now: clock.now() });
    await c.replies(1);
    clock.advance((t.config.HANDOFF_PICKUP_MIN + 1) * MIN);
    await t.app.scheduler.runDue();
    expect(await c.replies(1, 500)).toEqual([]);
    await handBackConversation(deps, { conversationId, staff: minh, now: clock.now() });
    await c.replies(2);
  });

  it("hands back to the bot after the idle timeout without staff activity", async () => {
    const { c, conversationId } = await open();
    await c.say("gap nhan vien", undefined, 2);
    await takeOverConversation(deps, { conversationId, staff: lan, now: clock.now() });
    await c.replies(1);
    clock.advance((t.config.HANDOFF_IDLE_MIN - 10) * MIN);
    await sendStaffReply(deps, { conversationId, staff: lan, text: "Bạn còn đó không?", now: clock.now() });
    await c.replies(1);
    clock.advance(15 * MIN); // the first check finds recent activity and reschedules
    await t.app.scheduler.runDue();
    expect((await t.db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).handoff).toBe(true);
    clock.advance(t.config.HANDOFF_IDLE_MIN * MIN);
    await t.app.scheduler.runDue();
    const r = await c.replies(2);
    expect(textOf(r)[0]).toMatch(/không có hoạt động trong \d+ phút/);
    const conv = await t.db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(conv).toMatchObject({ handoff: false, flow: "menu" });
    expect(await t.db.prisma.auditLog.count({ where: { entityId: conversationId, action: "handoff.idle_release" } })).toBe(1);
  });
});
