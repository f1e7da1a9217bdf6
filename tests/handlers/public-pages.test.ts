/**
 * The public donation pages over HTTP: needs board, transparency page and CSV, VietQR images. Only public needs
 * and public names appear; everything from the public is escaped; bad parameters are a 400 with the reason;
 * strict security headers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNeed } from "../../src/needs/create-need.js";
import { publishNeed } from "../../src/needs/publish-need.js";
import type { StaffScope } from "../../src/needs/types.js";
import { verifyNeed } from "../../src/needs/verify-need.js";
import { confirmPledgeReceipt } from "../../src/pledges/confirm-pledge-receipt.js";
import { recordPledge } from "../../src/pledges/record-pledge.js";
import type { NewNeedInput } from "../../src/flows/effects.js";
import { availableKinds } from "../support/test-db.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const kinds = await availableKinds();
const ADMIN: StaffScope = { id: "admin-public", role: "admin", provinceCodes: [], communeCodes: [] };
const VIETQR_ENV = { VIETQR_BANK_BIN: "970436", VIETQR_ACCOUNT_NUMBER: "0011001234567", VIETQR_ACCOUNT_NAME: "QUY CAU NOI" };

const need = (over: Partial<NewNeedInput> = {}): NewNeedInput => ({
  facility: "Trường Tiểu học Sín Thầu",
  provinceCode: "11",
  communeCode: "00001",
  category: "school_supplies",
  childrenCount: 30,
  quantity: 30,
  unit: "bộ sách vở",
  amountVnd: 6_000_000,
  neededBy: null,
  description: "",
  contactName: "Thầy Giàng A Pháo",
  contactPhone: "0987000111",
  ...over,
});

describe.each(kinds)("public donation pages (%s)", (kind) => {
  let t: TestApp;
  let published: string;
  let submitted: string;
  let verifiedOnly: string;
  let money: string;
  let goods: string;
  let paid: string;

  beforeAll(async () => {
    t = await startTestApp({ kind, env: VIETQR_ENV, workers: false });
    const commune = await t.db.prisma.administrativeUnit.findFirstOrThrow({ where: { level: "commune", provinceCode: "11" } });
    const now = new Date();
    await t.db.prisma.$transaction(async (tx) => {
      const mk = async (over: Partial<NewNeedInput>, steps: number) => {
        const { code } = await createNeed(tx, need({ communeCode: commune.code, ...over }), { actor: "bot", now });
        if (steps >= 1) await verifyNeed(tx, { needCode: code, staff: ADMIN, now });
        if (steps >= 2) await publishNeed(tx, { needCode: code, staff: ADMIN, now });
        return code;
      };
      published = await mk({ facility: `<script>alert("x")</script> Trường "Sín Thầu" & co` }, 2);
      submitted = await mk({ facility: "Trường Chưa Xác Minh" }, 0);
      verifiedOnly = await mk({ facility: "Trường Đã Xác Minh Chưa Đăng" }, 1);
      const p = (kindOf: "money" | "goods", publicName: string | null) =>
        recordPledge(
          tx,
          { kind: kindOf, needCode: published, amountVnd: kindOf === "money" ? 250_000 : null, items: kindOf === "goods" ? "bộ sách vở" : null, quantity: kindOf === "goods" ? 5 : null, publicName, contact: "0912000999" },
          { actor: "test", now },
        );
      money = (await p("money", null)).code;
      goods = (await p("goods", "=HYPERLINK(\"http://evil\")")).code;
      paid = (await p("money", "<b>Nhóm Ánh Dương</b>")).code;
      await confirmPledgeReceipt(tx, { pledgeCode: paid, actor: "staff:s1", now });
      await confirmPledgeReceipt(tx, { pledgeCode: goods, actor: "staff:s1", now });
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = async (path: string) => {
    const r = await fetch(`${t.baseUrl}${path}`);
    return { status: r.status, text: await r.text(), headers: r.headers };
  };

  it("shows published needs only, escaped, with no contact data, and strict headers", async () => {
    const r = await get("/nhu-cau");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/html");
    expect(r.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(r.headers.get("x-frame-options")).toBe("DENY");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.text).toContain('<html lang="vi">');
    expect(r.text).toContain(published);
    expect(r.text).not.toContain("<script>");
    expect(r.text).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Trường &quot;Sín Thầu&quot; &amp; co");
    for (const hidden of [submitted, verifiedOnly, "Thầy Giàng A Pháo", "0987000111", "0912000999"]) expect(r.text).not.toContain(hidden);
    // filters: by province and category, as select boxes that work without script
    expect((await get("/nhu-cau?tinh=11&loai=school_supplies")).text).toContain(published);
    expect((await get("/nhu-cau?tinh=15")).text).not.toContain(published);
    expect((await get("/nhu-cau?loai=warm_clothes")).text).not.toContain(published);
    expect((await get("/nhu-cau?tinh=&loai=")).status).toBe(200);
    const css = await get("/cong-khai.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toContain("text/css");
  });

  it.each([
    ["/nhu-cau?tinh=99", /không có tỉnh\/thành phố mã &quot;99&quot;/],
    ["/nhu-cau?loai=sua-bot", /loại hỗ trợ phải là một trong/],
    ["/nhu-cau?tinh=11&tinh=15", /tỉnh phải là một mã duy nhất/],
    ["/minh-bach?tinh=%3Cb%3E", /mã tỉnh không hợp lệ/],
  ])("answers %s with 400 and the reason", async (path, reason) => {
    const r = await get(path);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(reason);
    expect(r.text).not.toContain("<b>");
  });

  it("reports totals per need, commune and category, donors who paid by public name, and CSV without formula injection", async () => {
    const page = await get("/minh-bach");
    expect(page.status).toBe(200);
    expect(page.text).toContain(published);
    expect(page.text).not.toContain(submitted);
    expect(page.text).not.toContain(verifiedOnly);
    expect(page.text).toContain("&lt;b&gt;Nhóm Ánh Dương&lt;/b&gt;");
    expect(page.text).not.toContain(money); // promised but not arrived: not in the donor list
    for (const view of ["needs", "communes", "categories", "donors"]) expect(page.text).toContain(`/minh-bach.csv?view=${view}`);
    const csv = await get("/minh-bach.csv?view=donors");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toContain('filename="minh-bach-donors.csv"');
    expect(csv.text).toContain(`<b>Nhóm Ánh Dương</b>,${paid}`);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://evil"")",${goods}`);
    expect(csv.text).not.toContain("0912000999");
    const needs = await get("/minh-bach.csv?view=needs");
    expect(needs.text).toContain(`${published},`);
    expect(needs.text).toMatch(/TỔNG,,,,,,,6000000,500000,250000,0/);
    const cats = await get("/minh-bach.csv?view=categories&tinh=11&loai=school_supplies");
    expect(cats.text).toContain("Đồ dùng học tập,school_supplies,6000000,500000,250000,0");
    const bad = await get("/minh-bach.csv?view=everything");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("view phải là needs, communes, categories hoặc donors");
  });

  it("serves a VietQR only for a money pledge still waiting for its transfer", async () => {
    const ok = await fetch(`${t.baseUrl}/qr/pledges/${money}.png`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("image/png");
    expect(ok.headers.get("cache-control")).toBe("private, max-age=300");
    expect(Buffer.from(await ok.arrayBuffer()).subarray(1, 4).toString("ascii")).toBe("PNG");
    for (const code of [goods, paid, "UH-2026-999999"]) expect((await fetch(`${t.baseUrl}/qr/pledges/${code}.png`)).status).toBe(404);
    const bad = await get("/qr/pledges/..%2Fetc%2Fpasswd.png");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("mã ủng hộ không hợp lệ");
    expect((await get(`/qr/pledges/${money}.jpg`)).status).toBe(400);
  });

  it("has no VietQR when no receiving account is configured", async () => {
    const other = await startTestApp({ kind, workers: false, db: t.db });
    try {
      expect((await fetch(`${other.baseUrl}/qr/pledges/${money}.png`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
