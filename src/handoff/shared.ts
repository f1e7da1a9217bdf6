/**
 * What the hand-off use cases share: their dependencies, the staff check, loading a conversation with its contact,
 * and giving a conversation back to the bot. Every use case runs in ONE transaction with its AuditLog row; messages
 * to the person go through queueReply in that transaction, so they exist exactly when the change does.
 */
import { AppError } from "../errors.js";
import { menuFlow } from "../flows/menu.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { OutboundMessage } from "../messaging/outbound.js";
import type { LocalBus } from "../runtime/local-bus.js";
import { queueReply, type ReplyTarget } from "../runtime/queue-reply.js";
import { hasPermission } from "../staff/permissions.js";

export type Tx = Prisma.TransactionClient;

export interface HandoffDeps {
  prisma: PrismaClient;
  /** Wakes the outbox, the web chat readers and the scheduler after commit (latency only; everything also polls). */
  bus?: Pick<LocalBus, "outboxChanged" | "conversationUpdated" | "jobsChanged">;
  /** HANDOFF_IDLE_MIN: minutes without staff activity before the conversation goes back to the bot. */
  idleMin: number;
}

/** The staff member acting (from the console session). */
export interface StaffActor {
  id: string;
  role: string;
}

export type Locale = "vi" | "en";

export interface LoadedConversation {
  id: string;
  handoff: boolean;
  handoffStaffId: string | null;
  handoffSince: Date | null;
  handoffRequestedAt: Date | null;
  target: ReplyTarget;
  locale: Locale;
}

/** Refuses staff without the hand-off permission (deny by default, whatever the console already checked). */
export function assertCanHandle(staff: StaffActor): void {
  if (!hasPermission(staff, "handoff.reply")) throw new AppError("forbidden", "Bạn không có quyền trò chuyện trực tiếp với người dùng.");
}

/** The conversation with what is needed to message its person, or null. */
export async function loadConversation(tx: Tx, conversationId: string): Promise<LoadedConversation | null> {
  const c = await tx.conversation.findUnique({ where: { id: conversationId }, include: { contact: { select: { id: true, channel: true, channelUserId: true, locale: true } } } });
  if (!c) return null;
  return {
    id: c.id,
    handoff: c.handoff,
    handoffStaffId: c.handoffStaffId,
    handoffSince: c.handoffSince,
    handoffRequestedAt: c.handoffRequestedAt,
    target: { conversationId: c.id, contactId: c.contact.id, channel: c.contact.channel, channelUserId: c.contact.channelUserId },
    locale: c.contact.locale === "en" ? "en" : "vi",
  };
}

/** Like loadConversation, but a missing conversation is a 404. */
export async function requireConversation(tx: Tx, conversationId: string): Promise<LoadedConversation> {
  const c = await loadConversation(tx, conversationId);
  if (!c) throw new AppError("not_found", "Không tìm thấy cuộc trò chuyện.");
  return c;
}

/**
 * Gives the conversation back to the bot: clears the hand-off, puts the person at the main menu (the hand-off
 * flow's "waiting" state must not swallow their next message), tells them, and audits — in the caller's transaction.
 */
export async function releaseConversation(
  tx: Tx,
  conv: LoadedConversation,
  args: { actor: string; action: string; now: Date; messages: OutboundMessage[]; details?: Record<string, string | number | boolean | null> },
): Promise<void> {
  await tx.conversation.update({
    where: { id: conv.id },
    data: {
      handoff: false,
      handoffStaffId: null,
      handoffSince: null,
      handoffRequestedAt: null,
      flow: "menu",
      state: { v: menuFlow.version, s: { greeted: true } },
      version: { increment: 1 },
      updatedAt: args.now,
    },
  });
  // Not a human message: it must respect the plain messaging window (no HUMAN_AGENT tag).
  await queueReply(tx, conv.target, args.messages, { author: "system", purpose: "notification", now: args.now });
  await tx.auditLog.create({ data: { actor: args.actor, action: args.action, entity: "Conversation", entityId: conv.id, details: { previousStaffId: conv.handoffStaffId, ...(args.details ?? {}) } } });
}

/** Post-commit wake-ups. */
export function wake(bus: HandoffDeps["bus"], conversationId: string, jobs = false): void {
  bus?.outboxChanged();
  bus?.conversationUpdated(conversationId);
  if (jobs) bus?.jobsChanged();
}

/** Picks the Vietnamese or English text. */
export function tr(locale: Locale, vi: string, en: string): string {
  return locale === "en" ? en : vi;
}
