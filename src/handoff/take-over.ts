/** A staff member takes a conversation from the bot (from the hand-off queue, or any conversation they open). */
import { AppError } from "../errors.js";
import { queueReply } from "../runtime/queue-reply.js";
import { scheduleJob } from "../runtime/scheduler.js";
import { assertCanHandle, requireConversation, tr, wake, type HandoffDeps, type StaffActor } from "./shared.js";

export interface TakeOverResult {
  conversationId: string;
  /** True when this staff member already held it (nothing changed, nobody was told twice). */
  alreadyHeld: boolean;
}

/** Marks the conversation as held by the staff member, tells the person who joined, and starts the idle timer. */
export async function takeOverConversation(deps: HandoffDeps, args: { conversationId: string; staff: StaffActor; now: Date }): Promise<TakeOverResult> {
  assertCanHandle(args.staff);
  const result = await deps.prisma.$transaction(async (tx) => {
    const conv = await requireConversation(tx, args.conversationId);
    if (conv.handoff && conv.handoffStaffId === args.staff.id) return { conversationId: conv.id, alreadyHeld: true };
    if (conv.handoff) throw new AppError("conflict", "Cuộc trò chuyện đang do nhân viên khác phụ trách.");
    const staff = await tx.staff.findUnique({ where: { id: args.staff.id }, select: { displayName: true, active: true } });
    if (!staff?.active) throw new AppError("forbidden", "Tài khoản nhân viên không còn hoạt động.");
    // Conditional update: of two staff taking the same conversation at once, exactly one wins.
    const won = await tx.conversation.updateMany({
      where: { id: conv.id, handoff: false },
      data: { handoff: true, handoffStaffId: args.staff.id, handoffSince: args.now, updatedAt: args.now },
    });
    if (won.count !== 1) throw new AppError("conflict", "Cuộc trò chuyện đang do nhân viên khác phụ trách.");
    const text = tr(
      conv.locale,
      `Nhân viên ${staff.displayName} của Cầu Nối đã tham gia cuộc trò chuyện. Bạn cứ nhắn, nhân viên sẽ trả lời trực tiếp.`,
      `${staff.displayName} from Cầu Nối has joined the chat. Keep writing; they will answer you directly.`,
    );
    await queueReply(tx, conv.target, [{ kind: "text", text }], { author: `staff:${args.staff.id}`, purpose: "human_agent", now: args.now });
    const runAt = new Date(args.now.getTime() + deps.idleMin * 60_000);
    await scheduleJob(tx, { kind: "handoff.idle_timeout", runAt, payload: { conversationId: conv.id, staffId: args.staff.id }, dedupeKey: `handoff-idle:${conv.id}:${runAt.getTime()}` });
    await tx.auditLog.create({
      data: { actor: `staff:${args.staff.id}`, action: "handoff.take_over", entity: "Conversation", entityId: conv.id, details: { requested: conv.handoffRequestedAt !== null } },
    });
    return { conversationId: conv.id, alreadyHeld: false };
  });
  if (!result.alreadyHeld) wake(deps.bus, result.conversationId, true);
  return result;
}
