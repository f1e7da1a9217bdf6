/**
 * Data retention (Luật BVDLCN 2025 Art. 3 k.3, Art. 14: keep personal data only as long as its purpose needs).
 *
 * 1. Transcripts: message bodies older than RETENTION_TRANSCRIPT_DAYS are replaced with one encrypted marker
 *    (REDACTED_BODY, Message.kind "redacted"); so are the platform payloads of old, finished inbox events and of
 *    old sent/dead outbox rows (the same text in other tables). A conversation whose contact reported a case that is
 *    still open (Case.reporterContactId = Conversation.contactId, status ≠ closed) is kept whole: staff may still
 *    need it. Once that case closes, the normal rule applies again.
 * 2. Closed cases: RETENTION_CLOSED_CASE_DAYS after closedAt, every private field of the case is removed (the *Enc
 *    columns, free-text answers, matched phrases, event texts, attachments, the link to the reporter's contact) and
 *    anonymisedAt is set. Category, status, risk, geography, age, sex and timestamps stay, so reports keep working.
 *
 * Each run writes one AuditLog row ("retention.run") with the counts. Work is done in batches so a first run on a
 * large database does not hold one huge transaction.
 */
import { encryptJson } from "../crypto/index.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { auditData } from "../staff/audit.js";

/** What a redacted message body decrypts to. */
export const REDACTED_BODY = { kind: "redacted" } as const;
/** Message.kind of a redacted message (also what lets a run skip rows it already handled). */
export const REDACTED_KIND = "redacted";
/** OutboxItem.lastError of a redacted row (the marker is re-encrypted each run, so it cannot be compared). */
export const OUTBOX_REDACTED = "redacted:retention";
const DAY_MS = 86_400_000;
const BATCH = 2_000;

export interface RetentionSettings {
  transcriptDays: number;
  closedCaseDays: number;
}

export interface RetentionResult {
  transcriptCutoff: string;
  caseCutoff: string;
  messagesRedacted: number;
  inboxEventsRedacted: number;
  outboxItemsRedacted: number;
  casesAnonymised: number;
  conversationsKept: number;
}

/** Whether a decrypted message body is the retention marker (for views that show transcripts). */
export function isRedactedBody(body: unknown): boolean {
  return typeof body === "object" && body !== null && "kind" in body && body.kind === REDACTED_KIND;
}

// Conversations protected because their contact reported a case that is not closed yet.
const OPEN_CASE_CONVERSATION = `EXISTS (SELECT 1 FROM "Conversation" cv JOIN "Case" k ON k."reporterContactId" = cv."contactId" WHERE cv.id = m."conversationId" AND k.status <> 'closed')`;

async function inBatches(run: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await run();
    total += n;
    if (n < BATCH) return total;
  }
}

/** Runs both retention rules once; `actor` is "system" for the daily job or "staff:<id>" for the console button. */
export async function runRetention(prisma: PrismaClient, settings: RetentionSettings, opts: { now: Date; actor: string; ip?: string | null }): Promise<RetentionResult> {
  const transcriptCutoff = new Date(opts.now.getTime() - settings.transcriptDays * DAY_MS);
  const caseCutoff = new Date(opts.now.getTime() - settings.closedCaseDays * DAY_MS);
  const marker = Buffer.from(encryptJson(REDACTED_BODY));

  // Cases first: anonymising a case unlinks its reporter, so the same run may then redact that conversation.
  const casesAnonymised = await inBatches(async () =>
    prisma.$transaction(async (tx) => {
      const due = await tx.case.findMany({ where: { status: "closed", closedAt: { lt: caseCutoff }, anonymisedAt: null }, select: { id: true }, take: BATCH, orderBy: { closedAt: "asc" } });
      if (due.length === 0) return 0;
      const ids = due.map((c) => c.id);
      await tx.case.updateMany({
        where: { id: { in: ids } },
        data: {
          descriptionEnc: null, reporterNameEnc: null, reporterPhoneEnc: null, childNameEnc: null, addressEnc: null, locationEnc: null,
          whenText: null, suspectRelation: null, inDangerNow: null, matchedRules: [], reporterContactId: null, anonymisedAt: opts.now,
        },
      });
      await tx.caseEvent.updateMany({ where: { caseId: { in: ids }, textEnc: { not: null } }, data: { textEnc: null } });
      await tx.caseAttachment.deleteMany({ where: { caseId: { in: ids } } });
      return ids.length;
    }),
  );

  const conversationsKept = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(DISTINCT cv.id) AS n FROM "Conversation" cv JOIN "Case" k ON k."reporterContactId" = cv."contactId" WHERE k.status <> 'closed'`,
  );

  const messagesRedacted = await inBatches(() =>
    prisma.$executeRawUnsafe(
      `UPDATE "Message" SET "bodyEnc" = $1, kind = '${REDACTED_KIND}' WHERE id IN (
         SELECT m.id FROM "Message" m WHERE m."createdAt" < $2 AND m.kind <> '${REDACTED_KIND}' AND NOT ${OPEN_CASE_CONVERSATION} LIMIT ${BATCH})`,
      marker,
      transcriptCutoff,
    ),
  );

  // Inbox payloads hold the same free text (encrypted); only finished events, and never for an open case's reporter.
  const inboxEventsRedacted = await inBatches(() =>
    prisma.$executeRawUnsafe(
      `UPDATE "InboxEvent" SET payload = '{"redacted":true}'::jsonb WHERE id IN (
         SELECT e.id FROM "InboxEvent" e WHERE e."receivedAt" < $1 AND e.status IN ('done', 'failed') AND NOT (e.payload ? 'redacted')
           AND NOT EXISTS (SELECT 1 FROM "Contact" ct JOIN "Case" k ON k."reporterContactId" = ct.id
                           WHERE ct.channel || ':' || ct."channelUserId" = e."conversationKey" AND k.status <> 'closed')
         LIMIT ${BATCH})`,
      transcriptCutoff,
    ),
  );

  const outboxItemsRedacted = await inBatches(() =>
    prisma.$executeRawUnsafe(
      `UPDATE "OutboxItem" SET "payloadEnc" = $1, "lastError" = '${OUTBOX_REDACTED}' WHERE id IN (
         SELECT o.id FROM "OutboxItem" o WHERE o."createdAt" < $2 AND o.status IN ('sent', 'dead') AND o."lastError" IS DISTINCT FROM '${OUTBOX_REDACTED}'
           AND NOT EXISTS (SELECT 1 FROM "Case" k WHERE k."reporterContactId" = o."contactId" AND k.status <> 'closed')
         LIMIT ${BATCH})`,
      marker,
      transcriptCutoff,
    ),
  );

  const result: RetentionResult = {
    transcriptCutoff: transcriptCutoff.toISOString(),
    caseCutoff: caseCutoff.toISOString(),
    messagesRedacted,
    inboxEventsRedacted,
    outboxItemsRedacted,
    casesAnonymised,
    conversationsKept: Number(conversationsKept[0]?.n ?? 0),
  };
  await prisma.auditLog.create({
    data: { ...auditData({ actor: opts.actor, action: "retention.run", entity: "retention", entityId: null, details: { ...result, transcriptDays: settings.transcriptDays, closedCaseDays: settings.closedCaseDays }, ip: opts.ip ?? null }), at: opts.now },
  });
  return result;
}
