/**
 * Report flow ("Báo tin trẻ em cần giúp đỡ"): takes a report of a child at risk and turns it into a case that is
 * escalated at once to the commune's child-protection worker and to 111 (effect create_case).
 *
 * Started from the menu, or by the runtime when safety triage sees abuse or danger (then immediate danger already got
 * the emergency numbers as the first reply, and the triggering message is the description to confirm, not to ask
 * again). Every question can be skipped ("Bỏ qua"); a reply that does not parse gets a polite re-ask. Immediate
 * danger — from triage or the "đang gặp nguy hiểm?" question — marks the case urgent and shortens the flow to what is
 * needed to reach someone: where, and how to contact the reporter. The rest can be added later via "Tra cứu hồ sơ".
 *
 * Child's own report (simpler words, "em"): decided once, on the triggering message or on the first description,
 * when it is written in the first person the way children write ("em bị…", "con bị đánh", "cứu em", "bố đánh em") and
 * not as a parent about their child ("con tôi bị…", "con em bị…"). See isChildSelfReport.
 */
import { z } from "zod";
import type { Choice, OutboundMessage } from "../messaging/outbound.js";
import { Attachment } from "../messaging/inbound.js";
import { CATEGORIES, CATEGORY_LABELS_VI, isCategory } from "../safety/index.js";
import { matchKey } from "../text/index.js";
import type { NewCaseInput } from "./effects.js";
import { emergencyMessage } from "./emergency.js";
import { menuMessage } from "./menu.js";
import type { CommuneHit, ProvinceHit } from "./ports.js";
import type { FlowContext, FlowDefinition, FlowInput, StepResult } from "./types.js";

// ───────────────────────────── state ─────────────────────────────

const STEPS = ["confirm", "describe", "category", "province", "province_pick", "commune", "commune_pick", "when", "age", "sex", "danger", "suspect", "photos", "contact", "phone", "name"] as const;
type Step = (typeof STEPS)[number];

const Option = z.object({ id: z.string(), code: z.string(), provinceCode: z.string(), label: z.string(), name: z.string() });
type Option = z.infer<typeof Option>;

/** Saved state of the report flow (version 1). */
export const ReportState = z.object({
  step: z.enum(STEPS),
  childMode: z.boolean(),
  fromTriage: z.boolean(),
  /** Immediate danger was seen (triage or the reporter said so): risk immediate, urgent. */
  urgent: z.boolean(),
  category: z.string().nullable(),
  rules: z.array(z.string()),
  /** The report is about a risk not yet realised ("nguy cơ"). */
  riskOnly: z.boolean(),
  description: z.string().nullable(),
  /** Free text given along the way (a free-text time, danger messages mid-flow): part of the private description. */
  extra: z.array(z.string()),
  provinceCode: z.string().nullable(),
  provinceName: z.string().nullable(),
  communeCode: z.string().nullable(),
  communeName: z.string().nullable(),
  placeText: z.string().nullable(),
  location: z.object({ lat: z.number(), lng: z.number() }).nullable(),
  options: z.array(Option),
  whenText: z.string().nullable(),
  childAge: z.number().int().nullable(),
  childSex: z.enum(["nam", "nu"]).nullable(),
  inDangerNow: z.enum(["yes", "no", "unknown"]),
  suspect: z.string().nullable(),
  attachments: z.array(Attachment),
  anonymous: z.boolean(),
  reporterPhone: z.string().nullable(),
  reporterName: z.string().nullable(),
  /** Consecutive replies at this step that did not parse (the re-ask gets more explicit). */
  misses: z.number().int(),
  /** When the report became urgent (ISO): names its safety-net timer (src/cases/report-safety-net.ts). */
  urgentAt: z.string().nullable().default(null),
  /** The case the safety net already made from this unfinished report: completing it adds to that case. */
  caseCode: z.string().nullable().default(null),
});
export type ReportState = z.infer<typeof ReportState>;

const TriggerData = z.object({
  trigger: z.literal("triage"),
  level: z.enum(["immediate", "report", "none"]),
  category: z.string().nullable().optional(),
  rules: z.array(z.string()).optional(),
  text: z.string().optional(),
});

function initial(): ReportState {
  return {
    step: "describe",
    childMode: false,
    fromTriage: false,
    urgent: false,
    category: null,
    rules: [],
    riskOnly: false,
    description: null,
    extra: [],
    provinceCode: null,
    provinceName: null,
    communeCode: null,
    communeName: null,
    placeText: null,
    location: null,
    options: [],
    whenText: null,
    childAge: null,
    childSex: null,
    inDangerNow: "unknown",
    suspect: null,
    attachments: [],
    anonymous: true,
    reporterPhone: null,
    reporterName: null,
    misses: 0,
    urgentAt: null,
    caseCode: null,
  };
}

// ───────────────────────────── words ─────────────────────────────

const SKIP = "r:skip";
const SKIP_KEYS = ["bo qua", "skip", "khong biet", "khong ro", "ko biet", "k biet", "kb", "chua biet", "khong nho", "bo"];
const YES_KEYS = ["co", "dung", "dung roi", "vang", "u", "uh", "ok", "oke", "yes", "phai", "dung vay", "co a", "da", "da co", "dang", "dang bi"];
const NO_KEYS = ["khong", "ko", "k", "no", "khong phai", "sai", "khong co", "chua"];

const SUSPECTS: { id: string; vi: string; child: string; keys: string[] }[] = [
  { id: "bo_me", vi: "Bố/mẹ", child: "Bố hoặc mẹ", keys: ["bo", "me", "ba", "ma", "cha", "bo me", "bo dượng", "bo duong", "me ke", "di ghe", "cha duong", "bo/me"] },
  { id: "nguoi_than", vi: "Người thân", child: "Người trong nhà, họ hàng", keys: ["nguoi than", "ong", "ba noi", "ba ngoai", "chu", "bac", "cau", "di", "co", "anh", "chi", "anh trai", "ho hang", "nguoi nha"] },
  { id: "hang_xom", vi: "Hàng xóm", child: "Hàng xóm", keys: ["hang xom", "nha ben", "nguoi quen"] },
  { id: "thay_co", vi: "Thầy cô", child: "Thầy cô", keys: ["thay co", "thay", "giao vien", "co giao", "thay giao", "bao mau", "nha truong"] },
  { id: "nguoi_la", vi: "Người lạ", child: "Người lạ", keys: ["nguoi la", "la", "khong quen"] },
  { id: "ban_be", vi: "Bạn bè", child: "Bạn bè", keys: ["ban be", "ban", "ban hoc", "ban cung lop"] },
  { id: "tren_mang", vi: "Người trên mạng", child: "Người quen trên mạng", keys: ["tren mang", "qua mang", "online", "facebook", "zalo", "tiktok", "game"] },
  { id: "khac", vi: "Khác", child: "Người khác", keys: ["khac", "nguoi khac"] },
];

const WHEN: { id: string; vi: string }[] = [
  { id: "now", vi: "Đang xảy ra" },
  { id: "today", vi: "Hôm nay" },
  { id: "yesterday", vi: "Hôm qua" },
  { id: "week", vi: "Trong tuần này" },
  { id: "earlier", vi: "Lâu hơn / nhiều lần" },
];
const WHEN_KEYS: Record<string, string[]> = {
  now: ["dang xay ra", "bay gio", "ngay bay gio", "dang", "luc nay"],
  today: ["hom nay", "sang nay", "chieu nay", "toi nay", "trua nay"],
  yesterday: ["hom qua", "toi qua", "dem qua"],
  week: ["tuan nay", "trong tuan", "may hom truoc", "vai hom truoc"],
  earlier: ["lau roi", "nhieu lan", "thuong xuyen", "lau hon", "tu lau"],
};

const REPORT_CATEGORIES = ["bao_luc", "xam_hai_tinh_duc", "boc_lot", "lao_dong_tre_em", "mua_ban", "bat_coc", "bo_roi_bo_mat", "tao_hon", "bat_nat", "xam_hai_truc_tuyen", "khac"] as const;

type Say = { adult: string; child: string };
const say = (s: ReportState, t: Say): string => (s.childMode ? t.child : t.adult);
const text = (t: string): OutboundMessage => ({ kind: "text", text: t });
const skipChoice = (s: ReportState, label?: string): Choice => ({ id: SKIP, label: label ?? (s.childMode ? "Bỏ qua" : "Bỏ qua") });

function isSkip(input: FlowInput): boolean {
  return input.payload === SKIP || (!input.payload && SKIP_KEYS.includes(input.key.trim()));
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

// ───────────────────────────── child's own report ─────────────────────────────

const CHILD_PRONOUN = "(em|con|chau|minh|to|tui)";
const ADVERBS = "(?:(?:dang|da|vua|hay|thuong|luon|cu|lai|moi|van|bi|that su|rat so) )*";
const HARM_VERBS = "(danh|chui|dam o|so mo|so|ep|doa|bat nat|hiep|nhot|giam|bo doi|cham vao|dung vao|quay roi|de doa|tat|dap|hanh ha|bat)";

/**
 * Whether a message reads as a child reporting about themself: starts "em/con/cháu/mình/tớ/tui (đang/đã…) bị …",
 * or has "<harm verb> em/cháu/tớ/tui" or "cứu/giúp em…" — but not a parent's "con tôi/con em/con mình".
 */
export function isChildSelfReport(key: string): boolean {
  const k = ` ${key.trim()} `;
  if (/ (con|chau) (toi|em|minh|nha toi|cua toi|cua em|tui) /.test(k) || /^ (toi|chung toi|nha toi) /.test(k)) return false;
  if (new RegExp(`^ ${CHILD_PRONOUN} ${ADVERBS}bi `).test(k)) return true;
  // After a verb, "con" is usually a parent's "my child" ("hàng xóm đánh con"), so only the other pronouns count there.
  if (new RegExp(` ${HARM_VERBS} (em|chau|to|tui) `).test(k)) return true;
  return new RegExp(` (cuu|giup|bao ve) ${CHILD_PRONOUN} `).test(k);
}

// ───────────────────────────── questions ─────────────────────────────

function question(s: ReportState, ctx: FlowContext): OutboundMessage[] {
  switch (s.step) {
    case "confirm": {
      const quoted = s.description ? `«${truncate(s.description, 300)}»` : "";
      return [
        {
          kind: "choices",
          text: say(s, {
            adult: `Cảm ơn bạn đã lên tiếng. Cầu Nối có thể chuyển tin này ngay tới cán bộ bảo vệ trẻ em ở địa phương và Tổng đài 111.\nBạn vừa kể: ${quoted}\nĐây là điều bạn muốn báo tin phải không? Mình sẽ hỏi thêm vài câu ngắn, câu nào không biết thì bấm "Bỏ qua".`,
            child: `Cảm ơn em đã kể cho Cầu Nối. Em không có lỗi gì cả. Cầu Nối có thể báo ngay cho người lớn có trách nhiệm bảo vệ em.\nEm vừa kể: ${quoted}\nEm có muốn Cầu Nối báo giúp em không? Mình sẽ hỏi em vài câu ngắn thôi.`,
          }),
          choices: [
            { id: "r:yes", label: s.childMode ? "Có, báo giúp em" : "Đúng, báo tin" },
            { id: "r:edit", label: s.childMode ? "Em muốn kể lại" : "Kể lại / thêm chi tiết" },
            { id: "r:no", label: s.childMode ? "Không" : "Không phải, quay lại" },
          ],
        },
      ];
    }
    case "describe":
      return [
        {
          kind: "choices",
          text: say(s, {
            adult: "Bạn hãy kể ngắn gọn chuyện gì đã xảy ra với trẻ (ví dụ: trẻ bị đánh, bị bỏ đói, bị xâm hại…). Không cần ghi tên ai cả.",
            child: "Em kể cho Cầu Nối nghe chuyện gì đã xảy ra nhé. Em viết ngắn thôi cũng được.",
          }),
          choices: [skipChoice(s)],
        },
      ];
    case "category":
      return [
        {
          kind: "choices",
          text: say(s, { adult: "Tin báo này gần nhất với trường hợp nào?", child: "Chuyện của em giống điều nào nhất?" }),
          choices: [...REPORT_CATEGORIES.map((c) => ({ id: `cat:${c}`, label: CATEGORY_LABELS_VI[c] })), skipChoice(s)],
        },
      ];
    case "province":
      return [
        {
          kind: "choices",
          text: say(s, {
            adult: "Việc này xảy ra ở tỉnh/thành phố nào? (Bạn có thể gõ tên mới hoặc tên cũ trước năm 2025, có dấu hay không dấu đều được.)",
            child: "Em đang ở tỉnh hay thành phố nào?",
          }),
          choices: [skipChoice(s)],
        },
      ];
    case "province_pick":
      return [
        {
          kind: "choices",
          text: say(s, { adult: "Bạn chọn đúng tỉnh/thành phố giúp mình:", child: "Em chọn đúng nơi em ở nhé:" }),
          choices: [...s.options.map((o) => ({ id: o.id, label: truncate(o.label, 80) })), { id: "r:retype", label: "Không có, gõ lại" }, skipChoice(s)],
        },
      ];
    case "commune":
      return [
        {
          kind: "choices",
          text: say(s, {
            adult: `Ở xã/phường nào${s.provinceName ? ` của ${s.provinceName}` : ""}? Tên cũ cũng được, ví dụ "xã Tân Lập, huyện Đan Phượng". Cán bộ của xã/phường đó sẽ được báo ngay.`,
            child: "Em ở xã hay phường nào? Em nhớ tên cũ cũng được.",
          }),
          choices: [skipChoice(s)],
        },
      ];
    case "commune_pick":
      return [
        {
          kind: "choices",
          text: say(s, {
            adult: "Có vài nơi trùng tên. Bạn chọn đúng xã/phường (tên từ tháng 7/2025; trong ngoặc là nơi cũ đã sáp nhập vào):",
            child: "Có mấy nơi giống tên. Em chọn đúng nơi nhé:",
          }),
          choices: [...s.options.map((o) => ({ id: o.id, label: truncate(o.label, 80) })), { id: "r:retype", label: "Không có, gõ lại" }, skipChoice(s)],
        },
      ];
    case "when":
      return [
        {
          kind: "choices",
          text: say(s, { adult: "Việc này xảy ra khi nào? Chọn, hoặc gõ thời gian.", child: "Chuyện này xảy ra khi nào?" }),
          choices: [...WHEN.map((w) => ({ id: `when:${w.id}`, label: w.vi })), skipChoice(s)],
        },
      ];
    case "age":
      return [
        {
          kind: "choices",
          text: say(s, { adult: "Trẻ khoảng bao nhiêu tuổi? (gõ một số, ví dụ 8)", child: "Em bao nhiêu tuổi?" }),
          choices: [skipChoice(s, "Không rõ")],
        },
      ];
    case "sex":
      return [
        {
          kind: "choices",
          text: say(s, { adult: "Trẻ là bé trai hay bé gái?", child: "Em là bạn trai hay bạn gái?" }),
          choices: [
            { id: "sex:nam", label: s.childMode ? "Bạn trai" : "Bé trai" },
            { id: "sex:nu", label: s.childMode ? "Bạn gái" : "Bé gái" },
            skipChoice(s),
          ],
        },
      ];
    case "danger":
      return [
        {
          kind: "choices",
          text: say(s, { adult: "Ngay lúc này trẻ có đang gặp nguy hiểm không?", child: "Ngay bây giờ em có đang gặp nguy hiểm không?" }),
          choices: [
            { id: "danger:yes", label: s.childMode ? "Có, em đang sợ" : "Có, đang nguy hiểm" },
            { id: "danger:no", label: "Không" },
            { id: "danger:unknown", label: "Không rõ" },
          ],
        },
      ];
    case "suspect":
      return [
        {
          kind: "choices",
          text: say(s, { adult: "Người bị nghi gây ra việc này là ai với trẻ? (không cần ghi tên)", child: "Ai đã làm em đau hoặc sợ? Em không cần nói tên." }),
          choices: [...SUSPECTS.map((x) => ({ id: `sus:${x.id}`, label: s.childMode ? x.child : x.vi })), skipChoice(s)],
        },
      ];
    case "photos":
      return [
        {
          kind: "choices",
          text: say(s, {
            adult: "Nếu có ảnh hoặc tệp liên quan, bạn có thể gửi vào đây (không bắt buộc). Đừng tự đặt mình vào nguy hiểm để chụp ảnh, và đừng đăng ảnh của trẻ lên mạng. Gửi xong bấm \"Xong\".",
            child: "Nếu em có ảnh, em gửi vào đây cũng được. Không có thì bấm \"Không có ảnh\".",
          }),
          choices: [
            { id: "r:done", label: s.attachments.length > 0 ? "Xong" : "Không có ảnh" },
            ...(s.attachments.length > 0 ? [] : [skipChoice(s)]),
          ],
        },
      ];
    case "contact":
      return [
        {
          kind: "choices",
          text: say(s, {
            adult:
              "Cuối cùng: bạn muốn để lại số điện thoại để cán bộ liên hệ khi cần, hay gửi ẩn danh?\n" +
              "Thông tin của bạn được dùng và bảo vệ thế nào:\n" +
              "• Chỉ cán bộ bảo vệ trẻ em của xã/phường, tỉnh phụ trách và Tổng đài 111 được xem, và chỉ để giúp trẻ.\n" +
              "• Thông tin được mã hoá khi lưu, không bao giờ gửi qua Zalo, Messenger hay Telegram, không chia sẻ cho ai khác — kể cả người bị báo tin.\n" +
              "• Gửi ẩn danh: cán bộ không biết bạn là ai. Cầu Nối chỉ giữ mã cuộc trò chuyện này để bạn bổ sung thông tin sau.\n" +
              "• Theo Luật Bảo vệ dữ liệu cá nhân (số 91/2025/QH15), bạn có quyền xem, sửa hoặc rút lại đồng ý bất cứ lúc nào.",
            child:
              "Em có muốn để lại số điện thoại (của em hoặc của người lớn em tin) để cô chú cán bộ gọi lại không?\n" +
              "• Chỉ những người lớn có nhiệm vụ bảo vệ trẻ em và Tổng đài 111 được xem.\n" +
              "• Cầu Nối giữ bí mật, không kể cho người đã làm em đau.\n" +
              "• Em không muốn thì bấm \"Không để lại\" — vẫn được giúp.",
          }),
          choices: [
            { id: "contact:leave", label: s.childMode ? "Để lại số điện thoại" : "Để lại số điện thoại" },
            { id: "contact:anon", label: s.childMode ? "Không để lại" : "Gửi ẩn danh" },
          ],
        },
      ];
    case "phone":
      return [
        {
          kind: "choices",
          text: say(s, { adult: "Số điện thoại của bạn là gì? (ví dụ 0912345678)", child: "Em gõ số điện thoại vào đây nhé (ví dụ 0912345678)." }),
          choices: [skipChoice(s, "Thôi, gửi ẩn danh")],
        },
      ];
    case "name":
      return [
        {
          kind: "choices",
          text: say(s, { adult: "Cán bộ nên gọi bạn là gì? (tên hoặc cách xưng hô; có thể bỏ qua)", child: "Cô chú nên gọi em là gì? (có thể bỏ qua)" }),
          choices: [skipChoice(s)],
        },
      ];
  }
  void ctx;
  return [];
}

/** A polite re-ask: what was not understood, then the same question. */
function reask(s: ReportState, ctx: FlowContext, hint: Say): StepResult<ReportState> {
  const next = { ...s, misses: s.misses + 1 };
  const sorry = say(next, { adult: "Xin lỗi, mình chưa hiểu câu trả lời. ", child: "Cầu Nối chưa hiểu em ơi. " }) + say(next, hint);
  return { state: next, replies: [text(sorry), ...question(next, ctx)] };
}

// ───────────────────────────── moving on ─────────────────────────────

/** The step after `from`, given what is known. Urgent reports go straight from the place to the contact choice. */
function after(s: ReportState, from: Step): Step | "done" {
  const pos: Record<Step, number> = {
    confirm: 0, describe: 0, category: 1, province: 2, province_pick: 2, commune: 3, commune_pick: 3, when: 4, age: 5, sex: 6, danger: 7, suspect: 8, photos: 9, contact: 10, phone: 11, name: 12,
  };
  const order: Step[] = ["describe", "category", "province", "commune", "when", "age", "sex", "danger", "suspect", "photos", "contact", "phone", "name"];
  for (let i = pos[from] + 1; i < order.length; i++) {
    const step = order[i]!;
    if (step === "category" && s.category) continue;
    if (step === "commune" && (!s.provinceCode || s.communeCode)) continue;
    if (s.urgent && ["when", "age", "sex", "danger", "suspect", "photos"].includes(step)) continue;
    if (step === "phone" && s.anonymous) continue;
    if (step === "phone" && s.reporterPhone) continue;
    if (step === "name" && (s.anonymous || !s.reporterPhone)) continue;
    return step;
  }
  return "done";
}

function advance(s: ReportState, from: Step, ctx: FlowContext, before: OutboundMessage[] = []): StepResult<ReportState> {
  const step = after(s, from);
  if (step === "done") return finish(s, ctx, before);
  const next: ReportState = { ...s, step, misses: 0, options: step === "province_pick" || step === "commune_pick" ? s.options : [] };
  return { state: next, replies: [...before, ...question(next, ctx)] };
}

function riskOf(s: ReportState): NewCaseInput["riskLevel"] {
  if (s.urgent || s.inDangerNow === "yes") return "immediate";
  if (s.category && ["xam_hai_tinh_duc", "mua_ban", "bat_coc", "tu_tu", "tre_so_sinh_bi_bo_roi"].includes(s.category)) return "high";
  if (s.riskOnly) return "low";
  return "medium";
}

/** The case input the flow hands to create_case (private fields are encrypted by the case module). */
export function caseInputOf(s: ReportState): NewCaseInput {
  const risk = riskOf(s);
  const parts = [s.description, ...s.extra].filter((x): x is string => Boolean(x && x.trim()));
  return {
    category: s.category && isCategory(s.category) ? s.category : "khac",
    riskLevel: risk,
    urgent: risk === "immediate" || risk === "high",
    inDangerNow: s.urgent ? "yes" : s.inDangerNow,
    provinceCode: s.provinceCode,
    communeCode: s.communeCode,
    description: parts.length > 0 ? parts.join("\n") : null,
    whenText: s.whenText,
    childAge: s.childAge,
    childSex: s.childSex,
    suspectRelation: s.suspect,
    reporterIsChild: s.childMode,
    anonymous: s.anonymous,
    reporterName: s.anonymous ? null : s.reporterName,
    reporterPhone: s.anonymous ? null : s.reporterPhone,
    placeText: s.placeText,
    location: s.location,
    attachments: s.attachments,
    matchedRules: [...new Set(s.rules)],
  };
}

const SEX_VI = { nam: "bé trai", nu: "bé gái" } as const;

/** The answers of a report as one private timeline note, for a case that already exists (made by the safety net). */
export function caseInfoText(input: NewCaseInput, where: string | null): string {
  const lines = [
    "Người báo tin đã hoàn tất tin báo. Thông tin đầy đủ:",
    input.description ? `Mô tả: ${input.description}` : null,
    where || input.placeText ? `Nơi xảy ra: ${[where, input.placeText].filter(Boolean).join("; ")}` : null,
    input.whenText ? `Thời gian: ${input.whenText}` : null,
    input.childAge !== null ? `Tuổi của trẻ: ${input.childAge}` : null,
    input.childSex ? `Giới tính: ${SEX_VI[input.childSex]}` : null,
    input.suspectRelation ? `Người bị nghi: ${input.suspectRelation}` : null,
    !input.anonymous && input.reporterPhone ? `Số điện thoại người báo tin: ${input.reporterPhone}` : null,
    !input.anonymous && input.reporterName ? `Người báo tin: ${input.reporterName}` : null,
  ];
  return lines.filter((l): l is string => l !== null).join("\n");
}

function finish(s: ReportState, ctx: FlowContext, before: OutboundMessage[]): StepResult<ReportState> {
  const input = caseInputOf(s);
  if (s.caseCode) {
    // The safety net already made the case (the person had stopped answering for a while): add, don't duplicate.
    return {
      state: null,
      replies: [...before, text(say(s, { adult: `Cảm ơn bạn đã trả lời thêm. Thông tin được bổ sung vào hồ sơ ${s.caseCode}.`, child: `Cảm ơn em đã kể thêm. Cầu Nối thêm vào hồ sơ ${s.caseCode} của em rồi.` }))],
      effects: [
        ...(s.anonymous ? [] : [{ type: "set_consent" as const, purpose: "report_contact", given: true }]),
        { type: "add_case_info", caseCode: s.caseCode, text: caseInfoText(input, s.communeName ?? s.provinceName), attachments: s.attachments },
      ],
    };
  }
  const where = s.communeName ?? s.provinceName;
  const adult = [
    `Cảm ơn bạn đã lên tiếng. Tin báo đã được ghi nhận, mã hồ sơ: {{case}}`,
    "",
    "Điều gì xảy ra tiếp theo:",
    where
      ? `• Cán bộ bảo vệ trẻ em phụ trách ${where} và Tổng đài 111 được báo ngay bây giờ.`
      : "• Tổng đài 111 và cán bộ bảo vệ trẻ em được báo ngay bây giờ; vì chưa rõ xã/phường, 111 sẽ xác định địa bàn.",
    input.urgent
      ? "• Đây là trường hợp khẩn cấp: theo Nghị định 56/2017/NĐ-CP, trẻ phải được bảo vệ trong vòng 12 giờ kể từ khi nhận tin."
      : "• Cán bộ sẽ xác minh, đánh giá và lập kế hoạch hỗ trợ trẻ (trong vòng 5 ngày làm việc).",
    '• Chọn "Tra cứu hồ sơ" và nhập mã {{case}} để xem tiến độ, hoặc gửi thêm thông tin và ảnh.',
    "• Bạn có thể gọi 111 bất cứ lúc nào (miễn phí, 24/7). Nếu trẻ đang gặp nguy hiểm, gọi ngay 113.",
  ].join("\n");
  const child = [
    "Cảm ơn em đã kể. Em rất dũng cảm. Mã hồ sơ của em là: {{case}} — em nhớ hoặc chụp lại mã này nhé.",
    "• Người lớn có nhiệm vụ bảo vệ trẻ em ở nơi em ở và Tổng đài 111 đã được báo.",
    input.urgent ? "• Họ phải tìm cách bảo vệ em sớm nhất, trong vòng 12 giờ." : "• Họ sẽ tìm hiểu và tìm cách giúp em.",
    '• Em chọn "Tra cứu hồ sơ" và gõ mã để xem, hoặc kể thêm.',
    "• Em gọi 111 bất cứ lúc nào, miễn phí. Nếu đang bị nguy hiểm, gọi 113.",
  ].join("\n");
  return {
    state: null,
    replies: [...before, text(s.childMode ? child : adult), menuMessage(ctx.locale)],
    effects: [
      ...(s.anonymous ? [] : [{ type: "set_consent" as const, purpose: "report_contact", given: true }]),
      { type: "create_case", ref: "case", input, ...(s.urgentAt ? { urgentAt: s.urgentAt } : {}) },
    ],
  };
}

// ───────────────────────────── place ─────────────────────────────

function provinceOptions(hits: ProvinceHit[]): Option[] {
  return hits.slice(0, 8).map((h) => ({ id: `prov:${h.code}`, code: h.code, provinceCode: h.code, label: h.name, name: h.name }));
}

function communeLabel(h: CommuneHit, withProvince: boolean): string {
  const old = h.via === "old_name" && h.oldName ? ` (${h.oldName.replace(/^./, (c) => c.toLowerCase())} cũ)` : "";
  return `${h.fullName}${old}${withProvince ? `, ${h.provinceName}` : ""}`;
}

function communeOptions(hits: CommuneHit[], withProvince: boolean): Option[] {
  const seen = new Set<string>();
  const out: Option[] = [];
  for (const h of hits) {
    if (seen.has(h.code)) continue;
    seen.add(h.code);
    out.push({ id: `com:${h.code}`, code: h.code, provinceCode: h.provinceCode, label: communeLabel(h, withProvince), name: `${h.fullName}, ${h.provinceName}` });
    if (out.length === 8) break;
  }
  return out;
}

/** One hit is clearly the answer: a good score, not a split old unit, and nothing close behind it. */
function clearBest<T extends { score: number; partial?: boolean; code: string }>(hits: T[]): T | null {
  const [a, b] = hits;
  if (!a || a.score < 0.9 || a.partial) return null;
  if (b && b.code !== a.code && b.score >= a.score - 0.05) return null;
  return a;
}

function acceptProvince(s: ReportState, code: string, name: string, ctx: FlowContext): StepResult<ReportState> {
  return advance({ ...s, provinceCode: code, provinceName: name, communeCode: null, communeName: null }, "province", ctx);
}

function acceptCommune(s: ReportState, o: { code: string; provinceCode: string; name: string }, ctx: FlowContext): StepResult<ReportState> {
  const provinceName = ctx.ports.directory.unitName(o.provinceCode) ?? s.provinceName;
  const next = { ...s, communeCode: o.code, communeName: o.name, provinceCode: o.provinceCode, provinceName };
  const note = say(next, { adult: `Đã ghi nhận: ${o.name}.`, child: `Cầu Nối ghi lại rồi: ${o.name}.` });
  return advance(next, "commune", ctx, [text(note)]);
}

function resolveCommune(s: ReportState, hits: CommuneHit[], ctx: FlowContext, typed: string): StepResult<ReportState> | null {
  if (hits.length === 0) return null;
  const placeText = s.placeText ? `${s.placeText}; ${typed}` : typed;
  const best = clearBest(hits);
  if (best) return acceptCommune({ ...s, placeText }, { code: best.code, provinceCode: best.provinceCode, name: `${best.fullName}, ${best.provinceName}` }, ctx);
  const options = communeOptions(hits, !s.provinceCode);
  if (options.length === 1) return acceptCommune({ ...s, placeText }, options[0]!, ctx);
  const next: ReportState = { ...s, placeText, step: "commune_pick", options, misses: 0 };
  return { state: next, replies: question(next, ctx) };
}

function stepProvince(s: ReportState, input: FlowInput, ctx: FlowContext): StepResult<ReportState> {
  const typed = input.text.trim();
  const hits = ctx.ports.directory.findProvince(typed);
  const best = clearBest(hits);
  if (best) return acceptProvince(s, best.code, best.name, ctx);
  // People often type the commune (and old district) straight away: look for it everywhere.
  const communes = hits.length === 0 ? ctx.ports.directory.findCommune(null, typed) : [];
  const viaCommune = resolveCommune(s, communes, ctx, typed);
  if (viaCommune) return viaCommune;
  if (hits.length > 0) {
    const next: ReportState = { ...s, step: "province_pick", options: provinceOptions(hits), misses: 0 };
    return { state: next, replies: question(next, ctx) };
  }
  return reask({ ...s, step: "province" }, ctx, {
    adult: `Mình chưa tìm thấy tỉnh/thành phố "${truncate(typed, 60)}". Bạn gõ lại tên, ví dụ: Hà Nội, Nghệ An, Đắk Lắk — hoặc bấm "Bỏ qua".`,
    child: `Cầu Nối chưa tìm thấy nơi "${truncate(typed, 60)}". Em gõ lại tên tỉnh hoặc thành phố nhé, ví dụ: Hà Nội.`,
  });
}

function stepCommune(s: ReportState, input: FlowInput, ctx: FlowContext): StepResult<ReportState> {
  const typed = input.text.trim();
  const r = resolveCommune(s, ctx.ports.directory.findCommune(s.provinceCode, typed), ctx, typed);
  if (r) return r;
  return reask({ ...s, step: "commune" }, ctx, {
    adult: `Mình chưa tìm thấy xã/phường "${truncate(typed, 60)}"${s.provinceName ? ` ở ${s.provinceName}` : ""}. Bạn gõ lại, có thể dùng tên cũ kèm huyện, ví dụ "xã Tân Lập, huyện Đan Phượng" — hoặc bấm "Bỏ qua".`,
    child: `Cầu Nối chưa tìm thấy "${truncate(typed, 60)}". Em gõ lại tên xã hoặc phường nhé, hoặc bấm "Bỏ qua".`,
  });
}

function pickOption(s: ReportState, input: FlowInput): Option | null {
  if (input.payload) return s.options.find((o) => o.id === input.payload) ?? null;
  const n = Number(input.key.trim());
  if (Number.isInteger(n) && n >= 1 && n <= s.options.length) return s.options[n - 1] ?? null;
  const k = input.key.trim();
  return s.options.find((o) => matchKey(o.label) === k || matchKey(o.name) === k) ?? null;
}

// ───────────────────────────── parsing answers ─────────────────────────────

/** A child's age from "8", "8 tuổi", "khoảng 10", "3 tháng", "sơ sinh"; null when it does not parse or is not a child. */
export function parseAge(key: string): number | null {
  const k = key.trim();
  if (/(so sinh|moi sinh|moi de)/.test(k)) return 0;
  const m = /(\d{1,2})\s*(thang|tuoi|t)?\b/.exec(k);
  if (!m) return null;
  const n = Number(m[1]);
  if (m[2] === "thang") return n < 24 ? Math.floor(n / 12) : null;
  return n >= 0 && n <= 17 ? n : null;
}

/** A Vietnamese phone number in canonical 0XXXXXXXXX form, or null. */
export function parsePhone(textIn: string): string | null {
  const digits = textIn.replace(/[\s.\-()]/g, "");
  const m = /^(?:\+?84|0)(\d{9,10})$/.exec(digits);
  return m ? `0${m[1]}` : null;
}

function keyIn(key: string, list: readonly string[]): boolean {
  return list.includes(key.trim());
}

// ───────────────────────────── the flow ─────────────────────────────

function startWith(s: ReportState, ctx: FlowContext): StepResult<ReportState> {
  return { state: s, replies: question(s, ctx) };
}

/**
 * A report that has just become urgent and goes on arms its safety net: if the person stops answering (phone taken,
 * fear, no signal), a case is made from what is known after REPORT_SAFETY_NET_MIN. A report that ends in this very
 * turn creates its case now and needs none.
 */
function armIfUrgent(before: ReportState | null, r: StepResult<ReportState>, ctx: FlowContext): StepResult<ReportState> {
  const s = r.state;
  if (!s || !s.urgent || s.caseCode) return r;
  if (s.urgentAt && before?.urgentAt === s.urgentAt) return r;
  const urgentAt = s.urgentAt ?? ctx.now.toISOString();
  return { ...r, state: { ...s, urgentAt }, effects: [{ type: "arm_report_safety_net", urgentAt }, ...(r.effects ?? [])] };
}

/** The report flow (id "report"), registered by src/cases/module.ts. */
export const reportFlow: FlowDefinition<ReportState> = {
  id: "report",
  version: 1,
  handlesDanger: "all",
  state: ReportState,

  start(ctx, data) {
    const t = TriggerData.safeParse(data ?? {});
    if (!t.success) return startWith(initial(), ctx);
    const textIn = (t.data.text ?? "").trim();
    const key = matchKey(textIn);
    const s: ReportState = {
      ...initial(),
      fromTriage: true,
      step: textIn ? "confirm" : "describe",
      urgent: t.data.level === "immediate",
      inDangerNow: t.data.level === "immediate" ? "yes" : "unknown",
      category: t.data.category && isCategory(t.data.category) ? t.data.category : null,
      rules: t.data.rules ?? [],
      riskOnly: /\bnguy co\b/.test(key),
      description: textIn || null,
      childMode: isChildSelfReport(key),
    };
    return armIfUrgent(null, startWith(s, ctx), ctx);
  },

  step(saved, input, ctx) {
    let s: ReportState = { ...saved };
    const before: OutboundMessage[] = [];
    const freeText = s.step === "describe" || s.step === "confirm" || s.step === "when" || s.step === "name";

    // Immediate danger mid-flow (the runtime already sent the emergency numbers): mark the report urgent, keep what
    // was said, and move to what is needed to reach someone.
    if (input.triage.level !== "none") {
      s.rules = [...new Set([...s.rules, ...input.triage.rules])];
      if ((!s.category || s.category === "khac") && input.triage.category && isCategory(input.triage.category)) s.category = input.triage.category;
    }
    if (input.triage.level === "immediate") {
      const wasUrgent = s.urgent;
      s = { ...s, urgent: true, inDangerNow: "yes" };
      if (!wasUrgent) {
        before.push(text(say(s, { adult: "Cầu Nối đã đánh dấu tin báo này là KHẨN CẤP.", child: "Cầu Nối đã đánh dấu là KHẨN CẤP để người lớn đến giúp em nhanh nhất." })));
      }
      if (!freeText) {
        s.extra = [...s.extra, input.text.trim()].filter(Boolean);
        const pos = ["when", "age", "sex", "danger", "suspect", "photos"];
        if (pos.includes(s.step)) return armIfUrgent(saved, advance(s, "photos", ctx, before), ctx);
        return armIfUrgent(saved, { state: { ...s, misses: 0 }, replies: [...before, ...question(s, ctx)] }, ctx);
      }
    }
    const r = stepAnswer(s, input, ctx);
    return armIfUrgent(saved, { ...r, replies: [...before, ...r.replies] }, ctx);
  },

  migrate() {
    return null; // version 1 is the first; an unreadable state restarts the flow
  },
};

function stepAnswer(s: ReportState, input: FlowInput, ctx: FlowContext): StepResult<ReportState> {
  const key = input.key.trim();
  const skip = isSkip(input);
  switch (s.step) {
    case "confirm": {
      if (input.payload === "r:no" || (!input.payload && keyIn(key, NO_KEYS))) {
        return {
          state: null,
          replies: [
            text(say(s, {
              adult: 'Vâng. Khi cần báo tin, bạn chọn "Báo tin trẻ em cần giúp đỡ" hoặc gọi 111 (miễn phí, 24/7).',
              child: "Ừ, không sao. Khi nào em cần, cứ nhắn Cầu Nối hoặc gọi 111 (miễn phí) nhé.",
            })),
            menuMessage(ctx.locale),
          ],
        };
      }
      if (input.payload === "r:edit") return { state: { ...s, step: "describe", description: null, misses: 0 }, replies: question({ ...s, step: "describe" }, ctx) };
      if (input.payload === "r:yes" || skip || (!input.payload && keyIn(key, YES_KEYS))) return advance(s, "confirm", ctx);
      // More words after the triggering message: more of the story. Keep it and go on.
      if (!input.payload && key.split(" ").length >= 3) return advance({ ...s, extra: [...s.extra, input.text.trim()] }, "confirm", ctx);
      return reask(s, ctx, { adult: 'Bạn bấm "Đúng, báo tin" để tiếp tục, hoặc "Không phải".', child: 'Em bấm "Có, báo giúp em" nhé.' });
    }
    case "describe": {
      if (input.attachments.length > 0) s = { ...s, attachments: [...s.attachments, ...input.attachments] };
      if (skip || !input.text.trim()) return advance(s, "describe", ctx);
      const first = s.description === null && !s.fromTriage;
      const next: ReportState = {
        ...s,
        description: input.text.trim(),
        category: s.category ?? (input.triage.category && isCategory(input.triage.category) ? input.triage.category : null),
        riskOnly: s.riskOnly || /\bnguy co\b/.test(key),
        childMode: s.childMode || (first && isChildSelfReport(key)),
      };
      return advance(next, "describe", ctx);
    }
    case "category": {
      if (skip) return advance({ ...s, category: "khac" }, "category", ctx);
      const fromPayload = input.payload?.startsWith("cat:") ? input.payload.slice(4) : null;
      const typed = REPORT_CATEGORIES.find((c) => matchKey(CATEGORY_LABELS_VI[c]) === key);
      const c = fromPayload ?? typed ?? null;
      if (c && (CATEGORIES as readonly string[]).includes(c)) return advance({ ...s, category: c }, "category", ctx);
      return reask(s, ctx, { adult: 'Bạn chọn một mục bên dưới, hoặc bấm "Bỏ qua".', child: 'Em chọn một ý bên dưới, hoặc bấm "Bỏ qua".' });
    }
    case "province":
    case "province_pick":
    case "commune":
    case "commune_pick": {
      if (input.location) {
        // A shared location is kept on the case (encrypted); we have no coordinates for communes, so still ask in words.
        const next = { ...s, location: input.location, misses: 0 };
        return { state: next, replies: [text(say(s, { adult: "Đã nhận vị trí bạn gửi. Bạn cho biết thêm tên nơi đó bằng chữ nhé:", child: "Cầu Nối nhận được vị trí rồi. Em gõ thêm tên nơi đó nhé:" })), ...question(next, ctx)] };
      }
      if (skip) return advance({ ...s, options: [] }, s.step === "province" || s.step === "province_pick" ? "province" : "commune", ctx);
      if (input.payload === "r:retype") {
        const back: ReportState = { ...s, step: s.step === "province_pick" ? "province" : "commune", options: [], misses: 0 };
        return { state: back, replies: question(back, ctx) };
      }
      if (s.step === "province_pick" || s.step === "commune_pick") {
        const o = pickOption(s, input);
        if (o && s.step === "province_pick") return acceptProvince(s, o.code, o.name, ctx);
        if (o) return acceptCommune(s, o, ctx);
        if (input.payload || !input.text.trim()) return reask(s, ctx, { adult: "Bạn chọn một mục trong danh sách, hoặc gõ lại tên.", child: "Em chọn một nơi trong danh sách nhé." });
        return s.step === "province_pick" ? stepProvince(s, input, ctx) : stepCommune(s, input, ctx);
      }
      if (!input.text.trim()) return reask(s, ctx, { adult: "Bạn gõ tên nơi xảy ra giúp mình.", child: "Em gõ tên nơi em ở nhé." });
      return s.step === "province" ? stepProvince(s, input, ctx) : stepCommune(s, input, ctx);
    }
    case "when": {
      if (skip) return advance(s, "when", ctx);
      const fromPayload = input.payload?.startsWith("when:") ? WHEN.find((w) => `when:${w.id}` === input.payload) : undefined;
      const typed = WHEN.find((w) => (WHEN_KEYS[w.id] ?? []).includes(key));
      const w = fromPayload ?? typed;
      if (w) return advance({ ...s, whenText: w.vi.toLowerCase() }, "when", ctx);
      if (input.payload || !input.text.trim()) return reask(s, ctx, { adult: "Bạn chọn một mục hoặc gõ thời gian.", child: "Em chọn một ý nhé." });
      // Free text may name places and people: it goes with the private description, not the plain whenText column.
      return advance({ ...s, extra: [...s.extra, `Thời gian: ${input.text.trim()}`] }, "when", ctx);
    }
    case "age": {
      if (skip) return advance(s, "age", ctx);
      const age = parseAge(key);
      if (age !== null) return advance({ ...s, childAge: age }, "age", ctx);
      return reask(s, ctx, { adult: 'Bạn gõ tuổi bằng số (ví dụ 8), hoặc bấm "Không rõ".', child: "Em gõ tuổi bằng số nhé, ví dụ 10." });
    }
    case "sex": {
      if (skip) return advance(s, "sex", ctx);
      const sex = input.payload === "sex:nam" || keyIn(key, ["nam", "trai", "be trai", "ban trai", "con trai"]) ? "nam" : input.payload === "sex:nu" || keyIn(key, ["nu", "gai", "be gai", "ban gai", "con gai"]) ? "nu" : null;
      if (sex) return advance({ ...s, childSex: sex }, "sex", ctx);
      return reask(s, ctx, { adult: "Bạn bấm Bé trai hoặc Bé gái, hoặc Bỏ qua.", child: "Em bấm một nút bên dưới nhé." });
    }
    case "danger": {
      const yes = input.payload === "danger:yes" || (!input.payload && keyIn(key, YES_KEYS));
      const no = input.payload === "danger:no" || (!input.payload && keyIn(key, NO_KEYS));
      if (yes) {
        const next = { ...s, urgent: true, inDangerNow: "yes" as const };
        return advance(next, "danger", ctx, [
          emergencyMessage(ctx.locale),
          text(say(next, { adult: "Cầu Nối đánh dấu tin báo này là KHẨN CẤP và chuyển đi ngay.", child: "Cầu Nối đánh dấu KHẨN CẤP. Nếu em đang bị đánh hoặc bị đe doạ, hãy gọi 113 hoặc chạy tới chỗ có người lớn em tin." })),
        ]);
      }
      if (no) return advance({ ...s, inDangerNow: "no" }, "danger", ctx);
      if (skip || input.payload === "danger:unknown") return advance({ ...s, inDangerNow: "unknown" }, "danger", ctx);
      return reask(s, ctx, { adult: "Bạn bấm Có, Không hoặc Không rõ.", child: "Em bấm Có hoặc Không nhé." });
    }
    case "suspect": {
      if (skip) return advance(s, "suspect", ctx);
      const fromPayload = input.payload?.startsWith("sus:") ? SUSPECTS.find((x) => `sus:${x.id}` === input.payload) : undefined;
      const typed = SUSPECTS.find((x) => x.keys.includes(key) || matchKey(x.vi) === key || matchKey(x.child) === key);
      const sus = fromPayload ?? typed;
      if (sus) return advance({ ...s, suspect: sus.id }, "suspect", ctx);
      if (!input.payload && input.text.trim()) {
        // A free answer ("ông hàng xóm bán tạp hoá") is kept privately; the relation is recorded as "khác".
        return advance({ ...s, suspect: "khac", extra: [...s.extra, `Người bị nghi: ${input.text.trim()}`] }, "suspect", ctx);
      }
      return reask(s, ctx, { adult: "Bạn chọn một mục bên dưới.", child: "Em chọn một ý bên dưới nhé." });
    }
    case "photos": {
      if (input.attachments.length > 0) {
        const next = { ...s, attachments: [...s.attachments, ...input.attachments].slice(0, 20), misses: 0 };
        const n = next.attachments.length;
        return { state: next, replies: [text(say(next, { adult: `Đã nhận ${n} ảnh/tệp. Gửi thêm, hoặc bấm "Xong".`, child: `Cầu Nối nhận được ${n} ảnh rồi. Em bấm "Xong" khi gửi xong nhé.` })), ...question(next, ctx)] };
      }
      if (skip || input.payload === "r:done" || keyIn(key, ["xong", "het", "khong co", "khong co anh", "thoi", "done"])) return advance(s, "photos", ctx);
      return reask(s, ctx, { adult: 'Bạn gửi ảnh vào đây, hoặc bấm "Xong" / "Không có ảnh".', child: 'Em gửi ảnh, hoặc bấm "Không có ảnh" nhé.' });
    }
    case "contact": {
      const phone = !input.payload ? parsePhone(input.text) : null;
      if (phone) return advance({ ...s, anonymous: false, reporterPhone: phone }, "contact", ctx);
      if (input.payload === "contact:leave" || (!input.payload && keyIn(key, ["de lai", "de lai so", "co", "dong y", "ok", "de lai so dien thoai"]))) {
        return advance({ ...s, anonymous: false }, "contact", ctx);
      }
      if (skip || input.payload === "contact:anon" || (!input.payload && keyIn(key, ["an danh", "khong", "gui an danh", "khong de lai", "ko"]))) {
        return advance({ ...s, anonymous: true, reporterPhone: null, reporterName: null }, "contact", ctx);
      }
      return reask(s, ctx, { adult: 'Bạn bấm "Để lại số điện thoại" hoặc "Gửi ẩn danh".', child: "Em bấm một nút bên dưới nhé." });
    }
    case "phone": {
      if (skip) return advance({ ...s, anonymous: true, reporterPhone: null }, "phone", ctx);
      const phone = parsePhone(input.text);
      if (phone) return advance({ ...s, reporterPhone: phone }, "phone", ctx);
      return reask(s, ctx, { adult: 'Số điện thoại Việt Nam có 10 chữ số, bắt đầu bằng 0 (ví dụ 0912345678). Bạn gõ lại, hoặc bấm "Thôi, gửi ẩn danh".', child: "Số điện thoại có 10 số, bắt đầu bằng số 0. Em gõ lại nhé." });
    }
    case "name": {
      if (skip || !input.text.trim()) return advance(s, "name", ctx);
      return advance({ ...s, reporterName: truncate(input.text.trim(), 100) }, "name", ctx);
    }
  }
}
