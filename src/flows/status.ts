/**
 * "Tra cứu hồ sơ": the reporter types their case code (lower case and missing dashes are fine: "bv2026000123") and
 * sees the status in plain words — never any private detail — then may add information or photos to the case
 * (effect add_case_info; the case module checks it is the same chat account that reported) or go back to the menu.
 */
import { z } from "zod";
import type { OutboundMessage } from "../messaging/outbound.js";
import { Attachment } from "../messaging/inbound.js";
import { normalizeCaseCode } from "../cases/types.js";
import { menuMessage } from "./menu.js";
import type { FlowContext, FlowDefinition, StepResult } from "./types.js";

/** Saved state of the status flow (version 1). */
export const StatusState = z.object({
  step: z.enum(["code", "shown", "add"]),
  code: z.string().nullable(),
  misses: z.number().int(),
  /** Text and files gathered in the "add" step, sent together when the person taps "Gửi". */
  pendingText: z.array(z.string()),
  pendingFiles: z.array(Attachment),
});
export type StatusState = z.infer<typeof StatusState>;

const text = (t: string): OutboundMessage => ({ kind: "text", text: t });
const BACK = { id: "status:menu", label: "Về menu" };

function askCode(s: StatusState): StepResult<StatusState> {
  return { state: s, replies: [{ kind: "choices", text: "Bạn nhập mã hồ sơ đã nhận khi báo tin (ví dụ: BV-2026-000123).", choices: [BACK] }] };
}

function vnDate(d: Date): string {
  const x = new Date(d.getTime() + 7 * 3_600_000).toISOString();
  return `${x.slice(8, 10)}/${x.slice(5, 7)}/${x.slice(0, 4)}`;
}

function backToMenu(ctx: FlowContext, t?: string): StepResult<StatusState> {
  return { state: null, replies: [...(t ? [text(t)] : []), menuMessage(ctx.locale)] };
}

function addPrompt(s: StatusState): OutboundMessage {
  const n = s.pendingText.length + s.pendingFiles.length;
  return {
    kind: "choices",
    text: n === 0 ? `Bạn gõ thông tin muốn bổ sung cho hồ sơ ${s.code}, hoặc gửi ảnh vào đây. Gửi xong bấm "Gửi".` : `Đã nhận ${s.pendingText.length} tin nhắn và ${s.pendingFiles.length} ảnh/tệp. Gửi thêm, hoặc bấm "Gửi" để chuyển vào hồ sơ.`,
    choices: [{ id: "status:send", label: "Gửi" }, { id: "status:cancel", label: "Huỷ" }],
  };
}

/** The status flow (id "status"), registered by src/cases/module.ts. */
export const statusFlow: FlowDefinition<StatusState> = {
  id: "status",
  version: 1,
  handlesDanger: "reports",
  state: StatusState,

  start() {
    return askCode({ step: "code", code: null, misses: 0, pendingText: [], pendingFiles: [] });
  },

  async step(s, input, ctx) {
    const key = input.key.trim();
    if (input.payload === BACK.id) return backToMenu(ctx);
    switch (s.step) {
      case "code": {
        const code = normalizeCaseCode(input.text);
        if (!code) {
          const next = { ...s, misses: s.misses + 1 };
          return { state: next, replies: [{ kind: "choices", text: "Mã hồ sơ có dạng BV-2026-000123 (chữ thường, không gạch nối cũng được). Bạn nhập lại giúp mình.", choices: [BACK] }] };
        }
        const view = await ctx.ports.cases.statusByCode(code);
        if (!view) {
          return { state: { ...s, misses: s.misses + 1 }, replies: [{ kind: "choices", text: `Cầu Nối không tìm thấy hồ sơ ${code}. Bạn kiểm tra lại mã, hoặc gọi 111 (miễn phí, 24/7) để được hỗ trợ.`, choices: [BACK] }] };
        }
        const next: StatusState = { ...s, step: "shown", code: view.code, misses: 0 };
        return {
          state: next,
          replies: [
            text(`Hồ sơ ${view.code}\nTình trạng: ${view.statusText}\nCập nhật lần cuối: ${vnDate(view.updatedAt)}`),
            {
              kind: "choices",
              text: view.closed ? "Nếu trẻ lại gặp nguy hiểm, hãy gửi tin báo mới hoặc gọi 111." : "Bạn có muốn bổ sung thông tin hoặc ảnh cho hồ sơ này không?",
              choices: view.closed ? [BACK] : [{ id: "status:add", label: "Bổ sung thông tin, ảnh" }, BACK],
            },
          ],
        };
      }
      case "shown": {
        if (input.payload === "status:add" || ["bo sung", "them", "bo sung thong tin", "co"].includes(key)) {
          const next: StatusState = { ...s, step: "add", pendingText: [], pendingFiles: [] };
          return { state: next, replies: [addPrompt(next)] };
        }
        // A new code typed here: look it up.
        if (normalizeCaseCode(input.text)) return statusFlow.step({ ...s, step: "code" }, input, ctx);
        return backToMenu(ctx);
      }
      case "add": {
        if (input.payload === "status:cancel") return backToMenu(ctx, "Đã huỷ, chưa có gì được thêm vào hồ sơ.");
        if (input.payload === "status:send" || (!input.payload && ["gui", "xong", "send"].includes(key))) {
          if (s.pendingText.length === 0 && s.pendingFiles.length === 0) return { state: s, replies: [text("Bạn chưa gửi nội dung nào."), addPrompt(s)] };
          return {
            state: null,
            replies: [text("Cảm ơn bạn.")],
            effects: [{ type: "add_case_info", caseCode: s.code!, text: s.pendingText.length > 0 ? s.pendingText.join("\n") : null, attachments: s.pendingFiles }],
          };
        }
        const next: StatusState = {
          ...s,
          pendingText: input.text.trim() ? [...s.pendingText, input.text.trim()] : s.pendingText,
          pendingFiles: [...s.pendingFiles, ...input.attachments].slice(0, 20),
        };
        if (next.pendingText.length === s.pendingText.length && next.pendingFiles.length === s.pendingFiles.length) return { state: s, replies: [addPrompt(s)] };
        return { state: next, replies: [addPrompt(next)] };
      }
    }
  },

  migrate() {
    return null;
  },
};
