/**
 * Hand-off timers. "handoff.pickup_timeout" (scheduled by the request_handoff effect): nobody took the request in
 * HANDOFF_PICKUP_MIN, so the person is told plainly and given 111 rather than left waiting in silence.
 * "handoff.idle_timeout" (scheduled at take-over): the holding staff member has been silent HANDOFF_IDLE_MIN, so the
 * conversation goes back to the bot instead of staying mute for a person who is still writing.
 */
import { z } from "zod";
import { menuMessage } from "../flows/menu.js";
import type { OutboundMessage } from "../messaging/outbound.js";
import { queueReply } from "../runtime/queue-reply.js";
import { scheduleJob, type JobHandler } from "../runtime/scheduler.js";
import { loadConversation, releaseConversation, tr, wake, type HandoffDeps, type Locale } from "./shared.js";

const Pickup = z.object({ conversationId: z.string().min(1), requestedAt: z.string().min(1) });
const Idle = z.object({ conversationId: z.string().min(1), staffId: z.string().min(1) });

/** The "no one is free" message: 111 first (free, 24/7), then the danger numbers. */
export function pickupTimeoutMessage(locale: Locale): OutboundMessage {
  return {
    kind: "call_buttons",
    text: tr(
      locale,
      "Xin lỗi, hiện chưa có nhân viên nào rảnh để trò chuyện với bạn. Yêu cầu của bạn vẫn được giữ, nhân viên sẽ nhắn lại khi có thể. Nếu cần tư vấn ngay, hãy gọi Tổng đài 111 (miễn phí, 24/7). Nếu trẻ đang gặp nguy hiểm, gọi 113 (công an) hoặc 115 (cấp cứu).",
      "Sorry, no staff member is free right now. Your request is kept and someone will write back when they can. For advice now, call the 111 hotline (free, 24/7). If a child is in danger, call 113 (police) or 115 (ambulance).",
    ),
    numbers: [
      { label: tr(locale, "Gọi 111 – Bảo vệ trẻ em", "Call 111 – Child protection"), phone: "111" },
      { label: tr(locale, "Gọi 113 – Công an", "Call 113 – Police"), phone: "113" },
      { label: tr(locale, "Gọi 115 – Cấp cứu", "Call 115 – Ambulance"), phone: "115" },
    ],
  };
}

/** What the person reads when the idle timeout hands the conversation back. */
export function idleReleaseMessages(locale: Locale, idleMin: number): OutboundMessage[] {
  return [
    {
      kind: "text",
      text: tr(
        locale,
        `Phiên trò chuyện với nhân viên đã kết thúc vì không có hoạt động trong ${idleMin} phút. Trợ lý tự động của Cầu Nối tiếp tục hỗ trợ bạn; bạn có thể yêu cầu gặp nhân viên lần nữa, hoặc gọi 111 (miễn phí, 24/7).`,
        `The chat with the staff member ended after ${idleMin} minutes without activity. The Cầu Nối assistant is back; you can ask for a person again, or call 111 (free, 24/7).`,
      ),
    },
    menuMessage(locale),
  ];
}

/** Job handlers of the hand-off module: pickup and idle timeouts. */
export function handoffJobs(deps: Pick<HandoffDeps, "bus" | "idleMin">): Record<string, JobHandler> {
  return {
    "handoff.pickup_timeout": async (payload, ctx) => {
      const p = Pickup.safeParse(payload);
      if (!p.success) return;
      const told = await ctx.prisma.$transaction(async (tx) => {
        const conv = await loadConversation(tx, p.data.conversationId);
        // Taken, handed back, or superseded by a newer request (which has its own timer): nothing to say.
        if (!conv || conv.handoff || conv.handoffRequestedAt?.toISOString() !== p.data.requestedAt) return false;
        await queueReply(tx, conv.target, [pickupTimeoutMessage(conv.locale)], { author: "system", purpose: "response", now: ctx.now });
        await tx.auditLog.create({ data: { actor: "system", action: "handoff.pickup_timeout", entity: "Conversation", entityId: conv.id } });
        return true;
      });
      if (told) wake(deps.bus, p.data.conversationId);
    },

    "handoff.idle_timeout": async (payload, ctx) => {
      const p = Idle.safeParse(payload);
      if (!p.success) return;
      const idleMs = deps.idleMin * 60_000;
      const released = await ctx.prisma.$transaction(async (tx) => {
        const conv = await loadConversation(tx, p.data.conversationId);
        if (!conv || !conv.handoff || conv.handoffStaffId !== p.data.staffId) return false;
        const last = await tx.message.findFirst({
          where: { conversationId: conv.id, direction: "out", author: `staff:${p.data.staffId}` },
          orderBy: { createdAt: "desc" },
          select: { createdAt: true },
        });
        const activity = Math.max(conv.handoffSince?.getTime() ?? 0, last?.createdAt.getTime() ?? 0);
        if (ctx.now.getTime() - activity < idleMs) {
          // The staff member was active since: check again one idle period after their last message.
          const runAt = new Date(activity + idleMs);
          await scheduleJob(tx, { kind: "handoff.idle_timeout", runAt, payload: p.data, dedupeKey: `handoff-idle:${conv.id}:${runAt.getTime()}` });
          return false;
        }
        await releaseConversation(tx, conv, { actor: "system", action: "handoff.idle_release", now: ctx.now, messages: idleReleaseMessages(conv.locale, deps.idleMin), details: { idleMin: deps.idleMin } });
        return true;
      });
      if (released) wake(deps.bus, p.data.conversationId);
    },
  };
}
