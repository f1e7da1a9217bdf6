/**
 * Handlers for the effects that belong to the conversation itself (consents, subscriptions, hand-off requests,
 * answer feedback, content gaps). Domain effects (cases, needs, pledges) are provided by their modules.
 */
import { createHash } from "node:crypto";
import { encryptText } from "../crypto/index.js";
import type { EffectHandlers } from "./effects.js";
import { scheduleJob } from "./scheduler.js";

type Basic = Pick<EffectHandlers, "set_consent" | "subscribe_tips" | "unsubscribe_tips" | "donor_alerts" | "request_handoff" | "answer_logged" | "answer_feedback" | "content_gap">;

/** The basic handlers; `handoffPickupMin` sets when an unanswered hand-off request tells the person to call 111. */
export function basicEffectHandlers(opts: { handoffPickupMin: number }): Basic {
  return {
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
      await scheduleJob(tx, { kind: "tips.send", runAt: new Date(now.getTime() + 7 * 86_400_000), payload: { contactId }, dedupeKey: `tips:${contactId}:${now.toISOString().slice(0, 10)}` });
    },
    async unsubscribe_tips(_e, { tx, contactId, now }) {
      await tx.tipSubscription.updateMany({ where: { contactId, active: true }, data: { active: false, cancelledAt: now } });
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
