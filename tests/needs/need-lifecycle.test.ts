import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptOptional } from "../../src/crypto/index.js";
import type { Prisma } from "../../src/generated/prisma/client.js";
import { closeNeed } from "../../src/needs/close-need.js";
import { createNeed } from "../../src/needs/create-need.js";
import { createNeedsPort } from "../../src/needs/needs-port.js";
import { publishNeed } from "../../src/needs/publish-need.js";
import { rejectNeed } from "../../src/needs/reject-need.js";
import type { StaffScope } from "../../src/needs/types.js";
import { verifyNeed } from "../../src/needs/verify-need.js";
import { cancelPledge } from "../../src/pledges/cancel-pledge.js";
import { confirmPledgeReceipt } from "../../src/pledges/confirm-pledge-receipt.js";
import { nextCode } from "../../src/runtime/next-code.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";
import { ADMIN, moneyPledge, needInput, NOW, pledge, publishedNeed, seedUnits, staff } from "./helpers.js";

const kinds = await availableKinds();

describe.each(kinds)("needs on %s", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(kind);
    await seedUnits(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
  });

  const submit = (over = {}) => db.prisma.$transaction((tx) => createNeed(tx, needInput(over), { actor: "bot", now: NOW, reporterContactId: null }));
  const status = async (code: string) => (await db.prisma.need.findUniqueOrThrow({ where: { code } })).status;
  const audits = async (code: string) => {
    const need = await db.prisma.need.findUniqueOrThrow({ where: { code } });
    return db.prisma.auditLog.findMany({ where: { entity: "need", entityId: need.id }, orderBy: { id: "asc" } });
  };

  it("creates a submitted need with an NC code, encrypted contact and an audit row without private data", async () => {
    const { code } = await submit();
    expect(code).toMatch(/^NC-2026-\d{6}$/);
    const row = await db.prisma.need.findUniqueOrThrow({ where: { code } });
    expect(row.status).toBe("submitted");
    expect(row.amountVnd).toBe(12_000_000n);
    expect(row.neededBy?.toISOString()).toBe("2026-12-15T00:00:00.000Z");
    expect(Buffer.from(row.contactPhoneEnc ?? []).toString("latin1")).not.toContain("0912345678");
    expect(decryptOptional(row.contactPhoneEnc)).toBe("0912345678");
    expect(decryptOptional(row.contactNameEnc)).toBe("Cô Lò Thị Hoa");
    const a = await audits(code);
    expect(a.map((x) => x.action)).toEqual(["need.create"]);
    expect(JSON.stringify(a[0]?.details)).not.toMatch(/0912345678|Hoa/);
  });

  it("refuses invalid input with field names only", async () => {
    await expect(submit({ category: "weapons", childrenCount: 0, contactPhone: "0912345678" })).rejects.toMatchObject({ code: "bad_request", details: { fields: expect.arrayContaining(["category", "childrenCount"]) } });
    await expect(submit({ neededBy: "2026-02-30" })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("gives consecutive, distinct codes", async () => {
    const a = await submit();
    const b = await submit();
    expect(Number(b.code.slice(-6))).toBe(Number(a.code.slice(-6)) + 1);
  });

  it.each([
    ["admin", { provinceCodes: [] }, true],
    ["donations_officer", { communeCodes: [] }, true],
    ["province_officer", { provinceCodes: ["P1"] }, true],
    ["province_officer", { provinceCodes: ["P2"] }, false],
    ["commune_worker", { communeCodes: ["C11"] }, true],
    ["commune_worker", { communeCodes: ["C12"] }, false],
    ["commune_worker", { provinceCodes: ["P1"] }, false],
    ["hotline", { provinceCodes: ["P1"], communeCodes: ["C11"] }, false],
  ] satisfies [StaffScope["role"], { provinceCodes?: string[]; communeCodes?: string[] }, boolean][])("verification by %s %j allowed=%s (outside scope looks like not found)", async (role, scope, allowed) => {
    const { code } = await submit();
    const s = staff(role, scope);
    const run = db.prisma.$transaction((tx) => verifyNeed(tx, { needCode: code, staff: s, now: NOW }));
    if (allowed) {
      await expect(run).resolves.toMatchObject({ status: "verified", verifiedBy: s.id });
      expect(await status(code)).toBe("verified");
      expect((await audits(code)).at(-1)).toMatchObject({ action: "need.verify", actor: `staff:${s.id}` });
    } else {
      await expect(run).rejects.toMatchObject({ code: "not_found" });
      expect(await status(code)).toBe("submitted");
      expect((await audits(code)).map((a) => a.action)).toEqual(["need.create"]);
    }
  });

  it("follows submitted → verified → published → closed and refuses skipped or backward steps", async () => {
    const { code } = await submit();
    const tx = <T>(f: (t: Prisma.TransactionClient) => Promise<T>): Promise<T> => db.prisma.$transaction(f);
    await expect(tx((t) => publishNeed(t, { needCode: code, staff: ADMIN, now: NOW }))).rejects.toMatchObject({ code: "conflict" });
    await tx((t) => verifyNeed(t, { needCode: code, staff: ADMIN, now: NOW }));
    await expect(tx((t) => verifyNeed(t, { needCode: code, staff: ADMIN, now: NOW }))).rejects.toMatchObject({ code: "conflict" });
    await tx((t) => publishNeed(t, { needCode: code, staff: ADMIN, now: NOW }));
    expect((await db.prisma.need.findUniqueOrThrow({ where: { code } })).publishedAt?.toISOString()).toBe(NOW.toISOString());
    await expect(tx((t) => rejectNeed(t, { needCode: code, staff: ADMIN, now: NOW, reason: "duplicate" }))).rejects.toMatchObject({ code: "conflict" });
    await tx((t) => closeNeed(t, { needCode: code, staff: ADMIN, now: NOW }));
    await expect(tx((t) => publishNeed(t, { needCode: code, staff: ADMIN, now: NOW }))).rejects.toMatchObject({ code: "conflict" });
    expect(await status(code)).toBe("closed");
    expect((await audits(code)).map((a) => a.action)).toEqual(["need.create", "need.verify", "need.publish", "need.close"]);
  });

  it("rejects a submitted need; a rejected need is final", async () => {
    const { code } = await submit();
    await db.prisma.$transaction((t) => rejectNeed(t, { needCode: code, staff: ADMIN, now: NOW, reason: "unverifiable" }));
    await expect(db.prisma.$transaction((t) => verifyNeed(t, { needCode: code, staff: ADMIN, now: NOW }))).rejects.toMatchObject({ code: "conflict" });
    expect((await audits(code)).at(-1)?.details).toMatchObject({ reason: "unverifiable", from: "submitted", to: "rejected" });
  });

  it("moves between published, partly_pledged and fulfilled with money pledges (and back on cancel)", async () => {
    const code = await publishedNeed(db.prisma, { amountVnd: 10_000_000, quantity: 100 });
    const a = await pledge(db.prisma, moneyPledge(code, 4_000_000));
    expect(await status(code)).toBe("partly_pledged");
    await pledge(db.prisma, moneyPledge(code, 6_000_000));
    expect(await status(code)).toBe("fulfilled");
    await db.prisma.$transaction((t) => cancelPledge(t, { pledgeCode: a.code, actor: "bot", now: NOW }));
    expect(await status(code)).toBe("partly_pledged");
    const auto = (await audits(code)).filter((x) => x.action === "need.status_auto").map((x) => x.details);
    expect(auto).toEqual([
      { code, from: "published", to: "partly_pledged" },
      { code, from: "partly_pledged", to: "fulfilled" },
      { code, from: "fulfilled", to: "partly_pledged" },
    ]);
  });

  it("counts goods in the need's unit and mixes goods with money (60 of 120 coats + half the money = fulfilled)", async () => {
    const code = await publishedNeed(db.prisma, { amountVnd: 12_000_000, quantity: 120 });
    await pledge(db.prisma, { kind: "goods", needCode: code, amountVnd: null, items: "áo ấm", quantity: 60, publicName: null, contact: null });
    expect(await status(code)).toBe("partly_pledged");
    await pledge(db.prisma, moneyPledge(code, 6_000_000));
    expect(await status(code)).toBe("fulfilled");

    const goodsOnly = await publishedNeed(db.prisma, { amountVnd: null, quantity: 50, unit: "bộ sách" });
    await pledge(db.prisma, moneyPledge(goodsOnly, 99_000_000));
    expect(await status(goodsOnly)).toBe("partly_pledged"); // money cannot be weighed against books with no price
    await pledge(db.prisma, { kind: "goods", needCode: goodsOnly, amountVnd: null, items: "sách", quantity: 50, publicName: null, contact: null });
    expect(await status(goodsOnly)).toBe("fulfilled");
  });

  it("counts what really arrived once a pledge is received", async () => {
    const code = await publishedNeed(db.prisma, { amountVnd: 10_000_000 });
    const p = await pledge(db.prisma, moneyPledge(code, 10_000_000));
    expect(await status(code)).toBe("fulfilled");
    await db.prisma.$transaction((t) => confirmPledgeReceipt(t, { pledgeCode: p.code, actor: "staff:s1", now: NOW, receivedAmountVnd: 5_000_000 }));
    expect(await status(code)).toBe("partly_pledged");
  });

  it("never shows unverified, unpublished or rejected needs to the public", async () => {
    const port = createNeedsPort(db.prisma, false);
    const hidden: string[] = [];
    hidden.push((await submit({ provinceCode: "P2", communeCode: "C21", facility: "Điểm trường Sín Thầu" })).code);
    const v = await submit({ provinceCode: "P2", communeCode: "C21" });
    await db.prisma.$transaction((t) => verifyNeed(t, { needCode: v.code, staff: ADMIN, now: NOW }));
    hidden.push(v.code);
    const r = await submit({ provinceCode: "P2", communeCode: "C21" });
    await db.prisma.$transaction((t) => rejectNeed(t, { needCode: r.code, staff: ADMIN, now: NOW, reason: "other" }));
    hidden.push(r.code);
    const shown = await publishedNeed(db.prisma, { provinceCode: "P2", communeCode: "C21", category: "nutrition_meals", unit: "suất ăn", amountVnd: 3_000_000 });
    await pledge(db.prisma, moneyPledge(shown, 1_000_000));

    const listed = await port.listPublished({ provinceCode: "P2", limit: 20 });
    expect(listed.map((n) => n.code)).toEqual([shown]);
    expect(listed[0]).toMatchObject({ communeName: "Xã Sín Thầu", category: "nutrition_meals", amountVnd: 3_000_000, pledgedVnd: 1_000_000, neededBy: "2026-12-15", status: "partly_pledged" });
    const everything = await port.listPublished({ limit: 50 });
    for (const h of hidden) {
      expect(everything.map((n) => n.code)).not.toContain(h);
      expect(await port.byCode(h)).toBeNull();
    }
    expect((await port.byCode(shown.toLowerCase()))?.code).toBe(shown);
    expect(port.vietqrEnabled()).toBe(false);
    expect(createNeedsPort(db.prisma, true).vietqrEnabled()).toBe(true);
    expect((await port.listPublished({ category: "nutrition_meals", limit: 50 })).every((n) => n.category === "nutrition_meals")).toBe(true);
  });

  it("allocates distinct codes under concurrent transactions", async () => {
    const codes = await Promise.all(Array.from({ length: 12 }, () => db.prisma.$transaction((tx) => nextCode(tx, "BV", 2031))));
    expect(new Set(codes).size).toBe(12);
    expect([...codes].sort()[0]).toBe("BV-2031-000001");
    expect([...codes].sort().at(-1)).toBe("BV-2031-000012");
  });
});
