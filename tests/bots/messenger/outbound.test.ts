import { renderWith } from "../../../src/messaging/outbound.js";
import { describe, expect, it } from "vitest";
import { createMessengerRenderers, messengerCapabilities, toMessengerPhone } from "../../../src/bots/messenger/outbound.js";
import { shortenLabel } from "../../../src/messaging/render-helpers.js";
import type { MessengerOutMessage } from "../../../src/bots/messenger/graph-client.js";
import { OutboundMessage, type OutboundKind, type OutboundOf } from "../../../src/messaging/outbound.js";
import { GraphSendBody } from "../../fakes/graph-api.js";

const r = createMessengerRenderers({ publicBaseUrl: "https://caunoi.example.vn", locationHint: "Gõ tên xã/phường của bạn." });
const long = (n: number) => Array.from({ length: n }, (_, i) => `Câu số ${i + 1} nói về an toàn của trẻ em.`).join(" ");

/** One or more samples per kind; the mapped type makes a missing kind a compile error. */
const samples: { [K in OutboundKind]: OutboundOf<K>[] } = {
  text: [{ kind: "text", text: "Xin chào" }, { kind: "text", text: long(120) }],
  choices: [
    { kind: "choices", text: "Bạn muốn làm gì?", choices: [{ id: "report", label: "Báo cáo" }, { id: "advice", label: "Xin lời khuyên về an toàn cho trẻ" }] },
    { kind: "choices", text: long(80), choices: Array.from({ length: 13 }, (_, i) => ({ id: `c${i}`, label: `Lựa chọn rất dài số ${i + 1} cho bạn` })) },
  ],
  call_buttons: [
    { kind: "call_buttons", text: "Cần giúp ngay?", numbers: [{ label: "Tổng đài 111", phone: "111" }, { label: "Cán bộ xã", phone: "0912345678" }] },
    { kind: "call_buttons", text: "Gọi 113 nếu nguy hiểm", numbers: [{ label: "Công an", phone: "113" }] },
    { kind: "call_buttons", text: "Gọi", numbers: [{ label: "Hotline", phone: "+842437366491" }] },
  ],
  link: [{ kind: "link", text: "Đọc hướng dẫn", url: "https://caunoi.example.vn/huong-dan", label: "Mở hướng dẫn an toàn cho trẻ em" }],
  image: [
    { kind: "image", url: "/qr/pledge-1.png", alt: "Mã QR chuyển khoản", caption: "Quét mã để ủng hộ" },
    { kind: "image", url: "https://cdn.example.vn/a.png", alt: "Ảnh" },
  ],
  location_request: [{ kind: "location_request", text: "Bạn đang ở đâu?" }],
};

function renderAny(m: OutboundMessage): MessengerOutMessage[] {
  return renderWith(r, m);
}

describe("Messenger renderers", () => {
  it("cover every OutboundMessage kind and every output passes the Send API checks", () => {
    const kinds = OutboundMessage.options.map((o) => o.shape.kind.value);
    expect(Object.keys(samples).sort()).toEqual([...kinds].sort());
    for (const list of Object.values(samples)) {
      for (const sample of list) {
        const out = renderAny(OutboundMessage.parse(sample));
        expect(out.length).toBeGreaterThan(0);
        for (const message of out) {
          const check = GraphSendBody.safeParse({ recipient: { id: "123" }, messaging_type: "RESPONSE", message });
          expect(check.success, `${sample.kind}: ${JSON.stringify(check.error?.issues)}`).toBe(true);
        }
      }
    }
  });

  it("text: splits long texts under 2000 at sentence ends, keeping all words", () => {
    const text = long(120);
    const out = r.text({ kind: "text", text });
    expect(out.length).toBeGreaterThan(1);
    for (const m of out) {
      if (!("text" in m)) throw new Error("expected text");
      expect(m.text.length).toBeLessThanOrEqual(2000);
      expect(m.text.endsWith(".")).toBe(true);
    }
    expect(out.map((m) => ("text" in m ? m.text : "")).join(" ")).toBe(text);
  });

  it("choices: ≤ 3 → button template with postback buttons, titles ≤ 20", () => {
    const [m] = r.choices(samples.choices[0]!);
    expect(m).toEqual({
      attachment: {
        type: "template",
        payload: {
          template_type: "button",
          text: "Bạn muốn làm gì?",
          buttons: [
            { type: "postback", title: "Báo cáo", payload: "report" },
            { type: "postback", title: "Xin lời khuyên về…", payload: "advice" },
          ],
        },
      },
    });
  });

  it("choices: > 3 → quick replies (≤ 13, shortened) on the last chunk of a long text", () => {
    const out = r.choices(samples.choices[1]!);
    const last = out.at(-1);
    if (!last || !("quick_replies" in last)) throw new Error("expected quick replies on the last message");
    expect(last.quick_replies).toHaveLength(13);
    for (const q of last.quick_replies ?? []) expect(q.title.length).toBeLessThanOrEqual(20);
    expect(out.slice(0, -1).every((m) => "text" in m && !("quick_replies" in m))).toBe(true);
  });

  it("call_buttons: full numbers become phone_number buttons in +84 form; short codes go into the text", () => {
    const [m] = r.call_buttons(samples.call_buttons[0]!);
    expect(m).toEqual({
      attachment: {
        type: "template",
        payload: { template_type: "button", text: "Cần giúp ngay?\n📞 Tổng đài 111: 111", buttons: [{ type: "phone_number", title: "Cán bộ xã", payload: "+84912345678" }] },
      },
    });
  });

  it("call_buttons: only short codes → plain text, not repeating a number the text already has", () => {
    expect(r.call_buttons(samples.call_buttons[1]!)).toEqual([{ text: "Gọi 113 nếu nguy hiểm" }]);
  });

  it("link → web_url button", () => {
    const [m] = r.link(samples.link[0]!);
    expect(m).toMatchObject({ attachment: { payload: { buttons: [{ type: "web_url", url: "https://caunoi.example.vn/huong-dan", title: "Mở hướng dẫn an…" }] } } });
  });

  it("image → image attachment by absolute url, then the caption; without a base url → alt text", () => {
    expect(r.image(samples.image[0]!)).toEqual([
      { attachment: { type: "image", payload: { url: "https://caunoi.example.vn/qr/pledge-1.png", is_reusable: true } } },
      { text: "Quét mã để ủng hộ" },
    ]);
    expect(createMessengerRenderers().image(samples.image[0]!)).toEqual([{ text: "Mã QR chuyển khoản\nQuét mã để ủng hộ" }]);
  });

  it("location_request → text asking to type the commune", () => {
    expect(r.location_request(samples.location_request[0]!)).toEqual([{ text: "Bạn đang ở đâu?\nGõ tên xã/phường của bạn." }]);
    expect(messengerCapabilities.locationRequest).toBe(false);
  });

  it("a long text with a button template: plain chunks first, template text ≤ 640", () => {
    const out = r.link({ kind: "link", text: long(60), url: "https://x.example", label: "Mở" });
    const last = out.at(-1);
    if (!last || !("attachment" in last) || last.attachment.type !== "template") throw new Error("expected a template last");
    expect(last.attachment.payload.text.length).toBeLessThanOrEqual(640);
    expect(out.length).toBeGreaterThan(1);
  });

  it("toMessengerPhone and shortenLabel", () => {
    expect(toMessengerPhone("111")).toBeNull();
    expect(toMessengerPhone("18001567")).toBeNull();
    expect(toMessengerPhone("0241234567")).toBe("+84241234567");
    expect(toMessengerPhone("02412345678")).toBe("+842412345678");
    expect(toMessengerPhone("+15105551234")).toBe("+15105551234");
    expect(shortenLabel("Ngắn", 20)).toBe("Ngắn");
    expect(shortenLabel("Supercalifragilisticexpialidocious", 20)).toBe("Supercalifragilisti…");
    expect(shortenLabel("Xin lời khuyên về an toàn", 20).length).toBeLessThanOrEqual(20);
  });
});
