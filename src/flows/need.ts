/**
 * "Báo nhu cầu hỗ trợ" (Đề án 588): a school, village or commune tells us what its children lack. One question
 * at a time, optional ones answerable with "bỏ qua"; answers that do not parse get a polite re-ask, never an error.
 * Ends with a create_need effect; the reply carries the code as "{{need}}" (filled in by the runtime).
 * The need stays private until staff verify and publish it — the closing message says so.
 */
import { z } from "zod";
import type { Choice, OutboundMessage } from "../messaging/outbound.js";
import { NEED_CATEGORIES, NEED_CATEGORY_LABELS, type NeedCategory } from "../needs/types.js";
import { formatVnd, parseVnd, parseVndFailureText } from "../pledges/money.js";
import type { NewNeedInput } from "./effects.js";
import type { CommuneHit, ProvinceHit } from "./ports.js";
import type { FlowContext, FlowDefinition, FlowInput, StepResult } from "./types.js";

// ── small helpers shared with the pledge flow ──

const SKIP_KEYS = new Set(["bo qua", "bo", "qua", "skip", "khong", "khong co", "khong biet", "chua ro", "chua biet", "-", "k", "ko", "khong can"]);

/** Whether the person chose to skip an optional question ("bỏ qua", "không", "chưa rõ", or the skip button). */
export function isSkip(input: Pick<FlowInput, "key" | "payload">): boolean {
  return input.payload === "skip" || SKIP_KEYS.has(input.key.trim());
}

export const SKIP_CHOICE: Choice = { id: "skip", label: "Bỏ qua" };

/** A text message. */
export function say(text: string): OutboundMessage {
  return { kind: "text", text };
}

/** A question with buttons (channels without buttons show numbered options). */
export function ask(text: string, choices: Choice[]): OutboundMessage {
  return choices.length > 0 ? { kind: "choices", text, choices: choices.slice(0, 13) } : { kind: "text", text };
}

/** The first whole number in a reply ("khoảng 50 em" → 50, "1.200" → 1200). */
export function firstInteger(text: string): number | null {
  const m = /\d{1,3}(?:[.,]\d{3})+(?!\d)|\d+/.exec(text);
  if (!m) return null;
  const n = Number(m[0].replace(/[.,]/g, ""));
  return Number.isSafeInteger(n) ? n : null;
}

/** A Vietnamese phone number in canonical form (0xxxxxxxxx), or null. */
export function parsePhone(text: string): string | null {
  const digits = text.replace(/[\s.()-]/g, "");
  const m = /^(?:\+?84|0)(\d{9})$/.exec(digits);
  return m ? `0${m[1]}` : null;
}

/** The label of a choice with the given id, or the id's text after a prefix. */
function choiceFrom(input: FlowInput, options: Choice[]): Choice | null {
  if (input.payload) return options.find((o) => o.id === input.payload) ?? null;
  const n = Number(input.key.trim());
  if (Number.isInteger(n) && n >= 1 && n <= options.length) return options[n - 1] ?? null;
  return null;
}

const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

// ── categories ──

const CATEGORY_KEYS: Record<NeedCategory, string[]> = {
  health_check: ["kham", "kham benh", "kham suc khoe", "suc khoe", "y te", "thuoc"],
  nutrition_meals: ["an", "bua an", "dinh duong", "suat an", "com", "sua", "bua trua"],
  warm_clothes: ["ao am", "ao", "do am", "chan", "chan am", "ret", "quan ao", "mu", "giay dep"],
  play_equipment: ["do choi", "san choi", "vui choi", "the thao", "giai tri"],
  school_supplies: ["sach", "vo", "sach vo", "but", "do dung hoc tap", "cap", "hoc tap", "ban ghe"],
  other: ["khac"],
};

/** Default unit per category, used when the person gives only a number or skips the quantity question. */
export const DEFAULT_UNITS: Record<NeedCategory, string> = {
  health_check: "lượt khám",
  nutrition_meals: "suất ăn",
  warm_clothes: "áo ấm",
  play_equipment: "bộ đồ chơi",
  school_supplies: "bộ đồ dùng học tập",
  other: "phần quà",
};

/** Category buttons ("cat:<id>"). */
export function categoryChoices(): Choice[] {
  return NEED_CATEGORIES.map((c) => ({ id: `cat:${c}`, label: NEED_CATEGORY_LABELS[c] }));
}

function categoryFrom(input: FlowInput): NeedCategory | null {
  const byButton = choiceFrom(input, categoryChoices());
  const id = byButton?.id.slice(4) ?? null;
  const known = NEED_CATEGORIES.find((c) => c === id);
  if (known) return known;
  const key = input.key.trim();
  if (key === "") return null;
  // whole words only: "an" (eat) must not match inside "ban" or "toan"
  const padded = ` ${key} `;
  return NEED_CATEGORIES.find((c) => CATEGORY_KEYS[c].some((k) => padded.includes(` ${k} `))) ?? null;
}

// ── places ──

type Pick1<T> = { kind: "one"; hit: T } | { kind: "many"; hits: T[] } | { kind: "none" };

/** One confident match, several to choose from, or none (scores are 0–1; 0.85+ is confident in src/directory). */
function pickHit<T extends { score: number; partial?: boolean }>(hits: T[]): Pick1<T> {
  const [top, second] = hits;
  if (!top) return { kind: "none" };
  const clear = !second || second.score < top.score - 0.1;
  if (!top.partial && (hits.length === 1 || (top.score >= 0.85 && clear))) return { kind: "one", hit: top };
  return { kind: "many", hits: hits.slice(0, 6) };
}

const provinceChoice = (p: ProvinceHit): Choice => ({ id: `prov:${p.code}`, label: clip(p.name, 80) });
const communeChoice = (c: CommuneHit): Choice => ({
  id: `com:${c.code}`,
  label: clip(c.via === "old_name" && c.oldName ? `${c.name} (trước đây: ${c.oldName})` : c.name, 80),
});

// ── state ──

const STEPS = ["facility", "province", "commune", "category", "children", "quantity", "amount", "needed_by", "description", "contact_name", "contact_phone", "confirm"] as const;
type Step = (typeof STEPS)[number];

const NeedState = z.object({
  step: z.enum(STEPS),
  facility: z.string().nullable().default(null),
  provinceCode: z.string().nullable().default(null),
  provinceName: z.string().nullable().default(null),
  communeCode: z.string().nullable().default(null),
  communeName: z.string().nullable().default(null),
  category: z.enum(NEED_CATEGORIES).nullable().default(null),
  childrenCount: z.number().int().nullable().default(null),
  quantity: z.number().int().nullable().default(null),
  unit: z.string().nullable().default(null),
  amountVnd: z.number().int().nullable().default(null),
  neededBy: z.string().nullable().default(null),
  description: z.string().default(""),
  contactName: z.string().nullable().default(null),
  contactPhone: z.string().nullable().default(null),
  /** Buttons offered for the current question (place disambiguation), so a tap or "2" can be resolved. */
  options: z.array(z.object({ id: z.string(), label: z.string() })).default([]),
  /** Failed answers to the current question (the third gets extra help). */
  misses: z.number().int().default(0),
});
export type NeedFlowState = z.infer<typeof NeedState>;

const EMPTY: NeedFlowState = NeedState.parse({ step: "facility" });

const QUESTIONS: Record<Step, (s: NeedFlowState) => OutboundMessage> = {
  facility: () => say("Nơi cần hỗ trợ tên là gì? Ví dụ: Trường Mầm non Bản Xèo, Điểm trường Nậm Chạy, Thôn Khe Mạ."),
  province: () => say("Nơi đó thuộc tỉnh/thành phố nào? (Gõ tên mới hoặc tên cũ trước sáp nhập đều được.)"),
  commune: (s) => say(`Thuộc xã/phường nào của ${s.provinceName ?? "tỉnh"}? (Tên cũ trước sáp nhập cũng được.)`),
  category: () => ask("Các em đang cần hỗ trợ gì nhất?", categoryChoices()),
  children: () => say("Có khoảng bao nhiêu em cần được hỗ trợ?"),
  quantity: (s) => {
    const unit = DEFAULT_UNITS[s.category ?? "other"];
    return ask(`Cần bao nhiêu, đơn vị là gì? Ví dụ: ${s.childrenCount ?? 100} ${unit}. Nếu bỏ qua, mình tính mỗi em một ${unit}.`, [SKIP_CHOICE]);
  },
  amount: () => ask("Ước tính cần khoảng bao nhiêu tiền? Ví dụ: 12 triệu, 500k. Chưa rõ thì bấm Bỏ qua.", [SKIP_CHOICE]),
  needed_by: () => ask("Cần có trước ngày nào? Ví dụ: 15/12/2026. Không gấp thì bấm Bỏ qua.", [SKIP_CHOICE]),
  description: () => ask("Bạn có muốn mô tả thêm hoàn cảnh hoặc yêu cầu cụ thể (cỡ áo, độ tuổi…) không? Không có thì bấm Bỏ qua.", [SKIP_CHOICE]),
  contact_name: () => ask("Tên người liên hệ (thầy/cô, cán bộ thôn/xã…)? Thông tin này không công khai. Bạn có thể bỏ qua.", [SKIP_CHOICE]),
  contact_phone: () => ask("Số điện thoại để cán bộ gọi xác minh? Số này chỉ dùng để xác minh, không công khai. Bạn có thể bỏ qua.", [SKIP_CHOICE]),
  confirm: (s) => ask(summary(s), [
    { id: "confirm:yes", label: "Gửi" },
    { id: "confirm:restart", label: "Làm lại từ đầu" },
    { id: "confirm:no", label: "Huỷ" },
  ]),
};

function summary(s: NeedFlowState): string {
  const lines = [
    "Bạn kiểm tra lại giúp mình nhé:",
    `• Nơi cần hỗ trợ: ${s.facility ?? ""}`,
    `• Địa bàn: ${[s.communeName, s.provinceName].filter(Boolean).join(", ")}`,
    `• Loại hỗ trợ: ${NEED_CATEGORY_LABELS[s.category ?? "other"]}`,
    `• Số em: ${s.childrenCount ?? ""}`,
    `• Cần: ${s.quantity ?? ""} ${s.unit ?? ""}`,
    `• Ước tính: ${s.amountVnd !== null ? formatVnd(s.amountVnd) : "chưa rõ"}`,
    `• Cần trước: ${s.neededBy ? viDate(s.neededBy) : "không gấp"}`,
  ];
  if (s.description) lines.push(`• Mô tả: ${clip(s.description, 300)}`);
  lines.push(`• Liên hệ: ${[s.contactName, s.contactPhone].filter(Boolean).join(" – ") || "không để lại"}`);
  return lines.join("\n");
}

const viDate = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** Reads "15/12/2026", "15/12" (next occurrence), "2026-12-15"; refuses past dates and dates over two years away. */
export function parseNeededBy(text: string, now: Date): { ok: true; date: string } | { ok: false; reason: string } {
  const t = text.trim();
  const local = new Date(now.getTime() + 7 * 3_600_000); // Vietnam calendar day
  const today = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  let y: number, m: number, d: number;
  let r = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/.exec(t);
  if (r) {
    d = Number(r[1]);
    m = Number(r[2]);
    y = r[3] ? (r[3].length === 2 ? 2000 + Number(r[3]) : Number(r[3])) : local.getUTCFullYear();
    if (!r[3] && Date.UTC(y, m - 1, d) < today) y += 1;
  } else if ((r = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t))) {
    [y, m, d] = [Number(r[1]), Number(r[2]), Number(r[3])];
  } else {
    return { ok: false, reason: "Mình chưa đọc được ngày này. Bạn ghi theo dạng ngày/tháng/năm, ví dụ 15/12/2026, hoặc bấm Bỏ qua." };
  }
  const at = Date.UTC(y, m - 1, d);
  const check = new Date(at);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return { ok: false, reason: "Ngày này không có trên lịch. Bạn xem lại giúp mình nhé (ví dụ 15/12/2026)." };
  if (at < today) return { ok: false, reason: "Ngày này đã qua rồi. Bạn cho mình một ngày sắp tới, hoặc bấm Bỏ qua." };
  if (at > today + 2 * 366 * 86_400_000) return { ok: false, reason: "Ngày này xa quá (hơn 2 năm). Bạn kiểm tra lại giúp mình nhé." };
  return { ok: true, date: check.toISOString().slice(0, 10) };
}

/** "120 áo ấm" → {120, "áo ấm"}; "120" → the category's default unit. */
function parseQuantity(text: string, category: NeedCategory): { quantity: number; unit: string } | null {
  const m = /^\s*(?:khoảng|khoang|tầm|tam|chừng|chung)?\s*(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(.*)$/i.exec(text.normalize("NFC"));
  if (!m) return null;
  const quantity = Number((m[1] ?? "").replace(/[.,]/g, ""));
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > 10_000_000) return null;
  const unit = (m[2] ?? "").trim().replace(/[.!]+$/, "");
  return { quantity, unit: unit === "" ? DEFAULT_UNITS[category] : clip(unit, 40) };
}

const next = (s: NeedFlowState, step: Step, lead?: OutboundMessage[]): StepResult<NeedFlowState> => {
  const state = { ...s, step, options: [], misses: 0 };
  return { state, replies: [...(lead ?? []), QUESTIONS[step](state)] };
};

const reask = (s: NeedFlowState, why: string, options?: Choice[]): StepResult<NeedFlowState> => {
  const misses = s.misses + 1;
  const help = misses >= 3 ? '\n(Gõ "huỷ" nếu muốn dừng, hoặc "gặp nhân viên" để được hỗ trợ trực tiếp.)' : "";
  const opts = options ?? s.options;
  return { state: { ...s, options: opts, misses }, replies: [ask(why + help, opts)] };
};

function onProvince(s: NeedFlowState, input: FlowInput, ctx: FlowContext): StepResult<NeedFlowState> {
  const chosen = choiceFrom(input, s.options);
  if (chosen?.id.startsWith("prov:")) {
    const code = chosen.id.slice(5);
    return next({ ...s, provinceCode: code, provinceName: ctx.ports.directory.unitName(code) ?? chosen.label }, "commune");
  }
  const text = input.text.trim();
  if (text === "") return reask(s, "Bạn gõ tên tỉnh/thành phố giúp mình nhé, ví dụ: Lào Cai, Điện Biên, Hà Giang.");
  const p = pickHit(ctx.ports.directory.findProvince(text));
  if (p.kind === "one") return next({ ...s, provinceCode: p.hit.code, provinceName: p.hit.name }, "commune");
  if (p.kind === "many") return reask({ ...s, misses: s.misses - 1 }, "Ý bạn là tỉnh nào?", p.hits.map(provinceChoice));
  return reask(s, "Mình chưa tìm thấy tỉnh này. Bạn gõ lại tên tỉnh/thành phố giúp mình nhé (có dấu hay không dấu đều được).", []);
}

function onCommune(s: NeedFlowState, input: FlowInput, ctx: FlowContext): StepResult<NeedFlowState> {
  const chosen = choiceFrom(input, s.options);
  if (chosen?.id.startsWith("com:")) {
    const code = chosen.id.slice(4);
    return next({ ...s, communeCode: code, communeName: ctx.ports.directory.unitName(code) ?? chosen.label }, "category");
  }
  const text = input.text.trim();
  if (text === "") return reask(s, "Bạn gõ tên xã/phường giúp mình nhé.");
  const hits = ctx.ports.directory.findCommune(s.provinceCode, text);
  const p = pickHit(hits);
  if (p.kind === "one") return next({ ...s, communeCode: p.hit.code, communeName: p.hit.name }, "category");
  if (p.kind === "many") {
    const why = p.hits.some((h) => h.partial) ? "Xã cũ này nay thuộc nhiều xã mới. Nơi cần hỗ trợ nằm ở xã nào?" : "Ý bạn là xã/phường nào?";
    return reask({ ...s, misses: s.misses - 1 }, why, p.hits.map(communeChoice));
  }
  return reask(s, `Mình chưa tìm thấy xã/phường này ở ${s.provinceName ?? "tỉnh đã chọn"}. Bạn gõ lại tên xã giúp mình nhé (tên cũ trước sáp nhập cũng được).`, []);
}

function toInput(s: NeedFlowState): NewNeedInput | null {
  if (!s.facility || !s.provinceCode || !s.communeCode || !s.category || s.childrenCount === null || s.quantity === null || !s.unit) return null;
  return {
    facility: s.facility,
    provinceCode: s.provinceCode,
    communeCode: s.communeCode,
    category: s.category,
    childrenCount: s.childrenCount,
    quantity: s.quantity,
    unit: s.unit,
    amountVnd: s.amountVnd,
    neededBy: s.neededBy,
    description: s.description,
    contactName: s.contactName,
    contactPhone: s.contactPhone,
  };
}

export const needFlow: FlowDefinition<NeedFlowState> = {
  id: "need",
  version: 1,
  state: NeedState,
  start() {
    return next(EMPTY, "facility", [
      say("Cảm ơn bạn đã báo nhu cầu cho các em! Mình sẽ hỏi vài câu ngắn. Nhu cầu chỉ được đăng công khai sau khi cán bộ xác minh."),
    ]);
  },
  step(s, input, ctx) {
    const text = input.text.trim();
    switch (s.step) {
      case "facility": {
        if (text.length < 2) return reask(s, "Bạn cho mình biết tên trường, điểm trường hoặc thôn/bản cần hỗ trợ nhé.");
        return next({ ...s, facility: clip(text.replace(/\s+/g, " "), 200) }, "province");
      }
      case "province":
        return onProvince(s, input, ctx);
      case "commune":
        return onCommune(s, input, ctx);
      case "category": {
        const c = categoryFrom(input);
        if (!c) return reask(s, "Bạn chọn một loại hỗ trợ bên dưới giúp mình nhé.", categoryChoices());
        return next({ ...s, category: c }, "children");
      }
      case "children": {
        const n = firstInteger(text);
        if (n === null || n < 1) return reask(s, "Bạn ghi số em bằng chữ số giúp mình nhé, ví dụ: 45.");
        if (n > 100_000) return reask(s, "Con số này lớn quá, bạn kiểm tra lại giúp mình nhé.");
        return next({ ...s, childrenCount: n }, "quantity");
      }
      case "quantity": {
        const category = s.category ?? "other";
        if (isSkip(input)) return next({ ...s, quantity: s.childrenCount ?? 1, unit: DEFAULT_UNITS[category] }, "amount");
        const q = parseQuantity(text, category);
        if (!q) return reask(s, `Bạn ghi số lượng và đơn vị giúp mình nhé, ví dụ: ${s.childrenCount ?? 100} ${DEFAULT_UNITS[category]}.`, [SKIP_CHOICE]);
        return next({ ...s, quantity: q.quantity, unit: q.unit }, "amount");
      }
      case "amount": {
        if (isSkip(input)) return next({ ...s, amountVnd: null }, "needed_by");
        const r = parseVnd(text);
        if (!r.ok) return reask(s, parseVndFailureText(r.reason) + " Chưa rõ thì bấm Bỏ qua.", [SKIP_CHOICE]);
        return next({ ...s, amountVnd: r.vnd }, "needed_by");
      }
      case "needed_by": {
        if (isSkip(input)) return next({ ...s, neededBy: null }, "description");
        const r = parseNeededBy(text, ctx.now);
        if (!r.ok) return reask(s, r.reason, [SKIP_CHOICE]);
        return next({ ...s, neededBy: r.date }, "description");
      }
      case "description": {
        if (isSkip(input) || text === "") return next({ ...s, description: "" }, "contact_name");
        return next({ ...s, description: clip(text, 2000) }, "contact_name");
      }
      case "contact_name": {
        if (isSkip(input) || text === "") return next({ ...s, contactName: null }, "contact_phone");
        // a phone typed here is taken as the phone, so nobody has to type it twice
        const phone = parsePhone(text);
        if (phone) return next({ ...s, contactName: null, contactPhone: phone }, "confirm");
        return next({ ...s, contactName: clip(text, 100) }, "contact_phone");
      }
      case "contact_phone": {
        if (isSkip(input) || text === "") {
          return next({ ...s, contactPhone: null }, "confirm", [say("Không sao. Khi cần xác minh, cán bộ sẽ nhắn cho bạn qua cuộc trò chuyện này.")]);
        }
        const phone = parsePhone(text);
        if (!phone) return reask(s, "Số điện thoại chưa đúng. Bạn ghi lại giúp mình nhé, ví dụ: 0912 345 678. Hoặc bấm Bỏ qua.", [SKIP_CHOICE]);
        return next({ ...s, contactPhone: phone }, "confirm");
      }
      case "confirm": {
        const yes = input.payload === "confirm:yes" || ["gui", "co", "dong y", "ok", "xac nhan", "dung", "dung roi", "1"].includes(input.key.trim());
        const restart = input.payload === "confirm:restart" || ["lam lai", "sua", "sua lai", "2"].includes(input.key.trim());
        const no = input.payload === "confirm:no" || ["khong", "huy", "3"].includes(input.key.trim());
        if (restart) return next(EMPTY, "facility", [say("Mình làm lại từ đầu nhé.")]);
        if (no) return { state: null, replies: [say("Mình đã huỷ, chưa gửi gì cả. Khi cần, bạn chọn \"Báo nhu cầu hỗ trợ\" ở menu nhé.")] };
        if (!yes) return reask(s, "Bạn bấm \"Gửi\" để gửi nhu cầu, \"Làm lại từ đầu\" để sửa, hoặc \"Huỷ\".", [
          { id: "confirm:yes", label: "Gửi" },
          { id: "confirm:restart", label: "Làm lại từ đầu" },
          { id: "confirm:no", label: "Huỷ" },
        ]);
        const need = toInput(s);
        if (!need) return next(EMPTY, "facility", [say("Xin lỗi, mình bị thiếu một vài thông tin. Mình hỏi lại từ đầu nhé.")]);
        return {
          state: null,
          effects: [
            ...(need.contactName || need.contactPhone ? [{ type: "set_consent" as const, purpose: "need_contact", given: true }] : []),
            { type: "create_need", ref: "need", input: need },
          ],
          replies: [
            say(
              "Đã gửi! Mã nhu cầu của bạn là {{need}}.\n" +
                "Cán bộ sẽ xác minh (thường trong vài ngày làm việc) rồi mới đăng công khai để các nhà hảo tâm cùng chung tay. " +
                "Bạn có thể dùng mã này khi cần hỏi lại. Cảm ơn bạn đã lên tiếng cho các em!",
            ),
          ],
        };
      }
    }
  },
};
