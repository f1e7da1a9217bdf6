import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeStatementNote, findPledgeCodes, importStatement, parseStatementAmount, parseStatementCsv, parseStatementDate } from "../../src/pledges/statement-import.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";
import { moneyPledge, NOW, pledge, publishedNeed, seedUnits } from "../needs/helpers.js";

const LATER = new Date(NOW.getTime() + 3 * 86_400_000);
const squash = (code: string) => code.replace(/-/g, "");

describe("statement parsing (pure)", () => {
  it.each([
    ["1.000.000", 1_000_000],
    ["1,000,000", 1_000_000],
    ["1000000", 1_000_000],
    ["+500.000", 500_000],
    ["1.000.000 VND", 1_000_000],
    ["1.000.000,00", 1_000_000],
    ["1,000,000.00", 1_000_000],
    ["250000.00", 250_000],
  ])("amount %s → %d", (s, n) => expect(parseStatementAmount(s)).toEqual({ ok: true, vnd: n }));

  it.each(["", "-500.000", "(500.000)", "abc", "1.000.000,50", "0", "12.34.567"])("amount %j is refused with a reason", (s) => {
    const r = parseStatementAmount(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
  });

  it("reads dates as Vietnam local time", () => {
    expect(parseStatementDate("23/11/2026")?.toISOString()).toBe("2026-11-22T17:00:00.000Z");
    expect(parseStatementDate("23/11/2026 14:05:09")?.toISOString()).toBe("2026-11-23T07:05:09.000Z");
    expect(parseStatementDate("2026-11-23")?.toISOString()).toBe("2026-11-22T17:00:00.000Z");
    expect(parseStatementDate("2026-11-23T07:05:09Z")?.toISOString()).toBe("2026-11-23T07:05:09.000Z");
    expect(parseStatementDate("31/02/2026")).toBeNull();
    expect(parseStatementDate("hôm qua")).toBeNull();
  });

  it("finds pledge codes even when the bank dropped dashes, spaces or case", () => {
    expect(findPledgeCodes("UH UH-2026-000123")).toEqual(["UH-2026-000123"]);
    expect(findPledgeCodes("NGUYEN VAN A CHUYEN TIEN UH2026000123")).toEqual(["UH-2026-000123"]);
    expect(findPledgeCodes("MBVCB.1234.uh 2026 000123.CT tu 0011")).toEqual(["UH-2026-000123"]);
    expect(findPledgeCodes("Ủng hộ UH-2026-000123 và UH2026000124")).toEqual(["UH-2026-000123", "UH-2026-000124"]);
    expect(findPledgeCodes("THUH2026000123")).toEqual([]);
    expect(findPledgeCodes("chuyen khoan ung ho")).toEqual([]);
  });

  it("gives stable keys: the transaction id when present, else a hash; identical twin transfers stay distinct", () => {
    const csv = "Ngày,Số tiền,Nội dung\n23/11/2026,100.000,ung ho\n23/11/2026,100.000,ung ho\n";
    const a = parseStatementCsv(csv);
    const b = parseStatementCsv(csv);
    expect(a.errors).toEqual([]);
    expect(a.rows.map((r) => r.lineKey)).toEqual(b.rows.map((r) => r.lineKey));
    expect(new Set(a.rows.map((r) => r.lineKey)).size).toBe(2);
    expect(a.rows[0]?.lineKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    const withRef = parseStatementCsv("Date;Amount;Description;Reference\n2026-11-23;100000;x;FT26327ABC\n");
    expect(withRef.rows[0]?.lineKey).toBe("ref:FT26327ABC");
  });

  it("explains malformed files and rows", () => {
    expect(parseStatementCsv("").errors[0]?.reason).toMatch(/trống/);
    expect(parseStatementCsv("Ngày,Ghi chú\n23/11/2026,abc\n").errors[0]?.reason).toMatch(/thiếu cột số tiền/);
    const unclosed = parseStatementCsv('Ngày,Số tiền,Nội dung\n23/11/2026,100.000,"ung ho\n24/11/2026,5,x\n');
    expect(unclosed.rows).toEqual([]);
    expect(unclosed.errors[0]?.reason).toMatch(/ngoặc kép/);
    const rows = parseStatementCsv("\uFEFFNgày,Số tiền,Nội dung\n32/13/2026,100.000,a\n23/11/2026,abc,b\n23/11/2026,-100.000,c\n23/11/2026,,d\n\n23/11/2026,\"1.000.000\",ok\n");
    expect(rows.rows.map((r) => r.line)).toEqual([7]);
    expect(rows.errors).toEqual([
      { line: 2, reason: expect.stringMatching(/ngày "32\/13\/2026" không hợp lệ/) },
      { line: 3, reason: expect.stringMatching(/số tiền "abc" không hợp lệ/) },
      { line: 4, reason: expect.stringMatching(/âm/) },
      { line: 5, reason: expect.stringMatching(/thiếu số tiền/) },
    ]);
  });
});

describe.each(await availableKinds())("importStatement on %s", (kind) => {
  let db: TestDb;
  let need: string;
  const codes: Record<string, string> = {};
  beforeAll(async () => {
    db = await createTestDb(kind);
    await seedUnits(db.prisma);
    need = await publishedNeed(db.prisma, { amountVnd: 3_000_000 });
    codes.a = (await pledge(db.prisma, moneyPledge(need, 1_000_000))).code;
    codes.b = (await pledge(db.prisma, moneyPledge(need, 500_000))).code;
    codes.c = (await pledge(db.prisma, moneyPledge(null, 200_000))).code;
    codes.goods = (await pledge(db.prisma, { kind: "goods", needCode: need, amountVnd: null, items: "áo", quantity: 10, publicName: null, contact: null })).code;
  });
  afterAll(async () => {
    await db?.close();
  });

  const csv = () =>
    [
      "Ngày giao dịch,Số tiền,Nội dung,Mã giao dịch",
      `23/11/2026 09:15,"1.000.000",NGUYEN VAN A chuyen tien ${squash(codes.a ?? "")},FT001`,
      `23/11/2026 10:00,"450.000",TRAN THI B UH ${codes.b},FT002`,
      `24/11/2026,"200.000",ung ho UH-2026-999999,FT003`,
      `24/11/2026,"300.000",ung ho tre em vung cao,`,
      `24/11/2026,"10.000",${codes.goods},FT004`,
      `25/11/2026,"abc",loi,FT005`,
      `25/11/2026,"200.000","${codes.c}, cam on",FT001`,
    ].join("\n");

  it("matches by code and amount, reports the rest, all in one transaction with audit rows", async () => {
    const r = await importStatement(db.prisma, csv(), "officer-1", { now: LATER });
    expect(r.matched).toEqual([{ line: 2, lineKey: "ref:FT001", pledgeCode: codes.a, needCode: need, amountVnd: 1_000_000 }]);
    expect(r.unmatched.map((u) => [u.line, u.reason, u.pledgeCode, u.expectedVnd])).toEqual([
      [3, "amount_mismatch", codes.b, 500_000],
      [4, "unknown_code", "UH-2026-999999", null],
      [5, "no_code", null, null],
      [6, "not_money_pledge", codes.goods, null],
    ]);
    // FT001 twice in one file: the second is a duplicate, not a second gift
    expect(r.duplicates).toEqual([{ line: 8, lineKey: "ref:FT001" }]);
    expect(r.errors).toEqual([{ line: 7, reason: expect.stringMatching(/số tiền "abc"/) }]);

    const a = await db.prisma.pledge.findUniqueOrThrow({ where: { code: codes.a } });
    expect(a).toMatchObject({ status: "received", receivedAmountVnd: 1_000_000n, receivedAt: LATER });
    expect((await db.prisma.pledge.findUniqueOrThrow({ where: { code: codes.b } })).status).toBe("pledged");
    const lines = await db.prisma.statementLine.findMany({ orderBy: { bookedAt: "asc" } });
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.lineKey === "ref:FT001")).toMatchObject({ pledgeId: a.id, amountVnd: 1_000_000n, importedBy: "officer-1", bookedAt: new Date("2026-11-23T02:15:00Z") });
    // sender names in notes are private: stored encrypted, readable for reconciliation
    for (const l of lines) expect(l.note).not.toMatch(/NGUYEN|TRAN|ung ho/);
    expect(decodeStatementNote(lines[0]?.note ?? "")).toContain("NGUYEN VAN A");
    const audit = await db.prisma.auditLog.findMany({ where: { actor: "staff:officer-1" } });
    expect(audit.filter((x) => x.action === "statement_line.import")).toHaveLength(5);
    expect(audit.filter((x) => x.action === "pledge.receive").map((x) => x.details)).toEqual([expect.objectContaining({ code: codes.a, via: "statement" })]);
    expect(JSON.stringify(audit.map((x) => x.details))).not.toMatch(/NGUYEN|TRAN/);
  });

  it("re-importing the same statement changes nothing", async () => {
    const snapshot = async () => ({
      lines: await db.prisma.statementLine.count(),
      audit: await db.prisma.auditLog.count(),
      pledges: (await db.prisma.pledge.findMany({ orderBy: { code: "asc" } })).map((p) => [p.code, p.status, p.receivedAmountVnd, p.receivedAt]),
      need: (await db.prisma.need.findUniqueOrThrow({ where: { code: need } })).status,
    });
    const before = await snapshot();
    const r = await importStatement(db.prisma, csv(), "officer-2", { now: new Date(LATER.getTime() + 60_000) });
    expect(r.matched).toEqual([]);
    expect(r.unmatched).toEqual([]);
    expect(r.duplicates.map((d) => d.line)).toEqual([2, 3, 4, 5, 6, 8]);
    expect(await snapshot()).toEqual(before);
  });

  it("a later statement with the right amount settles the pledge; paying an already received pledge again is reported", async () => {
    const r = await importStatement(db.prisma, `Ngày;Số tiền;Nội dung\n26/11/2026;500.000;bo sung ${squash(codes.b ?? "")}\n26/11/2026;1.000.000;${codes.a}\n`, "officer-1", { now: LATER });
    expect(r.matched.map((m) => m.pledgeCode)).toEqual([codes.b]);
    expect(r.unmatched.map((u) => [u.reason, u.pledgeCode])).toEqual([["pledge_not_pending", codes.a]]);
  });

  it("returns file-level errors for a malformed CSV and writes nothing", async () => {
    const before = await db.prisma.statementLine.count();
    const r = await importStatement(db.prisma, 'Ngày,Số tiền,Nội dung\n23/11/2026,"100.000,abc\n', "officer-1");
    expect(r).toEqual({ matched: [], unmatched: [], duplicates: [], errors: [{ line: expect.any(Number), reason: expect.stringMatching(/CSV lỗi/) }] });
    expect(await db.prisma.statementLine.count()).toBe(before);
  });
});
