/** Effect handlers for the report and status flows: create_case and add_case_info (in the processor's transaction). */
import type { EscalationDeps } from "../escalation/types.js";
import { menuMessage } from "../flows/menu.js";
import type { EffectHandlers } from "../runtime/effects.js";
import { addCaseInfo } from "./add-case-info.js";
import { createCase } from "./create-case.js";
import { addToSafetyNetCase, settleSafetyNet } from "./report-safety-net.js";

const ADD_REPLIES = {
  not_reporter:
    "Để bảo vệ hồ sơ, chỉ tài khoản đã gửi tin báo mới bổ sung được thông tin. Nếu bạn có thông tin mới về trẻ, hãy gửi một tin báo mới hoặc gọi 111 (miễn phí, 24/7).",
  not_found: "Cầu Nối không tìm thấy hồ sơ với mã này. Bạn kiểm tra lại mã giúp mình, hoặc gọi 111 (miễn phí, 24/7).",
  closed: "Hồ sơ này đã kết thúc nên không bổ sung thêm được. Nếu trẻ lại gặp nguy hiểm, hãy gửi tin báo mới hoặc gọi 111 (miễn phí, 24/7).",
  empty: "Chưa có nội dung nào để bổ sung.",
} as const;

/** Handlers for create_case and add_case_info. */
export function caseEffectHandlers(deps: EscalationDeps): Pick<EffectHandlers, "create_case" | "add_case_info"> {
  return {
    async create_case(e, ctx) {
      if (e.urgentAt) {
        // An urgent report has a safety-net timer: cancel it, or — if it already made the case — add to that case.
        const existing = await settleSafetyNet(ctx.tx, ctx.conversationId, e.urgentAt);
        if (existing) {
          await addToSafetyNetCase(ctx.tx, deps, existing, e.input, { contactId: ctx.contactId, channel: ctx.channel, now: ctx.now });
          return { code: existing };
        }
      }
      const created = await createCase(ctx.tx, deps, e.input, { contactId: ctx.contactId, channel: ctx.channel, now: ctx.now });
      deps.logger.info({ caseId: created.id, channel: ctx.channel, riskLevel: e.input.riskLevel }, "case created");
      return { code: created.code };
    },
    async add_case_info(e, ctx) {
      const r = await addCaseInfo(ctx.tx, deps, { caseCode: e.caseCode, text: e.text, attachments: e.attachments, contactId: ctx.contactId, channel: ctx.channel, now: ctx.now });
      const text = r.ok
        ? `Đã thêm vào hồ sơ ${r.code}. Cán bộ phụ trách sẽ xem thông tin bạn gửi. Cảm ơn bạn! Nếu trẻ đang gặp nguy hiểm, hãy gọi ngay 113 hoặc 111.`
        : ADD_REPLIES[r.reason];
      return { replies: [{ kind: "text", text }, menuMessage("vi")] };
    },
  };
}
