/**
 * "Gặp nhân viên": the person asks for a human. The request goes to the staff queue (effect request_handoff, which
 * also starts the pickup timer); until a staff member takes the conversation the bot only acknowledges, once, that
 * messages are being kept for the staff. Once a staff member holds it (Conversation.handoff), the runtime keeps the
 * bot silent before this step is ever reached. Danger numbers come first because waiting for a person is never the
 * right answer when a child is in danger now.
 */
import { z } from "zod";
import { menuItemFor } from "./menu.js";
import type { FlowContext, FlowDefinition } from "./types.js";

const HandoffState = z.object({
  requestedAt: z.string(),
  /** Whether the "your messages are kept for the staff" note was already sent (said once, not after every line). */
  acked: z.boolean().default(false),
});
type HandoffState = z.infer<typeof HandoffState>;

type L = FlowContext["locale"];
const t = (locale: L, vi: string, en: string): string => (locale === "en" ? en : vi);

/** Reasons recorded with the request (audit details hold codes, never the person's words). */
const REASONS = new Set(["menu", "guidance", "report", "triage", "settings"]);

export const handoffFlow: FlowDefinition<HandoffState> = {
  id: "handoff",
  version: 1,
  state: HandoffState,
  start(ctx, data) {
    const reason = typeof data?.reason === "string" && REASONS.has(data.reason) ? data.reason : "menu";
    return {
      state: { requestedAt: ctx.now.toISOString(), acked: false },
      replies: [
        {
          kind: "text",
          text: t(
            ctx.locale,
            "Mình đã chuyển yêu cầu của bạn tới nhân viên Cầu Nối. Một nhân viên sẽ vào trò chuyện với bạn ngay khi có thể (nhân viên trực chủ yếu trong giờ hành chính). Trong lúc chờ, bạn cứ nhắn — nhân viên sẽ đọc được toàn bộ.",
            "I've passed your request to the Cầu Nối staff. A staff member will join this chat as soon as possible (mostly during office hours). While you wait, keep writing — they will read everything.",
          ),
        },
        {
          kind: "call_buttons",
          text: t(
            ctx.locale,
            "Nếu trẻ đang gặp nguy hiểm, đừng chờ: gọi ngay 113 (công an), 115 (cấp cứu) hoặc 111 (bảo vệ trẻ em, miễn phí, 24/7).",
            "If a child is in danger, don't wait: call 113 (police), 115 (ambulance) or 111 (child protection, free, 24/7).",
          ),
          numbers: [
            { label: t(ctx.locale, "Gọi 113 – Công an", "Call 113 – Police"), phone: "113" },
            { label: t(ctx.locale, "Gọi 115 – Cấp cứu", "Call 115 – Ambulance"), phone: "115" },
            { label: t(ctx.locale, "Gọi 111 – Bảo vệ trẻ em", "Call 111 – Child protection"), phone: "111" },
          ],
        },
      ],
      effects: [{ type: "request_handoff", reason }],
    };
  },
  step(state, input, ctx) {
    const item = input.payload ? menuItemFor({ key: input.key, payload: input.payload }) : null;
    if (item?.flow === "handoff") {
      // Asking again must not queue a second request or restart the pickup timer.
      return { state, replies: [{ kind: "text", text: t(ctx.locale, "Yêu cầu gặp nhân viên của bạn đã được ghi nhận, nhân viên sẽ vào sớm nhất có thể.", "Your request is already in the queue; a staff member will join as soon as possible.") }] };
    }
    if (item) return { state: null, replies: [], goto: { flow: item.flow } };
    if (state.acked) return { state, replies: [] };
    return {
      state: { ...state, acked: true },
      replies: [
        {
          kind: "text",
          text: t(
            ctx.locale,
            `Mình đã lưu tin nhắn để nhân viên đọc khi vào. Nếu muốn quay lại trò chuyện với trợ lý tự động, gõ "menu".`,
            `Your messages are kept for the staff member. To go back to the automatic assistant, type "menu".`,
          ),
        },
      ],
    };
  },
};
