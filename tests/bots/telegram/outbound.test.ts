import { describe, expect, it } from "vitest";
import { TELEGRAM_MAX_CAPTION, TELEGRAM_MAX_TEXT } from "../../../src/bots/telegram/capabilities.js";
import {
  LOCATION_SKIP_LABEL,
  TelegramRenderError,
  createTelegramRenderers,
  renderTelegram,
  renderers,
  type TelegramRequest,
} from "../../../src/bots/telegram/outbound.js";
import { OutboundMessage } from "../../../src/messaging/outbound.js";

/** One sample of every outbound kind; the test below fails when a kind is added without a sample here. */
const samples: OutboundMessage[] = [
  { kind: "text", text: "Chào em. Cầu Nối ở đây để lắng nghe." },
  { kind: "choices", text: "Em muốn làm gì?", choices: [{ id: "menu:report", label: "Báo cáo xâm hại" }, { id: "menu:talk", label: "Nói chuyện" }] },
  { kind: "call_buttons", text: "Nếu em đang gặp nguy hiểm:", numbers: [{ label: "Tổng đài 111", phone: "111" }, { label: "Công an", phone: "113" }] },
  { kind: "link", text: "Đọc thêm tại đây.", url: "https://example.org/huong-dan", label: "Mở hướng dẫn" },
  { kind: "image", url: "https://example.org/qr.png", alt: "Mã QR ủng hộ", caption: "Quét mã để ủng hộ" },
  { kind: "location_request", text: "Em có thể gửi vị trí để tìm cán bộ gần nhất không?" },
];

function methods(reqs: TelegramRequest[]): string[] {
  return reqs.map((r) => r.method);
}

describe("Telegram renderers", () => {
  it("cover every OutboundMessage kind (runtime check over samples of each kind)", () => {
    const kinds = OutboundMessage.options.map((o) => o.shape.kind.value);
    const sampled = new Set(samples.map((s) => s.kind));
    for (const kind of kinds) expect(sampled.has(kind), `sample for ${kind}`).toBe(true);
    expect(Object.keys(renderers).sort()).toEqual([...kinds].sort());
    for (const r of Object.values(renderers)) expect(typeof r).toBe("function");
    for (const sample of samples) {
      expect(OutboundMessage.safeParse(sample).success).toBe(true);
      const reqs = renderTelegram(sample);
      expect(reqs.length, sample.kind).toBeGreaterThan(0);
      for (const r of reqs) {
        if (r.method === "sendMessage") {
          expect(r.text.length).toBeGreaterThan(0);
          expect(r.text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
        } else expect((r.caption ?? "").length).toBeLessThanOrEqual(TELEGRAM_MAX_CAPTION);
      }
    }
  });

  it("text: long texts are split under 4096 at sentence ends", () => {
    const text = "Em không có lỗi gì cả. ".repeat(400).trim();
    const reqs = renderers.text({ kind: "text", text });
    expect(reqs.length).toBeGreaterThan(1);
    for (const r of reqs) {
      if (r.method !== "sendMessage") throw new Error("expected sendMessage");
      expect(r.text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
      expect(r.text.endsWith("cả.")).toBe(true);
    }
  });

  it("choices: inline keyboard with callback_data = choice id, one per row, on the last chunk", () => {
    const long = "Câu hỏi dài. ".repeat(400);
    const reqs = renderers.choices({ kind: "choices", text: long, choices: [{ id: "a", label: "Có" }, { id: "b", label: "Không" }] });
    const last = reqs[reqs.length - 1];
    expect(last).toMatchObject({
      method: "sendMessage",
      replyMarkup: { inline_keyboard: [[{ text: "Có", callback_data: "a" }], [{ text: "Không", callback_data: "b" }]] },
    });
    for (const r of reqs.slice(0, -1)) expect(r.replyMarkup).toBeUndefined();
  });

  it("choices: an id over 64 bytes (Vietnamese letters are multi-byte) is a render error, not a broken button", () => {
    const id = "đ".repeat(33); // 33 chars, 66 bytes
    expect(() => renderers.choices({ kind: "choices", text: "?", choices: [{ id, label: "x" }] })).toThrow(TelegramRenderError);
  });

  it("call_buttons: numbers go in the text as 📞 lines (no tel: buttons on Telegram)", () => {
    const [req] = renderers.call_buttons({ kind: "call_buttons", text: "Gọi ngay:", numbers: [{ label: "Công an", phone: "113" }, { label: "Tổng đài 111", phone: "111" }] });
    expect(req).toEqual({ method: "sendMessage", text: "Gọi ngay:\n\n📞 113 — Công an\n📞 111 — Tổng đài 111" });
  });

  it("link: inline url button; non-http links go into the text", () => {
    expect(renderers.link({ kind: "link", text: "Xem", url: "https://example.org/a", label: "Mở" })).toEqual([
      { method: "sendMessage", text: "Xem", replyMarkup: { inline_keyboard: [[{ text: "Mở", url: "https://example.org/a" }]] } },
    ]);
    expect(renderers.link({ kind: "link", text: "Viết thư", url: "mailto:help@example.org", label: "Email" })).toEqual([
      { method: "sendMessage", text: "Viết thư\nmailto:help@example.org" },
    ]);
  });

  it("image: sendPhoto for absolute https; relative URLs resolve against the public base; otherwise alt text", () => {
    expect(renderers.image({ kind: "image", url: "https://example.org/qr.png", alt: "QR" })).toEqual([
      { method: "sendPhoto", photo: "https://example.org/qr.png", caption: "QR" },
    ]);
    expect(renderers.image({ kind: "image", url: "/media/qr.png", alt: "Mã QR", caption: "Quét mã" })).toEqual([
      { method: "sendMessage", text: "Mã QR\n\nQuét mã" },
    ]);
    expect(renderers.image({ kind: "image", url: "http://example.org/qr.png", alt: "Mã QR" })).toEqual([{ method: "sendMessage", text: "Mã QR" }]);
    const withBase = createTelegramRenderers({ publicBaseUrl: "https://caunoi.example.vn" });
    expect(withBase.image({ kind: "image", url: "/media/qr.png", alt: "Mã QR" })).toEqual([
      { method: "sendPhoto", photo: "https://caunoi.example.vn/media/qr.png", caption: "Mã QR" },
    ]);
    const longCaption = "x ".repeat(800);
    expect(methods(renderers.image({ kind: "image", url: "https://example.org/q.png", alt: "a", caption: longCaption }))).toEqual(["sendPhoto", "sendMessage"]);
  });

  it("location_request: one-time reply keyboard with request_location and a skip button", () => {
    const [req] = renderers.location_request({ kind: "location_request", text: "Em ở đâu?" });
    expect(req).toEqual({
      method: "sendMessage",
      text: "Em ở đâu?",
      replyMarkup: {
        keyboard: [[{ text: expect.any(String), request_location: true }], [{ text: LOCATION_SKIP_LABEL }]],
        resize_keyboard: true,
        one_time_keyboard: true,
      },
    });
  });

  it("shortens very long button labels at a word", () => {
    const label = "Tôi muốn nói chuyện với một người thật về chuyện đã xảy ra ở trường học";
    const [req] = renderers.choices({ kind: "choices", text: "?", choices: [{ id: "x", label }] });
    if (!req || req.method !== "sendMessage" || !req.replyMarkup || !("inline_keyboard" in req.replyMarkup)) throw new Error("no keyboard");
    const text = req.replyMarkup.inline_keyboard[0]?.[0]?.text ?? "";
    expect(text.length).toBeLessThanOrEqual(64);
    expect(text.endsWith("…")).toBe(true);
  });
});
