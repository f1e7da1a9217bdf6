/**
 * Retention with a ManualClock and the real scheduler: the daily "retention.run" job redacts old transcripts
 * (except the conversation of a reporter whose case is still open), anonymises long-closed cases while keeping
 * their aggregate fields, records what it did in the audit log, and plants exactly one job per day.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptJson, encryptJson, encryptText } from "../../src/crypto/index.js";
import { logger } from "../../src/log.js";
import { ensureRetentionScheduled, JOB_RETENTION_RUN, nextRetentionRun, retentionJobs } from "../../src/retention/jobs.js";
import { isRedactedBody, REDACTED_KIND, runRetention } from "../../src/retention/run-retention.js";
import { ManualClock } from "../../src/runtime/clock.js";
import { LocalBus } from "../../src/runtime/local-bus.js";
import { createScheduler } from "../../src/runtime/scheduler.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";

const DAY = 86_400_000;
const SETTINGS = { transcriptDays: 365, closedCaseDays: 1825 };

describe("retention schedule (pure)", () => {
  it("runs at 02:00 Vietnam time, one dedupe key per Vietnam day", () => {
    expect(nextRetentionRun(new Date("2026-11-23T08:00:00Z"))).toEqual({ runAt: new Date("2026-11-23T19:00:00Z"), dedupeKey: "retention:2026-11-24" });
    expect(nextRetentionRun(new Date("2026-11-23T19:00:00Z"))).toEqual({ runAt: new Date("2026-11-24T19:00:00Z"), dedupeKey: "retention:2026-11-25" });
    expect(nextRetentionRun(new Date("2026-11-23T18:59:59Z")).dedupeKey).toBe("retention:2026-11-24");
  });
});

const kinds = await availableKinds();

describe.each(kinds)("retention job on %s", (kind) => {
  let db: TestDb;
  const clock = new ManualClock("2026-11-23T08:00:00Z");
  const ids: Record<string, string> = {};
  const msgIds: Record<string, bigint> = {};

  const person = async (key: string) => {
    const c = await db.prisma.contact.create({ data: { channel: "telegram", channelUserId: `u-${key}` } });
    const conv = await db.prisma.conversation.create({ data: { contactId: c.id, channel: "telegram" } });
    ids[`contact${key}`] = c.id;
    return { contactId: c.id, conversationId: conv.id };
  };
  const message = async (key: string, conversationId: string, daysAgo: number, text: string) => {
    const m = await db.prisma.message.create({ data: { conversationId, channel: "telegram", direction: "in", kind: "text", bodyEnc: encryptJson({ text }), status: "received", createdAt: new Date(clock.now().getTime() - daysAgo * DAY) } });
    msgIds[key] = m.id;
  };

  beforeAll(async () => {
    db = await createTestDb(kind);
    const a = await person("A"); // reporter of an OPEN case, old messages must stay
    const b = await person("B"); // ordinary user
    const c = await person("C"); // reporter of a case closed 2,000 days ago
    const d = await person("D"); // reporter of a case closed 100 days ago
    await message("aOld", a.conversationId, 400, "con tôi bị đánh");
    await message("bOld", b.conversationId, 400, "hỏi về tiêm chủng");
    await message("bNew", b.conversationId, 10, "cảm ơn");
    await message("cOld", c.conversationId, 2100, "báo tin cũ");
    await message("dOld", d.conversationId, 400, "báo tin");
    const open = await db.prisma.case.create({ data: { code: "BV-2025-000001", category: "bao_luc", riskLevel: "high", status: "in_progress", provinceCode: "01", communeCode: "00004", reporterContactId: a.contactId, descriptionEnc: encryptText("mô tả"), receivedAt: new Date(clock.now().getTime() - 400 * DAY) } });
    const oldClosed = await db.prisma.case.create({
      data: {
        code: "BV-2020-000002", category: "xam_hai_tinh_duc", riskLevel: "immediate", status: "closed", provinceCode: "01", communeCode: "00008", childAge: 9, childSex: "nu",
        reporterContactId: c.contactId, descriptionEnc: encryptText("mô tả riêng tư"), childNameEnc: encryptText("Tên trẻ"), reporterNameEnc: encryptText("Người báo"), reporterPhoneEnc: encryptText("0912000000"),
        addressEnc: encryptText("địa chỉ"), locationEnc: encryptJson({ lat: 21, lng: 105 }), whenText: "tối qua", suspectRelation: "cha dượng", inDangerNow: "yes", matchedRules: ["immediate.violence_now:dang danh"],
        receivedAt: new Date(clock.now().getTime() - 2200 * DAY), closedAt: new Date(clock.now().getTime() - 2000 * DAY),
      },
    });
    const recentClosed = await db.prisma.case.create({ data: { code: "BV-2026-000003", category: "bat_nat", riskLevel: "low", status: "closed", reporterContactId: d.contactId, descriptionEnc: encryptText("x"), closedAt: new Date(clock.now().getTime() - 100 * DAY) } });
    ids.open = open.id;
    ids.oldClosed = oldClosed.id;
    ids.recentClosed = recentClosed.id;
    await db.prisma.caseEvent.create({ data: { caseId: oldClosed.id, type: "note", actor: "staff:x", textEnc: encryptText("ghi chú riêng tư"), data: { from: "verifying" } } });
    await db.prisma.caseAttachment.create({ data: { caseId: oldClosed.id, channel: "telegram", refEnc: encryptText("file-id"), addedBy: "reporter" } });
    // Copies of the same text in the outbox and the inbox.
    const old = new Date(clock.now().getTime() - 400 * DAY);
    await db.prisma.outboxItem.create({ data: { channel: "telegram", recipient: "u-B", contactId: b.contactId, payloadEnc: encryptJson({ kind: "text", text: "trả lời" }), status: "sent", createdAt: old } });
    await db.prisma.outboxItem.create({ data: { channel: "telegram", recipient: "u-A", contactId: a.contactId, payloadEnc: encryptJson({ kind: "text", text: "trả lời A" }), status: "sent", createdAt: old } });
    await db.prisma.inboxEvent.create({ data: { channel: "telegram", externalId: "e1", conversationKey: "telegram:u-B", kind: "message", payload: { text: "enc:abc" }, status: "done", receivedAt: old } });
    await db.prisma.inboxEvent.create({ data: { channel: "telegram", externalId: "e2", conversationKey: "telegram:u-A", kind: "message", payload: { text: "enc:def" }, status: "done", receivedAt: old } });
  });

  afterAll(async () => {
    await db?.close();
  });

  it("runs once a day through the scheduler and does what the rules say", async () => {
    const scheduler = createScheduler({ prisma: db.prisma, clock, handlers: retentionJobs({ settings: SETTINGS, logger }), bus: new LocalBus(), logger });
    await ensureRetentionScheduled(db.prisma, clock.now());
    await ensureRetentionScheduled(db.prisma, clock.now()); // a second instance starting: still one job
    expect(await db.prisma.job.count({ where: { kind: JOB_RETENTION_RUN } })).toBe(1);
    expect(await scheduler.runDue()).toBe(0); // not 02:00 yet
    clock.set("2026-11-23T19:00:00Z");
    expect(await scheduler.runDue()).toBe(1);
    const jobs = await db.prisma.job.findMany({ where: { kind: JOB_RETENTION_RUN }, orderBy: { id: "asc" } });
    expect(jobs.map((j) => [j.dedupeKey, j.status])).toEqual([["retention:2026-11-24", "done"], ["retention:2026-11-25", "pending"]]);

    const body = async (key: string) => {
      const m = await db.prisma.message.findUniqueOrThrow({ where: { id: msgIds[key]! } });
      return { kind: m.kind, body: decryptJson(m.bodyEnc) };
    };
    expect(await body("aOld")).toEqual({ kind: "text", body: { text: "con tôi bị đánh" } }); // open case: kept
    expect(await body("bNew")).toEqual({ kind: "text", body: { text: "cảm ơn" } }); // too recent
    for (const k of ["bOld", "cOld", "dOld"]) {
      const r = await body(k);
      expect(r.kind).toBe(REDACTED_KIND);
      expect(isRedactedBody(r.body)).toBe(true);
    }
    const outbox = await db.prisma.outboxItem.findMany({ orderBy: { id: "asc" } });
    expect(isRedactedBody(decryptJson(outbox[0]!.payloadEnc))).toBe(true);
    expect(decryptJson(outbox[1]!.payloadEnc)).toEqual({ kind: "text", text: "trả lời A" });
    const inbox = await db.prisma.inboxEvent.findMany({ orderBy: { id: "asc" } });
    expect(inbox.map((e) => e.payload)).toEqual([{ redacted: true }, { text: "enc:def" }]);

    const anon = await db.prisma.case.findUniqueOrThrow({ where: { id: ids.oldClosed! } });
    expect(anon).toMatchObject({
      descriptionEnc: null, childNameEnc: null, reporterNameEnc: null, reporterPhoneEnc: null, addressEnc: null, locationEnc: null,
      whenText: null, suspectRelation: null, inDangerNow: null, matchedRules: [], reporterContactId: null,
      // what the reports need stays
      category: "xam_hai_tinh_duc", status: "closed", riskLevel: "immediate", provinceCode: "01", communeCode: "00008", childAge: 9, childSex: "nu",
    });
    expect(anon.anonymisedAt?.toISOString()).toBe("2026-11-23T19:00:00.000Z");
    expect((await db.prisma.caseEvent.findFirstOrThrow({ where: { caseId: ids.oldClosed! } })).textEnc).toBeNull();
    expect(await db.prisma.caseAttachment.count({ where: { caseId: ids.oldClosed! } })).toBe(0);
    const recent = await db.prisma.case.findUniqueOrThrow({ where: { id: ids.recentClosed! } });
    expect(recent.anonymisedAt).toBeNull();
    expect(recent.descriptionEnc).not.toBeNull();
    expect((await db.prisma.case.findUniqueOrThrow({ where: { id: ids.open! } })).descriptionEnc).not.toBeNull();

    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: "retention.run" } });
    expect(audit.actor).toBe("system");
    expect(audit.details).toMatchObject({ messagesRedacted: 3, inboxEventsRedacted: 1, outboxItemsRedacted: 1, casesAnonymised: 1, conversationsKept: 1, transcriptDays: 365, closedCaseDays: 1825 });
    expect(JSON.stringify(audit.details)).not.toMatch(/đánh|Tên trẻ|0912/);
  });

  it("is idempotent, and releases a conversation once its case closes", async () => {
    const again = await runRetention(db.prisma, SETTINGS, { now: clock.now(), actor: "system" });
    expect(again).toMatchObject({ messagesRedacted: 0, inboxEventsRedacted: 0, outboxItemsRedacted: 0, casesAnonymised: 0 });
    await db.prisma.case.update({ where: { id: ids.open! }, data: { status: "closed", closedAt: clock.now() } });
    clock.advance(DAY);
    expect(await createScheduler({ prisma: db.prisma, clock, handlers: retentionJobs({ settings: SETTINGS, logger }), bus: new LocalBus(), logger }).runDue()).toBe(1);
    const m = await db.prisma.message.findUniqueOrThrow({ where: { id: msgIds.aOld! } });
    expect(m.kind).toBe(REDACTED_KIND);
    const last = await db.prisma.auditLog.findFirstOrThrow({ where: { action: "retention.run" }, orderBy: { id: "desc" } });
    expect(last.details).toMatchObject({ messagesRedacted: 1, casesAnonymised: 0, conversationsKept: 0 });
    expect(await db.prisma.job.count({ where: { kind: JOB_RETENTION_RUN, status: "pending" } })).toBe(1);
  });
});
