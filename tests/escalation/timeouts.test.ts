import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { decryptJson } from "../../src/crypto/index.js";
import { createLinkCode } from "../../src/escalation/create-link-code.js";
import type { InboundEvent } from "../../src/messaging/inbound.js";
import type { OutboundMessage } from "../../src/messaging/outbound.js";
import { ManualClock } from "../../src/runtime/clock.js";
import { caseInput, makeCase, makeStaff, PRIVATE_STRINGS, silentLogger, testEscalationDeps } from "../cases/helpers.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";
import { testConfig } from "../support/test-app.js";

const MIN = 60_000;
const deps = testEscalationDeps({ unitName: (c) => (c === "00235" ? "Phường Ô Chợ Dừa, Thành phố Hà Nội" : c === "01" ? "Thành phố Hà Nội" : null) });

type App = Awaited<ReturnType<typeof createApp>>;

async function boot(db: TestDb, clock: ManualClock): Promise<App> {
  return createApp({ config: testConfig(), db, clock, logger: silentLogger });
}

/** Outbox notifications after `afterId`, decrypted. */
async function notifications(db: TestDb, afterId = 0n) {
  const rows = await db.prisma.outboxItem.findMany({ where: { purpose: "notification", id: { gt: afterId } }, orderBy: { id: "asc" } });
  return rows.map((r) => ({ id: r.id, channel: r.channel, recipient: r.recipient, message: decryptJson(r.payloadEnc) as OutboundMessage }));
}

async function lastOutboxId(db: TestDb): Promise<bigint> {
  return (await db.prisma.outboxItem.findFirst({ orderBy: { id: "desc" }, select: { id: true } }))?.id ?? 0n;
}

let seq = 0;
/** The staff member taps a button on Telegram (through the real inbox and processor). */
async function tap(app: App, clock: ManualClock, userId: string, payload: string): Promise<void> {
  const e: InboundEvent = { channel: "telegram", externalId: `cb-${++seq}-${Date.now()}`, userId, occurredAt: clock.now(), kind: "message", text: "", payload, attachments: [] };
  await app.ingest([e]);
  while ((await app.processor.runOnce()) > 0);
}

const kinds = await availableKinds();

describe.each(kinds)("escalation on %s", (kind) => {
  let db: TestDb;
  let app: App;
  const clock = new ManualClock("2026-11-23T01:00:00Z");
  let worker: string;
  let officer: string;

  beforeAll(async () => {
    db = await createTestDb(kind);
    app = await boot(db, clock);
    worker = await makeStaff(db.prisma, "ocd-worker", "commune", { communeCodes: ["00235"] }, [{ channel: "telegram", userId: "5001" }]);
    officer = await makeStaff(db.prisma, "hn-officer", "province", { provinceCodes: ["01"] }, [{ channel: "telegram", userId: "5002" }]);
    await makeStaff(db.prisma, "hotline-a", "hotline", {}, [{ channel: "zalo", userId: "z-111" }]);
  });
  afterAll(async () => {
    await app?.stop();
    await db?.close();
  });

  it("a new case notifies the commune worker AND 111, with only code, category, commune, risk and time", async () => {
    const from = await lastOutboxId(db);
    const { id, code } = await makeCase(db.prisma, deps, clock.now(), { riskLevel: "immediate", urgent: true, inDangerNow: "yes" });
    const notes = await notifications(db, from);
    expect(notes.map((n) => `${n.channel}:${n.recipient}:${n.message.kind}`)).toEqual([
      "telegram:5001:choices", "telegram:5001:link", "zalo:z-111:choices", "zalo:z-111:link",
    ]);
    const escs = await db.prisma.escalation.findMany({ where: { caseId: id }, orderBy: { createdAt: "asc" } });
    expect(escs.map((e) => e.level).sort()).toEqual(["commune", "hotline"]);
    const communeEsc = escs.find((e) => e.level === "commune")!;
    expect(communeEsc.dueAt).toEqual(new Date(clock.now().getTime() + 15 * MIN));
    const choice = notes.find((n) => n.recipient === "5001" && n.message.kind === "choices")!.message;
    if (choice.kind !== "choices") throw new Error("kind");
    expect(choice.choices).toEqual([{ id: `ack:${communeEsc.id}`, label: "Đã nhận" }]);
    expect(choice.text).toContain(code);
    expect(choice.text).toContain("Bạo lực");
    expect(choice.text).toContain("Phường Ô Chợ Dừa, Thành phố Hà Nội");
    expect(choice.text).toContain("KHẨN CẤP");
    expect(choice.text).toContain("23/11/2026 08:00");
    const link = notes.find((n) => n.recipient === "5001" && n.message.kind === "link")!.message;
    expect(link).toMatchObject({ kind: "link", url: `https://caunoi.test/console/cases/${id}` });
    // NEVER the child's or the reporter's identity, nor the description, on a chat app.
    const everything = JSON.stringify(notes.map((n) => n.message));
    for (const s of [...PRIVATE_STRINGS, caseInput().description!, "8 tuổi", "bo_me"]) expect(everything, s).not.toContain(s);
    const jobs = await db.prisma.job.findMany({ where: { kind: "escalation.timeout", dedupeKey: { in: escs.map((e) => `esc-timeout:${e.id}`) } } });
    expect(jobs).toHaveLength(2);
    const events = await db.prisma.caseEvent.findMany({ where: { caseId: id }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.type, (e.data as { level?: string }).level ?? null])).toEqual([["received", null], ["escalation_sent", "commune"], ["escalation_sent", "hotline"]]);
  });

  it("no acknowledgement in 15 min → timed out, province notified, 111 re-notified; then 111 again; an ack stops it", async () => {
    clock.set("2026-11-23T02:00:00Z");
    const { id, code } = await makeCase(db.prisma, deps, clock.now(), { riskLevel: "immediate", urgent: true });
    clock.advance(14 * MIN);
    await app.scheduler.runDue();
    expect(await db.prisma.escalation.count({ where: { caseId: id, status: "timed_out" } })).toBe(0);
    const before15 = await lastOutboxId(db);
    clock.advance(1 * MIN);
    await app.scheduler.runDue();
    const commune = await db.prisma.escalation.findFirstOrThrow({ where: { caseId: id, level: "commune" } });
    expect(commune.status).toBe("timed_out");
    const province = await db.prisma.escalation.findFirstOrThrow({ where: { caseId: id, level: "province" } });
    expect(province).toMatchObject({ status: "sent", recipientStaffId: officer, recipient: "5002" });
    const at15 = await notifications(db, before15);
    expect(at15.map((n) => n.recipient)).toEqual(expect.arrayContaining(["5002", "z-111"]));
    const provinceMsg = at15.find((n) => n.recipient === "5002" && n.message.kind === "choices")!.message;
    expect(provinceMsg.kind === "choices" && provinceMsg.text).toMatch(/NHẮC LẠI.*cấp xã chưa xác nhận/);
    expect(await db.prisma.escalation.count({ where: { caseId: id, level: "hotline" } })).toBe(2);
    const types = (await db.prisma.caseEvent.findMany({ where: { caseId: id }, orderBy: { id: "asc" } })).map((e) => e.type);
    expect(types.filter((t) => t === "escalation_timeout")).toHaveLength(2);

    // 30 min: the province did not answer either → the hotline (already in its own cycle) gets one more message.
    const before30 = await lastOutboxId(db);
    clock.advance(15 * MIN);
    await app.scheduler.runDue();
    expect((await db.prisma.escalation.findFirstOrThrow({ where: { caseId: id, level: "province" } })).status).toBe("timed_out");
    expect(await db.prisma.escalation.count({ where: { caseId: id, level: "hotline" } })).toBe(3);
    const at30 = await notifications(db, before30);
    // (other cases of this suite are still in their own hotline cycles: look at this case's messages only)
    expect(at30.filter((n) => n.message.kind === "choices" && n.message.text.includes(code)).map((n) => n.recipient)).toEqual(["z-111"]);

    // The hotline operator acknowledges (on Zalo): the case is acknowledged and the timers stop.
    const open = await db.prisma.escalation.findFirstOrThrow({ where: { caseId: id, level: "hotline", status: "sent" } });
    const e: InboundEvent = { channel: "zalo", externalId: `zack-${id}`, userId: "z-111", occurredAt: clock.now(), kind: "message", text: "", payload: `ack:${open.id}`, attachments: [] };
    await app.ingest([e]);
    while ((await app.processor.runOnce()) > 0);
    const c = await db.prisma.case.findUniqueOrThrow({ where: { id } });
    expect(c.acknowledgedAt).toEqual(clock.now());
    expect((await db.prisma.escalation.findUniqueOrThrow({ where: { id: open.id } })).status).toBe("acknowledged");
    const reply = (await db.prisma.outboxItem.findMany({ where: { channel: "zalo", recipient: "z-111", purpose: "response" }, orderBy: { id: "desc" }, take: 1 }))[0]!;
    expect(decryptJson(reply.payloadEnc)).toEqual({ kind: "text", text: "Đã ghi nhận. Cảm ơn anh/chị." });
    const beforeLater = await lastOutboxId(db);
    clock.advance(120 * MIN);
    await app.scheduler.runDue();
    expect((await notifications(db, beforeLater)).filter((n) => "text" in n.message && n.message.text.includes(code))).toEqual([]);
    expect(await db.prisma.escalation.count({ where: { caseId: id, level: "hotline" } })).toBe(3);
  });

  it("the hotline is re-notified every period up to the cap, then the case is marked exhausted", async () => {
    clock.set("2026-11-24T02:00:00Z");
    const { id } = await makeCase(db.prisma, deps, clock.now(), { riskLevel: "immediate", urgent: true, communeCode: null, provinceCode: null });
    for (let i = 0; i < 20; i++) {
      clock.advance(15 * MIN);
      await app.scheduler.runDue();
    }
    // the app's cap (12) from the configuration
    expect(await db.prisma.escalation.count({ where: { caseId: id, level: "hotline" } })).toBe(12);
    expect(await db.prisma.caseEvent.count({ where: { caseId: id, type: "escalation_exhausted" } })).toBe(1);
  });

  it("only the recipient can acknowledge; anyone else gets a polite refusal, logged", async () => {
    clock.set("2026-11-25T02:00:00Z");
    const { id } = await makeCase(db.prisma, deps, clock.now(), { riskLevel: "high", urgent: true });
    const esc = await db.prisma.escalation.findFirstOrThrow({ where: { caseId: id, level: "commune" } });
    expect(esc.dueAt).toEqual(new Date(clock.now().getTime() + 60 * MIN)); // high risk: 1 hour
    await tap(app, clock, "6666", `ack:${esc.id}`); // a forwarded button, someone else's account
    expect((await db.prisma.escalation.findUniqueOrThrow({ where: { id: esc.id } })).status).toBe("sent");
    const refusal = (await db.prisma.outboxItem.findMany({ where: { recipient: "6666" }, orderBy: { id: "desc" }, take: 1 }))[0]!;
    expect((decryptJson(refusal.payloadEnc) as { text: string }).text).toMatch(/không phải người nhận thông báo/);
    expect(await db.prisma.auditLog.count({ where: { action: "escalation.ack_refused", entityId: esc.id } })).toBe(1);
    await tap(app, clock, "5001", `ack:${esc.id}`);
    const after = await db.prisma.escalation.findUniqueOrThrow({ where: { id: esc.id } });
    expect(after.status).toBe("acknowledged");
    const c = await db.prisma.case.findUniqueOrThrow({ where: { id } });
    expect(c.assignedStaffId).toBe(worker); // the commune worker who took it
    expect(await db.prisma.job.count({ where: { dedupeKey: `esc-timeout:${esc.id}`, status: "cancelled" } })).toBe(1);
    await tap(app, clock, "5001", `ack:${esc.id}`);
    const again = (await db.prisma.outboxItem.findMany({ where: { recipient: "5001", purpose: "response" }, orderBy: { id: "desc" }, take: 1 }))[0]!;
    expect((decryptJson(again.payloadEnc) as { text: string }).text).toMatch(/đã được ghi nhận trước đó/);
  });

  it("a commune with no worker goes straight to the province", async () => {
    clock.set("2026-11-26T02:00:00Z");
    const { id } = await makeCase(db.prisma, deps, clock.now(), { communeCode: "09700" });
    const escs = await db.prisma.escalation.findMany({ where: { caseId: id } });
    expect(escs.map((e) => e.level).sort()).toEqual(["hotline", "province"]);
    expect(escs.every((e) => e.dueAt.getTime() === clock.now().getTime() + 720 * MIN)).toBe(true); // medium: 12 h
    const skipped = await db.prisma.caseEvent.findFirstOrThrow({ where: { caseId: id, type: "escalation_skipped" } });
    expect(skipped.data).toMatchObject({ level: "commune" });
  });

  it("a staff member links a chat account with a one-time code", async () => {
    const { code } = await db.prisma.$transaction((tx) => createLinkCode(tx, { staffId: officer, actor: "staff:admin", now: clock.now() }));
    const e: InboundEvent = { channel: "messenger", externalId: `link-${code}`, userId: "psid-42", occurredAt: clock.now(), kind: "message", text: `/start link-${code}`, attachments: [] };
    await app.ingest([e]);
    while ((await app.processor.runOnce()) > 0);
    const s = await db.prisma.staff.findUniqueOrThrow({ where: { id: officer } });
    expect(s.notifyChannels).toEqual([{ channel: "telegram", userId: "5002" }, { channel: "messenger", userId: "psid-42" }]);
    // used codes do not work twice
    const again: InboundEvent = { ...e, externalId: `link2-${code}`, userId: "psid-43" };
    await app.ingest([again]);
    while ((await app.processor.runOnce()) > 0);
    expect((await db.prisma.staff.findUniqueOrThrow({ where: { id: officer } })).notifyChannels).toHaveLength(2);
  });

  it("timers survive a restart: a new app on the same database runs the due timeouts", async () => {
    clock.set("2026-11-27T02:00:00Z");
    const { id } = await makeCase(db.prisma, deps, clock.now(), { riskLevel: "immediate", urgent: true });
    await app.stop();
    const clock2 = new ManualClock(new Date(clock.now().getTime() + 16 * MIN));
    app = await boot(db, clock2);
    await app.scheduler.runDue();
    expect((await db.prisma.escalation.findFirstOrThrow({ where: { caseId: id, level: "commune" } })).status).toBe("timed_out");
    // the officer linked Messenger in the previous test: both accounts are notified
    const prov = await db.prisma.escalation.findMany({ where: { caseId: id, level: "province" }, orderBy: { recipient: "asc" } });
    expect(prov.map((p) => p.recipient)).toEqual(["5002", "psid-42"]);
    clock.set(clock2.now());
  });
});
