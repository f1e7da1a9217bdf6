/**
 * Queues a message to a person outside the normal reply path (staff replies, timeouts, tips, alerts):
 * logs it in Message and, for channels not delivered by the database, adds an outbox row — in the caller's transaction.
 */
import { encryptJson } from "../crypto/index.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { OutboundMessage } from "../messaging/outbound.js";

/** Channels whose messages are read from the database by the client (web chat, terminal chat). */
export const DB_DELIVERED_CHANNELS: ReadonlySet<string> = new Set(["webchat", "terminal"]);

export interface ReplyTarget {
  conversationId: string;
  contactId: string;
  channel: string;
  channelUserId: string;
}

/** Logs and queues messages to one person; returns the Message ids. */
export async function queueReply(
  tx: Prisma.TransactionClient,
  to: ReplyTarget,
  messages: OutboundMessage[],
  opts: { author: string; purpose: "response" | "human_agent" | "notification"; now: Date },
): Promise<bigint[]> {
  const out: bigint[] = [];
  const viaDb = DB_DELIVERED_CHANNELS.has(to.channel);
  let i = 0;
  for (const m of messages) {
    const at = new Date(opts.now.getTime() + i++);
    const body = encryptJson(m);
    const msg = await tx.message.create({
      data: {
        conversationId: to.conversationId,
        channel: to.channel,
        direction: "out",
        kind: m.kind,
        bodyEnc: body,
        status: viaDb ? "sent" : "queued",
        author: opts.author,
        createdAt: at,
        sentAt: viaDb ? at : null,
      },
      select: { id: true },
    });
    out.push(msg.id);
    if (!viaDb) {
      await tx.outboxItem.create({
        data: { channel: to.channel, recipient: to.channelUserId, contactId: to.contactId, messageId: msg.id, purpose: opts.purpose, payloadEnc: body, nextAttemptAt: at, createdAt: at },
      });
    }
  }
  return out;
}

/** Queues a notification to a staff member's chat account (no conversation log; the caller records it on the case). */
export async function queueNotification(tx: Prisma.TransactionClient, to: { channel: string; userId: string }, message: OutboundMessage, now: Date): Promise<bigint> {
  const row = await tx.outboxItem.create({
    data: { channel: to.channel, recipient: to.userId, purpose: "notification", payloadEnc: encryptJson(message), nextAttemptAt: now, createdAt: now },
    select: { id: true },
  });
  return row.id;
}
