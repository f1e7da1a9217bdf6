/** A staff member gives the conversation back to the bot. */
import { AppError } from "../errors.js";
import { menuMessage } from "../flows/menu.js";
import type { OutboundMessage } from "../messaging/outbound.js";
import { assertCanHandle, releaseConversation, requireConversation, tr, wake, type HandoffDeps, type Locale, type StaffActor } from "./shared.js";

/** What the person reads when the bot is back: who left, how to ask again, then the menu. */
export function handBackMessages(locale: Locale): OutboundMessage[] {
  return [
    {
      kind: "text",
      text: tr(
        locale,
        `Nhân viên đã kết thúc cuộc trò chuyện. Trợ lý tự động của Cầu Nối tiếp tục hỗ trợ bạn; khi cần gặp nhân viên lần nữa, chọn "Gặp nhân viên".`,
        `The staff member has left the chat. The Cầu Nối assistant is back; to talk to a person again, choose "Talk to a person".`,
      ),
    },
    menuMessage(locale),
  ];
}

/** Ends the staff member's hold: the bot answers again from the main menu. A conversation no one holds is left as is. */
export async function handBackConversation(deps: HandoffDeps, args: { conversationId: string; staff: StaffActor; now: Date }): Promise<{ changed: boolean }> {
  assertCanHandle(args.staff);
  const changed = await deps.prisma.$transaction(async (tx) => {
    const conv = await requireConversation(tx, args.conversationId);
    if (!conv.handoff) return false;
    if (conv.handoffStaffId !== args.staff.id) throw new AppError("conflict", "Cuộc trò chuyện đang do nhân viên khác phụ trách.");
    await releaseConversation(tx, conv, { actor: `staff:${args.staff.id}`, action: "handoff.hand_back", now: args.now, messages: handBackMessages(conv.locale) });
    return true;
  });
  if (changed) wake(deps.bus, args.conversationId);
  return { changed };
}
