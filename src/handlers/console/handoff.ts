/**
 * The "handoff" console section: the queue of people waiting for a person (oldest first) and the conversations staff
 * hold, one conversation's transcript (decrypted; every read audited), and take over / reply / hand back through the
 * src/handoff use cases (which enforce who holds the conversation; the channel senders enforce Messenger's
 * HUMAN_AGENT tag and Zalo's window). /console/api/handoff/<id>/messages feeds the transcript refresh script.
 */
import type { Request, Response } from "express";
import { z } from "zod";
import { AppError, ERROR_STATUS } from "../../errors.js";
import { handBackConversation, listHandoffQueue, MAX_STAFF_REPLY_CHARS, sendStaffReply, takeOverConversation, type HandoffDeps } from "../../handoff/index.js";
import { consoleContext, currentSession, currentStaff } from "./context.js";
import { authorLabel, loadTranscript, staffIdsOf } from "./handoff-data.js";
import { staffNames } from "./cases-data.js";
import { audit } from "./middleware.js";
import { renderPage } from "./render.js";
import type { ConsoleSectionSpec } from "./router.js";
import { formatTime } from "./views/layout.js";
import { conversationBody, HANDOFF_FLASH_OK, handoffQueueBody, type ConversationView } from "./views/handoff.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ReplyForm = z.object({ text: z.string().max(MAX_STAFF_REPLY_CHARS * 2) });
const AfterQuery = z.object({ after: z.string().regex(/^\d{1,19}$/).default("0") });
const OkQuery = z.object({ ok: z.string().max(16).optional() });

function flashOf(req: Request): string | undefined {
  const q = OkQuery.safeParse(req.query);
  return q.success && q.data.ok && HANDOFF_FLASH_OK[q.data.ok] ? q.data.ok : undefined;
}

async function loadConversationView(req: Request): Promise<ConversationView> {
  const id = String(req.params.id ?? "");
  const conv = UUID.test(id)
    ? await consoleContext(req).prisma.conversation.findUnique({
        where: { id },
        select: { id: true, channel: true, handoff: true, handoffStaffId: true, handoffRequestedAt: true, handoffSince: true, lastInboundAt: true, contact: { select: { locale: true } } },
      })
    : null;
  if (!conv) throw new AppError("not_found", "Không tìm thấy");
  return { id: conv.id, channel: conv.channel, handoff: conv.handoff, handoffStaffId: conv.handoffStaffId, handoffRequestedAt: conv.handoffRequestedAt, handoffSince: conv.handoffSince, lastInboundAt: conv.lastInboundAt, locale: conv.contact.locale };
}

async function showQueue(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const staff = currentStaff(req);
  const q = await listHandoffQueue(ctx.prisma, { staff, now: ctx.now() });
  const names = await staffNames(ctx.prisma, q.active.map((a) => a.staffId));
  await audit(req, "handoff.list", "Conversation", null, { waiting: q.waiting.length, active: q.active.length });
  renderPage(req, res, { title: "Hàng đợi hỗ trợ", current: "handoff", body: handoffQueueBody({ ...q, names, meId: staff.id, flash: flashOf(req) }) });
}

async function showConversation(req: Request, res: Response, problem?: { status: number; message: string }): Promise<void> {
  const ctx = consoleContext(req);
  const staff = currentStaff(req);
  const conv = await loadConversationView(req);
  const lines = await loadTranscript(ctx.prisma, conv.id, { limit: 200 });
  const names = await staffNames(ctx.prisma, [...staffIdsOf(lines.map((l) => l.author)), conv.handoffStaffId]);
  await audit(req, "handoff.view_transcript", "Conversation", conv.id, { messages: lines.length, lastMessageId: lines[lines.length - 1]?.id ?? null });
  renderPage(req, res, {
    status: problem?.status,
    title: "Cuộc trò chuyện",
    current: "handoff",
    body: conversationBody({ conv, lines, names, meId: staff.id, csrfToken: currentSession(req).csrfToken, maxChars: MAX_STAFF_REPLY_CHARS, flash: problem ? undefined : flashOf(req), error: problem?.message, now: ctx.now() }),
  });
}

/** Runs a use case; an expected refusal (conflict, bad input) re-renders the conversation with the reason. */
function act(run: (req: Request, conversationId: string) => Promise<string>) {
  return async (req: Request, res: Response): Promise<void> => {
    const conv = await loadConversationView(req);
    let target: string;
    try {
      target = await run(req, conv.id);
    } catch (err) {
      if (err instanceof AppError && (err.code === "conflict" || err.code === "bad_request")) {
        await showConversation(req, res, { status: ERROR_STATUS[err.code], message: err.publicMessage });
        return;
      }
      throw err;
    }
    res.redirect(303, target);
  };
}

async function messagesSince(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const conv = await loadConversationView(req);
  const q = AfterQuery.safeParse(req.query);
  if (!q.success) throw new AppError("bad_request", "Tham số không hợp lệ.");
  const lines = await loadTranscript(ctx.prisma, conv.id, { after: BigInt(q.data.after), limit: 100 });
  // Polling with nothing new shows nothing; a poll that reveals messages is a view like any other.
  if (lines.length > 0) await audit(req, "handoff.view_transcript", "Conversation", conv.id, { messages: lines.length, after: q.data.after, via: "refresh" });
  const names = await staffNames(ctx.prisma, staffIdsOf(lines.map((l) => l.author)));
  res.json({
    handoff: conv.handoff,
    heldByMe: conv.handoff && conv.handoffStaffId === currentStaff(req).id,
    messages: lines.map((l) => ({ id: l.id, direction: l.direction, author: authorLabel(l.author, names), at: l.at.toISOString(), atText: formatTime(l.at), status: l.status, text: l.text })),
  });
}

/** The hand-off section spec for registerConsoleSection (deps: database, bus wake-ups, idle timeout). */
export function handoffSection(deps: HandoffDeps): ConsoleSectionSpec {
  return {
    id: "handoff",
    routes: ({ pages, api }) => {
      pages.get("/", showQueue);
      pages.get("/:id", (req, res) => showConversation(req, res));
      pages.post(
        "/:id/take",
        act(async (req, id) => {
          await takeOverConversation(deps, { conversationId: id, staff: currentStaff(req), now: consoleContext(req).now() });
          return `/console/handoff/${id}?ok=take`;
        }),
      );
      pages.post(
        "/:id/reply",
        act(async (req, id) => {
          const f = ReplyForm.safeParse(req.body);
          if (!f.success) throw new AppError("bad_request", "Tin nhắn không hợp lệ.");
          await sendStaffReply(deps, { conversationId: id, staff: currentStaff(req), text: f.data.text, now: consoleContext(req).now() });
          return `/console/handoff/${id}?ok=reply`;
        }),
      );
      pages.post(
        "/:id/hand-back",
        act(async (req, id) => {
          await handBackConversation(deps, { conversationId: id, staff: currentStaff(req), now: consoleContext(req).now() });
          return `/console/handoff?ok=back`;
        }),
      );
      api.get("/:id/messages", messagesSince);
    },
  };
}
