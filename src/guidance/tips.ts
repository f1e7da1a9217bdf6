/**
 * Weekly age-based tips: which article fits a child's age, and the "tips.send" job that sends one a week.
 *
 * Messaging windows (shared/notes/channels.md §4): Messenger lets a page message a person only within 24 h of their
 * last message, Zalo OA within 7 days; tips are not allowed to ride on message tags. A tip falling outside the window
 * is queued but HELD: the outbox row waits in status "held", and the processor releases held rows the moment the
 * parent writes again — so the tip arrives right when the window reopens, and at most one tip waits at a time.
 */
import { z } from "zod";
import { ageInMonths, ageLabel } from "../flows/tips.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { OutboundMessage } from "../messaging/outbound.js";
import type { LocalBus } from "../runtime/local-bus.js";
import { queueReply } from "../runtime/queue-reply.js";
import { scheduleJob, type JobHandler } from "../runtime/scheduler.js";
import { formatSourceLine } from "./guidance-port.js";
import type { Article } from "./types.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How long after a person's last message a channel lets us write to them unprompted; absent = no window. */
export const MESSAGING_WINDOW_MS: Readonly<Partial<Record<string, number>>> = { messenger: 24 * HOUR, zalo: 7 * DAY };
export const TIP_INTERVAL_MS = 7 * DAY;
/** Message.author of tips, so stopping the subscription can withdraw a tip still held for the window. */
export const TIP_AUTHOR = "system:tips";

/**
 * Topics not sent unasked: they answer a crisis or a legal situation (what to do after abuse, child marriage, child
 * labour, support schemes), which helps when asked but alarms as a weekly tip. The ids listed in TIP_ALLOWED_IDS are
 * prevention articles of those topics that do make good tips.
 */
export const TIP_EXCLUDED_TOPICS: ReadonlySet<string> = new Set(["xam-hai-tinh-duc", "suc-khoe-tam-than", "quyen-tre-em-tro-giup", "hoan-canh-dac-biet", "lao-dong-tre-em", "tao-hon"]);
export const TIP_ALLOWED_IDS: ReadonlySet<string> = new Set(["quy-tac-5-vung-an-toan-co-the", "tro-chuyen-va-tim-ho-tro-tam-ly-cho-con"]);

/** What pickTip reads of an article (topic as a plain string so tests and tools can pass small literals). */
type TipArticle = { id: string; topic: string; ageMonths: { min: number; max: number } };

/** In this library an article for ages {0..0} is about pregnancy (antenatal care, warning signs). */
function fitsAge(a: TipArticle, age: number): boolean {
  if (age < 0) return a.ageMonths.max === 0 || (a.topic === "thai-ky-1000-ngay" && a.ageMonths.min === 0);
  return a.ageMonths.max > 0 && a.ageMonths.min <= age && age <= a.ageMonths.max;
}

/**
 * The tip for a child of `ageMonths` (negative: before birth): an article whose age range fits, not sent before,
 * the most age-specific first (narrowest range, then id). When every fitting article was sent, the one sent
 * longest ago comes round again. `alreadySentIds` is in sending order, oldest first. null when nothing fits.
 */
export function pickTip<A extends TipArticle>(articles: readonly A[], ageMonths: number, alreadySentIds: readonly string[]): A | null {
  const fitting = articles.filter((a) => (TIP_ALLOWED_IDS.has(a.id) || !TIP_EXCLUDED_TOPICS.has(a.topic)) && fitsAge(a, ageMonths));
  if (fitting.length === 0) return null;
  const sent = new Set(alreadySentIds);
  const fresh = fitting.filter((a) => !sent.has(a.id));
  if (fresh.length > 0) {
    const span = (a: A) => a.ageMonths.max - a.ageMonths.min;
    return [...fresh].sort((x, y) => span(x) - span(y) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))[0] ?? null;
  }
  const lastSent = new Map<string, number>();
  alreadySentIds.forEach((id, i) => lastSent.set(id, i));
  return [...fitting].sort((x, y) => (lastSent.get(x.id) ?? -1) - (lastSent.get(y.id) ?? -1))[0] ?? null;
}

/** Whether the channel lets us message the person now, given their last message (web chat, terminal, Telegram: always). */
export function messagingWindowOpen(channel: string, lastInboundAt: Date | null, now: Date): boolean {
  const window = MESSAGING_WINDOW_MS[channel];
  if (window === undefined) return true;
  if (!lastInboundAt) return false;
  return now.getTime() - lastInboundAt.getTime() < window;
}

/** ISO week of a date ("2026-W48"), the dedupe unit of the weekly job: one tip per subscriber per week. */
export function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / DAY + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/** The dedupe key of a subscriber's weekly tip job. */
export function tipJobKey(contactId: string, runAt: Date): string {
  return `tips:${contactId}:${isoWeek(runAt)}`;
}

/** The tip message: the article's short part with its sources, and how to stop. */
export function tipMessage(article: Pick<Article, "title" | "short" | "sources">, ageMonths: number, locale: "vi" | "en"): OutboundMessage {
  const head = locale === "en" ? `Tip of the week (your child: ${ageLabel(ageMonths, "en")})` : `Mẹo tuần này (bé ${ageLabel(ageMonths, "vi")})`;
  const stop = locale === "en" ? `Type "huỷ" (cancel) to stop the tips.` : `Gõ "huỷ" để dừng nhận mẹo.`;
  return { kind: "text", text: [`${head}: ${article.title}`, article.short, formatSourceLine(article.sources), stop].join("\n\n") };
}

const Payload = z.object({ contactId: z.string().min(1) });
const SENT_ACTIONS = ["tips.sent", "tips.held"];

export interface TipsJobDeps {
  articles: readonly Article[];
  /** Wakes the outbox and web chat readers after a tip is queued (latency only). */
  bus?: Pick<LocalBus, "outboxChanged" | "conversationUpdated">;
}

/** Article ids already sent to a subscription, oldest first (from its audit trail). */
async function sentTipIds(tx: Prisma.TransactionClient, subscriptionId: string): Promise<string[]> {
  const rows = await tx.auditLog.findMany({ where: { entity: "TipSubscription", entityId: subscriptionId, action: { in: SENT_ACTIONS } }, orderBy: { id: "asc" }, select: { details: true } });
  return rows.flatMap((r) => {
    const d = r.details as { articleId?: unknown } | null;
    return typeof d?.articleId === "string" ? [d.articleId] : [];
  });
}

/** Sends (or holds) one subscriber's tip and schedules the next week's; returns the conversation to wake. */
async function sendTip(tx: Prisma.TransactionClient, deps: TipsJobDeps, contactId: string, now: Date): Promise<string | null> {
  const sub = await tx.tipSubscription.findUnique({ where: { contactId } });
  // A stopped subscription sends nothing and ends its chain of weekly jobs.
  if (!sub || !sub.active) return null;
  const contact = await tx.contact.findUnique({ where: { id: contactId }, include: { conversation: { select: { id: true } } } });
  const consents = (contact?.consents ?? {}) as Record<string, unknown>;
  if (!contact || !contact.conversation || !consents.tips) return null;

  const next = new Date(now.getTime() + TIP_INTERVAL_MS);
  await scheduleJob(tx, { kind: "tips.send", runAt: next, payload: { contactId }, dedupeKey: tipJobKey(contactId, next) });
  if (contact.blocked) return null;

  const age = ageInMonths(sub.birthMonth, now);
  const tip = pickTip(deps.articles, age, await sentTipIds(tx, sub.id));
  if (!tip) return null;
  const open = messagingWindowOpen(contact.channel, contact.lastInboundAt, now);
  if (!open) {
    // Only the newest tip waits for the window: an older held one is withdrawn rather than delivered in a pile.
    await tx.$executeRawUnsafe(
      `UPDATE "OutboxItem" o SET status = 'dead', "lastError" = 'superseded by a newer tip' FROM "Message" m
       WHERE m.id = o."messageId" AND m.author = $2 AND o."contactId" = $1 AND o.status = 'held'`,
      contactId,
      TIP_AUTHOR,
    );
  }
  const target = { conversationId: contact.conversation.id, contactId, channel: contact.channel, channelUserId: contact.channelUserId };
  const locale = contact.locale === "en" ? "en" : "vi";
  const ids = await queueReply(tx, target, [tipMessage(tip, age, locale)], { author: TIP_AUTHOR, purpose: "notification", now });
  if (!open) {
    const list = ids.map(String);
    await tx.$executeRawUnsafe(`UPDATE "OutboxItem" SET status = 'held', "lastError" = 'waiting for the messaging window' WHERE "messageId" = ANY($1::bigint[])`, list);
    await tx.$executeRawUnsafe(`UPDATE "Message" SET status = 'held' WHERE id = ANY($1::bigint[])`, list);
  }
  await tx.tipSubscription.update({ where: { id: sub.id }, data: { lastTipId: tip.id, ...(open ? { lastSentAt: now } : {}) } });
  await tx.auditLog.create({ data: { actor: "system", action: open ? "tips.sent" : "tips.held", entity: "TipSubscription", entityId: sub.id, details: { articleId: tip.id, ageMonths: age, channel: contact.channel } } });
  return contact.conversation.id;
}

/** Job handlers of the tips module: "tips.send" (one subscriber's weekly tip). */
export function tipsJobs(deps: TipsJobDeps): Record<string, JobHandler> {
  return {
    "tips.send": async (payload, ctx) => {
      const p = Payload.safeParse(payload);
      if (!p.success) return; // a malformed job can never succeed; retrying would only repeat the failure
      const conv = await ctx.prisma.$transaction((tx) => sendTip(tx, deps, p.data.contactId, ctx.now));
      if (conv) {
        deps.bus?.outboxChanged();
        deps.bus?.conversationUpdated(conv);
      }
    },
  };
}
