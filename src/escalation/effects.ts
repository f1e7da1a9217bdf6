/**
 * Effect handlers for staff actions that arrive through a chat app: acknowledging an escalation ("Đã nhận") and
 * linking a chat account to a console account. They run in the processor's transaction, like every effect.
 */
import type { EffectHandlers } from "../runtime/effects.js";
import { cancelJob, type JobHandler } from "../runtime/scheduler.js";
import { handleEscalationTimeout, retryUnroutedCase, timeoutJobKey } from "./escalate-case.js";
import {
  addNotifyChannel,
  findLinkCode,
  insertAudit,
  insertEvent,
  lockEscalation,
  markCaseAcknowledged,
  openEscalations,
  setEscalationStatus,
  staffChannels,
  useLinkCode,
} from "./repository.js";
import { JOB_ESCALATION_TIMEOUT, JOB_ESCALATION_UNROUTED, NotifyChannel, type EscalationDeps } from "./types.js";

const THANKS = "Đã ghi nhận. Cảm ơn anh/chị.";
const ALREADY = "Ca này đã được ghi nhận trước đó. Cảm ơn anh/chị.";
const REFUSED = "Xin lỗi, tài khoản này không phải người nhận thông báo của ca này nên không thể xác nhận. Nếu anh/chị là cán bộ phụ trách, vui lòng liên kết tài khoản chat trong hệ thống Cầu Nối.";
const LINKED = "Đã liên kết tài khoản chat này với tài khoản Cầu Nối của anh/chị. Thông báo ca mới sẽ được gửi tới đây.";
const BAD_LINK = "Mã liên kết không đúng hoặc đã hết hạn. Vui lòng tạo mã mới trong hệ thống Cầu Nối.";

/** Handlers for acknowledge_escalation and link_staff_account. */
export function escalationEffectHandlers(deps: EscalationDeps): Pick<EffectHandlers, "acknowledge_escalation" | "link_staff_account"> {
  const log = deps.logger.child({ component: "escalation" });
  return {
    async acknowledge_escalation(e, ctx) {
      const esc = await lockEscalation(ctx.tx, e.escalationId);
      const channels = esc?.recipientStaffId ? await staffChannels(ctx.tx, esc.recipientStaffId) : [];
      // Only the person the notification was for may acknowledge it: a forwarded button must not close the loop.
      if (!esc || !channels.some((c) => c.channel === ctx.channel && c.userId === ctx.channelUserId)) {
        log.warn({ escalationId: e.escalationId, channel: ctx.channel }, "escalation acknowledgement refused: not the recipient");
        await insertAudit(ctx.tx, { actor: `contact:${ctx.contactId}`, action: "escalation.ack_refused", entity: "Escalation", entityId: esc ? esc.id : null, at: ctx.now, details: { channel: ctx.channel, found: Boolean(esc) } });
        return { replies: [{ kind: "text", text: REFUSED }] };
      }
      if (esc.status === "acknowledged") return { replies: [{ kind: "text", text: ALREADY }] };
      const staffId = esc.recipientStaffId!;
      await setEscalationStatus(ctx.tx, [esc.id], "acknowledged", ctx.now);
      // The commune worker who takes the case becomes its worker (unless someone was assigned already).
      await markCaseAcknowledged(ctx.tx, esc.caseId, ctx.now, esc.level === "commune" ? staffId : null);
      await insertEvent(ctx.tx, { caseId: esc.caseId, type: "acknowledged", actor: `staff:${staffId}`, at: ctx.now, data: { level: esc.level, escalationId: esc.id, channel: ctx.channel } });
      await insertAudit(ctx.tx, { actor: `staff:${staffId}`, action: "escalation.acknowledged", entity: "Case", entityId: esc.caseId, at: ctx.now, details: { escalationId: esc.id, level: esc.level } });
      // A person now holds the case: no more timers for it (the console shows the Decree 56 deadlines from here).
      await cancelJob(ctx.tx, timeoutJobKey(esc.id));
      for (const other of await openEscalations(ctx.tx, esc.caseId)) await cancelJob(ctx.tx, timeoutJobKey(other.id));
      log.info({ caseId: esc.caseId, level: esc.level }, "escalation acknowledged");
      return { replies: [{ kind: "text", text: THANKS }] };
    },

    async link_staff_account(e, ctx) {
      const row = await findLinkCode(ctx.tx, e.code);
      const ch = NotifyChannel.safeParse({ channel: ctx.channel, userId: ctx.channelUserId });
      if (!row || row.usedAt || row.expiresAt.getTime() <= ctx.now.getTime() || !ch.success || !(await useLinkCode(ctx.tx, e.code, ctx.now))) {
        await insertAudit(ctx.tx, { actor: `contact:${ctx.contactId}`, action: "staff.chat_link_refused", entity: "Staff", entityId: null, at: ctx.now, details: { channel: ctx.channel } });
        return { replies: [{ kind: "text", text: BAD_LINK }] };
      }
      await addNotifyChannel(ctx.tx, row.staffId, ch.data);
      await insertAudit(ctx.tx, { actor: `staff:${row.staffId}`, action: "staff.chat_linked", entity: "Staff", entityId: row.staffId, at: ctx.now, details: { channel: ctx.channel } });
      return { replies: [{ kind: "text", text: LINKED }] };
    },
  };
}

/** Timer handlers: escalation timeouts and retries of cases nobody could be told about. */
export function escalationJobs(deps: EscalationDeps): Record<string, JobHandler> {
  return {
    [JOB_ESCALATION_TIMEOUT]: async (payload, ctx) => {
      const id = typeof payload.escalationId === "string" ? payload.escalationId : null;
      if (!id) throw new Error("escalation.timeout: payload without escalationId");
      await ctx.prisma.$transaction((tx) => handleEscalationTimeout(tx, deps, id, ctx.now), { timeout: 30_000, maxWait: 30_000 });
    },
    [JOB_ESCALATION_UNROUTED]: async (payload, ctx) => {
      const caseId = typeof payload.caseId === "string" ? payload.caseId : null;
      const retry = typeof payload.retry === "number" ? payload.retry : 1;
      if (!caseId) throw new Error("escalation.unrouted_retry: payload without caseId");
      await ctx.prisma.$transaction((tx) => retryUnroutedCase(tx, deps, caseId, retry, ctx.now), { timeout: 30_000, maxWait: 30_000 });
    },
  };
}
