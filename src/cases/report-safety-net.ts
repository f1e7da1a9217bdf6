/**
 * The safety net of urgent reports. A person who reports immediate danger gets the emergency numbers at once, but
 * may then stop answering (phone taken away, fear, no signal) before the report flow reaches its end — and without
 * a case nobody at 111 or the commune is told. So when a report becomes urgent the flow arms a timer
 * (`arm_report_safety_net`, REPORT_SAFETY_NET_MIN); if the report is still unfinished when it fires, a case is made
 * from what is known and escalated like any other, and the person is told its code.
 *
 * One timer per urgent report: its dedupeKey names the conversation and the moment the report became urgent. The Job
 * row is where the timer and the person's own completion meet: both lock it, so exactly one case is made — a
 * completion before the timer cancels it; a completion after adds its answers to the case the timer made.
 */
import { SavedState } from "../runtime/conversation-step.js";
import { emergencyMessage } from "../flows/emergency.js";
import type { NewCaseInput } from "../flows/effects.js";
import { caseInfoText, caseInputOf, reportFlow, ReportState } from "../flows/report.js";
import type { EscalationDeps } from "../escalation/types.js";
import type { EffectHandlers } from "../runtime/effects.js";
import { queueReply } from "../runtime/queue-reply.js";
import { scheduleJob, type JobHandler } from "../runtime/scheduler.js";
import { addCaseInfo } from "./add-case-info.js";
import { createCase } from "./create-case.js";
import { insertAudit, insertCaseEvent, type Db } from "./repository.js";

/** Job kind of the safety-net timer. */
export const JOB_REPORT_SAFETY_NET = "report.safety_net";

/** The timer key of one urgent report of one conversation. */
export function safetyNetKey(conversationId: string, urgentAt: string): string {
  return `report-net:${conversationId}:${new Date(urgentAt).getTime()}`;
}

/** The arm_report_safety_net effect handler: schedules the timer once per urgent report. */
export function safetyNetEffectHandlers(opts: { minutes: number }): Pick<EffectHandlers, "arm_report_safety_net"> {
  return {
    async arm_report_safety_net(e, { tx, conversationId, now }) {
      await scheduleJob(tx, {
        kind: JOB_REPORT_SAFETY_NET,
        runAt: new Date(now.getTime() + opts.minutes * 60_000),
        payload: { conversationId, urgentAt: e.urgentAt },
        dedupeKey: safetyNetKey(conversationId, e.urgentAt),
      });
    },
  };
}

/**
 * Settles the timer of an urgent report that is being completed: cancels it if it has not fired, and returns the
 * code of the case it made if it has (waiting for a firing timer's transaction first: the Job row is locked).
 */
export async function settleSafetyNet(tx: Db, conversationId: string, urgentAt: string): Promise<string | null> {
  const rows = await tx.$queryRawUnsafe<{ id: string; status: string; caseCode: string | null }[]>(
    `SELECT id::text AS id, status, payload->>'caseCode' AS "caseCode" FROM "Job" WHERE "dedupeKey" = $1 FOR UPDATE`,
    safetyNetKey(conversationId, urgentAt),
  );
  const job = rows[0];
  if (!job) return null;
  if (job.caseCode) return job.caseCode;
  if (job.status === "pending" || job.status === "running") {
    await tx.$executeRawUnsafe(`UPDATE "Job" SET status = 'cancelled', "finishedAt" = now() WHERE id = $1::bigint`, job.id);
  }
  return null;
}

/** Completion after the timer made the case: the answers go to that case instead of a second one. */
export async function addToSafetyNetCase(
  tx: Db,
  deps: EscalationDeps,
  caseCode: string,
  input: NewCaseInput,
  ctx: { contactId: string; channel: string; now: Date },
): Promise<void> {
  const r = await addCaseInfo(tx, deps, { caseCode, text: caseInfoText(input, null), attachments: input.attachments, contactId: ctx.contactId, channel: ctx.channel, now: ctx.now });
  if (!r.ok) deps.logger.warn({ reason: r.reason, channel: ctx.channel }, "could not add a completed report to its safety-net case");
}

interface ConvRow {
  id: string;
  flow: string;
  state: unknown;
  contactId: string;
  channel: string;
  channelUserId: string;
  locale: string;
}

function replyText(code: string, childMode: boolean): string {
  return childMode
    ? [
        `Cầu Nối đã báo cho người lớn có nhiệm vụ bảo vệ trẻ em và Tổng đài 111 rồi. Mã hồ sơ của em là: ${code} — em nhớ hoặc chụp lại mã này nhé.`,
        `Khi nào an toàn, em có thể kể thêm: trả lời câu hỏi ở trên, hoặc chọn "Tra cứu hồ sơ" và gõ mã ${code}.`,
        "Nếu em đang gặp nguy hiểm, hãy gọi ngay 113, hoặc 111 (miễn phí).",
      ].join("\n")
    : [
        `Cầu Nối chưa nhận được thêm trả lời, nên đã chuyển ngay tin báo KHẨN CẤP của bạn tới cán bộ bảo vệ trẻ em và Tổng đài 111. Mã hồ sơ: ${code}`,
        `Bạn vẫn có thể bổ sung thông tin: trả lời câu hỏi ở trên, hoặc chọn "Tra cứu hồ sơ" và nhập mã ${code}.`,
        "Nếu trẻ đang gặp nguy hiểm, hãy gọi ngay 113 (công an), 115 (cấp cứu) hoặc 111 (bảo vệ trẻ em, miễn phí 24/7).",
      ].join("\n");
}

/**
 * Fires the timer, in one transaction: if the conversation is still in the same unfinished urgent report, creates
 * the case from what is known (escalated by createCase), marks it on the timeline, keeps its code in the job and the
 * report state, and tells the person. Anything else (finished, cancelled, another report, unreadable) does nothing.
 */
export async function fireSafetyNet(tx: Db, deps: EscalationDeps, jobId: string, payload: { conversationId: string; urgentAt: string }, now: Date): Promise<string | null> {
  const job = (await tx.$queryRawUnsafe<{ status: string; caseCode: string | null }[]>(
    `SELECT status, payload->>'caseCode' AS "caseCode" FROM "Job" WHERE id = $1::bigint FOR UPDATE`,
    jobId,
  ))[0];
  if (!job || job.status !== "running" || job.caseCode) return null; // completed (cancelled) meanwhile, or already done
  const conv = (await tx.$queryRawUnsafe<ConvRow[]>(
    `SELECT v.id, v.flow, v.state, c.id AS "contactId", c.channel, c."channelUserId", c.locale
     FROM "Conversation" v JOIN "Contact" c ON c.id = v."contactId" WHERE v.id = $1 FOR UPDATE OF v`,
    payload.conversationId,
  ))[0];
  if (!conv || conv.flow !== reportFlow.id) return null;
  const saved = SavedState.safeParse(conv.state);
  if (!saved.success || saved.data.v !== reportFlow.version) return null;
  const parsed = ReportState.safeParse(saved.data.s);
  if (!parsed.success) {
    deps.logger.warn({ conversationId: conv.id }, "safety net: report state unreadable; no case made");
    return null;
  }
  const s = parsed.data;
  if (!s.urgent || s.caseCode || s.urgentAt !== payload.urgentAt) return null;

  const input = caseInputOf(s);
  const created = await createCase(tx, deps, input, { contactId: conv.contactId, channel: conv.channel, now });
  await insertCaseEvent(tx, { caseId: created.id, type: "created_from_unfinished_report", actor: "system", at: now, data: { step: s.step, channel: conv.channel, urgentAt: payload.urgentAt } });
  await insertAudit(tx, { actor: "system:report_safety_net", action: "case.created_from_unfinished_report", entityId: created.id, at: now, details: { code: created.code, channel: conv.channel, step: s.step } });
  await tx.$executeRawUnsafe(`UPDATE "Job" SET payload = payload || jsonb_build_object('caseCode', $2::text) WHERE id = $1::bigint`, jobId, created.code);
  // The attachments are on the case now; later ones are added as new.
  const next: ReportState = { ...s, caseCode: created.code, attachments: [] };
  await tx.$executeRawUnsafe(
    `UPDATE "Conversation" SET state = $2::jsonb, version = version + 1, "updatedAt" = $3 WHERE id = $1`,
    conv.id,
    JSON.stringify({ v: reportFlow.version, s: next }),
    now,
  );
  await queueReply(
    tx,
    { conversationId: conv.id, contactId: conv.contactId, channel: conv.channel, channelUserId: conv.channelUserId },
    [{ kind: "text", text: replyText(created.code, s.childMode) }, emergencyMessage(conv.locale === "en" ? "en" : "vi")],
    { author: "system:report_safety_net", purpose: "response", now },
  );
  deps.logger.info({ caseId: created.id, channel: conv.channel, step: s.step }, "case created from an unfinished urgent report");
  return created.code;
}

/** The timer handler (job kind report.safety_net). */
export function safetyNetJobs(deps: EscalationDeps): Record<string, JobHandler> {
  return {
    [JOB_REPORT_SAFETY_NET]: async (payload, ctx) => {
      const conversationId = typeof payload.conversationId === "string" ? payload.conversationId : null;
      const urgentAt = typeof payload.urgentAt === "string" ? payload.urgentAt : null;
      if (!conversationId || !urgentAt) throw new Error("report.safety_net: payload without conversationId/urgentAt");
      await ctx.prisma.$transaction((tx) => fireSafetyNet(tx, deps, ctx.jobId, { conversationId, urgentAt }, ctx.now), { timeout: 30_000, maxWait: 30_000 });
    },
  };
}
