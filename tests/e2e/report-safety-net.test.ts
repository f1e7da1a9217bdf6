/**
 * The safety net of urgent reports, end to end on the web chat: a person who reports immediate danger and then stops
 * answering still gets a case, escalated to the commune and 111, after REPORT_SAFETY_NET_MIN (10 min by default).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptJson, decryptText } from "../../src/crypto/index.js";
import { ManualClock } from "../../src/runtime/clock.js";
import { makeStaff } from "../cases/helpers.js";
import { availableKinds } from "../support/test-db.js";
import { ChatClient, startTestApp, type TestApp } from "../support/test-app.js";

const MIN = 60_000;
const kinds = await availableKinds();

describe.each(kinds)("report safety net on %s", (kind) => {
  let t: TestApp;
  const clock = new ManualClock("2026-11-23T01:00:00Z");
  const WORKER = "7001";
  const HOTLINE = "7111";

  /** Sends through the real inbox and processor (loops are off: the test drives them) and returns the replies. */
  async function say(c: ChatClient, text: string, payload?: string) {
    const r = await c.send(text, payload);
    expect(r.status).toBe(202);
    while ((await t.app.processor.runOnce()) > 0);
    return c.replies(1, 3_000);
  }

  async function contactOf(c: ChatClient) {
    return t.db.prisma.contact.findUniqueOrThrow({ where: { channel_channelUserId: { channel: "webchat", channelUserId: c.sessionId } }, include: { conversation: true } });
  }

  async function casesOf(c: ChatClient) {
    const contact = await contactOf(c);
    return t.db.prisma.case.findMany({ where: { reporterContactId: contact.id }, orderBy: { receivedAt: "asc" } });
  }

  async function notificationsFor(caseCode: string) {
    const rows = await t.db.prisma.outboxItem.findMany({ where: { purpose: "notification" }, orderBy: { id: "asc" } });
    return rows
      .map((r) => ({ recipient: r.recipient, message: decryptJson(r.payloadEnc) as { kind: string; text?: string } }))
      .filter((n) => n.message.kind === "choices" && n.message.text?.includes(caseCode));
  }

  beforeAll(async () => {
    t = await startTestApp({ kind, clock, workers: false });
    const commune = (await t.db.prisma.administrativeUnit.findFirstOrThrow({ where: { level: "commune", name: "Ô Chợ Dừa", provinceCode: "01" } })).code;
    await makeStaff(t.db.prisma, "net-ocd-worker", "commune", { communeCodes: [commune] }, [{ channel: "telegram", userId: WORKER }]);
    await makeStaff(t.db.prisma, "net-hotline", "hotline", {}, [{ channel: "telegram", userId: HOTLINE }]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("immediate danger, then silence: after 10 min a case exists, 111 is told, the person gets the code; finishing later adds to it", async () => {
    const c = await ChatClient.open(t.baseUrl);
    const first = await say(c, "Cứu với, bố đang đánh em gái tôi rất dã man");
    expect(first[0]!.message.kind).toBe("call_buttons");
    expect(first[0]!.message.numbers!.map((n) => n.phone)).toEqual(["113", "115", "111"]);
    const conv = (await contactOf(c)).conversation!;
    const job = await t.db.prisma.job.findFirstOrThrow({ where: { kind: "report.safety_net", dedupeKey: { startsWith: `report-net:${conv.id}:` } } });
    expect(job.runAt).toEqual(new Date(clock.now().getTime() + 10 * MIN));

    clock.advance(9 * MIN);
    await t.app.scheduler.runDue();
    expect(await casesOf(c)).toHaveLength(0);

    clock.advance(1 * MIN);
    await t.app.scheduler.runDue();
    const cases = await casesOf(c);
    expect(cases).toHaveLength(1);
    const k = cases[0]!;
    expect(k).toMatchObject({ urgent: true, riskLevel: "immediate", inDangerNow: "yes", category: "bao_luc", anonymous: true, communeCode: null });
    expect(decryptText(k.descriptionEnc!)).toBe("Cứu với, bố đang đánh em gái tôi rất dã man");
    const events = await t.db.prisma.caseEvent.findMany({ where: { caseId: k.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type)).toContain("created_from_unfinished_report");
    expect(await t.db.prisma.auditLog.count({ where: { action: "case.created_from_unfinished_report", entityId: k.id } })).toBe(1);
    // no commune known: 111 is told (the escalation of a normal case)
    const escs = await t.db.prisma.escalation.findMany({ where: { caseId: k.id } });
    expect(escs.some((e) => e.level === "hotline")).toBe(true);
    expect((await notificationsFor(k.code)).map((n) => n.recipient)).toContain(HOTLINE);

    const told = await c.replies(1, 3_000);
    const text = told.map((m) => m.message.text ?? "").join("\n");
    expect(text).toContain(k.code);
    expect(text).toMatch(/Tra cứu hồ sơ/);
    expect(told.some((m) => m.message.kind === "call_buttons")).toBe(true);

    // Later the person comes back and finishes: no second case; the answers go to the first one.
    clock.advance(5 * MIN);
    await say(c, "Đúng, báo tin", "r:yes");
    await say(c, "Hà Nội");
    await say(c, "Ô Chợ Dừa");
    const end = await say(c, "Gửi ẩn danh", "contact:anon");
    expect(end.map((m) => m.message.text ?? "").join("\n")).toContain(k.code);
    expect(await casesOf(c)).toHaveLength(1);
    const added = await t.db.prisma.caseEvent.findMany({ where: { caseId: k.id, type: "reporter_added" } });
    expect(added).toHaveLength(1);
    expect(decryptText(added[0]!.textEnc!)).toContain("Ô Chợ Dừa");
    expect((await t.db.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("done");
  });

  it("place given, then silence: the commune worker and 111 are told", async () => {
    clock.advance(60 * MIN);
    const c = await ChatClient.open(t.baseUrl);
    await say(c, "Cứu với, bố đang đánh em gái tôi rất dã man");
    await say(c, "Đúng, báo tin", "r:yes");
    await say(c, "Hà Nội");
    await say(c, "Ô Chợ Dừa");
    clock.advance(10 * MIN);
    await t.app.scheduler.runDue();
    const cases = await casesOf(c);
    expect(cases).toHaveLength(1);
    expect(cases[0]!.communeCode).not.toBeNull();
    const escs = await t.db.prisma.escalation.findMany({ where: { caseId: cases[0]!.id } });
    expect(escs.map((e) => e.level).sort()).toEqual(["commune", "hotline"]);
    expect((await notificationsFor(cases[0]!.code)).map((n) => n.recipient)).toEqual(expect.arrayContaining([WORKER, HOTLINE]));
  });

  it("an urgent report finished within 10 min gets exactly one case, and the net does nothing", async () => {
    clock.advance(60 * MIN);
    const c = await ChatClient.open(t.baseUrl);
    await say(c, "Cứu với, bố đang đánh em gái tôi rất dã man");
    await say(c, "Đúng, báo tin", "r:yes");
    await say(c, "Hà Nội");
    await say(c, "Ô Chợ Dừa");
    clock.advance(3 * MIN);
    await say(c, "Gửi ẩn danh", "contact:anon");
    expect(await casesOf(c)).toHaveLength(1);
    const conv = (await contactOf(c)).conversation!;
    const job = await t.db.prisma.job.findFirstOrThrow({ where: { kind: "report.safety_net", dedupeKey: { startsWith: `report-net:${conv.id}:` } } });
    expect(job.status).toBe("cancelled");
    clock.advance(30 * MIN);
    await t.app.scheduler.runDue();
    expect(await casesOf(c)).toHaveLength(1);
    expect(await t.db.prisma.auditLog.count({ where: { action: "case.created_from_unfinished_report", entityId: (await casesOf(c))[0]!.id } })).toBe(0);
  });

  it("a message written while the net fires (its state write loses the case code) still adds to the net's case", async () => {
    clock.advance(60 * MIN);
    const c = await ChatClient.open(t.baseUrl);
    await say(c, "Cứu với, bố đang đánh em gái tôi rất dã man");
    const conv = (await contactOf(c)).conversation!;
    const before = conv.state;
    clock.advance(10 * MIN);
    await t.app.scheduler.runDue();
    expect(await casesOf(c)).toHaveLength(1);
    // the processor had computed from the state before the net fired and writes it back afterwards
    await t.db.prisma.conversation.update({ where: { id: conv.id }, data: { state: before as object } });
    await say(c, "Đúng, báo tin", "r:yes");
    await say(c, "Hà Nội");
    await say(c, "Ô Chợ Dừa");
    await say(c, "Gửi ẩn danh", "contact:anon");
    const cases = await casesOf(c);
    expect(cases).toHaveLength(1);
    expect(await t.db.prisma.caseEvent.count({ where: { caseId: cases[0]!.id, type: "reporter_added" } })).toBe(1);
  });

  it("a report that is not urgent arms nothing", async () => {
    const c = await ChatClient.open(t.baseUrl);
    await say(c, "Hàng xóm nhà tôi đánh con rất dã man");
    const conv = (await contactOf(c)).conversation!;
    expect(await t.db.prisma.job.count({ where: { kind: "report.safety_net", dedupeKey: { startsWith: `report-net:${conv.id}:` } } })).toBe(0);
  });
});
