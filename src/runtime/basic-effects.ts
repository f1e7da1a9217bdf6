/**
 * Handlers for the effects that belong to the conversation itself (consents, subscriptions, hand-off requests,
 * answer feedback, content gaps). Domain effects (cases, needs, pledges) are provided by their modules.
 */
import { createHash } from "node:crypto";
import { encryptText } from "../crypto/index.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { BatchEffectHandlers, EffectHandlers } from "./effects.js";
import { subscribeDonorAlerts } from "../needs/subscribe-donor-alerts.js";
import { scheduleJob } from "./scheduler.js";

/** Author of donor-alert messages in the Message log (so "huỷ" can stop the ones not yet sent). */
export const DONOR_ALERT_AUTHOR = "system:donor_alerts";

type Basic = Pick<EffectHandlers, "cancel_handoff" | "set_locale" | "set_consent" | "subscribe_tips" | "unsubscribe_tips" | "donor_alerts" | "request_handoff" | "answer_logged" | "answer_feedback" | "content_gap">;

/** The basic handlers; `handoffPickupMin` sets when an unanswered hand-off request tells the person to call 111. */
export function basicEffectHandlers(opts: { handoffPickupMin: number }): Basic {
  return {
    async cancel_handoff(_e, { tx, conversationId, contactId }) {
      const n = await tx.conversation.updateMany({ where: { id: conversationId, handoff: false, handoffRequestedAt: { not: null } }, data: { handoffRequestedAt: null } });
      if (n.count > 0) await tx.auditLog.create({ data: { actor: `contact:${contactId}`, action: "handoff.withdrawn", entity: "Conversation", entityId: conversationId } });
    },
    async set_locale(e, { tx, contactId }) {
      await tx.contact.update({ where: { id: contactId }, data: { locale: e.locale } });
    },
    async set_consent(e, { tx, contactId, now }) {
      const c = await tx.contact.findUniqueOrThrow({ where: { id: contactId }, select: { consents: true } });
      const consents: Record<string, string | null> = { ...((c.consents as Record<string, string | null>) ?? {}), [e.purpose]: e.given ? now.toISOString() : null };
      await tx.contact.update({ where: { id: contactId }, data: { consents } });
      await tx.auditLog.create({ data: { actor: `contact:${contactId}`, action: e.given ? "consent.given" : "consent.withdrawn", entity: "Contact", entityId: contactId, details: { purpose: e.purpose } } });
    },
    async subscribe_tips(e, { tx, contactId, now }) {
      await tx.tipSubscription.upsert({
        where: { contactId },
        create: { contactId, birthMonth: e.birthMonth, active: true },
        update: { birthMonth: e.birthMonth, active: true, cancelledAt: null },
      });
      // The first tip goes out right away: the person just wrote, so every channel's messaging window is open
      // (Messenger's 24 h would usually have closed by next week). The job then reschedules itself weekly
      // (src/guidance/tips.ts); a chain still pending (a changed birth month) is kept rather than doubled.
      const pending = await tx.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM "Job" WHERE kind = 'tips.send' AND status IN ('pending', 'running') AND payload->>'contactId' = $1`,
        contactId,
      );
      if ((pending[0]?.n ?? 0) === 0) {
        await scheduleJob(tx, { kind: "tips.send", runAt: now, payload: { contactId }, dedupeKey: `tips:${contactId}:start:${now.getTime()}` });
      }
    },
    async unsubscribe_tips(_e, { tx, contactId, now }) {
      const stopped = await tx.tipSubscription.updateMany({ where: { contactId, active: true }, data: { active: false, cancelledAt: now } });
      if (stopped.count === 0) return;
      // A tip still held for the messaging window must not arrive after "huỷ"; and stopping withdraws the consent.
      await tx.$executeRawUnsafe(
        `UPDATE "OutboxItem" o SET status = 'dead', "lastError" = 'tips stopped' FROM "Message" m
         WHERE m.id = o."messageId" AND m.author = 'system:tips' AND o."contactId" = $1 AND o.status IN ('held', 'pending')`,
        contactId,
      );
      const c = await tx.contact.findUniqueOrThrow({ where: { id: contactId }, select: { consents: true } });
      const consents: Record<string, string | null> = { ...((c.consents as Record<string, string | null>) ?? {}), tips: null };
      await tx.contact.update({ where: { id: contactId }, data: { consents } });
      await tx.auditLog.create({ data: { actor: `contact:${contactId}`, action: "consent.withdrawn", entity: "Contact", entityId: contactId, details: { purpose: "tips" } } });
    },
    async donor_alerts(e, { tx, contactId }) {
      if (e.subscribe) {
        await tx.donorAlertSubscription.create({ data: { contactId, category: e.category, provinceCode: e.provinceCode } });
      } else {
        await tx.donorAlertSubscription.updateMany({ where: { contactId, active: true }, data: { active: false } });
      }
    },
    async request_handoff(e, { tx, conversationId, contactId, now }) {
      await tx.conversation.update({ where: { id: conversationId }, data: { handoffRequestedAt: now } });
      await tx.auditLog.create({ data: { actor: `contact:${contactId}`, action: "handoff.requested", entity: "Conversation", entityId: conversationId, details: { reason: e.reason } } });
      await scheduleJob(tx, {
        kind: "handoff.pickup_timeout",
        runAt: new Date(now.getTime() + opts.handoffPickupMin * 60_000),
        payload: { conversationId, requestedAt: now.toISOString() },
        dedupeKey: `handoff-pickup:${conversationId}:${now.getTime()}`,
      });
    },
    async answer_logged(e, { tx, conversationId }) {
      await tx.answerLog.create({ data: { conversationId, articleId: e.articleId, questionHash: createHash("sha256").update(e.questionKey).digest("hex").slice(0, 32), score: e.score } });
    },
    async answer_feedback(e, { tx, conversationId }) {
      const last = await tx.answerLog.findFirst({ where: { conversationId }, orderBy: { id: "desc" }, select: { id: true } });
      if (last) await tx.answerLog.update({ where: { id: last.id }, data: { helpful: e.helpful } });
    },
    async content_gap(e, { tx, channel }) {
      await tx.contentGap.create({ data: { textEnc: encryptText(e.text), channel } });
    },
  };
}

/** One statement per batch for the opt-outs ("huỷ" is common and must stay cheap). */
export function basicBatchEffects(tx: Prisma.TransactionClient): BatchEffectHandlers {
  return {
    async unsubscribe_tips(items) {
      const ids = [...new Set(items.map((i) => i.ctx.contactId))];
      await tx.$executeRawUnsafe(`UPDATE "TipSubscription" SET active = false, "cancelledAt" = $2 WHERE "contactId" = ANY($1::text[]) AND active`, ids, items[0]!.ctx.now);
    },
    async donor_alerts(items) {
      const off = items.filter((i) => !i.effect.subscribe);
      const on = items.filter((i) => i.effect.subscribe);
      if (off.length > 0) {
        const ids = [...new Set(off.map((i) => i.ctx.contactId))];
        await tx.$executeRawUnsafe(`UPDATE "DonorAlertSubscription" SET active = false WHERE "contactId" = ANY($1::text[]) AND active`, ids);
        // an alert still waiting for its channel (held for the window, or queued) must not arrive after "huỷ"
        await tx.$executeRawUnsafe(
          `UPDATE "OutboxItem" o SET status = 'dead', "lastError" = 'donor alerts stopped' FROM "Message" m
           WHERE m.id = o."messageId" AND m.author = $2 AND o."contactId" = ANY($1::text[]) AND o.status IN ('held', 'pending')`,
          ids,
          DONOR_ALERT_AUTHOR,
        );
      }
      // subscribing is rare: go through the service (idempotent per category/province pair, audited)
      for (const i of on) await subscribeDonorAlerts(tx, { contactId: i.ctx.contactId, category: i.effect.category, provinceCode: i.effect.provinceCode, now: i.ctx.now });
    },
  };
}
