/**
 * The donations journey on Messenger over real HTTP: signed webhook bodies posted to /webhooks/messenger as Meta
 * sends them, the bot's answers read from a fake Graph Send API. A school reports a need (one unknown commune
 * first), staff verify and publish it, a donor pledges 500k by quick replies and gets the VietQR as an image
 * attachment whose URL (on PUBLIC_BASE_URL) serves a PNG that decodes to the configured account, amount and code.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishNeed } from "../../src/needs/publish-need.js";
import { verifyNeed } from "../../src/needs/verify-need.js";
import { importStatement } from "../../src/pledges/statement-import.js";
import { type FakeGraphApi, startFakeGraphApi } from "../fakes/graph-api.js";
import { availableKinds } from "../support/test-db.js";
import { startTestApp, type TestApp } from "../support/test-app.js";
import { csvFigures, decodeVietQrPng, diff, OFFICER, VIETQR_ENV } from "./donations-helpers.js";

const kinds = await availableKinds();
const APP_SECRET = "messenger-app-secret-donations";
const PAGE_ID = "107516321234567";
const PUBLIC = "https://caunoi.example";

interface Sent {
  text: string;
  /** Payloads of quick replies and postback buttons. */
  payloads: string[];
  imageUrl: string | null;
}

/** What the bot sent to one person, in order (texts, template texts, quick replies, image URLs). */
function sentTo(fake: FakeGraphApi, psid: string): Sent[] {
  const out: Sent[] = [];
  for (const r of fake.requests) {
    if (r.status !== 200) continue;
    const b = r.body as {
      recipient?: { id?: string };
      message?: { text?: string; quick_replies?: { payload: string }[]; attachment?: { type: string; payload: { url?: string; text?: string; buttons?: { payload?: string; url?: string }[] } } };
    };
    if (b.recipient?.id !== psid || !b.message) continue;
    const m = b.message;
    const payloads = [...(m.quick_replies ?? []).map((q) => q.payload), ...(m.attachment?.payload.buttons ?? []).flatMap((x) => (x.payload ? [x.payload] : x.url ? [x.url] : []))];
    out.push({ text: m.text ?? m.attachment?.payload.text ?? "", payloads, imageUrl: m.attachment?.type === "image" ? (m.attachment.payload.url ?? null) : null });
  }
  return out;
}

describe.each(kinds)("donations on Messenger over HTTP (%s)", (kind) => {
  let t: TestApp;
  let fake: FakeGraphApi & { pageAccessToken: string };
  let seq = 0;

  beforeAll(async () => {
    fake = await startFakeGraphApi({ appSecret: APP_SECRET });
    t = await startTestApp({
      kind,
      env: {
        ...VIETQR_ENV,
        MESSENGER_PAGE_ACCESS_TOKEN: fake.pageAccessToken,
        MESSENGER_APP_SECRET: APP_SECRET,
        MESSENGER_VERIFY_TOKEN: "verify-donations",
        MESSENGER_GRAPH_URL: fake.url,
        PUBLIC_BASE_URL: PUBLIC,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  /** Posts one signed message event like Meta and waits until the bot's answers for that turn arrived. */
  async function say(psid: string, text: string, quickReplyPayload?: string): Promise<Sent[]> {
    const before = sentTo(fake, psid).length;
    seq += 1;
    const body = JSON.stringify({
      object: "page",
      entry: [
        {
          id: PAGE_ID,
          time: Date.now(),
          messaging: [
            {
              sender: { id: psid },
              recipient: { id: PAGE_ID },
              timestamp: Date.now(),
              message: { mid: `m_donations_${kind}_${psid}_${seq}`, text, ...(quickReplyPayload ? { quick_reply: { payload: quickReplyPayload } } : {}) },
            },
          ],
        },
      ],
    });
    const signature = `sha256=${createHmac("sha256", APP_SECRET).update(body).digest("hex")}`;
    const res = await fetch(`${t.baseUrl}/webhooks/messenger`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body });
    expect(res.status).toBe(200);
    // wait until the event was processed and every answer of the turn left the outbox (Messenger sends ~1/s per person)
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      const inbox = await t.db.prisma.inboxEvent.count({ where: { conversationKey: `messenger:${psid}`, status: { in: ["pending", "processing"] } } });
      const outbox = await t.db.prisma.outboxItem.count({ where: { recipient: psid, status: { in: ["pending", "sending"] } } });
      if (inbox === 0 && outbox === 0 && sentTo(fake, psid).length > before) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return sentTo(fake, psid).slice(before);
  }
  const textOf = (s: Sent[]) => s.map((x) => x.text).join("\n");

  it("need report → verify → publish → pledge 500k → VietQR image → statement import", async () => {
    const school = "7000000000000001";
    const donor = "7000000000000002";
    expect(textOf(await say(school, "bao nhu cau"))).toContain("Nơi cần hỗ trợ tên là gì?");
    await say(school, "Điểm trường Nậm Chạy");
    expect(textOf(await say(school, "lao cai"))).toContain("xã/phường");
    expect(textOf(await say(school, "Xa Khong Co That"))).toContain("Mình chưa tìm thấy xã/phường này");
    expect(textOf(await say(school, "ban xeo"))).toContain("Các em đang cần hỗ trợ gì nhất?");
    await say(school, "Bữa ăn dinh dưỡng", "cat:nutrition_meals");
    await say(school, "45");
    await say(school, "900 suất ăn");
    await say(school, "18 triệu");
    await say(school, "bỏ qua");
    await say(school, "bỏ qua");
    await say(school, "bỏ qua");
    await say(school, "bỏ qua");
    const done = await say(school, "Gửi", "confirm:yes");
    const code = /NC-\d{4}-\d{6}/.exec(textOf(done))?.[0];
    expect(code).toBeDefined();
    expect(await t.db.prisma.need.findUniqueOrThrow({ where: { code: code! } })).toMatchObject({ status: "submitted", communeCode: "02725", category: "nutrition_meals", quantity: 900, amountVnd: 18_000_000n });

    await t.db.prisma.$transaction((tx) => verifyNeed(tx, { needCode: code!, staff: OFFICER, now: new Date() }));
    await t.db.prisma.$transaction((tx) => publishNeed(tx, { needCode: code!, staff: OFFICER, now: new Date() }));
    const before = csvFigures(await (await fetch(`${t.baseUrl}/minh-bach.csv?view=needs`)).text(), code!);

    const list = await say(donor, "ung ho");
    expect(textOf(list)).toContain(code);
    expect(list.flatMap((s) => s.payloads)).toContain(`need:${code}`);
    await say(donor, "Nậm Chạy", `need:${code}`);
    expect(textOf(await say(donor, "Tiền", "kind:money"))).toContain("bao nhiêu");
    expect(textOf(await say(donor, "năm trăm"))).toContain("Mình chưa hiểu số tiền này");
    expect(await t.db.prisma.pledge.count()).toBe(0);
    await say(donor, "500k");
    await say(donor, "Ẩn danh", "anon");
    await say(donor, "bỏ qua");
    const thanks = await say(donor, "Xác nhận", "confirm:yes");
    const pledgeCode = /UH-\d{4}-\d{6}/.exec(textOf(thanks))?.[0];
    expect(pledgeCode).toBeDefined();
    const image = thanks.find((s) => s.imageUrl)?.imageUrl;
    expect(image).toBe(`${PUBLIC}/qr/pledges/${pledgeCode}.png`);

    // Meta would fetch the image from PUBLIC_BASE_URL; here the same path on the test server
    const png = await fetch(`${t.baseUrl}${new URL(image!).pathname}`);
    expect(png.status).toBe(200);
    expect(decodeVietQrPng(Buffer.from(await png.arrayBuffer()))).toEqual({ bankBin: "970436", account: "0011001234567", amount: "500000", purpose: `UH ${pledgeCode}`, valid: true });

    const r = await importStatement(t.db.prisma, `Ngày,Số tiền,Nội dung\n23/11/2026,500000,CK ${pledgeCode} ung ho\n`, "staff-finance");
    expect(r.matched).toHaveLength(1);
    const after = csvFigures(await (await fetch(`${t.baseUrl}/minh-bach.csv?view=needs`)).text(), code!);
    expect(after.need).toEqual([18_000_000, 500_000, 500_000, 0]);
    expect(diff(before.total, after.total)).toEqual([0, 500_000, 500_000, 0]);
    const donors = await (await fetch(`${t.baseUrl}/minh-bach.csv?view=donors`)).text();
    expect(donors).toContain(`Ẩn danh,${pledgeCode},${code}`);

    // "tong ket" on Messenger: the totals and a web_url button to the public page
    const summary = await say(donor, "tong ket");
    expect(textOf(summary)).toContain("Bữa ăn dinh dưỡng: cần 18.000.000 đ; đã cam kết 500.000 đ; đã nhận 500.000 đ");
    expect(summary.flatMap((s) => s.payloads)).toContain(`${PUBLIC}/minh-bach`);
    // every send was a valid Graph request (the fake refuses malformed ones with 400)
    expect(fake.requests.filter((q) => q.status !== 200)).toEqual([]);
  });
});
