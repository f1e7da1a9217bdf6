import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptOptional } from "../../src/crypto/index.js";
import type { Prisma } from "../../src/generated/prisma/client.js";
import { closeNeed } from "../../src/needs/close-need.js";
import { cancelPledge } from "../../src/pledges/cancel-pledge.js";
import { confirmPledgeReceipt } from "../../src/pledges/confirm-pledge-receipt.js";
import { expirePledges } from "../../src/pledges/expire-pledges.js";
import { markPledgeDelivered } from "../../src/pledges/mark-pledge-delivered.js";
import { recordPledge } from "../../src/pledges/record-pledge.js";
import { thankPledge } from "../../src/pledges/thank-pledge.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";
import { ADMIN, moneyPledge, NOW, pledge, publishedNeed, seedUnits } from "../needs/helpers.js";

const kinds = await availableKinds();
const DAY = 86_400_000;

describe.each(kinds)("pledges on %s", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(kind);
    await seedUnits(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
  });

  const row = (code: string) => db.prisma.pledge.findUniqueOrThrow({ where: { code } });
  const tx = <T>(f: (t: Prisma.TransactionClient) => Promise<T>): Promise<T> => db.prisma.$transaction(f);

  it("records a money pledge with a UH code, a deadline, encrypted contact and an audit row", async () => {
    const need = await publishedNeed(db.prisma);
    const r = await pledge(db.prisma, moneyPledge(need, 500_000, { publicName: "  " }), NOW, "contact-1");
    expect(r).toMatchObject({ needCode: need, redirectedToGeneralFund: false });
    expect(r.code).toMatch(/^UH-2026-\d{6}$/);
    const p = await row(r.code);
    expect(p).toMatchObject({ kind: "money", amountVnd: 500_000n, status: "pledged", publicName: null, donorContactId: "contact-1", items: null, quantity: null });
    expect(p.expiresAt?.getTime()).toBe(NOW.getTime() + 14 * DAY);
    expect(decryptOptional(p.contactEnc)).toBe("0987654321");
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { entity: "pledge", entityId: p.id } });
    expect(audit).toMatchObject({ action: "pledge.create", actor: "bot" });
    expect(JSON.stringify(audit.details)).not.toContain("0987654321");
  });

  it("walks pledged → received → delivered → thanked and refuses every other move", async () => {
    const need = await publishedNeed(db.prisma);
    const { code } = await pledge(db.prisma, moneyPledge(need, 1_000_000));
    const now = new Date(NOW.getTime() + DAY);
    await expect(tx((t) => thankPledge(t, { pledgeCode: code, actor: "staff:s1", now }))).rejects.toMatchObject({ code: "conflict" });
    await expect(tx((t) => markPledgeDelivered(t, { pledgeCode: code, actor: "staff:s1", now }))).rejects.toMatchObject({ code: "conflict" });
    await tx((t) => confirmPledgeReceipt(t, { pledgeCode: code, actor: "staff:s1", now }));
    expect(await row(code)).toMatchObject({ status: "received", receivedAmountVnd: 1_000_000n, receivedAt: now });
    await expect(tx((t) => cancelPledge(t, { pledgeCode: code, actor: "staff:s1", now }))).rejects.toMatchObject({ code: "conflict" });
    await expect(tx((t) => confirmPledgeReceipt(t, { pledgeCode: code, actor: "staff:s1", now }))).rejects.toMatchObject({ code: "conflict" });
    await tx((t) => markPledgeDelivered(t, { pledgeCode: code, actor: "staff:s1", now }));
    await tx((t) => thankPledge(t, { pledgeCode: code, actor: "staff:s1", now }));
    const p = await row(code);
    expect(p).toMatchObject({ status: "thanked", deliveredAt: now, thankedAt: now });
    const actions = (await db.prisma.auditLog.findMany({ where: { entity: "pledge", entityId: p.id }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["pledge.create", "pledge.receive", "pledge.deliver", "pledge.thank"]);
    await expect(tx((t) => thankPledge(t, { pledgeCode: code, actor: "staff:s1", now }))).rejects.toMatchObject({ code: "conflict" });
    await expect(tx((t) => thankPledge(t, { pledgeCode: "UH-2026-999999", actor: "staff:s1", now }))).rejects.toMatchObject({ code: "not_found" });
  });

  it("lets only the donor cancel their own pledge", async () => {
    const { code } = await pledge(db.prisma, moneyPledge(null, 200_000), NOW, "donor-a");
    await expect(tx((t) => cancelPledge(t, { pledgeCode: code, actor: "reporter:donor-b", now: NOW, donorContactId: "donor-b" }))).rejects.toMatchObject({ code: "not_found" });
    await tx((t) => cancelPledge(t, { pledgeCode: code, actor: "reporter:donor-a", now: NOW, donorContactId: "donor-a" }));
    expect((await row(code)).status).toBe("cancelled");
  });

  it("expires unpaid money pledges after the deadline, not goods, and the need follows", async () => {
    const need = await publishedNeed(db.prisma, { amountVnd: 2_000_000 });
    const m = await pledge(db.prisma, moneyPledge(need, 2_000_000));
    const g = await pledge(db.prisma, { kind: "goods", needCode: null, amountVnd: null, items: "vở", quantity: 100, publicName: null, contact: null });
    expect((await db.prisma.need.findUniqueOrThrow({ where: { code: need } })).status).toBe("fulfilled");
    expect((await tx((t) => expirePledges(t, { now: new Date(NOW.getTime() + 13 * DAY) }))).expired).not.toContain(m.code);
    const r = await tx((t) => expirePledges(t, { now: new Date(NOW.getTime() + 15 * DAY) }));
    expect(r.expired).toContain(m.code);
    expect(r.expired).not.toContain(g.code);
    expect((await row(m.code)).status).toBe("expired");
    expect((await row(g.code)).status).toBe("pledged");
    expect((await db.prisma.need.findUniqueOrThrow({ where: { code: need } })).status).toBe("published");
    // the money did come, late: still counted
    await tx((t) => confirmPledgeReceipt(t, { pledgeCode: m.code, actor: "staff:s1", now: new Date(NOW.getTime() + 16 * DAY) }));
    expect((await db.prisma.need.findUniqueOrThrow({ where: { code: need } })).status).toBe("fulfilled");
  });

  it("sends a pledge for a closed or unknown need to the general fund instead of failing the conversation", async () => {
    const need = await publishedNeed(db.prisma);
    await tx((t) => closeNeed(t, { needCode: need, staff: ADMIN, now: NOW }));
    const r = await pledge(db.prisma, moneyPledge(need, 300_000));
    expect(r).toMatchObject({ needCode: null, redirectedToGeneralFund: true });
    expect((await row(r.code)).needId).toBeNull();
    const u = await pledge(db.prisma, moneyPledge("NC-2026-999999", 300_000));
    expect(u.redirectedToGeneralFund).toBe(true);
  });

  it("refuses malformed pledges (they are bugs in the caller, not donor input)", async () => {
    await expect(tx((t) => recordPledge(t, moneyPledge(null, 0), { actor: "bot", now: NOW }))).rejects.toMatchObject({ code: "bad_request" });
    await expect(tx((t) => recordPledge(t, moneyPledge(null, 1.5), { actor: "bot", now: NOW }))).rejects.toMatchObject({ code: "bad_request" });
    await expect(tx((t) => recordPledge(t, { kind: "goods", needCode: null, amountVnd: null, items: null, quantity: null, publicName: null, contact: null }, { actor: "bot", now: NOW }))).rejects.toMatchObject({ code: "bad_request" });
    await expect(tx((t) => recordPledge(t, moneyPledge(null, 20_000_000_000), { actor: "bot", now: NOW }))).rejects.toMatchObject({ code: "bad_request" });
  });

  it("rolls back the pledge and its audit row when the caller's transaction fails", async () => {
    const before = await db.prisma.pledge.count();
    const auditsBefore = await db.prisma.auditLog.count();
    await expect(
      db.prisma.$transaction(async (t) => {
        await recordPledge(t, moneyPledge(null, 100_000), { actor: "bot", now: NOW });
        throw new Error("runtime failed later in the same turn");
      }),
    ).rejects.toThrow("runtime failed");
    expect(await db.prisma.pledge.count()).toBe(before);
    expect(await db.prisma.auditLog.count()).toBe(auditsBefore);
  });
});
