/**
 * The donations journey on the web chat, against the real application and database: a school reports a need in
 * chat, a province officer verifies and publishes it, a donor browses the board in chat and pledges 500k, gets a
 * VietQR that decodes to the configured account, amount and code; a statement import marks it received and the
 * public totals move by exactly that amount. Bad amounts, unknown communes and a re-imported line change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutboundMessage } from "../../src/messaging/outbound.js";
import { publishNeed } from "../../src/needs/publish-need.js";
import { verifyNeed } from "../../src/needs/verify-need.js";
import { importStatement } from "../../src/pledges/statement-import.js";
import { availableKinds } from "../support/test-db.js";
import { ChatClient, startTestApp, type TestApp } from "../support/test-app.js";
import { csvFigures, decodeVietQrPng, diff, OFFICER, VIETQR_ENV } from "./donations-helpers.js";

const kinds = await availableKinds();

type Reply = Awaited<ReturnType<ChatClient["replies"]>>[number];
const texts = (rs: Reply[]): string => rs.map((r) => r.message.text ?? "").join("\n");
const last = (rs: Reply[]): Reply => {
  const r = rs.at(-1);
  if (!r) throw new Error("no reply");
  return r;
};

describe.each(kinds)("donations on the web chat (%s)", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ kind, env: VIETQR_ENV });
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = async (path: string) => {
    const r = await fetch(`${t.baseUrl}${path}`);
    return { status: r.status, text: await r.text(), headers: r.headers };
  };
  const pledgeCount = () => t.db.prisma.pledge.count();

  it("need report → verify → publish → money pledge with VietQR → statement import → totals", async () => {
    // ── a school reports a need (commune typed without diacritics; an unknown one first) ──
    const school = await ChatClient.open(t.baseUrl);
    expect(texts(await school.say("bao nhu cau"))).toContain("Nơi cần hỗ trợ tên là gì?");
    expect(texts(await school.say("Trường Mầm non Bản Xèo"))).toContain("tỉnh/thành phố");
    expect(texts(await school.say("Lao Cai"))).toContain("Thuộc xã/phường nào của Lào Cai");
    const unknown = await school.say("Xa Khong Co That");
    expect(texts(unknown)).toContain("Mình chưa tìm thấy xã/phường này ở Lào Cai");
    expect(await t.db.prisma.need.count()).toBe(0);
    expect(texts(await school.say("ban xeo"))).toContain("Các em đang cần hỗ trợ gì nhất?");
    expect(texts(await school.say("áo ấm"))).toContain("bao nhiêu em");
    await school.say("120");
    await school.say("120 áo ấm");
    await school.say("12 triệu");
    await school.say("bỏ qua");
    await school.say("bỏ qua");
    await school.say("Cô Lò Thị Hoa");
    const summary = await school.say("0912 345 678");
    expect(texts(summary)).toContain("Bản Xèo");
    const sent = await school.say("Gửi", "confirm:yes");
    const needCode = /NC-\d{4}-\d{6}/.exec(texts(sent))?.[0];
    expect(needCode).toBeDefined();
    const code = needCode!;

    // unverified needs are never public
    expect((await get("/nhu-cau")).text).not.toContain(code);
    expect((await get("/minh-bach")).text).not.toContain(code);
    expect((await get("/minh-bach.csv?view=needs")).text).not.toContain(code);

    // ── staff of the province verify and publish it ──
    await t.db.prisma.$transaction((tx) => verifyNeed(tx, { needCode: code, staff: OFFICER, now: new Date() }));
    expect((await get("/nhu-cau")).text).not.toContain(code);
    await t.db.prisma.$transaction((tx) => publishNeed(tx, { needCode: code, staff: OFFICER, now: new Date() }));
    const board = await get(`/nhu-cau?tinh=15&loai=warm_clothes`);
    expect(board.status).toBe(200);
    expect(board.text).toContain(code);
    expect(board.text).toContain("Trường Mầm non Bản Xèo");
    expect(board.text).not.toContain("Lò Thị Hoa"); // contact data stays private
    expect(board.text).not.toContain("0912345678");
    expect((await get(`/nhu-cau?loai=nutrition_meals`)).text).not.toContain(code);
    const before = csvFigures((await get("/minh-bach.csv?view=needs")).text, code);
    expect(before.need).toEqual([12_000_000, 0, 0, 0]);

    // ── a donor browses the board in chat and pledges ──
    const donor = await ChatClient.open(t.baseUrl);
    const list = await donor.say("ung ho");
    expect(texts(list)).toContain(code);
    const choices = last(list).message.choices ?? [];
    expect(choices.map((c) => c.id)).toContain(`need:${code}`);
    expect(choices.map((c) => c.id)).toContain("transparency");
    expect(texts(await donor.say("Trường Mầm non Bản Xèo", `need:${code}`))).toContain("tiền hay hiện vật");
    expect(texts(await donor.say("Tiền", "kind:money"))).toContain("bao nhiêu");
    // bad amounts: a polite re-ask, nothing created
    expect(texts(await donor.say("năm trăm"))).toContain("Mình chưa hiểu số tiền này");
    expect(texts(await donor.say("-5"))).toContain("lớn hơn 0");
    expect(texts(await donor.say("0"))).toContain("lớn hơn 0");
    expect(await pledgeCount()).toBe(0);
    expect(texts(await donor.say("500k"))).toContain("danh sách công khai");
    await donor.say("Gia đình bé Na");
    const confirm = await donor.say("bỏ qua");
    expect(texts(confirm)).toContain("500.000 đ");
    const thanks = await donor.say("Xác nhận ủng hộ", "confirm:yes");
    const pledgeCode = /UH-\d{4}-\d{6}/.exec(texts(thanks))?.[0];
    expect(pledgeCode).toBeDefined();
    expect(texts(thanks)).toContain(`UH ${pledgeCode}`);
    const image = thanks.map((r) => OutboundMessage.parse(r.message)).find((m) => m.kind === "image");
    expect(image).toMatchObject({ kind: "image", url: `/qr/pledges/${pledgeCode}.png` });

    // ── the VietQR decodes to the configured account, the amount and the code ──
    const png = await fetch(`${t.baseUrl}/qr/pledges/${pledgeCode}.png`);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(png.headers.get("cache-control")).toContain("private");
    const qr = decodeVietQrPng(Buffer.from(await png.arrayBuffer()));
    expect(qr).toEqual({ bankBin: "970436", account: "0011001234567", amount: "500000", purpose: `UH ${pledgeCode}`, valid: true });

    const pledged = csvFigures((await get("/minh-bach.csv?view=needs")).text, code);
    expect(pledged.need).toEqual([12_000_000, 500_000, 0, 0]);
    expect(diff(before.total, pledged.total)).toEqual([0, 500_000, 0, 0]);
    expect((await get("/minh-bach")).text).not.toContain("Gia đình bé Na"); // not received yet

    // ── the bank statement marks it received ──
    const csv = `Ngày,Số tiền,Nội dung,Mã giao dịch\r\n23/11/2026 10:15,500.000,"NGUYEN VAN A chuyen tien UH ${pledgeCode!.replace(/-/g, "")}",FT26327000001\r\n`;
    const first = await importStatement(t.db.prisma, csv, "staff-finance");
    expect(first.matched).toEqual([expect.objectContaining({ pledgeCode, needCode: code, amountVnd: 500_000 })]);
    expect(first.duplicates).toEqual([]);
    const received = csvFigures((await get("/minh-bach.csv?view=needs")).text, code);
    expect(received.need).toEqual([12_000_000, 500_000, 500_000, 0]);
    expect(diff(before.total, received.total)).toEqual([0, 500_000, 500_000, 0]);
    const page = await get("/minh-bach");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Gia đình bé Na");
    expect(page.text).toContain(pledgeCode);
    const donors = (await get("/minh-bach.csv?view=donors")).text;
    expect(donors).toContain(`Gia đình bé Na,${pledgeCode},${code},Tiền,500000`);
    // the QR is gone once the money arrived (it must not invite a second transfer)
    expect((await fetch(`${t.baseUrl}/qr/pledges/${pledgeCode}.png`)).status).toBe(404);

    // ── the same statement line again: reported as a duplicate, totals unchanged ──
    const again = await importStatement(t.db.prisma, csv, "staff-finance");
    expect(again.matched).toEqual([]);
    expect(again.duplicates).toHaveLength(1);
    const after = csvFigures((await get("/minh-bach.csv?view=needs")).text, code);
    expect(after).toEqual(received);
    expect(await t.db.prisma.statementLine.count()).toBe(1);

    // ── "minh bạch" in chat shows the totals and links to the public page ──
    const summaryChat = await donor.say("minh bạch");
    const all = texts(summaryChat);
    expect(all).toContain("Áo ấm, chăn ấm: cần 12.000.000 đ; đã cam kết 500.000 đ; đã nhận 500.000 đ; đã trao 0 đ");
    expect(all).toContain("Tổng cộng");
    const link = summaryChat.map((r) => OutboundMessage.parse(r.message)).find((m) => m.kind === "link");
    expect(link).toMatchObject({ kind: "link", url: `${t.config.publicBaseUrl}/minh-bach` });
    expect(last(summaryChat).message.kind).not.toBe("text"); // back at the menu (the link), no dangling question
  });

  it("answers 'tong ket' without diacritics and the pledge flow's transparency button", async () => {
    const c = await ChatClient.open(t.baseUrl);
    await c.say("xin chào");
    expect(texts(await c.say("tong ket"))).toMatch(/Minh bạch ủng hộ|chưa có nhu cầu nào/);
    await c.say("ung ho");
    expect(texts(await c.say("Xem minh bạch", "transparency"))).toMatch(/Minh bạch ủng hộ|chưa có nhu cầu nào/);
  });
});
