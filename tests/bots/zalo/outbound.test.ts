import { renderWith } from "../../../src/messaging/outbound.js";
import { describe, expect, it } from "vitest";
import { createZaloRenderers, zaloCapabilities, type ZaloOutMessage } from "../../../src/bots/zalo/outbound.js";
import { OutboundMessage, type OutboundKind, type OutboundOf } from "../../../src/messaging/outbound.js";
import { ZaloCsBody } from "../../fakes/zalo-api.js";

const r = createZaloRenderers({ publicBaseUrl: "https://caunoi.example.vn/", locationHint: "Gõ tên xã/phường của bạn." });
const long = (n: number) => Array.from({ length: n }, (_, i) => `Câu số ${i + 1} nói về an toàn của trẻ em.`).join(" ");

const samples: { [K in OutboundKind]: OutboundOf<K>[] } = {
  text: [{ kind: "text", text: "Xin chào" }, { kind: "text", text: long(120) }],
  choices: [
    { kind: "choices", text: "Bạn muốn làm gì?", choices: [{ id: "report", label: "Báo cáo" }, { id: "advice", label: "Xin lời khuyên về an toàn cho trẻ em ở nhà và ở trường" }] },
    { kind: "choices", text: "Chọn tỉnh", choices: Array.from({ length: 7 }, (_, i) => ({ id: `p${i}`, label: `Tỉnh ${i + 1}` })) },
    { kind: "choices", text: long(80), choices: [{ id: "a", label: "A" }] },
  ],
  call_buttons: [{ kind: "call_buttons", text: "Cần giúp ngay?", numbers: [{ label: "Tổng đài 111", phone: "111" }, { label: "Cán bộ xã", phone: "0912345678" }] }],
  link: [{ kind: "link", text: "Đọc hướng dẫn", url: "https://caunoi.example.vn/huong-dan", label: "Mở hướng dẫn" }],
  image: [
    { kind: "image", url: "qr/pledge-1.png", alt: "Mã QR chuyển khoản", caption: "Quét mã để ủng hộ" },
    { kind: "image", url: "https://cdn.example.vn/a.png", alt: "Ảnh" },
  ],
  location_request: [{ kind: "location_request", text: "Bạn đang ở đâu?" }],
};

function renderAny(m: OutboundMessage): ZaloOutMessage[] {
  return renderWith(r, m);
}

describe("Zalo renderers", () => {
  it("cover every OutboundMessage kind and every output passes the CS body checks", () => {
    const kinds = OutboundMessage.options.map((o) => o.shape.kind.value);
    expect(Object.keys(samples).sort()).toEqual([...kinds].sort());
    for (const list of Object.values(samples)) {
      for (const sample of list) {
        const out = renderAny(OutboundMessage.parse(sample));
        expect(out.length).toBeGreaterThan(0);
        for (const message of out) {
          const check = ZaloCsBody.safeParse({ recipient: { user_id: "246845883529197922" }, message });
          expect(check.success, `${sample.kind}: ${JSON.stringify(check.error?.issues)}`).toBe(true);
        }
      }
    }
  });

  it("text: split under 2000", () => {
    const out = r.text(samples.text[1]!);
    expect(out.length).toBeGreaterThan(1);
    for (const m of out) expect(m.text?.length ?? 0).toBeLessThanOrEqual(2000);
  });

  it("choices ≤ 5 → hidden query buttons carrying cn:<id>, titles shortened", () => {
    expect(r.choices(samples.choices[0]!)).toEqual([
      {
        text: "Bạn muốn làm gì?",
        attachment: {
          type: "template",
          payload: {
            buttons: [
              { title: "Báo cáo", type: "oa.query.hide", payload: "cn:report" },
              { title: "Xin lời khuyên về an toàn cho trẻ…", type: "oa.query.hide", payload: "cn:advice" },
            ],
          },
        },
      },
    ]);
  });

  it("choices > 5 → numbered options in the text, no buttons", () => {
    const out = r.choices(samples.choices[1]!);
    expect(out).toHaveLength(1);
    expect(out[0]).not.toHaveProperty("attachment");
    expect(out[0]?.text).toBe(`Chọn tỉnh\n\n${Array.from({ length: 7 }, (_, i) => `${i + 1}. Tỉnh ${i + 1}`).join("\n")}`);
  });

  it("choices with a long text: buttons ride on the last chunk", () => {
    const out = r.choices(samples.choices[2]!);
    expect(out.length).toBeGreaterThan(1);
    expect(out.slice(0, -1).every((m) => !("attachment" in m))).toBe(true);
    expect(out.at(-1)).toHaveProperty("attachment.payload.buttons");
  });

  it("call_buttons → oa.open.phone, numbers also in the text", () => {
    expect(r.call_buttons(samples.call_buttons[0]!)).toEqual([
      {
        text: "Cần giúp ngay?\n📞 Tổng đài 111: 111\n📞 Cán bộ xã: 0912345678",
        attachment: {
          type: "template",
          payload: {
            buttons: [
              { title: "Tổng đài 111", type: "oa.open.phone", payload: { phone_code: "111" } },
              { title: "Cán bộ xã", type: "oa.open.phone", payload: { phone_code: "0912345678" } },
            ],
          },
        },
      },
    ]);
  });

  it("link → oa.open.url", () => {
    expect(r.link(samples.link[0]!)[0]).toMatchObject({ attachment: { payload: { buttons: [{ type: "oa.open.url", payload: { url: "https://caunoi.example.vn/huong-dan" } }] } } });
  });

  it("image → media template by url with the caption as text; no base url → alt text", () => {
    expect(r.image(samples.image[0]!)).toEqual([
      { text: "Quét mã để ủng hộ", attachment: { type: "template", payload: { template_type: "media", elements: [{ media_type: "image", url: "https://caunoi.example.vn/qr/pledge-1.png" }] } } },
    ]);
    expect(createZaloRenderers().image(samples.image[0]!)).toEqual([{ text: "Mã QR chuyển khoản\nQuét mã để ủng hộ" }]);
  });

  it("location_request → text asking for the commune", () => {
    expect(r.location_request(samples.location_request[0]!)).toEqual([{ text: "Bạn đang ở đâu?\nGõ tên xã/phường của bạn." }]);
    expect(zaloCapabilities).toMatchObject({ maxButtons: 5, maxText: 2000, locationRequest: false });
  });
});
