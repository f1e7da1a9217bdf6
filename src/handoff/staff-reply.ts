/** A staff member's message to the person whose conversation they hold. */
import { AppError } from "../errors.js";
import { queueReply } from "../runtime/queue-reply.js";
import { assertCanHandle, requireConversation, wake, type HandoffDeps, type StaffActor } from "./shared.js";

/** Longest staff message accepted (channels split long texts, but a chat answer should stay readable). */
export const MAX_STAFF_REPLY_CHARS = 4000;

/**
 * Queues a staff reply (purpose human_agent: Messenger may deliver it with the HUMAN_AGENT tag up to 7 days after
 * the person's last message). Refused unless this staff member holds the conversation, so two people never answer
 * at once and the bot never talks over a person.
 */
export async function sendStaffReply(deps: HandoffDeps, args: { conversationId: string; staff: StaffActor; text: string; now: Date }): Promise<{ messageId: string }> {
  assertCanHandle(args.staff);
  const text = args.text.normalize("NFC").trim();
  if (text.length === 0) throw new AppError("bad_request", "Tin nhắn trống.");
  if ([...text].length > MAX_STAFF_REPLY_CHARS) throw new AppError("bad_request", `Tin nhắn quá dài (tối đa ${MAX_STAFF_REPLY_CHARS} ký tự).`);
  const id = await deps.prisma.$transaction(async (tx) => {
    const conv = await requireConversation(tx, args.conversationId);
    if (!conv.handoff || conv.handoffStaffId !== args.staff.id) throw new AppError("conflict", "Bạn cần tiếp nhận cuộc trò chuyện trước khi trả lời.");
    const [messageId] = await queueReply(tx, conv.target, [{ kind: "text", text }], { author: `staff:${args.staff.id}`, purpose: "human_agent", now: args.now });
    await tx.auditLog.create({ data: { actor: `staff:${args.staff.id}`, action: "handoff.staff_reply", entity: "Conversation", entityId: conv.id, details: { messageId: String(messageId) } } });
    return String(messageId);
  });
  wake(deps.bus, args.conversationId);
  return { messageId: id };
}
