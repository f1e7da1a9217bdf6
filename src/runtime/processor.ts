/**
 * The conversation runtime: claims inbox events (at most one per conversation at a time, many conversations per
 * batch), runs each through triage and its flow, and writes everything that follows — message log, new state,
 * domain records, outbox rows, audit rows, inbox status — in ONE transaction per batch.
 *
 * Crash safety: a claim is a lease. A worker killed before its write transaction commits leaves nothing behind
 * except the lease, which expires; the next worker processes the events again from the same saved state, so no
 * acknowledged message is lost and no reply is written twice. The write transaction refuses to commit if the lease
 * was taken over meanwhile.
 */
import { randomUUID } from "node:crypto";
import { decryptJson, encryptJson } from "../crypto/index.js";
import type { FlowPorts } from "../flows/ports.js";
import type { FlowRegistry } from "../flows/registry.js";
import type { FlowInput } from "../flows/types.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log.js";
import { InboundEvent, type InboundMessage } from "../messaging/inbound.js";
import type { OutboundMessage } from "../messaging/outbound.js";
import { triage } from "../safety/index.js";
import { matchKey } from "../text/index.js";
import type { Clock } from "./clock.js";
import { stepConversation, type StepOutcome } from "./conversation-step.js";
import { applyEffects, substituteRefs, type BatchEffectHandlers, type EffectContext, type EffectHandlers } from "./effects.js";
import type { Effect } from "../flows/effects.js";
import type { LocalBus } from "./local-bus.js";
import type { RuntimeMetrics } from "./metrics.js";

export interface ProcessorDeps {
  prisma: PrismaClient;
  bus: LocalBus;
  registry: FlowRegistry;
  ports: FlowPorts;
  effects: EffectHandlers;
  /** Handlers that apply one effect type for a whole batch (see effects.ts). */
  batchEffects?: (tx: Prisma.TransactionClient) => BatchEffectHandlers;
  metrics: RuntimeMetrics;
  clock: Clock;
  logger: Logger;
  /** Channels whose replies are delivered by the database itself (the web chat reads them): no outbox. */
  dbDeliveredChannels: ReadonlySet<string>;
  leaseMs?: number;
  batchSize?: number;
  /** Attempts after which an event is given up (the person is told, the event marked failed). */
  maxAttempts?: number;
  /** Batch loops run side by side (claims never overlap); 1 on PGlite, which has one connection. */
  concurrency?: number;
}

interface ClaimedRow {
  id: bigint;
  channel: string;
  externalId: string;
  conversationKey: string;
  kind: string;
  payload: { enc: string };
  receivedAt: Date;
  attempts: number;
}

interface ConvRow {
  contactId: string;
  channel: string;
  channelUserId: string;
  locale: string;
  blocked: boolean;
  conversationId: string | null;
  flow: string | null;
  state: unknown;
  handoff: boolean | null;
  version: number | null;
}

interface Work {
  row: ClaimedRow;
  event: InboundEvent | null;
  conv?: ConvRow;
  outcome?: StepOutcome;
  inbound?: InboundMessage;
  error?: string;
}

const APOLOGY_VI =
  "Xin lỗi, hệ thống chưa xử lý được tin nhắn vừa rồi. Bạn có thể gửi lại sau ít phút. Nếu trẻ đang gặp nguy hiểm, hãy gọi ngay 113 (công an), 115 (cấp cứu) hoặc 111 (bảo vệ trẻ em).";

const ids = (rows: { id: bigint }[]) => rows.map((r) => r.id.toString());

/** Creates the processor; `runOnce` handles one batch, `start` loops until `stop`. */
export function createProcessor(deps: ProcessorDeps) {
  const leaseMs = deps.leaseMs ?? 60_000;
  const batchSize = deps.batchSize ?? 200;
  const maxAttempts = deps.maxAttempts ?? 5;
  const log = deps.logger.child({ component: "processor" });
  let running = false;
  let loops: Promise<void>[] = [];

  async function claim(token: string): Promise<ClaimedRow[]> {
    const now = deps.clock.now();
    return deps.prisma.$queryRawUnsafe<ClaimedRow[]>(
      `WITH c AS (
         SELECT i.id FROM "InboxEvent" i
         WHERE (i.status = 'pending' OR (i.status = 'processing' AND i."lockedUntil" < $3))
           AND NOT EXISTS (SELECT 1 FROM "InboxEvent" p WHERE p."conversationKey" = i."conversationKey" AND p.id < i.id AND p.status IN ('pending', 'processing'))
         ORDER BY i.id LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE "InboxEvent" e SET status = 'processing', "claimToken" = $2, "lockedUntil" = $4, attempts = e.attempts + 1
       FROM c WHERE e.id = c.id
       RETURNING e.id, e.channel, e."externalId", e."conversationKey", e.kind, e.payload, e."receivedAt", e.attempts`,
      batchSize,
      token,
      now,
      new Date(now.getTime() + leaseMs),
    );
  }

  async function loadConversations(events: InboundEvent[]): Promise<Map<string, ConvRow>> {
    const pairs = new Map<string, { channel: string; userId: string }>();
    for (const e of events) pairs.set(`${e.channel}:${e.userId}`, { channel: e.channel, userId: e.userId });
    if (pairs.size === 0) return new Map();
    const ch = [...pairs.values()].map((p) => p.channel);
    const uid = [...pairs.values()].map((p) => p.userId);
    const select = () =>
      deps.prisma.$queryRawUnsafe<ConvRow[]>(
        `SELECT c.id AS "contactId", c.channel, c."channelUserId", c.locale, c.blocked,
                v.id AS "conversationId", v.flow, v.state, v.handoff, v.version
         FROM "Contact" c LEFT JOIN "Conversation" v ON v."contactId" = c.id
         WHERE (c.channel, c."channelUserId") IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        ch,
        uid,
      );
    let rows = await select();
    if (rows.length < pairs.size || rows.some((r) => r.conversationId === null)) {
      await deps.prisma.$executeRawUnsafe(
        `INSERT INTO "Contact" (id, channel, "channelUserId") SELECT gen_random_uuid()::text, c, u FROM unnest($1::text[], $2::text[]) AS t(c, u)
         ON CONFLICT (channel, "channelUserId") DO NOTHING`,
        ch,
        uid,
      );
      await deps.prisma.$executeRawUnsafe(
        `INSERT INTO "Conversation" (id, "contactId", channel, "updatedAt")
         SELECT gen_random_uuid()::text, c.id, c.channel, now() FROM "Contact" c
         WHERE (c.channel, c."channelUserId") IN (SELECT * FROM unnest($1::text[], $2::text[]))
         ON CONFLICT ("contactId") DO NOTHING`,
        ch,
        uid,
      );
      rows = await select();
    }
    return new Map(rows.map((r) => [`${r.channel}:${r.channelUserId}`, r]));
  }

  async function compute(w: Work): Promise<void> {
    const e = w.event;
    if (!e || e.kind !== "message" || !w.conv) return;
    w.inbound = e;
    const c = w.conv;
    const locale = c.locale === "en" ? "en" : "vi";
    const text = e.text ?? "";
    const input: FlowInput = {
      text,
      key: matchKey(text),
      payload: e.payload,
      location: e.location,
      attachments: e.attachments ?? [],
      triage: text ? triage(text) : { level: "none", category: null, rules: [], guidanceHint: false },
    };
    const ctx = { now: deps.clock.now(), channel: e.channel, locale, contactId: c.contactId, ports: deps.ports } as const;
    if (w.row.attempts > maxAttempts) {
      w.error = "gave up after repeated failures";
      w.outcome = { flow: (c.flow ?? "menu") as StepOutcome["flow"], state: c.state as StepOutcome["state"], replies: [{ kind: "text", text: APOLOGY_VI }], effects: [] };
      return;
    }
    try {
      w.outcome = await stepConversation(
        { flow: c.flow ?? "menu", state: c.state, handoff: c.handoff ?? false, isNew: (c.version ?? 0) === 0 },
        input,
        ctx,
        deps.registry,
      );
    } catch (err) {
      // A bug in a flow must not swallow the message: the person is told, safety numbers included, and we log it.
      log.error({ err: (err as Error).message, inboxId: w.row.id.toString() }, "flow step failed");
      w.error = `flow error: ${(err as Error).message}`.slice(0, 500);
      w.outcome = { flow: "menu", state: { v: 1, s: { greeted: true } }, replies: [{ kind: "text", text: APOLOGY_VI }], effects: [] };
    }
  }

  async function write(tx: Prisma.TransactionClient, token: string, work: Work[]): Promise<void> {
    const now = deps.clock.now();
    const inMsgs: { conv: string; channel: string; ext: string; kind: string; body: Buffer; at: Date }[] = [];
    const outMsgs: { conv: ConvRow; msg: OutboundMessage; at: Date }[] = [];
    const convUpdates: { id: string; flow: string; state: string; at: Date }[] = [];
    const contactsSeen = new Set<string>();
    const batchable = deps.batchEffects?.(tx) ?? {};
    const deferred = new Map<string, { effect: Effect; ctx: EffectContext }[]>();

    for (const w of work) {
      const e = w.event;
      if (!e) continue;
      if (e.kind === "message" && w.conv?.conversationId && w.outcome) {
        const c = w.conv;
        inMsgs.push({ conv: c.conversationId!, channel: e.channel, ext: `in:${e.externalId}`, kind: "message", body: encryptJson({ text: e.text, payload: e.payload, location: e.location, attachments: e.attachments }), at: w.row.receivedAt });
        let replies = w.outcome.replies;
        if (w.outcome.effects.length > 0) {
          const ectx: EffectContext = { tx, contactId: c.contactId, conversationId: c.conversationId!, channel: c.channel, channelUserId: c.channelUserId, now };
          const single = w.outcome.effects.filter((ef) => {
            if (!batchable[ef.type]) return true;
            deferred.set(ef.type, [...(deferred.get(ef.type) ?? []), { effect: ef, ctx: ectx }]);
            return false;
          });
          const applied = await applyEffects(deps.effects, single, ectx);
          replies = [...replies, ...applied.replies].map((m) => substituteRefs(m, applied.refs));
        }
        for (const m of replies) outMsgs.push({ conv: c, msg: m, at: now });
        convUpdates.push({ id: c.conversationId!, flow: w.outcome.flow, state: JSON.stringify(w.outcome.state), at: e.occurredAt });
        contactsSeen.add(c.contactId);
      } else if (e.kind === "receipt") {
        await applyReceipt(tx, e);
      } else if (e.kind === "reachability" && w.conv) {
        await tx.$executeRawUnsafe(`UPDATE "Contact" SET blocked = $2, "blockedAt" = $3 WHERE id = $1`, w.conv.contactId, e.blocked, e.blocked ? now : null);
        if (e.blocked) {
          await tx.$executeRawUnsafe(`UPDATE "OutboxItem" SET status = 'dead', "lastError" = 'recipient blocked the bot' WHERE "contactId" = $1 AND status IN ('pending', 'held')`, w.conv.contactId);
        }
      } else if (e.kind === "human_takeover" && w.conv?.conversationId) {
        await tx.$executeRawUnsafe(
          `UPDATE "Conversation" SET handoff = $2, "handoffStaffId" = $3, "handoffSince" = $4, "updatedAt" = $4 WHERE id = $1`,
          w.conv.conversationId,
          e.active,
          e.active ? `platform:${e.channel}` : null,
          now,
        );
        await tx.auditLog.create({ data: { actor: `platform:${e.channel}`, action: e.active ? "handoff.platform_takeover" : "handoff.platform_release", entity: "Conversation", entityId: w.conv.conversationId } });
      }
    }

    for (const [type, items] of deferred) await (batchable[type as Effect["type"]] as (i: typeof items) => Promise<void>)(items);
    if (inMsgs.length > 0) {
      await tx.$executeRawUnsafe(
        `INSERT INTO "Message" ("conversationId", channel, direction, "externalId", kind, "bodyEnc", status, author, "createdAt")
         SELECT c, ch, 'in', x, k, b, 'received', 'person', t FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::timestamptz[]) AS u(c, ch, x, k, b, t)
         ON CONFLICT (channel, "externalId") DO NOTHING`,
        inMsgs.map((m) => m.conv),
        inMsgs.map((m) => m.channel),
        inMsgs.map((m) => m.ext),
        inMsgs.map((m) => m.kind),
        inMsgs.map((m) => m.body),
        inMsgs.map((m) => m.at),
      );
    }
    if (outMsgs.length > 0) {
      const idRows = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT nextval(pg_get_serial_sequence('"Message"', 'id'))::text AS id FROM generate_series(1, $1)`, outMsgs.length);
      const msgIds = idRows.map((r) => r.id);
      const bodies = outMsgs.map((m) => encryptJson(m.msg));
      const dbDelivered = outMsgs.map((m) => deps.dbDeliveredChannels.has(m.conv.channel));
      await tx.$executeRawUnsafe(
        `INSERT INTO "Message" (id, "conversationId", channel, direction, kind, "bodyEnc", status, author, "createdAt", "sentAt")
         SELECT i, c, ch, 'out', k, b, CASE WHEN d THEN 'sent' ELSE 'queued' END, 'bot', t, CASE WHEN d THEN t END
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::bool[], $7::timestamptz[]) AS u(i, c, ch, k, b, d, t)`,
        msgIds,
        outMsgs.map((m) => m.conv.conversationId!),
        outMsgs.map((m) => m.conv.channel),
        outMsgs.map((m) => m.msg.kind),
        bodies,
        dbDelivered,
        outMsgs.map((m, i) => new Date(m.at.getTime() + i)), // keeps reply order stable
      );
      const queued = outMsgs.map((m, i) => ({ m, i })).filter(({ i }) => !dbDelivered[i]);
      if (queued.length > 0) {
        await tx.$executeRawUnsafe(
          `INSERT INTO "OutboxItem" (channel, recipient, "contactId", "messageId", purpose, "payloadEnc", "nextAttemptAt", "createdAt")
           SELECT ch, r, c, m, 'response', p, t, t FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bytea[], $6::timestamptz[]) AS u(ch, r, c, m, p, t)`,
          queued.map(({ m }) => m.conv.channel),
          queued.map(({ m }) => m.conv.channelUserId),
          queued.map(({ m }) => m.conv.contactId),
          queued.map(({ i }) => msgIds[i]!),
          queued.map(({ i }) => bodies[i]!),
          queued.map(({ m, i }) => new Date(m.at.getTime() + i)),
        );
      }
    }
    if (convUpdates.length > 0) {
      await tx.$executeRawUnsafe(
        `UPDATE "Conversation" v SET flow = u.f, state = u.s, version = v.version + 1, "lastInboundAt" = GREATEST(COALESCE(v."lastInboundAt", u.t), u.t), "updatedAt" = now()
         FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[]) AS u(id, f, s, t) WHERE v.id = u.id`,
        convUpdates.map((u) => u.id),
        convUpdates.map((u) => u.flow),
        convUpdates.map((u) => u.state),
        convUpdates.map((u) => u.at),
      );
    }
    if (contactsSeen.size > 0) {
      const cids = [...contactsSeen];
      // Writing to us again lifts a block and releases messages held for the messaging window.
      await tx.$executeRawUnsafe(`UPDATE "Contact" SET "lastInboundAt" = $2, blocked = false, "blockedAt" = NULL WHERE id = ANY($1::text[])`, cids, now);
      await tx.$executeRawUnsafe(`UPDATE "OutboxItem" SET status = 'pending', "nextAttemptAt" = $2 WHERE "contactId" = ANY($1::text[]) AND status = 'held'`, cids, now);
    }
    const failed = work.filter((w) => w.error);
    const okIds = ids(work.filter((w) => !w.error).map((w) => w.row));
    const done = await tx.$executeRawUnsafe(
      `UPDATE "InboxEvent" SET status = 'done', "processedAt" = $3, "claimToken" = NULL, "lockedUntil" = NULL WHERE id = ANY($1::bigint[]) AND "claimToken" = $2`,
      okIds,
      token,
      now,
    );
    let failedCount = 0;
    for (const w of failed) {
      failedCount += await tx.$executeRawUnsafe(
        `UPDATE "InboxEvent" SET status = 'failed', error = $3, "processedAt" = $4, "claimToken" = NULL, "lockedUntil" = NULL WHERE id = $1::bigint AND "claimToken" = $2`,
        w.row.id.toString(),
        token,
        w.error,
        now,
      );
    }
    if (done + failedCount !== work.length) throw new Error("inbox lease was lost; another worker owns these events now");
  }

  async function applyReceipt(tx: Prisma.TransactionClient, e: Extract<InboundEvent, { kind: "receipt" }>): Promise<void> {
    const col = e.status === "read" ? `"readAt"` : `"deliveredAt"`;
    const next = e.status;
    const allowed = e.status === "read" ? `('sent', 'delivered')` : `('sent')`;
    if (e.messageIds.length > 0) {
      await tx.$executeRawUnsafe(
        `UPDATE "Message" SET status = $3, ${col} = COALESCE(${col}, $4) WHERE channel = $1 AND "externalId" = ANY($2::text[]) AND status IN ${allowed}`,
        e.channel,
        e.messageIds.map((m) => `out:${m}`),
        next,
        e.occurredAt,
      );
    }
    if (e.watermark) {
      await tx.$executeRawUnsafe(
        `UPDATE "Message" m SET status = $3, ${col} = COALESCE(m.${col}, $4)
         FROM "Conversation" v JOIN "Contact" c ON c.id = v."contactId"
         WHERE m."conversationId" = v.id AND c.channel = $1 AND c."channelUserId" = $2 AND m.direction = 'out' AND m."sentAt" <= $5 AND m.status IN ${allowed}`,
        e.channel,
        e.userId,
        next,
        e.occurredAt,
        e.watermark,
      );
    }
  }

  /** Processes one batch; returns how many events it handled. */
  async function runOnce(): Promise<number> {
    const token = randomUUID();
    const rows = await claim(token);
    if (rows.length === 0) return 0;
    const work: Work[] = rows.map((row) => {
      try {
        return { row, event: InboundEvent.parse(decryptJson(Buffer.from(row.payload.enc, "base64"))) };
      } catch (err) {
        return { row, event: null, error: `unreadable event: ${(err as Error).message}`.slice(0, 300) };
      }
    });
    const convs = await loadConversations(work.flatMap((w) => (w.event ? [w.event] : [])));
    for (const w of work) if (w.event) w.conv = convs.get(`${w.event.channel}:${w.event.userId}`);
    await Promise.all(work.map((w) => compute(w)));
    try {
      await deps.prisma.$transaction((tx) => write(tx, token, work), { timeout: 60_000, maxWait: 30_000 });
    } catch (err) {
      if (work.length === 1) throw err;
      // One bad event must not hold up the others: write them one by one; failures stay claimed and are retried
      // after the lease (and given up, with an apology to the person, after maxAttempts).
      log.warn({ err: (err as Error).message, size: work.length }, "batch write failed; writing events one by one");
      for (const w of work) {
        try {
          await deps.prisma.$transaction((tx) => write(tx, token, [w]), { timeout: 60_000, maxWait: 30_000 });
        } catch (e) {
          log.error({ err: (e as Error).message, inboxId: w.row.id.toString() }, "event write failed; will retry after the lease");
          w.inbound = undefined;
          w.conv = undefined;
        }
      }
    }
    for (const w of work) {
      if (w.inbound) deps.metrics.replyQueued.record(Date.now() - w.row.receivedAt.getTime());
      if (w.conv?.conversationId) deps.bus.conversationUpdated(w.conv.conversationId);
    }
    deps.metrics.processed += work.length;
    deps.metrics.failed += work.filter((w) => w.error).length;
    deps.bus.outboxChanged();
    deps.bus.jobsChanged();
    return rows.length;
  }

  return {
    runOnce,
    /** Starts the loop (polls when idle, woken early by new inbox rows). */
    start(): void {
      if (running) return;
      running = true;
      loops = Array.from({ length: Math.max(1, deps.concurrency ?? 1) }, () => (async () => {
        let backoff = 0;
        while (running) {
          try {
            const n = await runOnce();
            backoff = 0;
            if (n === 0) await deps.bus.waitFor("inbox", 200);
          } catch (err) {
            backoff = Math.min(5_000, backoff ? backoff * 2 : 100);
            log.error({ err: (err as Error).message }, "processor batch failed; retrying");
            await new Promise((r) => setTimeout(r, backoff));
          }
        }
      })());
    },
    async stop(): Promise<void> {
      running = false;
      deps.bus.inboxChanged();
      await Promise.all(loops);
    },
  };
}

export type Processor = ReturnType<typeof createProcessor>;
