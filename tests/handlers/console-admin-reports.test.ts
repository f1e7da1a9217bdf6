/**
 * /console/reports over real HTTP and a real database: figures on seeded data (by form of abuse, province, commune
 * with small-count suppression, age × sex, status, the 12-hour rule, needs and pledges in đồng, messages per
 * channel), scope (a provincial officer sees their province only), the CSV export (BOM, formula-safe) and the audit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvCell, toCsvDocument } from "../../src/reports/csv.js";
import { parsePeriod, presetPeriod } from "../../src/reports/period.js";
import { median, suppressSmallCounts } from "../../src/reports/staff-reports.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";
import { moneyPledge, pledge, publishedNeed } from "../needs/helpers.js";
import { getPage, login, makeStaff, parseCsv, seedSomeUnits, startConsole, type Harness, type Session } from "./console-admin-harness.js";

const H = 3_600_000;
const NOW = new Date("2026-11-23T08:00:00Z");
const PERIOD = "from=2026-06-01&to=2026-11-23";

describe("report helpers (pure)", () => {
  it("neutralises formulas and quotes CSV cells; numbers stay numbers", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+84 912")).toBe("'+84 912");
    expect(csvCell("-x")).toBe("'-x");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(null)).toBe("");
    expect(toCsvDocument(["A"], [[1]])).toBe("\uFEFFA\r\n1\r\n");
  });

  it("reads periods in Vietnam days, with presets and clear problems", () => {
    const p = parsePeriod({ from: "2026-01-01", to: "2026-06-30" }, NOW);
    expect(p.ok && p.period.start.toISOString()).toBe("2025-12-31T17:00:00.000Z");
    expect(p.ok && p.period.end.toISOString()).toBe("2026-06-30T17:00:00.000Z");
    expect(presetPeriod("lastYear", NOW)).toMatchObject({ from: "2025-01-01", to: "2025-12-31" });
    expect(presetPeriod("thisYear", NOW)).toMatchObject({ from: "2026-01-01", to: "2026-11-23" });
    expect(presetPeriod("last6m", NOW)).toMatchObject({ from: "2026-05-24", to: "2026-11-23" });
    expect(parsePeriod({}, NOW)).toMatchObject({ ok: true, preset: "last6m" });
    expect(parsePeriod({ from: "2026-02-30", to: "2026-03-01" }, NOW)).toMatchObject({ ok: false });
    expect(parsePeriod({ from: "2026-05-01", to: "2026-04-01" }, NOW)).toMatchObject({ ok: false });
    expect(parsePeriod({ from: "2026-05-01" }, NOW)).toMatchObject({ ok: false });
  });

  it("suppresses 1–4 and, when a province has a single hidden cell, the next smallest too", () => {
    const r = suppressSmallCounts([
      { group: "01", count: 6 },
      { group: "01", count: 2 },
      { group: "01", count: 7 },
      { group: "79", count: 0 },
      { group: "79", count: 3 },
      { group: "79", count: 4 },
    ]);
    expect(r.map((x) => x.suppressed)).toEqual([true, true, false, false, true, true]);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

const kinds = await availableKinds();

describe.each(kinds)("console reports on %s", (kind) => {
  let db: TestDb;
  let h: Harness;
  let tinh: Session;
  let admin: Session;

  const mkCase = async (n: number, c: { category?: string; province: string; commune: string | null; age?: number | null; sex?: string | null; status?: "received" | "closed" | "in_progress" | "emergency_protection"; risk?: "immediate" | "high" | "medium" | "low"; at?: string; ackH?: number | null; protH?: number | null }) => {
    const receivedAt = new Date(c.at ?? "2026-09-01T00:00:00Z");
    await db.prisma.case.create({
      data: {
        code: `BV-2026-${String(n).padStart(6, "0")}`,
        category: c.category ?? "bao_luc",
        riskLevel: c.risk ?? "medium",
        status: c.status ?? "received",
        provinceCode: c.province,
        communeCode: c.commune,
        childAge: c.age ?? null,
        childSex: c.sex ?? null,
        receivedAt,
        acknowledgedAt: c.ackH == null ? null : new Date(receivedAt.getTime() + c.ackH * H),
        protectedAt: c.protH == null ? null : new Date(receivedAt.getTime() + c.protH * H),
        reporterNameEnc: Buffer.from("secret"),
      },
    });
  };

  beforeAll(async () => {
    db = await createTestDb(kind);
    await seedSomeUnits(db);
    await makeStaff(db, "tinh01", "province_officer", { provinceCodes: ["01"] });
    await makeStaff(db, "admin", "admin");
    await makeStaff(db, "xa4", "commune_worker", { provinceCodes: ["01"], communeCodes: ["00004"] });
    await makeStaff(db, "donor", "donations_officer");
    let n = 0;
    // Hà Nội: Ba Đình 6, Ngọc Hà 2, Giảng Võ 7 = 15 in the period.
    for (let i = 0; i < 6; i++) await mkCase(++n, { province: "01", commune: "00004", category: i < 4 ? "bao_luc" : "xam_hai_tinh_duc", risk: i < 4 ? "medium" : "high", age: 8, sex: "nu", ackH: [1, 3, 20, null, 2, 5][i], protH: i === 4 ? 2 : i === 5 ? 14 : null, status: i === 0 ? "closed" : "received" });
    for (let i = 0; i < 2; i++) await mkCase(++n, { province: "01", commune: "00008", category: "bo_roi_bo_mat", age: 1, sex: "nam" });
    for (let i = 0; i < 7; i++) await mkCase(++n, { province: "01", commune: "00025", category: i === 0 ? "=HYPERLINK(\"http://x\")" : "bat_nat", age: i < 3 ? 13 : null, sex: i < 3 ? "nam" : null, status: "in_progress" });
    // Hà Nội, before the period: not counted.
    await mkCase(++n, { province: "01", commune: "00004", at: "2026-03-01T00:00:00Z" });
    // Hồ Chí Minh: 3 (never visible to the Hà Nội officer).
    for (let i = 0; i < 3; i++) await mkCase(++n, { province: "79", commune: "25747", category: "mua_ban", risk: "immediate", age: 15, sex: "nu", protH: 30 });

    // Needs and pledges: one Hà Nội need (5,000,000 đ), one HCM need (1,000,000 đ), general fund gift.
    const hn = await publishedNeed(db.prisma, { provinceCode: "01", communeCode: "00004", category: "warm_clothes", amountVnd: 5_000_000 }, new Date("2026-09-01T00:00:00Z"));
    const hcm = await publishedNeed(db.prisma, { provinceCode: "79", communeCode: "25747", category: "nutrition_meals", amountVnd: 1_000_000 }, new Date("2026-09-01T00:00:00Z"));
    const a = await pledge(db.prisma, moneyPledge(hn, 2_000_000), new Date("2026-09-02T00:00:00Z"));
    await pledge(db.prisma, moneyPledge(hn, 700_000), new Date("2026-09-03T00:00:00Z"));
    await pledge(db.prisma, moneyPledge(hcm, 400_000), new Date("2026-09-02T00:00:00Z"));
    await pledge(db.prisma, moneyPledge(null, 900_000), new Date("2026-09-02T00:00:00Z"));
    await db.prisma.pledge.update({ where: { code: a.code }, data: { status: "delivered", receivedAmountVnd: 2_000_000n, receivedAt: new Date("2026-09-05T00:00:00Z"), deliveredAt: new Date("2026-09-10T00:00:00Z") } });

    // Messages: 3 in + 2 out on telegram, 1 in on webchat.
    const contact = await db.prisma.contact.create({ data: { channel: "telegram", channelUserId: "1" } });
    const conv = await db.prisma.conversation.create({ data: { contactId: contact.id, channel: "telegram" } });
    const msg = (channel: string, direction: string) => ({ conversationId: conv.id, channel, direction, kind: "text", bodyEnc: Buffer.from("x"), status: "sent", createdAt: new Date("2026-10-01T00:00:00Z") });
    await db.prisma.message.createMany({ data: [msg("telegram", "in"), msg("telegram", "in"), msg("telegram", "in"), msg("telegram", "out"), msg("telegram", "out"), msg("webchat", "in")] });

    h = await startConsole(db, NOW.toISOString());
    tinh = await login(h, "tinh01");
    admin = await login(h, "admin");
  });

  afterAll(async () => {
    h?.close();
    await db?.close();
  });

  const csv = async (s: Session, table: string, period = PERIOD) => {
    const res = await fetch(`${h.base}/console/reports/export.csv?table=${table}&${period}`, { headers: { cookie: s.cookie } });
    // bytes, not res.text(): the WHATWG decoder would drop the BOM this test wants to see
    const bytes = res.status === 200 ? Buffer.from(await res.arrayBuffer()) : Buffer.alloc(0);
    const text = bytes.toString("utf8");
    return { res, bytes, text, rows: parseCsv(text) };
  };
  const row = (rows: string[][], first: string) => rows.find((r) => r[0] === first);

  it("shows a provincial officer the figures of their province only, with SVG bars and CSV links, and audits the view", async () => {
    const res = await getPage(h, tinh, `/console/reports?${PERIOD}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("Thành phố Hà Nội".replace("Thành phố ", "")); // scope label (unit name)
    expect(page).toContain("<svg");
    expect(page).not.toMatch(/style="/);
    expect(page).not.toMatch(/<script>/);
    expect(page).toContain("/console/reports/export.csv?from=2026-06-01&amp;to=2026-11-23&amp;table=categories");
    expect(page).not.toContain("Hồ Chí Minh");
    expect(page).not.toContain("Mua bán trẻ em");
    expect(page).toContain("Số tin nhắn không gắn với địa bàn");
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: "report.view" }, orderBy: { id: "desc" } });
    expect(audit.details).toMatchObject({ from: "2026-06-01", to: "2026-11-23" });
    // Presets and bad input
    expect(await (await getPage(h, tinh, "/console/reports?preset=lastYear")).text()).toContain("2025-01-01");
    expect((await getPage(h, tinh, "/console/reports?from=2026-06-01&to=2026-01-01")).status).toBe(400);
  });

  it("counts cases by category, province, commune (suppressed), age × sex and status", async () => {
    const cats = (await csv(tinh, "categories")).rows;
    expect(cats[0]).toEqual(["Hình thức", "Mã", "Số ca", "Trong đó khẩn cấp/nguy cơ cao"]);
    expect(row(cats, "Bạo lực")).toEqual(["Bạo lực", "bao_luc", "4", "0"]);
    expect(row(cats, "Xâm hại tình dục")).toEqual(["Xâm hại tình dục", "xam_hai_tinh_duc", "2", "2"]);
    expect(row(cats, "Bắt nạt")?.[2]).toBe("6");
    expect(row(cats, "TỔNG")?.[2]).toBe("15");
    // an unknown category code falls back to the code and is neutralised
    expect(cats.some((r) => r[0] === `'=HYPERLINK("http://x")`)).toBe(true);

    const prov = (await csv(tinh, "provinces")).rows;
    expect(prov.slice(1)).toEqual([["Hà Nội", "01", "15"], ["TỔNG", "", "15"]]);
    const adminProv = (await csv(admin, "provinces")).rows;
    expect(row(adminProv, "Hồ Chí Minh")?.[2]).toBe("3");
    expect(row(adminProv, "TỔNG")?.[2]).toBe("18");

    const communes = (await csv(tinh, "communes")).rows;
    expect(row(communes, "Phường Ngọc Hà")?.[3]).toBe("<5"); // 2 cases
    expect(row(communes, "Phường Ba Đình")?.[3]).toBe("<5"); // 6, hidden so 15 − 7 − x cannot reveal Ngọc Hà
    expect(row(communes, "Phường Giảng Võ")?.[3]).toBe("7");
    const adminCommunes = (await csv(admin, "communes")).rows;
    expect(row(adminCommunes, "Phường Thủ Dầu Một")?.[3]).toBe("<5");

    const ageSex = (await csv(tinh, "age_sex")).rows;
    expect(ageSex[0]).toEqual(["Độ tuổi", "Nam", "Nữ", "Không rõ", "Tổng"]);
    expect(row(ageSex, "0–2 tuổi")).toEqual(["0–2 tuổi", "2", "0", "0", "2"]);
    expect(row(ageSex, "6–10 tuổi")).toEqual(["6–10 tuổi", "0", "6", "0", "6"]);
    expect(row(ageSex, "11–15 tuổi")).toEqual(["11–15 tuổi", "3", "0", "0", "3"]);
    expect(row(ageSex, "Không rõ")).toEqual(["Không rõ", "0", "0", "4", "4"]);
    expect(row(ageSex, "TỔNG")).toEqual(["TỔNG", "5", "6", "4", "15"]);

    const status = (await csv(tinh, "status")).rows;
    expect(row(status, "Tiếp nhận")?.[2]).toBe("7");
    expect(row(status, "Đang thực hiện")?.[2]).toBe("7");
    expect(row(status, "Kết thúc")?.[2]).toBe("1");
  });

  it("measures acknowledgement and protection against the 12-hour rule", async () => {
    const t = (await csv(tinh, "timeliness")).rows;
    // acknowledged: 1, 3, 20, 2, 5 h (5 of 15); median 3; 4 within 12 h = 80 %; 10 never acknowledged, all > 12 h ago
    expect(t[1]).toEqual(["Cán bộ xác nhận đã nhận tin (mọi ca)", "15", "5", "3", "4", "80", "10"]);
    // urgent (high): 2 cases protected after 2 h and 14 h → median 8, 1 within = 50 %
    expect(t[2]).toEqual(["Áp dụng bảo vệ khẩn cấp (ca khẩn cấp/nguy cơ cao)", "2", "2", "8", "1", "50", "0"]);
    const national = (await csv(admin, "timeliness")).rows;
    // plus 3 immediate-risk cases in Hồ Chí Minh protected after 30 h: 2, 14, 30, 30, 30 → median 30, 1 of 5 within
    expect(national[2]?.slice(1)).toEqual(["5", "5", "30", "1", "20", "0"]);
  });

  it("adds needs and money pledges by category in integer đồng, within scope", async () => {
    const n = (await csv(tinh, "needs")).rows;
    expect(n[0]).toEqual(["Loại hỗ trợ", "Mã", "Số nhu cầu", "Cần (đồng)", "Số khoản ủng hộ", "Đã cam kết (đồng)", "Đã nhận (đồng)", "Đã trao (đồng)"]);
    expect(n.slice(1)).toEqual([
      ["Áo ấm, chăn ấm", "warm_clothes", "1", "5000000", "2", "2700000", "2000000", "2000000"],
      ["TỔNG", "", "1", "5000000", "2", "2700000", "2000000", "2000000"],
    ]);
    const all = (await csv(await login(h, "donor"), "needs")).rows;
    expect(row(all, "Bữa ăn dinh dưỡng")?.slice(2)).toEqual(["1", "1000000", "1", "400000", "0", "0"]);
    expect(row(all, "Quỹ chung")?.slice(2)).toEqual(["0", "0", "1", "900000", "0", "0"]);
    expect(row(all, "TỔNG")?.slice(2)).toEqual(["2", "6000000", "4", "4000000", "2000000", "2000000"]);
  });

  it("counts messages per channel for national roles only", async () => {
    const m = (await csv(admin, "messages")).rows;
    expect(m.slice(1)).toEqual([["telegram", "3", "2", "5"], ["webchat", "1", "0", "1"], ["TỔNG", "4", "2", "6"]]);
    expect((await csv(tinh, "messages")).res.status).toBe(404);
  });

  it("exports UTF-8 CSV with BOM as an attachment, audits it, and refuses roles without report.export", async () => {
    const { res, text, bytes } = await csv(tinh, "categories");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="bao-cao-categories-2026-06-01-2026-11-23.csv"');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain("\r\n");
    expect(text).not.toMatch(/secret/);
    const audit = await db.prisma.auditLog.findFirstOrThrow({ where: { action: "report.export" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ entity: "report", entityId: "categories" });
    expect(audit.details).toMatchObject({ table: "categories", from: "2026-06-01", to: "2026-11-23" });
    const worker = await login(h, "xa4");
    expect((await getPage(h, worker, `/console/reports?${PERIOD}`)).status).toBe(200);
    expect(await (await getPage(h, worker, `/console/reports?${PERIOD}`)).text()).not.toContain("export.csv");
    expect((await csv(worker, "categories")).res.status).toBe(403);
    expect((await csv(tinh, "nope")).res.status).toBe(400);
    expect((await csv(await login(h, "donor"), "categories")).res.status).toBe(404); // no case scope
  });
});
