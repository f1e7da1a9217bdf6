import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNeed } from "../../src/needs/create-need.js";
import { ANONYMOUS_LABEL, computeTransparency, GENERAL_FUND_LABEL, toCsv, type MoneyFigures, type TransparencyNeed, type TransparencyPledge, type TransparencyReport, transparencyReport } from "../../src/needs/transparency.js";
import { NEED_CATEGORIES, NEED_STATUSES } from "../../src/needs/types.js";
import { cancelPledge } from "../../src/pledges/cancel-pledge.js";
import { confirmPledgeReceipt } from "../../src/pledges/confirm-pledge-receipt.js";
import { markPledgeDelivered } from "../../src/pledges/mark-pledge-delivered.js";
import { thankPledge } from "../../src/pledges/thank-pledge.js";
import { PLEDGE_STATUSES } from "../../src/pledges/types.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";
import { moneyPledge, needInput, NOW, pledge, publishedNeed, seedUnits } from "./helpers.js";

/** Deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

const MONEY_KEYS = ["neededVnd", "pledgedVnd", "receivedVnd", "deliveredVnd"] as const;
const sum = (rows: readonly MoneyFigures[]): MoneyFigures => {
  const s = { neededVnd: 0, pledgedVnd: 0, receivedVnd: 0, deliveredVnd: 0 };
  for (const r of rows) for (const k of MONEY_KEYS) s[k] += r[k];
  return s;
};
const goodsSum = (lists: { unit: string; needed: number; pledged: number; received: number; delivered: number }[][]) => {
  const m = new Map<string, number[]>();
  for (const l of lists) for (const g of l) {
    const cur = m.get(g.unit) ?? [0, 0, 0, 0];
    m.set(g.unit, [cur[0]! + g.needed, cur[1]! + g.pledged, cur[2]! + g.received, cur[3]! + g.delivered]);
  }
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
};

/** Every view of the report adds up to the same totals. */
function expectReconciled(r: TransparencyReport): void {
  const money = { neededVnd: r.total.neededVnd, pledgedVnd: r.total.pledgedVnd, receivedVnd: r.total.receivedVnd, deliveredVnd: r.total.deliveredVnd };
  expect(sum(r.needs)).toEqual(money);
  expect(sum(r.communes)).toEqual(money);
  expect(sum(r.categories)).toEqual(money);
  const totalGoods = goodsSum([r.total.goods]);
  expect(goodsSum(r.needs.map((n) => [n.goods]))).toEqual(totalGoods);
  expect(goodsSum(r.communes.map((c) => c.goods))).toEqual(totalGoods);
  expect(goodsSum(r.categories.map((c) => c.goods))).toEqual(totalGoods);
  for (const row of [...r.needs, ...r.communes, ...r.categories, r.total]) {
    expect(row.pledgedVnd).toBeGreaterThanOrEqual(row.receivedVnd);
    expect(row.receivedVnd).toBeGreaterThanOrEqual(row.deliveredVnd);
    for (const k of MONEY_KEYS) expect(Number.isSafeInteger(row[k])).toBe(true);
  }
}

describe("transparency totals (pure, random data)", () => {
  it.each([1, 2, 3, 42, 2026, 588])("reconcile exactly for seed %i", (seed) => {
    const r = rng(seed);
    const needs: TransparencyNeed[] = Array.from({ length: 5 + Math.floor(r() * 40) }, (_, i) => ({
      id: `n${i}`,
      code: `NC-2026-${String(i + 1).padStart(6, "0")}`,
      facility: `Trường ${i}`,
      provinceCode: pick(r, ["P1", "P2"]),
      communeCode: pick(r, ["C11", "C12", "C21", "C22"]),
      communeName: "Xã",
      category: pick(r, NEED_CATEGORIES),
      status: pick(r, NEED_STATUSES),
      quantity: 1 + Math.floor(r() * 500),
      unit: pick(r, ["áo ấm", "suất ăn", "bộ sách"]),
      amountVnd: r() < 0.8 ? BigInt(1000 * (1 + Math.floor(r() * 50_000))) : null,
    }));
    const pledges: TransparencyPledge[] = Array.from({ length: Math.floor(r() * 300) }, (_, i) => {
      const kind = r() < 0.75 ? "money" : "goods";
      const status = pick(r, PLEDGE_STATUSES);
      const amount = BigInt(1 + Math.floor(r() * 50_000_000));
      return {
        code: `UH-2026-${String(i + 1).padStart(6, "0")}`,
        needId: r() < 0.15 ? null : pick(r, needs).id,
        kind,
        status,
        amountVnd: kind === "money" ? amount : null,
        receivedAmountVnd: kind === "money" && ["received", "delivered", "thanked"].includes(status) ? (r() < 0.8 ? amount : BigInt(1 + Math.floor(r() * 50_000_000))) : null,
        quantity: kind === "goods" ? Math.floor(r() * 100) : null,
        publicName: r() < 0.5 ? null : `Nhà hảo tâm ${i}`,
        items: kind === "goods" ? "áo" : null,
        receivedAt: null,
      };
    });
    for (const includeGeneralFund of [true, false]) {
      const rep = computeTransparency(needs, pledges, { now: NOW, includeGeneralFund });
      expectReconciled(rep);
      // independent brute force of the grand total, straight from the definitions
      const publicIds = new Set(needs.filter((n) => ["published", "partly_pledged", "fulfilled", "closed"].includes(n.status)).map((n) => n.id));
      const counted = pledges.filter((p) => (p.needId === null ? includeGeneralFund : publicIds.has(p.needId)) && p.kind === "money");
      const val = (p: TransparencyPledge) => Number(["received", "delivered", "thanked"].includes(p.status) ? (p.receivedAmountVnd ?? p.amountVnd) : p.amountVnd);
      expect(rep.total.pledgedVnd).toBe(counted.filter((p) => ["pledged", "received", "delivered", "thanked"].includes(p.status)).reduce((s, p) => s + val(p), 0));
      expect(rep.total.receivedVnd).toBe(counted.filter((p) => ["received", "delivered", "thanked"].includes(p.status)).reduce((s, p) => s + val(p), 0));
      expect(rep.total.deliveredVnd).toBe(counted.filter((p) => ["delivered", "thanked"].includes(p.status)).reduce((s, p) => s + val(p), 0));
      expect(rep.total.neededVnd).toBe(needs.filter((n) => publicIds.has(n.id)).reduce((s, n) => s + Number(n.amountVnd ?? 0n), 0));
      expect(rep.needs.some((n) => n.needCode === null)).toBe(includeGeneralFund);
      expect(rep.needs.filter((n) => n.needCode !== null).every((n) => publicIds.has(`n${Number(n.needCode?.slice(-6)) - 1}`))).toBe(true);
      for (const d of rep.donors) expect(d.name === ANONYMOUS_LABEL || d.name.startsWith("Nhà hảo tâm")).toBe(true);
    }
  });
});

describe.each(await availableKinds())("transparency from the database on %s", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(kind);
    await seedUnits(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("reconciles random pledges through the real services, hides unverified needs and contact data, exports CSV", async () => {
    const r = rng(7);
    const needs: string[] = [];
    for (let i = 0; i < 6; i++) {
      const commune = pick(r, [["P1", "C11"], ["P1", "C12"], ["P2", "C21"]] as const);
      needs.push(await publishedNeed(db.prisma, { provinceCode: commune[0], communeCode: commune[1], category: pick(r, NEED_CATEGORIES), amountVnd: 1_000_000 * (1 + Math.floor(r() * 20)), quantity: 10 + Math.floor(r() * 90), facility: `=HYPERLINK("x") Trường ${i}` }));
    }
    const hidden = await db.prisma.$transaction((tx) => createNeed(tx, needInput({ facility: "Chưa xác minh" }), { actor: "bot", now: NOW }));
    await pledge(db.prisma, moneyPledge(null, 777_000, { publicName: null })); // general fund
    for (let i = 0; i < 25; i++) {
      const needCode = r() < 0.2 ? null : pick(r, needs);
      const p = r() < 0.7
        ? await pledge(db.prisma, moneyPledge(needCode, 1000 * (1 + Math.floor(r() * 3000)), { publicName: r() < 0.5 ? null : `Bạn ${i}`, contact: `09${String(10_000_000 + i)}` }))
        : await pledge(db.prisma, { kind: "goods", needCode, amountVnd: null, items: "áo ấm", quantity: 1 + Math.floor(r() * 20), publicName: `Bạn ${i}`, contact: "0900000000" });
      const steps = Math.floor(r() * 5);
      await db.prisma.$transaction(async (tx) => {
        if (steps === 4) return cancelPledge(tx, { pledgeCode: p.code, actor: "bot", now: NOW });
        if (steps >= 1) await confirmPledgeReceipt(tx, { pledgeCode: p.code, actor: "staff:s", now: NOW });
        if (steps >= 2) await markPledgeDelivered(tx, { pledgeCode: p.code, actor: "staff:s", now: NOW });
        if (steps >= 3) await thankPledge(tx, { pledgeCode: p.code, actor: "staff:s", now: NOW });
        return null;
      });
    }
    const rep = await transparencyReport(db.prisma, { now: NOW });
    expectReconciled(rep);
    expect(rep.needs.map((n) => n.needCode)).not.toContain(hidden.code);
    expect(rep.needs.at(-1)).toMatchObject({ needCode: null, facility: GENERAL_FUND_LABEL });
    expect(rep.needs.at(-1)?.pledgedVnd).toBeGreaterThanOrEqual(777_000);
    expect(rep.communes.find((c) => c.key === "C21")?.label).toBe("Xã Sín Thầu");
    const json = JSON.stringify(rep);
    expect(json).not.toMatch(/09\d{8}|0987654321|contact/i);
    expect(rep.donors.length).toBeGreaterThan(0);
    expect(rep.donors.every((d) => d.name === ANONYMOUS_LABEL || /^Bạn \d+$/.test(d.name))).toBe(true);

    const csv = toCsv(rep, "needs");
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const rows: string[][] = parse(csv, { bom: true });
    expect(rows[0]?.[0]).toBe("Mã nhu cầu");
    expect(rows.find((x) => x[0]?.startsWith("NC-"))?.[1]).toMatch(/^'=HYPERLINK/); // no formula injection
    const totalRow = rows.at(-1) ?? [];
    expect(totalRow[0]).toBe("TỔNG");
    expect(totalRow.slice(7, 11).map(Number)).toEqual([rep.total.neededVnd, rep.total.pledgedVnd, rep.total.receivedVnd, rep.total.deliveredVnd]);
    const body = rows.slice(1, -1);
    expect(body.reduce((s, x) => s + Number(x[8]), 0)).toBe(rep.total.pledgedVnd);
    for (const t of ["communes", "categories", "donors"] as const) expect(parse(toCsv(rep, t), { bom: true }).length).toBeGreaterThan(1);

    const p2 = await transparencyReport(db.prisma, { provinceCode: "P2", now: NOW });
    expectReconciled(p2);
    expect(p2.needs.every((n) => n.provinceCode === "P2")).toBe(true);
  });
});
