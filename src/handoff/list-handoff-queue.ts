/** The console's hand-off queue: who is waiting for a person, and which conversations staff hold now. */
import type { PrismaClient } from "../generated/prisma/client.js";
import { assertCanHandle, type StaffActor } from "./shared.js";

/** A request nobody took yet. No names or message text: the console opens the conversation for those. */
export interface WaitingHandoff {
  conversationId: string;
  channel: string;
  locale: string;
  requestedAt: Date;
  waitingMinutes: number;
  /** Where the person is now ("handoff" while they wait; another flow when they went back to the bot meanwhile). */
  flow: string;
  /** Messages the person wrote since asking. */
  messagesSinceRequest: number;
  lastInboundAt: Date | null;
}

/** A conversation a staff member holds. */
export interface ActiveHandoff {
  conversationId: string;
  channel: string;
  staffId: string | null;
  since: Date | null;
  lastInboundAt: Date | null;
}

interface WaitingRow {
  id: string;
  channel: string;
  locale: string;
  handoffRequestedAt: Date;
  flow: string;
  lastInboundAt: Date | null;
  n: number;
}

/** Requests waiting (oldest first) and the conversations held now (longest held first). */
export async function listHandoffQueue(
  prisma: PrismaClient,
  args: { staff: StaffActor; now: Date; limit?: number },
): Promise<{ waiting: WaitingHandoff[]; active: ActiveHandoff[] }> {
  assertCanHandle(args.staff);
  const limit = Math.min(Math.max(args.limit ?? 100, 1), 500);
  const waiting = await prisma.$queryRawUnsafe<WaitingRow[]>(
    `SELECT v.id, v.channel, c.locale, v."handoffRequestedAt", v.flow, v."lastInboundAt",
            (SELECT count(*)::int FROM "Message" m WHERE m."conversationId" = v.id AND m.direction = 'in' AND m."createdAt" >= v."handoffRequestedAt") AS n
     FROM "Conversation" v JOIN "Contact" c ON c.id = v."contactId"
     WHERE v.handoff = false AND v."handoffRequestedAt" IS NOT NULL
     ORDER BY v."handoffRequestedAt" ASC, v.id ASC LIMIT $1`,
    limit,
  );
  const active = await prisma.conversation.findMany({
    where: { handoff: true },
    orderBy: [{ handoffSince: "asc" }, { id: "asc" }],
    take: limit,
    select: { id: true, channel: true, handoffStaffId: true, handoffSince: true, lastInboundAt: true },
  });
  return {
    waiting: waiting.map((r) => ({
      conversationId: r.id,
      channel: r.channel,
      locale: r.locale,
      requestedAt: r.handoffRequestedAt,
      waitingMinutes: Math.max(0, Math.floor((args.now.getTime() - r.handoffRequestedAt.getTime()) / 60_000)),
      flow: r.flow,
      messagesSinceRequest: r.n,
      lastInboundAt: r.lastInboundAt,
    })),
    active: active.map((a) => ({ conversationId: a.id, channel: a.channel, staffId: a.handoffStaffId, since: a.handoffSince, lastInboundAt: a.lastInboundAt })),
  };
}
