/**
 * "Ủng hộ / quyên góp": a donor browses published needs (or gives to the general fund), chooses money or goods,
 * says how much, how their name should appear publicly (or "Ẩn danh"), leaves a contact if they wish, confirms.
 * Ends with a create_pledge effect (ref "pledge"); replies carry "{{pledge}}", which the runtime replaces with the
 * code. Money pledges get the transfer note and, when an account is configured, a VietQR image.
 */
import { z } from "zod";
import type { Choice, OutboundMessage } from "../messaging/outbound.js";
import { NEED_CATEGORY_LABELS, NEED_CATEGORIES } from "../needs/types.js";
import { formatVnd, parseVnd, parseVndFailureText } from "../pledges/money.js";
import { DEFAULT_PLEDGE_EXPIRY_DAYS } from "../pledges/types.js";
import type { NewPledgeInput } from "./effects.js";
import { ask, firstInteger, isSkip, parsePhone, say, SKIP_CHOICE } from "./need.js";
import type { NeedSummary } from "./ports.js";
import type { FlowContext, FlowDefinition, StepResult } from "./types.js";

const STEPS = ["browse", "kind", "amount", "goods", "public_name", "contact", "confirm"] as const;
type Step = (typeof STEPS)[number];

const PledgeState = z.object({
  step: z.enum(STEPS),
  needCode: z.string().nullable().default(null),
  needLabel: z.string().nullable().default(null),
  needUnit: z.string().nullable().default(null),
  /** What the need still lacks in đồng when it was chosen (a hint, not a limit). */
  needMissingVnd: z.number().int().nullable().default(null),
  kind: z.enum(["money", "goods"]).nullable().default(null),
  amountVnd: z.number().int().nullable().default(null),
  items: z.string().nullable().default(null),
  quantity: z.number().int().nullable().default(null),
  publicName: z.string().nullable().default(null),
  contact: z.string().nullable().default(null),
  /** Province the list was narrowed to (for donor alerts offered from the list). */
  provinceCode: z.string().nullable().default(null),
  options: z.array(z.object({ id: z.string(), label: z.string() })).default([]),
  misses: z.number().int().default(0),
});
export type PledgeFlowState = z.infer<typeof PledgeState>;

const EMPTY: PledgeFlowState = PledgeState.parse({ step: "browse" });
const LIST_SIZE = 5;

const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
const categoryLabel = (c: string): string => {
  const known = NEED_CATEGORIES.find((x) => x === c);
  return known ? NEED_CATEGORY_LABELS[known] : c;
};
const viDate = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const missingVnd = (n: NeedSummary): number | null => (n.amountVnd === null ? null : Math.max(n.amountVnd - n.pledgedVnd, 0));

/** One need in a list, in plain words. */
function needLine(n: NeedSummary, i: number): string {
  const money = n.amountVnd !== null ? `, cần ${formatVnd(n.amountVnd)}, đã có ${formatVnd(n.pledgedVnd)}` : "";
  const by = n.neededBy ? `, trước ${viDate(n.neededBy)}` : "";
  return `${i + 1}. ${n.facility} (${n.communeName}) – ${categoryLabel(n.category)}: ${n.quantity} ${n.unit} cho ${n.childrenCount} em${money}${by}. Mã ${n.code}`;
}

const GENERAL: Choice = { id: "general", label: "Quỹ chung (nơi cần nhất)" };
const ALERTS: Choice = { id: "alerts", label: "Báo tôi khi có nhu cầu mới" };
const TRANSPARENCY: Choice = { id: "transparency", label: "Xem minh bạch" };
const KIND_CHOICES: Choice[] = [
  { id: "kind:money", label: "Tiền (chuyển khoản)" },
  { id: "kind:goods", label: "Hiện vật" },
];
const ANON: Choice = { id: "anon", label: "Ẩn danh" };
const CONFIRM_CHOICES: Choice[] = [
  { id: "confirm:yes", label: "Xác nhận ủng hộ" },
  { id: "confirm:no", label: "Huỷ" },
];

async function listNeeds(s: PledgeFlowState, ctx: FlowContext, intro?: string): Promise<StepResult<PledgeFlowState>> {
  const needs = await ctx.ports.needs.listPublished({ ...(s.provinceCode ? { provinceCode: s.provinceCode } : {}), limit: LIST_SIZE });
  const where = s.provinceCode ? ` ở ${ctx.ports.directory.unitName(s.provinceCode) ?? "tỉnh này"}` : "";
  const options: Choice[] = [...needs.map((n) => ({ id: `need:${n.code}`, label: clip(`${n.facility} – ${categoryLabel(n.category)}`, 80) })), GENERAL, ALERTS, TRANSPARENCY];
  const text =
    needs.length > 0
      ? [intro ?? `Cảm ơn tấm lòng của bạn! Đây là các nhu cầu đã được xác minh${where}:`, ...needs.map(needLine), "", "Bạn chọn một nơi, hoặc ủng hộ quỹ chung. Gõ tên tỉnh để xem nơi khác, hoặc gõ mã nhu cầu (NC-…)."].join("\n")
      : `${intro ? `${intro}\n` : ""}Hiện chưa có nhu cầu nào đang cần ủng hộ${where}. Bạn có thể ủng hộ quỹ chung, gõ tên tỉnh khác, hoặc nhận thông báo khi có nhu cầu mới.`;
  return { state: { ...s, step: "browse", options, misses: 0 }, replies: [ask(text, options)] };
}

function chooseNeed(s: PledgeFlowState, n: NeedSummary): StepResult<PledgeFlowState> {
  const missing = missingVnd(n);
  const detail = [
    `${n.facility} (${n.communeName})`,
    `${categoryLabel(n.category)}: ${n.quantity} ${n.unit} cho ${n.childrenCount} em.`,
    ...(n.amountVnd !== null ? [`Cần ${formatVnd(n.amountVnd)}, đã có ${formatVnd(n.pledgedVnd)} được cam kết.`] : []),
    ...(n.neededBy ? [`Cần trước ngày ${viDate(n.neededBy)}.`] : []),
  ].join("\n");
  const state: PledgeFlowState = { ...s, step: "kind", needCode: n.code, needLabel: `${n.facility} (${n.communeName})`, needUnit: n.unit, needMissingVnd: missing, options: KIND_CHOICES, misses: 0 };
  return { state, replies: [say(detail), ask("Bạn muốn ủng hộ bằng tiền hay hiện vật?", KIND_CHOICES)] };
}

function chooseGeneral(s: PledgeFlowState): StepResult<PledgeFlowState> {
  const state: PledgeFlowState = { ...s, step: "kind", needCode: null, needLabel: null, needUnit: null, needMissingVnd: null, options: KIND_CHOICES, misses: 0 };
  return { state, replies: [ask("Quỹ chung sẽ được dùng cho nơi đang thiếu nhiều nhất, và được công khai như mọi khoản khác. Bạn muốn ủng hộ bằng tiền hay hiện vật?", KIND_CHOICES)] };
}

const reask = (s: PledgeFlowState, why: string, options?: Choice[]): StepResult<PledgeFlowState> => {
  const misses = s.misses + 1;
  const help = misses >= 3 ? '\n(Gõ "huỷ" nếu muốn dừng, hoặc "gặp nhân viên" để được hỗ trợ trực tiếp.)' : "";
  const opts = options ?? s.options;
  return { state: { ...s, options: opts, misses }, replies: [ask(why + help, opts)] };
};

const to = (s: PledgeFlowState, step: Step, msg: OutboundMessage, options: Choice[] = []): StepResult<PledgeFlowState> => ({ state: { ...s, step, options, misses: 0 }, replies: [msg] });

function askAmount(s: PledgeFlowState): StepResult<PledgeFlowState> {
  const hint = s.needMissingVnd ? ` Nhu cầu này còn thiếu khoảng ${formatVnd(s.needMissingVnd)}; mọi số tiền đều quý.` : "";
  return to(s, "amount", say(`Bạn muốn ủng hộ bao nhiêu? Ví dụ: 200k, 500 nghìn, 1 triệu.${hint}`));
}

function askGoods(s: PledgeFlowState): StepResult<PledgeFlowState> {
  return to(s, "goods", say(s.needUnit ? `Bạn ủng hộ được bao nhiêu ${s.needUnit}?` : "Bạn ủng hộ hiện vật gì, số lượng bao nhiêu? Ví dụ: 30 áo ấm, 5 thùng sữa, 50 bộ sách vở."));
}

const askName = (s: PledgeFlowState): StepResult<PledgeFlowState> =>
  to(s, "public_name", ask("Bạn muốn được ghi tên thế nào trong danh sách công khai các nhà hảo tâm? Ví dụ: Gia đình bé Na, Nhóm thiện nguyện Ánh Dương. Không muốn nêu tên thì chọn Ẩn danh.", [ANON]), [ANON]);

const askContact = (s: PledgeFlowState): StepResult<PledgeFlowState> =>
  to(s, "contact", ask("Bạn để lại số điện thoại hoặc email để chúng tôi báo khi quà đã đến tay các em nhé? Thông tin này không công khai. Bạn có thể bỏ qua.", [SKIP_CHOICE]), [SKIP_CHOICE]);

function summary(s: PledgeFlowState): string {
  const what = s.kind === "money" ? formatVnd(s.amountVnd ?? 0) : [s.quantity !== null ? String(s.quantity) : null, s.items].filter(Boolean).join(" ");
  return [
    "Bạn xem lại giúp mình nhé:",
    `• Ủng hộ cho: ${s.needCode ? `${s.needLabel ?? ""} – mã ${s.needCode}` : "Quỹ chung"}`,
    `• ${s.kind === "money" ? "Số tiền" : "Hiện vật"}: ${what}`,
    `• Tên công khai: ${s.publicName ?? "Ẩn danh"}`,
    `• Liên hệ: ${s.contact ?? "không để lại"}`,
  ].join("\n");
}

const EMAIL = z.string().email();
const NEED_CODE = /\bNC[\s-]*(\d{4})[\s-]*(\d{6,9})\b/i;

function toInput(s: PledgeFlowState): NewPledgeInput | null {
  if (s.kind === "money" && s.amountVnd !== null) return { kind: "money", needCode: s.needCode, amountVnd: s.amountVnd, items: null, quantity: null, publicName: s.publicName, contact: s.contact };
  if (s.kind === "goods" && (s.items !== null || s.quantity !== null)) return { kind: "goods", needCode: s.needCode, amountVnd: null, items: s.items, quantity: s.quantity, publicName: s.publicName, contact: s.contact };
  return null;
}

function thanks(s: PledgeFlowState, ctx: FlowContext): OutboundMessage[] {
  if (s.kind === "money") {
    const amount = formatVnd(s.amountVnd ?? 0);
    const out: OutboundMessage[] = [
      say(
        `Cảm ơn bạn rất nhiều! Mã ủng hộ của bạn là {{pledge}}.\n` +
          `Bạn chuyển ${amount} với nội dung: UH {{pledge}} — giữ nguyên mã này để hệ thống tự ghi nhận. ` +
          `Khoản ủng hộ được giữ trong ${DEFAULT_PLEDGE_EXPIRY_DAYS} ngày. Khi tiền về và khi quà đến tay các em, chúng tôi sẽ báo bạn.`,
      ),
    ];
    if (ctx.ports.needs.vietqrEnabled()) {
      out.push({ kind: "image", url: "/qr/pledges/{{pledge}}.png", alt: `Mã VietQR: chuyển ${amount}, nội dung UH {{pledge}}`, caption: "Quét mã này bằng ứng dụng ngân hàng để chuyển khoản nhanh." });
    } else {
      out.push(say("Cán bộ sẽ gửi thông tin tài khoản nhận ủng hộ cho bạn qua cuộc trò chuyện này."));
    }
    return out;
  }
  return [say("Cảm ơn bạn rất nhiều! Mã ủng hộ của bạn là {{pledge}}.\nCán bộ sẽ liên hệ để hẹn cách gửi hiện vật đến các em. Khi quà đến tay các em, chúng tôi sẽ báo bạn.")];
}

export const pledgeFlow: FlowDefinition<PledgeFlowState> = {
  id: "pledge",
  version: 1,
  state: PledgeState,
  async start(ctx, data) {
    // a donor alert or a shared link may hand over a need code
    const code = typeof data?.needCode === "string" ? data.needCode : null;
    if (code) {
      const n = await ctx.ports.needs.byCode(code);
      if (n && (n.status === "published" || n.status === "partly_pledged")) return chooseNeed(EMPTY, n);
    }
    return listNeeds(EMPTY, ctx);
  },
  async step(s, input, ctx) {
    const text = input.text.trim();
    const key = input.key.trim();
    switch (s.step) {
      case "browse": {
        const n = Number(key);
        const picked = input.payload ?? (Number.isInteger(n) && n >= 1 && n <= s.options.length ? s.options[n - 1]?.id : undefined);
        if (picked === "general" || key === "quy chung") return chooseGeneral(s);
        if (picked === "transparency" || key === "minh bach" || key === "tong ket") return { state: null, replies: [], goto: { flow: "transparency" } };
        if (picked === "alerts") {
          return {
            state: null,
            effects: [{ type: "donor_alerts", subscribe: true, category: null, provinceCode: s.provinceCode }],
            replies: [say('Đã xong! Khi có nhu cầu mới được xác minh, mình sẽ nhắn cho bạn. Gõ "huỷ" bất cứ lúc nào để dừng nhận thông báo.')],
          };
        }
        const typed = NEED_CODE.exec(text);
        const codeMatch = picked?.startsWith("need:") ? picked.slice(5) : typed ? `NC-${typed[1]}-${typed[2]}` : null;
        if (codeMatch) {
          const need = await ctx.ports.needs.byCode(codeMatch);
          if (need && (need.status === "published" || need.status === "partly_pledged")) return chooseNeed(s, need);
          if (need) return listNeeds(s, ctx, "Nhu cầu này đã đủ hoặc đã kết thúc — cảm ơn bạn! Bạn có thể chọn nơi khác:");
          return reask(s, "Mình không tìm thấy mã nhu cầu này. Bạn chọn trong danh sách, hoặc ủng hộ quỹ chung nhé.");
        }
        if (text !== "") {
          const hits = ctx.ports.directory.findProvince(text);
          const top = hits[0];
          if (top && top.score >= 0.85) return listNeeds({ ...s, provinceCode: top.code }, ctx);
        }
        return reask(s, "Bạn chọn một nơi trong danh sách (bấm nút hoặc gõ số thứ tự), chọn quỹ chung, hoặc gõ tên tỉnh để xem nơi khác nhé.");
      }
      case "kind": {
        const money = input.payload === "kind:money" || ["1", "tien", "chuyen khoan", "tien mat", "ck"].includes(key) || key.startsWith("tien");
        const goods = input.payload === "kind:goods" || ["2", "hien vat", "do", "do dung", "qua"].includes(key) || key.startsWith("hien vat");
        if (money) return askAmount({ ...s, kind: "money" });
        if (goods) return askGoods({ ...s, kind: "goods" });
        // someone who answers with an amount straight away means money
        const direct = parseVnd(text);
        if (direct.ok) return askName({ ...s, kind: "money", amountVnd: direct.vnd });
        return reask(s, "Bạn chọn Tiền hoặc Hiện vật giúp mình nhé.", KIND_CHOICES);
      }
      case "amount": {
        const r = parseVnd(text);
        if (!r.ok) return reask(s, parseVndFailureText(r.reason));
        return askName({ ...s, amountVnd: r.vnd });
      }
      case "goods": {
        if (s.needUnit) {
          const q = firstInteger(text);
          if (q === null || q < 1 || q > 10_000_000) return reask(s, `Bạn ghi số lượng ${s.needUnit} bằng chữ số giúp mình nhé, ví dụ: 20.`);
          return askName({ ...s, items: s.needUnit, quantity: q });
        }
        if (text.length < 2) return reask(s, "Bạn cho mình biết hiện vật gì và bao nhiêu nhé, ví dụ: 30 áo ấm.");
        const q = firstInteger(text);
        return askName({ ...s, items: clip(text, 200), quantity: q !== null && q >= 1 && q <= 10_000_000 ? q : null });
      }
      case "public_name": {
        if (input.payload === "anon" || isSkip(input) || ["an danh", "giau ten", "khong ghi ten"].includes(key)) return askContact({ ...s, publicName: null });
        if (text.length < 2) return reask(s, "Bạn gõ tên muốn hiển thị, hoặc chọn Ẩn danh nhé.");
        // the name is published: keep phone numbers and e-mails out of it
        if (/\d{6,}/.test(text.replace(/[\s.]/g, "")) || text.includes("@")) return reask(s, "Tên này sẽ được công khai, nên bạn đừng ghi số điện thoại hay email vào đây nhé. Bạn gõ lại tên, hoặc chọn Ẩn danh.");
        return askContact({ ...s, publicName: clip(text.replace(/\s+/g, " "), 80) });
      }
      case "contact": {
        if (isSkip(input) || text === "") return to({ ...s, contact: null }, "confirm", ask(summary({ ...s, contact: null }), CONFIRM_CHOICES), CONFIRM_CHOICES);
        const phone = parsePhone(text);
        const email = EMAIL.safeParse(text);
        const contact = phone ?? (email.success ? email.data : null);
        if (!contact) return reask(s, "Số điện thoại hoặc email chưa đúng. Bạn ghi lại giúp mình nhé (ví dụ 0912 345 678), hoặc bấm Bỏ qua.", [SKIP_CHOICE]);
        return to({ ...s, contact }, "confirm", ask(summary({ ...s, contact }), CONFIRM_CHOICES), CONFIRM_CHOICES);
      }
      case "confirm": {
        const yes = input.payload === "confirm:yes" || ["1", "co", "ok", "dong y", "xac nhan", "xac nhan ung ho", "dung", "dung roi"].includes(key);
        const no = input.payload === "confirm:no" || ["2", "khong", "thoi"].includes(key);
        if (no) return { state: null, replies: [say("Mình đã huỷ, chưa ghi nhận gì cả. Cảm ơn bạn đã quan tâm đến các em!")] };
        if (!yes) return reask(s, 'Bạn bấm "Xác nhận ủng hộ" để ghi nhận, hoặc "Huỷ" nhé.', CONFIRM_CHOICES);
        const pledge = toInput(s);
        if (!pledge) return listNeeds(EMPTY, ctx, "Xin lỗi, mình bị thiếu thông tin. Mình bắt đầu lại nhé.");
        return {
          state: null,
          effects: [...(pledge.contact ? [{ type: "set_consent" as const, purpose: "pledge_contact", given: true }] : []), { type: "create_pledge", ref: "pledge", input: pledge }],
          replies: thanks(s, ctx),
        };
      }
    }
  },
};
