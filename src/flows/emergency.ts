import type { OutboundMessage } from "../messaging/outbound.js";

/** The numbers a person in immediate danger must see first (domain-vn.md §7): police, ambulance, then 111. */
export const EMERGENCY_NUMBERS = [
  { phone: "113", vi: "Công an", en: "Police" },
  { phone: "115", vi: "Cấp cứu", en: "Ambulance" },
  { phone: "111", vi: "Bảo vệ trẻ em", en: "Child protection" },
] as const;

/** The very first reply to an immediate-danger message, on every channel (call buttons where the channel has them). */
export function emergencyMessage(locale: "vi" | "en"): OutboundMessage {
  const text =
    locale === "en"
      ? "If a child is in danger right now, call now:\n• 113 — Police\n• 115 — Ambulance\n• 111 — National child protection hotline (free, 24/7)"
      : "Nếu trẻ đang gặp nguy hiểm ngay lúc này, hãy gọi ngay:\n• 113 — Công an\n• 115 — Cấp cứu y tế\n• 111 — Tổng đài quốc gia bảo vệ trẻ em (miễn phí, 24/7)";
  return {
    kind: "call_buttons",
    text,
    numbers: EMERGENCY_NUMBERS.map((n) => ({ label: `Gọi ${n.phone} – ${locale === "en" ? n.en : n.vi}`.slice(0, 40), phone: n.phone })),
  };
}

/** A short reminder of 111 for guidance answers on sensitive topics. */
export function hotlineReminder(locale: "vi" | "en"): string {
  return locale === "en"
    ? "Worried about a child? Call 111 (free, 24/7)."
    : "Lo lắng cho một em nhỏ? Gọi 111 (miễn phí, 24/7).";
}
