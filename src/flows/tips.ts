/**
 * "Nhận mẹo theo tuổi của bé": asks the child's birth month (or due month), says exactly what will be sent and
 * how to stop, and subscribes only on an explicit "yes". Luật Bảo vệ dữ liệu cá nhân (91/2025) and Nghị định
 * 13/2023 require consent to be a clear affirmative act for a stated purpose: no pre-ticked option, and silence
 * or an unrelated reply is not consent — then nothing is stored.
 */
import { z } from "zod";
import type { OutboundMessage } from "../messaging/outbound.js";
import { menuItemFor } from "./menu.js";
import type { FlowContext, FlowDefinition, StepResult } from "./types.js";

/** Furthest a due month may lie ahead (a pregnancy lasts about nine months). */
export const MAX_MONTHS_BEFORE_BIRTH = 10;
/** Oldest child the weekly tips are written for (the library's early-childhood range). */
export const MAX_TIP_AGE_MONTHS = 72;

/** Vietnam has no daylight saving: UTC+7 all year, so "this month" is computed at a fixed offset. */
const VN_OFFSET_MS = 7 * 3_600_000;

/** Age in whole months of a child born in `birthMonth` ("YYYY-MM") at `now` (Vietnam time); negative before birth. */
export function ageInMonths(birthMonth: string, now: Date): number {
  const [y, m] = birthMonth.split("-").map(Number);
  const local = new Date(now.getTime() + VN_OFFSET_MS);
  return (local.getUTCFullYear() - (y ?? 0)) * 12 + (local.getUTCMonth() + 1 - (m ?? 0));
}

/**
 * Reads a month and year from what parents type: "3/2025", "tháng 3 năm 2025", "03-2025", "2025-03", "t3/2025",
 * "15/3/2025" (a full date: the day is ignored). Returns "YYYY-MM" or null.
 */
export function parseBirthMonth(key: string): string | null {
  // The key is folded and punctuation-free: "thang 3 nam 2025", "3 2025", "2025 03".
  const tokens = key.split(" ").filter((w) => w !== "" && w !== "thang" && w !== "nam" && w !== "sinh" && w !== "du" && w !== "be" && w !== "con");
  const yi = tokens.findIndex((w) => /^(19|20)\d\d$/.test(w));
  if (yi < 0) return null;
  const month = (w: string | undefined): number | null => {
    const m = /^t?(\d{1,2})$/.exec(w ?? "");
    const n = m ? Number(m[1]) : NaN;
    return n >= 1 && n <= 12 ? n : null;
  };
  // Day-month-year puts the month just before the year; year-month(-day) just after it.
  const mo = month(tokens[yi - 1]) ?? month(tokens[yi + 1]);
  if (mo === null) return null;
  return `${tokens[yi]}-${String(mo).padStart(2, "0")}`;
}

/** How a child's age reads in a message ("8 tháng", "3 tuổi", "đang trong thai kỳ"). */
export function ageLabel(months: number, locale: "vi" | "en"): string {
  if (months < 0) return locale === "en" ? "not born yet" : "chưa chào đời";
  if (months < 24) return locale === "en" ? `${months} months old` : `${months} tháng tuổi`;
  const years = Math.floor(months / 12);
  return locale === "en" ? `${years} years old` : `${years} tuổi`;
}

export const TIPS_PAYLOAD = { yes: "tips:yes", no: "tips:no" } as const;

const YES = new Set(["dong y", "co", "co dong y", "dong y nhan meo", "ok", "oke", "okay", "yes", "u", "uh", "vang", "da", "dk", "duoc", "co nhe", "dong y nhe"]);
const NO = new Set(["khong", "ko", "k", "khong can", "khong cam on", "thoi", "no", "khong dong y", "de sau"]);

const TipsState = z.object({
  step: z.enum(["month", "consent"]),
  birthMonth: z.string().regex(/^\d{4}-\d{2}$/).nullable().default(null),
});
type TipsState = z.infer<typeof TipsState>;

type L = FlowContext["locale"];
const t = (locale: L, vi: string, en: string): string => (locale === "en" ? en : vi);

function askMonth(locale: L, intro?: string): OutboundMessage {
  const ask = t(
    locale,
    "Bé sinh tháng nào? Nếu bé chưa chào đời, bạn nhập tháng dự sinh nhé. Ví dụ: 3/2025 hoặc tháng 3 năm 2025.",
    "Which month was your child born? If the baby is not born yet, type the due month. For example: 3/2025.",
  );
  return { kind: "text", text: intro ? `${intro} ${ask}` : ask };
}

function askConsent(birthMonth: string, ctx: FlowContext): OutboundMessage {
  const age = ageInMonths(birthMonth, ctx.now);
  const [y, m] = birthMonth.split("-");
  const who = t(ctx.locale, `Bé sinh tháng ${Number(m)}/${y} (${ageLabel(age, "vi")}).`, `Born ${Number(m)}/${y} (${ageLabel(age, "en")}).`);
  const text = t(
    ctx.locale,
    `${who}\n\nNếu bạn đồng ý, mỗi tuần Cầu Nối sẽ gửi 1 mẹo ngắn, có ghi nguồn, phù hợp với tuổi của bé, ngay trong cuộc trò chuyện này. Để làm việc đó, Cầu Nối lưu tháng sinh của bé và tài khoản nhắn tin của bạn, chỉ dùng để gửi mẹo. Bạn có thể dừng bất cứ lúc nào bằng cách gõ "huỷ".\n\nBạn có đồng ý nhận mẹo không?`,
    `${who}\n\nIf you agree, Cầu Nối will send one short, sourced tip a week that fits your child's age, right here in this chat. To do that we keep your child's birth month and your chat account, used only for the tips. Type "huỷ" (cancel) at any time to stop.\n\nDo you want to receive the tips?`,
  );
  return {
    kind: "choices",
    text,
    choices: [
      { id: TIPS_PAYLOAD.yes, label: t(ctx.locale, "Đồng ý nhận mẹo", "Yes, send tips") },
      { id: TIPS_PAYLOAD.no, label: t(ctx.locale, "Không, cảm ơn", "No, thanks") },
    ],
  };
}

function onMonth(state: TipsState, text: string, key: string, ctx: FlowContext): StepResult<TipsState> {
  const birthMonth = parseBirthMonth(key);
  if (!birthMonth) {
    // A long message without any year is most likely a question, not a birth month: answer it instead.
    if (key.split(" ").length >= 4) return { state: null, replies: [], goto: { flow: "guidance", data: { question: text } } };
    return { state, replies: [askMonth(ctx.locale, t(ctx.locale, "Mình chưa đọc được tháng và năm.", "I couldn't read a month and year."))] };
  }
  const age = ageInMonths(birthMonth, ctx.now);
  if (age < -MAX_MONTHS_BEFORE_BIRTH) {
    return {
      state,
      replies: [askMonth(ctx.locale, t(ctx.locale, "Tháng này còn hơn 10 tháng nữa mới tới, nên chắc chưa đúng tháng dự sinh.", "That month is more than 10 months away, so it can't be a due month."))],
    };
  }
  if (age > MAX_TIP_AGE_MONTHS) {
    return {
      state: null,
      replies: [
        {
          kind: "text",
          text: t(
            ctx.locale,
            "Cảm ơn bạn! Mẹo hằng tuần hiện chỉ viết cho các bé từ lúc còn trong bụng mẹ đến 6 tuổi, nên chưa phù hợp với bé nhà mình. Bạn vẫn có thể hỏi Cầu Nối bất cứ điều gì về nuôi dạy con, ở mọi lứa tuổi.",
            "Thank you! The weekly tips are written for children from pregnancy up to 6 years old, so they don't fit your child yet. You can still ask Cầu Nối anything about raising children of any age.",
          ),
        },
      ],
      goto: { flow: "guidance" },
    };
  }
  return { state: { step: "consent", birthMonth }, replies: [askConsent(birthMonth, ctx)] };
}

function onConsent(state: TipsState & { birthMonth: string }, text: string, key: string, payload: string | undefined, ctx: FlowContext): StepResult<TipsState> {
  const yes = payload === TIPS_PAYLOAD.yes || (!payload && YES.has(key));
  const no = payload === TIPS_PAYLOAD.no || (!payload && NO.has(key));
  if (yes) {
    return {
      state: null,
      replies: [
        {
          kind: "text",
          text: t(
            ctx.locale,
            `Đã đăng ký nhận mẹo theo tuổi. Mẹo đầu tiên sẽ đến ngay sau đây, sau đó mỗi tuần một mẹo. Gõ "huỷ" bất cứ lúc nào để dừng.`,
            `You're signed up. The first tip comes right away, then one a week. Type "huỷ" (cancel) at any time to stop.`,
          ),
        },
      ],
      effects: [
        { type: "set_consent", purpose: "tips", given: true },
        { type: "subscribe_tips", birthMonth: state.birthMonth },
      ],
    };
  }
  if (no) {
    return {
      state: null,
      replies: [{ kind: "text", text: t(ctx.locale, "Không sao, Cầu Nối sẽ không gửi mẹo. Bạn vẫn có thể hỏi bất cứ điều gì về nuôi dạy con.", "No problem, we won't send tips. You can still ask anything about raising children.") }],
    };
  }
  if (!payload && key.split(" ").length >= 3) {
    // Not an answer to the consent question: nothing is stored, and the question gets answered.
    return {
      state: null,
      replies: [{ kind: "text", text: t(ctx.locale, "Mình chưa đăng ký nhận mẹo cho bạn (bạn chưa đồng ý).", "I haven't signed you up for tips (you haven't agreed).") }],
      goto: { flow: "guidance", data: { question: text } },
    };
  }
  return { state, replies: [askConsent(state.birthMonth, ctx)] };
}

export const tipsFlow: FlowDefinition<TipsState> = {
  id: "tips",
  version: 1,
  state: TipsState,
  start(ctx) {
    return { state: { step: "month", birthMonth: null }, replies: [askMonth(ctx.locale)] };
  },
  step(state, input, ctx) {
    const key = input.key.trim();
    // A menu button tapped from an earlier message leaves this flow (nothing is stored).
    const item = input.payload ? menuItemFor({ key, payload: input.payload }) : null;
    if (item) return { state: null, replies: [], goto: { flow: item.flow } };
    if (state.step === "consent" && state.birthMonth) return onConsent({ ...state, birthMonth: state.birthMonth }, input.text, key, input.payload, ctx);
    if (input.payload === TIPS_PAYLOAD.yes || input.payload === TIPS_PAYLOAD.no || key === "") return { state: { step: "month", birthMonth: null }, replies: [askMonth(ctx.locale)] };
    return onMonth(state, input.text, key, ctx);
  },
};
