/**
 * The donations capability (Đề án 588) as the app wires it: the need, pledge and transparency flows, the NeedsPort,
 * the create_need / create_pledge / donor_alerts effects, the timers (pledge expiry, payment reminders, alerts for
 * newly published needs) and the public pages (needs board, transparency, VietQR images).
 *
 * Timers are chains of jobs with deterministic dedupe keys (one per time slot), scheduled at start-up and by each
 * run for the next slot: several instances, or a restart, merge into one chain instead of doubling it.
 */
import { z } from "zod";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { needFlow } from "../flows/need.js";
import { pledgeFlow } from "../flows/pledge.js";
import type { NeedsPort, TransparencySummary } from "../flows/ports.js";
import { transparencyFlow } from "../flows/transparency.js";
import { publicRouter } from "../handlers/public/router.js";
import type { Logger } from "../log.js";
import { createNeed } from "../needs/create-need.js";
import { dueAlertsForNeed } from "../needs/due-alerts-for-need.js";
import { createNeedsPort } from "../needs/needs-port.js";
import { NEED_ALERT_JOB } from "../needs/publish-need.js";
import { findNeedById, findNeedByCode, unitNames } from "../needs/repository.js";
import { subscribeDonorAlerts } from "../needs/subscribe-donor-alerts.js";
import { transparencyReport } from "../needs/transparency.js";
import { NEED_CATEGORIES, NEED_CATEGORY_LABELS, OPEN_NEED_STATUSES, oneOf } from "../needs/types.js";
import { unsubscribeDonorAlerts } from "../needs/unsubscribe-donor-alerts.js";
import { expirePledges } from "../pledges/expire-pledges.js";
import { formatVnd } from "../pledges/money.js";
import { recordPledge } from "../pledges/record-pledge.js";
import { transferNote } from "../pledges/vietqr.js";
import type { OutboundMessage } from "../messaging/outbound.js";
import { DONOR_ALERT_AUTHOR } from "../runtime/basic-effects.js";
import type { EffectHandlers } from "../runtime/effects.js";
import type { LocalBus } from "../runtime/local-bus.js";
import { queueReply } from "../runtime/queue-reply.js";
import { type JobHandler, scheduleJob } from "../runtime/scheduler.js";
import type { Modules, WiringDeps } from "../wiring.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const PLEDGE_EXPIRE_JOB = "pledges.expire";
export const PLEDGE_REMIND_JOB = "pledges.remind";
/** Author of reminder messages in the Message log. */
export const PLEDGE_REMINDER_AUTHOR = "system:pledge_reminder";

/**
 * How long after the person's last message a channel still lets us write first (channels.md §4): Messenger's
 * standard window is 24 h, Zalo's consultation messages need an interaction within 7 days. Channels not listed
 * have no window for reminders/alerts to respect (Telegram, and web chat, whose messages wait in the database).
 */
const WINDOW_MS: Record<string, number> = { messenger: 24 * HOUR, zalo: 7 * DAY };
/** Leave the outbox time to deliver before the window shuts. */
const WINDOW_MARGIN_MS = 15 * MINUTE;
/** Reminders go only where a window exists to check (the issue: none for web chat or Telegram). */
const REMINDER_CHANNELS = Object.keys(WINDOW_MS);

/** Reminder n (1-based) is due this long after the pledge; at most two, and at least this far apart. */
const REMINDER_AFTER_MS = [20 * HOUR, 5 * DAY] as const;
const MAX_REMINDERS = REMINDER_AFTER_MS.length;
const REMINDER_MIN_GAP_MS = 2 * DAY;
const REMINDERS_PER_RUN = 200;

/** Alerts per run of the alert job; the rest follow a minute later (the senders rate-limit within a run too). */
export const ALERTS_PER_RUN = 50;
const ALERT_SPREAD_MS = MINUTE;

/** Vietnam time (UTC+7, no daylight saving): no reminders or alerts between 21:00 and 07:00. */
const QUIET_FROM_HOUR = 21;
const QUIET_UNTIL_HOUR = 7;
const vnHour = (d: Date): number => (d.getUTCHours() + 7) % 24;
const isQuietHour = (d: Date): boolean => vnHour(d) >= QUIET_FROM_HOUR || vnHour(d) < QUIET_UNTIL_HOUR;
/** The next 07:00 in Vietnam after `d`. */
function nextMorning(d: Date): Date {
  const local = new Date(d.getTime() + 7 * HOUR);
  const at = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), QUIET_UNTIL_HOUR) - 7 * HOUR;
  return new Date(at > d.getTime() ? at : at + DAY);
}

/** Whether the person's channel lets us write to them now (with a margin before the window closes). */
export function windowOpen(channel: string, lastInboundAt: Date | null, now: Date): boolean {
  const w = WINDOW_MS[channel];
  if (w === undefined) return true;
  if (!lastInboundAt) return false;
  return now.getTime() - lastInboundAt.getTime() < w - WINDOW_MARGIN_MS;
}

/** The first slot boundary strictly after `now` (period, shifted by offset): the dedupe unit of a recurring job. */
export function nextSlot(now: Date, periodMs: number, offsetMs = 0): Date {
  const t = now.getTime() - offsetMs;
  return new Date(Math.floor(t / periodMs) * periodMs + periodMs + offsetMs);
}

const RECURRING: Record<string, { periodMs: number; offsetMs: number }> = {
  [PLEDGE_REMIND_JOB]: { periodMs: HOUR, offsetMs: 0 },
  // 00:05 Vietnam time
  [PLEDGE_EXPIRE_JOB]: { periodMs: DAY, offsetMs: 17 * HOUR + 5 * MINUTE },
};

async function scheduleNext(db: PrismaClient | Prisma.TransactionClient, kind: string, now: Date): Promise<void> {
  const r = RECURRING[kind];
  if (!r) throw new Error(`not a recurring job: ${kind}`);
  const runAt = nextSlot(now, r.periodMs, r.offsetMs);
  await scheduleJob(db, { kind, runAt, dedupeKey: `${kind}:${runAt.toISOString()}` });
}

const catLabel = (c: string): string => {
  const known = NEED_CATEGORIES.find((x) => x === c);
  return known ? NEED_CATEGORY_LABELS[known] : c;
};
const viDate = (d: Date): string => {
  const l = new Date(d.getTime() + 7 * HOUR);
  return `${String(l.getUTCDate()).padStart(2, "0")}/${String(l.getUTCMonth() + 1).padStart(2, "0")}/${l.getUTCFullYear()}`;
};

// ── effects ──

type DonationEffects = Pick<EffectHandlers, "create_need" | "create_pledge" | "donor_alerts">;

/** The donation effects, applied in the processor's transaction. */
export function donationEffectHandlers(): DonationEffects {
  return {
    async create_need(e, ctx) {
      const r = await createNeed(ctx.tx, e.input, { actor: `reporter:${ctx.contactId}`, now: ctx.now, reporterContactId: ctx.contactId });
      return { code: r.code };
    },
    async create_pledge(e, ctx) {
      const r = await recordPledge(ctx.tx, e.input, { actor: `reporter:${ctx.contactId}`, now: ctx.now, donorContactId: ctx.contactId, donorChannel: ctx.channel });
      if (!r.redirectedToGeneralFund) return { code: r.code };
      return {
        code: r.code,
        replies: [{ kind: "text", text: "Lưu ý: nhu cầu bạn chọn vừa đủ hoặc đã kết thúc, nên khoản ủng hộ này được ghi vào Quỹ chung, dành cho nơi đang thiếu nhiều nhất. Cảm ơn bạn!" }],
      };
    },
    // Used when no batch handler takes donor_alerts (the processor batches them: see basicBatchEffects).
    async donor_alerts(e, ctx) {
      if (e.subscribe) await subscribeDonorAlerts(ctx.tx, { contactId: ctx.contactId, category: e.category, provinceCode: e.provinceCode, now: ctx.now });
      else {
        await unsubscribeDonorAlerts(ctx.tx, {
          contactId: ctx.contactId,
          // null in the effect means "all of them"
          ...(e.category !== null ? { category: e.category } : {}),
          ...(e.provinceCode !== null ? { provinceCode: e.provinceCode } : {}),
          now: ctx.now,
        });
      }
    },
  };
}

// ── jobs ──

interface JobDeps {
  vietqrEnabled: boolean;
  bus: LocalBus;
  logger: Logger;
}

interface Reachable {
  id: string;
  channel: string;
  channelUserId: string;
  lastInboundAt: Date | null;
  blocked: boolean;
  conversation: { id: string } | null;
}

async function reachableContacts(db: Prisma.TransactionClient, ids: readonly string[]): Promise<Map<string, Reachable>> {
  if (ids.length === 0) return new Map();
  const rows = await db.contact.findMany({
    where: { id: { in: [...new Set(ids)] } },
    select: { id: true, channel: true, channelUserId: true, lastInboundAt: true, blocked: true, conversation: { select: { id: true } } },
  });
  return new Map(rows.map((r) => [r.id, r]));
}

function reminderMessages(p: { code: string; amountVnd: bigint; expiresAt: Date | null }, n: number, needLabel: string | null, vietqr: boolean): OutboundMessage[] {
  const amount = formatVnd(p.amountVnd);
  const forWhat = needLabel ? `cho ${needLabel}` : "cho Quỹ chung";
  const until = p.expiresAt ? ` Khoản ủng hộ được giữ đến hết ngày ${viDate(new Date(p.expiresAt.getTime() - 1))}.` : "";
  const last = n >= MAX_REMINDERS ? " Đây là lời nhắc cuối, mình sẽ không nhắc thêm." : "";
  const text =
    `Nhắc nhẹ từ Cầu Nối: khoản ủng hộ ${p.code} (${amount}) ${forWhat} chưa thấy về tài khoản nhận ủng hộ. ` +
    `Nếu bạn đã chuyển rồi thì xin cảm ơn, hệ thống sẽ ghi nhận khi đối soát sao kê. ` +
    `Nếu chưa, bạn chuyển khoản với nội dung: ${transferNote(p.code)}.${until}${last}`;
  const out: OutboundMessage[] = [{ kind: "text", text }];
  if (vietqr) out.push({ kind: "image", url: `/qr/pledges/${p.code}.png`, alt: `Mã VietQR: chuyển ${amount}, nội dung ${transferNote(p.code)}` });
  return out;
}

/** One run of the reminder job: unpaid money pledges due a reminder, inside their donor's window, get one. */
async function remindPledges(prisma: PrismaClient, deps: JobDeps, now: Date): Promise<{ sent: number; skipped: number }> {
  if (isQuietHour(now)) return { sent: 0, skipped: 0 };
  const candidates = await prisma.pledge.findMany({
    where: {
      status: "pledged",
      kind: "money",
      remindersSent: { lt: MAX_REMINDERS },
      donorContactId: { not: null },
      donorChannel: { in: REMINDER_CHANNELS },
      createdAt: { lte: new Date(now.getTime() - REMINDER_AFTER_MS[0]) },
      OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
    },
    orderBy: { createdAt: "asc" },
    take: REMINDERS_PER_RUN,
    select: { id: true, code: true, needId: true, amountVnd: true, expiresAt: true, createdAt: true, remindersSent: true, donorContactId: true },
  });
  const due = candidates.filter((p) => now.getTime() - p.createdAt.getTime() >= (REMINDER_AFTER_MS[p.remindersSent] ?? Infinity));
  if (due.length === 0) return { sent: 0, skipped: 0 };
  const contacts = await reachableContacts(prisma, due.flatMap((p) => (p.donorContactId ? [p.donorContactId] : [])));
  const lastReminded = new Map<string, number>();
  for (const a of await prisma.auditLog.findMany({ where: { entity: "pledge", action: "pledge.remind", entityId: { in: due.map((p) => p.id) } }, select: { entityId: true, at: true } })) {
    if (a.entityId) lastReminded.set(a.entityId, Math.max(lastReminded.get(a.entityId) ?? 0, a.at.getTime()));
  }
  let sent = 0;
  let skipped = 0;
  for (const p of due) {
    const c = p.donorContactId ? contacts.get(p.donorContactId) : undefined;
    const prev = lastReminded.get(p.id);
    // outside the window (or unreachable): skip this round; a later round may find the window open again
    if (!c || c.blocked || !c.conversation || p.amountVnd === null || !windowOpen(c.channel, c.lastInboundAt, now) || (prev !== undefined && now.getTime() - prev < REMINDER_MIN_GAP_MS)) {
      skipped++;
      continue;
    }
    const n = p.remindersSent + 1;
    const conversationId = c.conversation.id;
    const ok = await prisma.$transaction(async (tx) => {
      // compare-and-set: a payment or a second instance in the meantime means no reminder
      const moved = await tx.pledge.updateMany({ where: { id: p.id, status: "pledged", remindersSent: p.remindersSent }, data: { remindersSent: n } });
      if (moved.count !== 1) return false;
      const need = p.needId ? await findNeedById(tx, p.needId) : null;
      const label = need ? `${need.facility} (${(await unitNames(tx, [need.communeCode])).get(need.communeCode) ?? need.communeCode})` : null;
      await queueReply(tx, { conversationId, contactId: c.id, channel: c.channel, channelUserId: c.channelUserId }, reminderMessages({ code: p.code, amountVnd: p.amountVnd!, expiresAt: p.expiresAt }, n, label, deps.vietqrEnabled), {
        author: PLEDGE_REMINDER_AUTHOR,
        purpose: "notification",
        now,
      });
      await tx.auditLog.create({ data: { actor: "system", action: "pledge.remind", entity: "pledge", entityId: p.id, details: { code: p.code, reminder: n, channel: c.channel }, at: now } });
      return true;
    });
    if (ok) {
      sent++;
      deps.bus.conversationUpdated(conversationId);
    }
  }
  if (sent > 0) deps.bus.outboxChanged();
  return { sent, skipped };
}

const AlertPayload = z.object({ needCode: z.string().min(1).max(40), after: z.string().min(1).optional() });

function alertMessage(n: { code: string; facility: string; communeName: string; category: string; childrenCount: number; quantity: number; unit: string; amountVnd: bigint | null; neededBy: Date | null }): OutboundMessage {
  const money = n.amountVnd !== null ? ` Ước tính cần ${formatVnd(n.amountVnd)}.` : "";
  const by = n.neededBy ? ` Cần trước ngày ${viDate(n.neededBy)}.` : "";
  return {
    kind: "choices",
    text:
      `Có nhu cầu mới vừa được cán bộ xác minh: ${n.facility} (${n.communeName}) – ${catLabel(n.category)}: ${n.quantity} ${n.unit} cho ${n.childrenCount} em.${money}${by} Mã ${n.code}.\n` +
      `Gõ "huỷ" để ngừng nhận thông báo.`,
    choices: [{ id: `pledge:need:${n.code}`, label: "Ủng hộ nhu cầu này" }],
  };
}

/** One run of the alert job for a need: the next ALERTS_PER_RUN subscribers (by contact id) whose window is open. */
async function sendNeedAlerts(prisma: PrismaClient, deps: JobDeps, payload: z.infer<typeof AlertPayload>, now: Date): Promise<{ queued: number; skipped: number }> {
  const need = await findNeedByCode(prisma, payload.needCode);
  // unpublished again, closed or already fulfilled: nobody needs to hear about it any more
  if (!need || !oneOf(OPEN_NEED_STATUSES, need.status)) return { queued: 0, skipped: 0 };
  if (isQuietHour(now)) {
    const runAt = nextMorning(now);
    await scheduleJob(prisma, { kind: NEED_ALERT_JOB, runAt, payload, dedupeKey: `${NEED_ALERT_JOB}:${need.code}:${payload.after ?? "start"}:${runAt.toISOString()}` });
    return { queued: 0, skipped: 0 };
  }
  // a stable order in JS (database collations may sort ids differently), then resume after the cursor
  const all = (await dueAlertsForNeed(prisma, need)).sort((a, b) => (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0));
  const rest = payload.after ? all.filter((s) => s.contactId > payload.after!) : all;
  const batch = rest.slice(0, ALERTS_PER_RUN);
  if (batch.length === 0) return { queued: 0, skipped: 0 };
  const communeName = (await unitNames(prisma, [need.communeCode])).get(need.communeCode) ?? need.communeCode;
  const msg = alertMessage({ ...need, communeName });
  const contacts = await reachableContacts(prisma, batch.map((s) => s.contactId));
  let queued = 0;
  let skipped = 0;
  const woken: string[] = [];
  await prisma.$transaction(async (tx) => {
    for (const s of batch) {
      const c = contacts.get(s.contactId);
      if (!c || c.blocked || !c.conversation || !windowOpen(c.channel, c.lastInboundAt, now)) {
        skipped++;
        continue;
      }
      await queueReply(tx, { conversationId: c.conversation.id, contactId: c.id, channel: c.channel, channelUserId: c.channelUserId }, [msg], { author: DONOR_ALERT_AUTHOR, purpose: "notification", now });
      woken.push(c.conversation.id);
      queued++;
    }
    const last = batch[batch.length - 1];
    if (rest.length > batch.length && last) {
      await scheduleJob(tx, { kind: NEED_ALERT_JOB, runAt: new Date(now.getTime() + ALERT_SPREAD_MS), payload: { needCode: need.code, after: last.contactId }, dedupeKey: `${NEED_ALERT_JOB}:${need.code}:${last.contactId}` });
    }
    await tx.auditLog.create({ data: { actor: "system", action: "need.alerts_sent", entity: "need", entityId: need.id, details: { code: need.code, queued, skipped, more: rest.length > batch.length }, at: now } });
  });
  for (const id of woken) deps.bus.conversationUpdated(id);
  if (queued > 0) deps.bus.outboxChanged();
  return { queued, skipped };
}

/** Job handlers: daily expiry, hourly reminders, and alerts for a newly published need. */
export function donationJobs(deps: JobDeps): Record<string, JobHandler> {
  const log = deps.logger.child({ component: "donations" });
  return {
    [PLEDGE_EXPIRE_JOB]: async (_payload, ctx) => {
      await scheduleNext(ctx.prisma, PLEDGE_EXPIRE_JOB, ctx.now);
      const limit = 200;
      let total = 0;
      for (;;) {
        const r = await ctx.prisma.$transaction((tx) => expirePledges(tx, { now: ctx.now, limit }));
        total += r.expired.length;
        if (r.expired.length < limit) break;
      }
      if (total > 0) log.info({ expired: total }, "unpaid pledges expired");
    },
    [PLEDGE_REMIND_JOB]: async (_payload, ctx) => {
      await scheduleNext(ctx.prisma, PLEDGE_REMIND_JOB, ctx.now);
      const r = await remindPledges(ctx.prisma, deps, ctx.now);
      if (r.sent + r.skipped > 0) log.info(r, "pledge reminders");
    },
    [NEED_ALERT_JOB]: async (payload, ctx) => {
      const p = AlertPayload.safeParse(payload);
      if (!p.success) return; // a malformed job can never succeed
      const r = await sendNeedAlerts(ctx.prisma, deps, p.data, ctx.now);
      log.info({ needCode: p.data.needCode, ...r }, "donor alerts");
    },
  };
}

// ── chat totals ──

/** Money totals per category and in all, for the chat's "minh bạch" answer. */
export async function chatTotals(prisma: PrismaClient, publicBaseUrl: string, now: Date): Promise<TransparencySummary> {
  const r = await transparencyReport(prisma, { now });
  return {
    categories: r.categories.map((g) => ({ label: g.label, neededVnd: g.neededVnd, pledgedVnd: g.pledgedVnd, receivedVnd: g.receivedVnd, deliveredVnd: g.deliveredVnd })),
    total: { label: "Tổng cộng", neededVnd: r.total.neededVnd, pledgedVnd: r.total.pledgedVnd, receivedVnd: r.total.receivedVnd, deliveredVnd: r.total.deliveredVnd },
    pageUrl: `${publicBaseUrl}/minh-bach`,
  };
}

/** Wires the donations module into `m` and schedules its recurring jobs. */
export async function wireDonations(d: WiringDeps, m: Modules): Promise<void> {
  const prisma = d.db.prisma;
  const vietqrEnabled = d.config.vietqr !== null;
  const port: NeedsPort = createNeedsPort(prisma, vietqrEnabled);
  m.ports.needs = { ...port, totals: () => chatTotals(prisma, d.config.publicBaseUrl, d.clock.now()) };
  Object.assign(m.flows, { need: needFlow, pledge: pledgeFlow, transparency: transparencyFlow });
  Object.assign(m.effects, donationEffectHandlers());
  Object.assign(m.jobs, donationJobs({ vietqrEnabled, bus: d.bus, logger: d.logger }));
  m.routers.push(publicRouter({ prisma, config: d.config, clock: d.clock, port }));
  const now = d.clock.now();
  for (const kind of Object.keys(RECURRING)) await scheduleNext(prisma, kind, now);
}

