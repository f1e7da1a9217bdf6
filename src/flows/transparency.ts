/**
 * "Minh bạch": where the donations went, in chat. Shows per category and in total what verified needs ask for,
 * what donors promised, what arrived and what reached the children (integer đồng), then links to the public
 * page with every need, commune and donor. One message and a link; the flow ends right away.
 */
import { z } from "zod";
import type { OutboundMessage } from "../messaging/outbound.js";
import { formatVnd } from "../pledges/money.js";
import type { TransparencyFigures } from "./ports.js";
import type { FlowContext, FlowDefinition, StepResult } from "./types.js";

/** Words that open the transparency summary from the menu (matchKey form: folded, no diacritics). */
export const TRANSPARENCY_KEYS = ["minh bach", "tong ket", "cong khai", "minh bach tai chinh", "xem minh bach", "sao ke", "transparency"];

const State = z.object({}).strict();
type State = z.infer<typeof State>;

function line(f: TransparencyFigures): string {
  return `• ${f.label}: cần ${formatVnd(f.neededVnd)}; đã cam kết ${formatVnd(f.pledgedVnd)}; đã nhận ${formatVnd(f.receivedVnd)}; đã trao ${formatVnd(f.deliveredVnd)}`;
}

/** The summary messages (text, then a link to the public page). */
export async function transparencyReplies(ctx: FlowContext): Promise<OutboundMessage[]> {
  const totals = ctx.ports.needs.totals;
  if (!totals) {
    return [{ kind: "text", text: "Xin lỗi, phần minh bạch ủng hộ chưa sẵn sàng trong cuộc trò chuyện này. Bạn vui lòng quay lại sau nhé." }];
  }
  const t = await totals();
  const body =
    t.categories.length === 0
      ? "Hiện chưa có nhu cầu nào được công khai, nên chưa có số liệu ủng hộ."
      : [
          "Minh bạch ủng hộ (tiền, tính theo đồng):",
          ...t.categories.map(line),
          "",
          `Tổng cộng: cần ${formatVnd(t.total.neededVnd)}; đã cam kết ${formatVnd(t.total.pledgedVnd)}; đã nhận ${formatVnd(t.total.receivedVnd)}; đã trao ${formatVnd(t.total.deliveredVnd)}.`,
          "Số “đã nhận” chỉ tính tiền đã về tài khoản (đối soát sao kê ngân hàng).",
        ].join("\n");
  return [
    { kind: "text", text: body },
    { kind: "link", text: "Danh sách từng nhu cầu, từng xã và các nhà hảo tâm (kèm tệp CSV) có trên trang công khai:", url: t.pageUrl, label: "Xem trang minh bạch" },
  ];
}

const show = async (ctx: FlowContext): Promise<StepResult<State>> => ({ state: null, replies: await transparencyReplies(ctx) });

export const transparencyFlow: FlowDefinition<State> = {
  id: "transparency",
  version: 1,
  state: State,
  start: show,
  // the flow never keeps state; a saved one (e.g. from an older version) just shows the summary again
  step: (_s, _input, ctx) => show(ctx),
};
