/**
 * The outbox dispatcher: hands queued messages to the channel senders, one message at a time per recipient
 * (order matters in a chat), many recipients in parallel. Retries with exponential backoff on temporary errors,
 * holds messages that fall outside a messaging window until the person writes again, and dead-letters with the
 * reason after the last try or on a permanent error. A blocked recipient is never messaged.
 */
import { randomUUID } from "node:crypto";
import { decryptJson } from "../crypto/index.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log.js";
import { OutboundMessage, type ChannelSender, type SendResult } from "../messaging/outbound.js";
import type { Clock } from "./clock.js";
import type { LocalBus } from "./local-bus.js";
import type { RuntimeMetrics } from "./metrics.js";

export interface OutboxDeps {
  prisma: PrismaClient;
  senders: ReadonlyMap<string, ChannelSender>;
  bus: LocalBus;
  clock: Clock;
  logger: Logger;
  metrics: RuntimeMetrics;
  maxAttempts?: number;
  leaseMs?: number;
  batchSize?: number;
  /** Base of the exponential backoff. */
  backoffMs?: number;
}

interface Claimed {
  id: bigint;
  channel: string;
  recipient: string;
  contactId: string | null;
  messageId: bigint | null;
  purpose: string;
  payloadEnc: Uint8Array;
  attempts: number;
  lastInboundAt: Date | null;
  blocked: boolean | null;
}

/** Backoff before the next attempt: base × 2^(attempt-1), capped at 30 minutes, with ±20 % jitter. */
export function backoffDelay(attempt: number, baseMs: number): number {
  const raw = Math.min(30 * 60_000, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

/** Creates the dispatcher; `runOnce` sends one batch, `start` loops until `stop`. */
export function createOutbox(deps: OutboxDeps) {
  const maxAttempts = deps.maxAttempts ?? 8;
  const leaseMs = deps.leaseMs ?? 120_000;
  const batchSize = deps.batchSize ?? 50;
  const baseMs = deps.backoffMs ?? 2_000;
  const log = deps.logger.child({ component: "outbox" });
  let running = false;
  let loop: Promise<void> | null = null;

  async function claim(token: string): Promise<Claimed[]> {
    const now = deps.clock.now();
    const channels = [...deps.senders.keys()];
    if (channels.length === 0) return [];
    return deps.prisma.$queryRawUnsafe<Claimed[]>(
      `WITH c AS (
         SELECT o.id FROM "OutboxItem" o
         WHERE o.channel = ANY($5::text[])
           AND ((o.status = 'pending' AND o."nextAttemptAt" <= $3) OR (o.status = 'sending' AND o."lockedUntil" < $3))
           AND NOT EXISTS (SELECT 1 FROM "OutboxItem" p WHERE p.channel = o.channel AND p.recipient = o.recipient AND p.id < o.id AND p.status IN ('pending', 'sending'))
         ORDER BY o.id LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE "OutboxItem" x SET status = 'sending', "lockedUntil" = $4, attempts = x.attempts + 1, "lastError" = $2
       FROM c WHERE x.id = c.id
       RETURNING x.id, x.channel, x.recipient, x."contactId", x."messageId", x.purpose, x."payloadEnc", x.attempts,
         (SELECT k."lastInboundAt" FROM "Contact" k WHERE k.id = x."contactId") AS "lastInboundAt",
         (SELECT k.blocked FROM "Contact" k WHERE k.id = x."contactId") AS blocked`,
      batchSize,
      `claim:${token}`,
      now,
      new Date(now.getTime() + leaseMs),
      channels,
    );
  }

  async function settle(item: Claimed, result: SendResult): Promise<void> {
    const now = deps.clock.now();
    const id = item.id.toString();
    const msgId = item.messageId?.toString() ?? null;
    if (result.ok) {
      deps.metrics.sent++;
      await deps.prisma.$transaction([
        deps.prisma.$executeRawUnsafe(`UPDATE "OutboxItem" SET status = 'sent', "sentAt" = $2, "lockedUntil" = NULL, "lastError" = NULL WHERE id = $1::bigint`, id, now),
        ...(msgId
          ? [
              deps.prisma.$executeRawUnsafe(
                `UPDATE "Message" SET status = 'sent', "sentAt" = $2, "externalId" = COALESCE("externalId", $3) WHERE id = $1::bigint`,
                msgId,
                now,
                result.platformMessageIds[0] ? `out:${result.platformMessageIds[0]}` : null,
              ),
            ]
          : []),
      ]);
      return;
    }
    if (result.retryable && item.attempts < maxAttempts) {
      const delay = Math.max(result.retryAfterMs ?? 0, backoffDelay(item.attempts, baseMs));
      await deps.prisma.$executeRawUnsafe(
        `UPDATE "OutboxItem" SET status = 'pending', "nextAttemptAt" = $2, "lockedUntil" = NULL, "lastError" = $3 WHERE id = $1::bigint`,
        id,
        new Date(now.getTime() + delay),
        result.reason.slice(0, 500),
      );
      return;
    }
    const held = !result.retryable && result.outsideWindow === true;
    const status = held ? "held" : "dead";
    const reason = result.retryable ? `gave up after ${item.attempts} attempts: ${result.reason}` : result.reason;
    if (!held) deps.metrics.dead++;
    log.warn({ outboxId: id, channel: item.channel, status, reason: reason.slice(0, 200) }, held ? "message held for the messaging window" : "message dead-lettered");
    await deps.prisma.$transaction([
      deps.prisma.$executeRawUnsafe(`UPDATE "OutboxItem" SET status = $2, "lockedUntil" = NULL, "lastError" = $3 WHERE id = $1::bigint`, id, status, reason.slice(0, 500)),
      ...(msgId ? [deps.prisma.$executeRawUnsafe(`UPDATE "Message" SET status = $2, error = $3 WHERE id = $1::bigint`, msgId, held ? "held" : "failed", reason.slice(0, 500))] : []),
      ...(!result.retryable && result.blocked && item.contactId
        ? [deps.prisma.$executeRawUnsafe(`UPDATE "Contact" SET blocked = true, "blockedAt" = $2 WHERE id = $1`, item.contactId, now)]
        : []),
    ]);
  }

  async function sendOne(item: Claimed): Promise<void> {
    const sender = deps.senders.get(item.channel);
    let result: SendResult;
    if (!sender) result = { ok: false, retryable: false, reason: `channel ${item.channel} is not configured` };
    else if (item.blocked) result = { ok: false, retryable: false, reason: "recipient blocked the bot", blocked: true };
    else {
      const parsed = OutboundMessage.safeParse(decryptJson(item.payloadEnc));
      if (!parsed.success) result = { ok: false, retryable: false, reason: "unreadable outbound message" };
      else {
        try {
          result = await sender.send(
            { userId: item.recipient, lastInboundAt: item.lastInboundAt, purpose: item.purpose as "response" | "human_agent" | "notification" },
            parsed.data,
          );
        } catch (err) {
          // A sender should return values; an exception is treated as a temporary failure and logged as a bug.
          log.error({ err: (err as Error).message, channel: item.channel }, "sender threw");
          result = { ok: false, retryable: true, reason: `sender error: ${(err as Error).message}` };
        }
      }
    }
    await settle(item, result);
  }

  /** Sends one batch; returns how many items it handled. */
  async function runOnce(): Promise<number> {
    const items = await claim(randomUUID());
    await Promise.all(items.map((i) => sendOne(i)));
    return items.length;
  }

  return {
    runOnce,
    start(): void {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          try {
            const n = await runOnce();
            if (n === 0) await deps.bus.waitFor("outbox", 500);
          } catch (err) {
            log.error({ err: (err as Error).message }, "outbox batch failed; retrying");
            await new Promise((r) => setTimeout(r, 1_000));
          }
        }
      })();
    },
    async stop(): Promise<void> {
      running = false;
      deps.bus.outboxChanged();
      await loop;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
