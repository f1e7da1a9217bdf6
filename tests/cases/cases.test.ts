import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addCaseInfo } from "../../src/cases/add-case-info.js";
import { addNote } from "../../src/cases/add-note.js";
import { assignCase } from "../../src/cases/assign-case.js";
import { CASE_STATUS_TEXT_VI } from "../../src/cases/case-status-text.js";
import { createCasesPort } from "../../src/cases/cases-port.js";
import { changeRisk } from "../../src/cases/change-risk.js";
import { changeStatus } from "../../src/cases/change-status.js";
import { CASE_STATUSES, CASE_TRANSITIONS, canTransition, type CaseStatus } from "../../src/cases/types.js";
import { decryptJson, decryptText } from "../../src/crypto/index.js";
import type { Prisma } from "../../src/generated/prisma/client.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";
import { caseInput, makeCase, makeStaff, PRIVATE_STRINGS, testEscalationDeps } from "./helpers.js";

const NOW = new Date("2026-11-23T03:00:00Z"); // Monday 10:00 in Vietnam
const deps = testEscalationDeps();

describe("case transition table (Decree 56/2017)", () => {
  it("follows the decree's order and ends at closed", () => {
    const path: CaseStatus[] = ["received", "verifying", "emergency_protection", "needs_assessment", "plan_drafted", "plan_approved", "in_progress", "monitoring", "closed"];
    for (let i = 0; i + 1 < path.length; i++) expect(canTransition(path[i]!, path[i + 1]!), `${path[i]} → ${path[i + 1]}`).toBe(true);
    expect(canTransition("verifying", "needs_assessment")).toBe(true); // emergency protection is only when needed
    expect(CASE_TRANSITIONS.closed).toEqual([]);
  });

  it("refuses skipping steps and going backwards outside the listed exceptions", () => {
    const refused: [CaseStatus, CaseStatus][] = [
      ["received", "plan_drafted"], ["received", "closed"], ["verifying", "plan_approved"], ["needs_assessment", "in_progress"],
      ["plan_drafted", "in_progress"], ["plan_approved", "closed"], ["in_progress", "closed"], ["closed", "received"], ["monitoring", "received"],
    ];
    for (const [a, b] of refused) expect(canTransition(a, b), `${a} → ${b}`).toBe(false);
  });

  it("every status is in the table and has plain words for reporters", () => {
    for (const s of CASE_STATUSES) {
      expect(CASE_TRANSITIONS[s]).toBeDefined();
      expect(CASE_STATUS_TEXT_VI[s].length).toBeGreaterThan(10);
    }
  });
});

const kinds = await availableKinds();

describe.each(kinds)("cases on %s", (kind) => {
  let db: TestDb;
  let worker: string;
  beforeAll(async () => {
    db = await createTestDb(kind);
    worker = await makeStaff(db.prisma, "worker-ocd", "commune", { communeCodes: ["00235"] }, [{ channel: "telegram", userId: "900" }]);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("codes are BV-<year>-<6 digits>, sequential", async () => {
    const a = await makeCase(db.prisma, deps, NOW);
    const b = await makeCase(db.prisma, deps, NOW);
    const c = await makeCase(db.prisma, deps, NOW);
    expect(a.code).toMatch(/^BV-2026-\d{6}$/);
    const n = (x: string) => Number(x.slice(-6));
    expect(n(b.code)).toBe(n(a.code) + 1);
    expect(n(c.code)).toBe(n(b.code) + 1);
    // the year is Vietnam's: 31/12 20:00 UTC is already 1 January 2027 in Hà Nội
    const ny = await makeCase(db.prisma, deps, new Date("2026-12-31T20:00:00Z"));
    expect(ny.code).toBe("BV-2027-000001");
  });

  it("stores deadlines, the received event, an audit row and starts escalation", async () => {
    const { id } = await makeCase(db.prisma, deps, NOW, { riskLevel: "high", urgent: true, category: "xam_hai_tinh_duc" });
    const c = await db.prisma.case.findUniqueOrThrow({ where: { id } });
    expect(c.status).toBe("received");
    expect(c.urgent).toBe(true);
    expect(c.protectionDueAt).toEqual(new Date("2026-11-23T15:00:00Z"));
    expect(c.planDueAt).toEqual(new Date("2026-11-30T23:59:59.999+07:00"));
    expect(c.approvalDueAt).toEqual(new Date("2026-12-02T23:59:59.999+07:00"));
    const events = await db.prisma.caseEvent.findMany({ where: { caseId: id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type)).toContain("received");
    expect(events.map((e) => e.type)).toContain("escalation_sent");
    const audit = await db.prisma.auditLog.findMany({ where: { entity: "Case", entityId: id } });
    expect(audit.map((a) => a.action)).toContain("case.created");
    expect(await db.prisma.escalation.count({ where: { caseId: id, level: "commune", recipientStaffId: worker } })).toBe(1);
  });

  it("keeps private fields encrypted at rest: raw SQL sees no plaintext", async () => {
    const { id } = await makeCase(db.prisma, deps, NOW);
    const raw = await db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "Case" WHERE id = $1`, id);
    const att = await db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "CaseAttachment" WHERE "caseId" = $1`, id);
    const ev = await db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "CaseEvent" WHERE "caseId" = $1`, id);
    const audit = await db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "AuditLog" WHERE "entityId" = $1`, id);
    const dump = (rows: Record<string, unknown>[]) =>
      JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("latin1") : v));
    const all = dump(raw) + dump(att) + dump(ev) + dump(audit);
    for (const s of PRIVATE_STRINGS) expect(all, s).not.toContain(s);
    // …and they decrypt back with the key
    const c = await db.prisma.case.findUniqueOrThrow({ where: { id } });
    expect(decryptText(c.descriptionEnc!)).toBe(caseInput().description);
    expect(decryptText(c.reporterPhoneEnc!)).toBe("0912345678");
    expect(decryptJson(c.locationEnc!)).toEqual({ lat: 21.0195, lng: 105.8291 });
  });

  it("an anonymous report stores no name or phone even if given", async () => {
    const { id } = await makeCase(db.prisma, deps, NOW, { anonymous: true });
    const c = await db.prisma.case.findUniqueOrThrow({ where: { id } });
    expect(c.anonymous).toBe(true);
    expect(c.reporterNameEnc).toBeNull();
    expect(c.reporterPhoneEnc).toBeNull();
  });

  it("changes status only along allowed transitions, with a reason, event and audit in one go", async () => {
    const { id } = await makeCase(db.prisma, deps, NOW);
    const tx = <T>(f: (t: Prisma.TransactionClient) => Promise<T>): Promise<T> => db.prisma.$transaction(f);
    expect(await tx((t) => changeStatus(t, { caseId: id, to: "verifying", reason: "  ", staffId: worker, now: NOW }))).toEqual({ ok: false, reason: "reason_required" });
    const skip = await tx((t) => changeStatus(t, { caseId: id, to: "plan_approved", reason: "vội", staffId: worker, now: NOW }));
    expect(skip).toMatchObject({ ok: false, reason: "not_allowed", allowed: ["verifying", "emergency_protection"] });
    const later = new Date(NOW.getTime() + 3_600_000);
    const ok = await tx((t) => changeStatus(t, { caseId: id, to: "verifying", reason: "Đã gọi điện cho trưởng thôn", staffId: worker, now: later }));
    expect(ok.ok).toBe(true);
    await tx((t) => changeStatus(t, { caseId: id, to: "needs_assessment", reason: "Xác minh đúng", staffId: worker, now: later }));
    const drafted = await tx((t) => changeStatus(t, { caseId: id, to: "plan_drafted", reason: "Lập kế hoạch", staffId: worker, now: new Date("2026-11-26T03:00:00Z") }));
    expect(drafted.ok && drafted.case.approvalDueAt).toEqual(new Date("2026-11-30T23:59:59.999+07:00")); // Thu → Fri, Mon
    const events = await db.prisma.caseEvent.findMany({ where: { caseId: id, type: "status_changed" }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.data)).toEqual([{ from: "received", to: "verifying" }, { from: "verifying", to: "needs_assessment" }, { from: "needs_assessment", to: "plan_drafted" }]);
    expect(decryptText(events[0]!.textEnc!)).toBe("Đã gọi điện cho trưởng thôn");
    const audit = await db.prisma.auditLog.findMany({ where: { entityId: id, action: "case.status_changed" } });
    expect(audit).toHaveLength(3);
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain("trưởng thôn"); // the reason stays in the encrypted event
    const missing = await tx((t) => changeStatus(t, { caseId: "00000000-0000-0000-0000-000000000000", to: "verifying", reason: "x", staffId: worker, now: NOW }));
    expect(missing).toEqual({ ok: false, reason: "not_found" });
  });

  it("a refused transition writes nothing", async () => {
    const { id } = await makeCase(db.prisma, deps, NOW);
    const before = await db.prisma.caseEvent.count({ where: { caseId: id } });
    await db.prisma.$transaction((t) => changeStatus(t, { caseId: id, to: "closed", reason: "thử", staffId: worker, now: NOW }));
    expect(await db.prisma.caseEvent.count({ where: { caseId: id } })).toBe(before);
    expect((await db.prisma.case.findUniqueOrThrow({ where: { id } })).status).toBe("received");
  });

  it("changes risk with a reason; upgrading to high adds the 12-hour deadline", async () => {
    const { id } = await makeCase(db.prisma, deps, NOW, { riskLevel: "low" });
    expect((await db.prisma.case.findUniqueOrThrow({ where: { id } })).protectionDueAt).toBeNull();
    const r = await db.prisma.$transaction((t) => changeRisk(t, { caseId: id, to: "high", reason: "Có dấu hiệu xâm hại", staffId: worker, now: NOW }));
    expect(r.ok && r.case.urgent).toBe(true);
    expect(r.ok && r.case.protectionDueAt).toEqual(new Date(NOW.getTime() + 12 * 3_600_000));
    expect(await db.prisma.auditLog.count({ where: { entityId: id, action: "case.risk_changed" } })).toBe(1);
    expect(await db.prisma.$transaction((t) => changeRisk(t, { caseId: id, to: "medium", reason: "", staffId: worker, now: NOW }))).toEqual({ ok: false, reason: "reason_required" });
  });

  it("adds notes (encrypted) and assigns only within scope", async () => {
    const { id } = await makeCase(db.prisma, deps, NOW);
    expect(await db.prisma.$transaction((t) => addNote(t, { caseId: id, text: "Gặp bà nội của cháu", staffId: worker, now: NOW }))).toBe(true);
    const note = await db.prisma.caseEvent.findFirstOrThrow({ where: { caseId: id, type: "note" } });
    expect(decryptText(note.textEnc!)).toBe("Gặp bà nội của cháu");
    const other = await makeStaff(db.prisma, "worker-elsewhere", "commune", { communeCodes: ["09700"] }, []);
    expect(await db.prisma.$transaction((t) => assignCase(t, { caseId: id, assigneeId: other, byStaffId: worker, now: NOW }))).toEqual({ ok: false, reason: "out_of_scope" });
    // a commune worker of another commune in the SAME province could not see the case, so cannot be assigned it
    const c = await db.prisma.case.findUniqueOrThrow({ where: { id } });
    const sameProvince = await makeStaff(db.prisma, "worker-next-door", "commune", { communeCodes: ["99999"], provinceCodes: [c.provinceCode!] }, []);
    expect(await db.prisma.$transaction((t) => assignCase(t, { caseId: id, assigneeId: sameProvince, byStaffId: worker, now: NOW }))).toEqual({ ok: false, reason: "out_of_scope" });
    expect(await db.prisma.$transaction((t) => assignCase(t, { caseId: id, assigneeId: worker, byStaffId: worker, now: NOW }))).toEqual({ ok: true });
    expect((await db.prisma.case.findUniqueOrThrow({ where: { id } })).assignedStaffId).toBe(worker);
    expect(await db.prisma.auditLog.count({ where: { entityId: id, action: { in: ["case.note_added", "case.assigned"] } } })).toBe(2);
  });

  it("the reporter adds info later; the assigned worker is told (without the content); others are refused", async () => {
    const contact = await db.prisma.contact.create({ data: { channel: "telegram", channelUserId: "reporter-77" } });
    const { id, code } = await makeCase(db.prisma, deps, NOW, {}, contact.id);
    await db.prisma.$transaction((t) => assignCase(t, { caseId: id, assigneeId: worker, byStaffId: worker, now: NOW }));
    const before = await db.prisma.outboxItem.count();
    const r = await db.prisma.$transaction((t) =>
      addCaseInfo(t, deps, { caseCode: code.toLowerCase().replace(/-/g, ""), text: "Cháu lại bị đánh tối qua", attachments: [{ type: "image", ref: "f-2" }], contactId: contact.id, channel: "telegram", now: NOW }),
    );
    expect(r).toEqual({ ok: true, code, notified: 1 });
    const types = (await db.prisma.caseEvent.findMany({ where: { caseId: id }, orderBy: { id: "asc" } })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["reporter_added", "attachment"]));
    const items = await db.prisma.outboxItem.findMany({ orderBy: { id: "asc" }, skip: before });
    expect(items).toHaveLength(1);
    const msg = decryptJson(items[0]!.payloadEnc) as { text: string };
    expect(msg.text).toContain(code);
    expect(msg.text).not.toContain("đánh tối qua");
    const stranger = await db.prisma.$transaction((t) => addCaseInfo(t, deps, { caseCode: code, text: "spam", attachments: [], contactId: "someone-else", channel: "telegram", now: NOW }));
    expect(stranger).toEqual({ ok: false, reason: "not_reporter" });
  });

  it("the cases port shows plain status words by a loosely typed code, and nothing for unknown codes", async () => {
    const { code } = await makeCase(db.prisma, deps, NOW);
    const port = createCasesPort(db.prisma);
    const v = await port.statusByCode(code.toLowerCase().replace(/-/g, ""));
    expect(v).toMatchObject({ code, statusText: CASE_STATUS_TEXT_VI.received, closed: false });
    expect(JSON.stringify(v)).not.toMatch(/Hoa|0912|Bình/);
    expect(await port.statusByCode("BV-2026-999999")).toBeNull();
    expect(await port.statusByCode("nonsense")).toBeNull();
  });
});
