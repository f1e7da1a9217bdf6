/**
 * The durable inbox. Webhooks and the web chat API call `ingest`, which resolves only once the events are
 * committed; only then is the platform answered 200. (channel, externalId) is unique, so a platform's retry of
 * the same event is dropped here and never processed twice.
 */
import { encryptJson } from "../crypto/index.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { InboundEvent } from "../messaging/inbound.js";
import { GroupCommitter } from "./group-commit.js";
import type { LocalBus } from "./local-bus.js";

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

export type Ingest = (events: InboundEvent[]) => Promise<IngestResult>;

/** Key under which one person's events are processed in order. */
export function conversationKey(channel: string, userId: string): string {
  return `${channel}:${userId}`;
}

interface Row {
  channel: string;
  externalId: string;
  key: string;
  kind: string;
  payload: string;
  receivedAt: Date;
}

/** Creates the group-committing ingest function. */
export function createInbox(prisma: PrismaClient, bus: LocalBus, opts: { maxBatch?: number; concurrency?: number } = {}): Ingest {
  const committer = new GroupCommitter<Row, boolean>(
    async (rows) => {
      // Duplicates inside one batch: keep the first, report the rest as duplicates.
      const seen = new Set<string>();
      const unique = rows.filter((r) => {
        const k = `${r.channel}\u0000${r.externalId}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      const inserted = await prisma.$queryRawUnsafe<{ channel: string; externalId: string }[]>(
        `INSERT INTO "InboxEvent" (channel, "externalId", "conversationKey", kind, payload, "receivedAt")
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[])
         ON CONFLICT (channel, "externalId") DO NOTHING
         RETURNING channel, "externalId"`,
        unique.map((r) => r.channel),
        unique.map((r) => r.externalId),
        unique.map((r) => r.key),
        unique.map((r) => r.kind),
        unique.map((r) => r.payload),
        unique.map((r) => r.receivedAt),
      );
      const fresh = new Set(inserted.map((r) => `${r.channel}\u0000${r.externalId}`));
      if (fresh.size > 0) bus.inboxChanged();
      const claimed = new Set<string>();
      return rows.map((r) => {
        const k = `${r.channel}\u0000${r.externalId}`;
        if (fresh.has(k) && !claimed.has(k)) {
          claimed.add(k);
          return true;
        }
        return false;
      });
    },
    { maxBatch: opts.maxBatch ?? 500, concurrency: opts.concurrency ?? 4 },
  );

  return async (events) => {
    const now = new Date();
    const rows: Row[] = events.map((e) => ({
      channel: e.channel,
      externalId: e.externalId,
      key: conversationKey(e.channel, e.userId),
      kind: e.kind,
      // The whole event is encrypted: it may carry message text, photos or a location.
      payload: JSON.stringify({ enc: encryptJson(e).toString("base64") }),
      receivedAt: now,
    }));
    const results = await committer.submitAll(rows);
    const accepted = results.filter(Boolean).length;
    return { accepted, duplicates: results.length - accepted };
  };
}
