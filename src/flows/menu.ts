/**
 * Greeting and main menu. Reachable by button or by free text with or without diacritics ("bao tin", "ung ho").
 * Free text that is not a menu choice is treated as a parenting question (parents often just ask).
 */
import { z } from "zod";
import type { Choice, OutboundMessage } from "../messaging/outbound.js";
import { TRANSPARENCY_KEYS } from "./transparency.js";
import type { FlowContext, FlowDefinition, FlowId, FlowInput, StepResult } from "./types.js";

export const MENU_ITEMS: { id: string; flow: FlowId; vi: string; en: string; keys: string[] }[] = [
  { id: "menu:guidance", flow: "guidance", vi: "Hỏi đáp nuôi dạy con", en: "Parenting questions", keys: ["hoi dap", "nuoi day con", "hoi", "tu van nuoi con", "parenting", "question"] },
  { id: "menu:report", flow: "report", vi: "Báo tin trẻ em cần giúp đỡ", en: "Report a child at risk", keys: ["bao tin", "to giac", "bao cao", "bao vu viec", "report"] },
  { id: "menu:pledge", flow: "pledge", vi: "Ủng hộ / quyên góp", en: "Donate", keys: ["ung ho", "quyen gop", "dong gop", "tu thien", "donate"] },
  { id: "menu:need", flow: "need", vi: "Báo nhu cầu hỗ trợ", en: "Report a need", keys: ["bao nhu cau", "nhu cau", "can ho tro", "xin ho tro", "need"] },
  { id: "menu:status", flow: "status", vi: "Tra cứu hồ sơ", en: "Check a case", keys: ["tra cuu", "ho so", "kiem tra ho so", "ma ho so", "status"] },
  { id: "menu:handoff", flow: "handoff", vi: "Gặp nhân viên", en: "Talk to a person", keys: ["gap nhan vien", "nhan vien", "tu van vien", "gap nguoi", "noi chuyen voi nguoi", "human", "agent"] },
];

const GREETINGS = ["xin chao", "chao", "hello", "hi", "alo", "chao ban", "chao em", "chao ad", "hey", "start", "bat dau", "menu", "tro ve", "quay lai"];

/** Menu buttons in the person's language. */
export function menuChoices(locale: "vi" | "en"): Choice[] {
  return MENU_ITEMS.map((m) => ({ id: m.id, label: locale === "en" ? m.en : m.vi }));
}

/** The menu message. */
export function menuMessage(locale: "vi" | "en", intro?: string): OutboundMessage {
  const text = intro ?? (locale === "en" ? "How can Cầu Nối help you?" : "Cầu Nối có thể giúp gì cho bạn?");
  return { kind: "choices", text, choices: menuChoices(locale) };
}

/** The greeting shown on first contact and on "menu". */
export function greeting(locale: "vi" | "en"): OutboundMessage {
  return menuMessage(
    locale,
    locale === "en"
      ? "Hello! This is Cầu Nối, a bridge between families and child-protection services in Vietnam. If a child is in danger now, call 113 (police), 115 (ambulance) or 111 (child protection, free, 24/7). Choose what you need:"
      : "Xin chào! Đây là Cầu Nối — cầu nối giữa gia đình và hệ thống bảo vệ trẻ em. Nếu trẻ đang gặp nguy hiểm, hãy gọi ngay 113 (công an), 115 (cấp cứu) hoặc 111 (bảo vệ trẻ em, miễn phí, 24/7). Bạn cần gì?",
  );
}

/** Which menu item a free text or button means, if any. */
export function menuItemFor(input: Pick<FlowInput, "key" | "payload">): (typeof MENU_ITEMS)[number] | null {
  if (input.payload) return MENU_ITEMS.find((m) => m.id === input.payload) ?? null;
  const key = input.key.trim();
  const n = Number(key);
  if (Number.isInteger(n) && n >= 1 && n <= MENU_ITEMS.length) return MENU_ITEMS[n - 1] ?? null;
  // Exact or leading phrase only: "bao tin" must not fire inside a long question.
  return MENU_ITEMS.find((m) => m.keys.some((k) => key === k || (key.startsWith(k + " ") && key.split(" ").length <= k.split(" ").length + 2))) ?? null;
}

/** Whether the text is a greeting / request for the menu. */
export function isGreeting(key: string): boolean {
  return GREETINGS.includes(key.trim()) || key.trim() === "/start";
}

const MenuState = z.object({ greeted: z.boolean().default(false) });
type MenuState = z.infer<typeof MenuState>;

export const menuFlow: FlowDefinition<MenuState> = {
  id: "menu",
  version: 1,
  state: MenuState,
  start(ctx) {
    return { state: { greeted: true }, replies: [menuMessage(ctx.locale)] };
  },
  step(state, input, ctx: FlowContext): StepResult<MenuState> {
    const item = menuItemFor(input);
    if (item) return { state, replies: [], goto: { flow: item.flow } };
    // Not a menu button (the menu stays at six items): "minh bạch" / "tổng kết", and the button of a donor alert.
    if (input.payload === "transparency" || (!input.payload && TRANSPARENCY_KEYS.includes(input.key.trim()))) return { state, replies: [], goto: { flow: "transparency" } };
    const alertNeed = /^pledge:need:(NC-\d{4}-\d{6,9})$/.exec(input.payload ?? "");
    if (alertNeed) return { state, replies: [], goto: { flow: "pledge", data: { needCode: alertNeed[1] } } };
    if (!state.greeted || isGreeting(input.key) || input.key.trim() === "") {
      return { state: { greeted: true }, replies: [greeting(ctx.locale)] };
    }
    // Anything else is most likely a question: answer it as guidance.
    return { state, replies: [], goto: { flow: "guidance", data: { question: input.text } } };
  },
};
