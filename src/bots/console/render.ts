/** Terminal rendering of outbound messages: one renderer per kind; buttons become numbered options. */
import { OutboundMessage, renderWith, type OutboundRenderers } from "../../messaging/outbound.js";

export interface TerminalView {
  text: string;
  choices: { id: string; label: string }[];
}

const renderers = {
  text: (m) => [{ text: m.text, choices: [] }],
  choices: (m) => [{ text: `${m.text}\n${m.choices.map((c, i) => `  ${i + 1}. ${c.label}`).join("\n")}`, choices: m.choices }],
  call_buttons: (m) => [{ text: `${m.text}\n${m.numbers.map((n) => `  ☎ ${n.phone} — ${n.label}`).join("\n")}`, choices: [] }],
  link: (m) => [{ text: `${m.text}\n  🔗 ${m.label}: ${m.url}`, choices: [] }],
  image: (m) => [{ text: `${m.caption ? m.caption + "\n" : ""}  [Hình: ${m.alt}] ${m.url}`, choices: [] }],
  location_request: (m) => [{ text: `${m.text}\n  (Terminal không chia sẻ được vị trí: hãy gõ tên xã/phường, hoặc "bỏ qua".)`, choices: [] }],
} satisfies OutboundRenderers<TerminalView>;

/** Renders one stored outbound message for the terminal. */
export function renderTerminal(raw: unknown): TerminalView {
  const parsed = OutboundMessage.safeParse(raw);
  if (!parsed.success) return { text: "(tin nhắn không hiển thị được)", choices: [] };
  const views = renderWith(renderers, parsed.data);
  return { text: views.map((v) => v.text).join("\n"), choices: views.flatMap((v) => v.choices) };
}
