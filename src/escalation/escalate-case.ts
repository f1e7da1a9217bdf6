/**
 * Escalation of a case to the people who must act on it (Nghị định 56/2017 Art. 26 k.1: 111 "chuyển ngay" to the
 * commune). A new case notifies the commune's worker(s) and, in parallel, the 111 hotline; a commune with no reachable
 * worker goes straight to the province. Each notification has a timer: without an acknowledgement it times out and
 * the case goes up a level (commune → province → hotline), and the hotline is re-notified every period up to a cap.
 *
 * The notification carries ONLY the case code, category, commune, risk level and time of receipt: never the child's
 * or the reporter's identity, nor the description. Chat apps are outside our database; the details stay in the
 * console behind a login.
 */
import type { OutboundMessage } from "../messaging/outbound.js";
import { queueNotification } from "../runtime/queue-reply.js";
import { cancelJob, scheduleJob } from "../runtime/scheduler.js";
import { CATEGORY_LABELS_VI, isCategory } from "../safety/index.js";
import {
  caseForEscalation,
  insertAudit,
  insertEscalation,
  insertEvent,
  linkOutboxToContact,
  lockEscalation,
  maxAttempt,
  openEscalations,
  recipientsAt,
  setEscalationStatus,
  type Db,
} from "./repository.js";
import { JOB_ESCALATION_TIMEOUT, JOB_ESCALATION_UNROUTED, timeoutMs, type EscalationDeps, type EscalationLevel } from "./types.js";

type CaseInfo = NonNullable<Awaited<ReturnType<typeof caseForEscalation>>>;

const RISK_LABELS: Record<string, string> = {
  immediate: "KHẨN CẤP – trẻ có thể đang gặp nguy hiểm",
  high: "Cao",
  medium: "Trung bình",
  low: "Thấp (nguy cơ)",
};

const LEVEL_LABELS: Record<EscalationLevel, string> = { commune: "cấp xã", province: "cấp tỉnh", hotline: "Tổng đài 111" };

/** The timer key of one escalation (one timer each; scheduling twice does nothing). */
export function timeoutJobKey(escalationId: string): string {
  return `esc-timeout:${escalationId}`;
}

/** Date and time in Vietnam, e.g. "23/11/2026 15:04". */
export function vietnamTime(at: Date): string {
  const d = new Date(at.getTime() + 7 * 3_600_000).toISOString();
  return `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)} ${d.slice(11, 16)}`;
}

/** The notification text: code, category, place, risk, time of receipt — nothing that identifies anyone. */
export function escalationText(c: Pick<CaseInfo, "code" | "category" | "riskLevel" | "communeCode" | "provinceCode" | "receivedAt">, opts: { level: EscalationLevel; attempt: number; unitName: (code: string) => string | null; reason?: string }): string {
  const place = (c.communeCode && opts.unitName(c.communeCode)) || (c.provinceCode && opts.unitName(c.provinceCode)) || "chưa rõ địa bàn";
  const category = isCategory(c.category) ? CATEGORY_LABELS_VI[c.category] : "Khác";
  const head = opts.attempt > 1 || opts.reason ? `⏰ NHẮC LẠI – chưa có ai xác nhận (${opts.reason ?? `lần ${opts.attempt}`})` : "🔔 Tin báo mới: trẻ em cần được bảo vệ";
  return [
    head,
    `Mã hồ sơ: ${c.code}`,
    `Loại: ${category}`,
    `Địa bàn: ${place}`,
    `Mức độ: ${RISK_LABELS[c.riskLevel] ?? c.riskLevel}`,
    `Tiếp nhận lúc: ${vietnamTime(c.receivedAt)} (giờ Việt Nam)`,
    `Gửi tới: ${LEVEL_LABELS[opts.level]}`,
    "",
    'Bấm "Đã nhận" để xác nhận anh/chị đang xử lý. Thông tin chi tiết chỉ xem trong hệ thống Cầu Nối (cần đăng nhập).',
  ].join("\n");
}

function messages(deps: EscalationDeps, c: CaseInfo, escalationId: string, level: EscalationLevel, attempt: number, reason?: string): OutboundMessage[] {
  return [
    { kind: "choices", text: escalationText(c, { level, attempt, unitName: deps.unitName, reason }), choices: [{ id: `ack:${escalationId}`, label: "Đã nhận" }] },
    { kind: "link", text: `Mở hồ sơ ${c.code} trong hệ thống:`, url: `${deps.publicBaseUrl}/console/cases/${c.id}`, label: "Mở hồ sơ" },
  ];
}

/** Notifies every reachable recipient at one level; returns how many escalations were sent (0: nobody there). */
async function notifyLevel(tx: Db, deps: EscalationDeps, c: CaseInfo, level: EscalationLevel, attempt: number, now: Date, reason?: string): Promise<number> {
  const recipients = await recipientsAt(tx, level, { communeCode: c.communeCode, provinceCode: c.provinceCode });
  const dueAt = new Date(now.getTime() + timeoutMs(deps, c.riskLevel));
  let sent = 0;
  for (const r of recipients) {
    for (const ch of r.channels) {
      const esc = await insertEscalation(tx, { caseId: c.id, level, recipientStaffId: r.staffId, channel: ch.channel, recipient: ch.userId, attempt, now, dueAt });
      for (const m of messages(deps, c, esc.id, level, attempt, reason)) {
        const outboxId = await queueNotification(tx, { channel: ch.channel, userId: ch.userId }, m, now);
        await linkOutboxToContact(tx, outboxId, ch);
      }
      await scheduleJob(tx, { kind: JOB_ESCALATION_TIMEOUT, runAt: dueAt, payload: { escalationId: esc.id }, dedupeKey: timeoutJobKey(esc.id) });
      sent++;
    }
  }
  if (sent > 0) {
    await insertEvent(tx, { caseId: c.id, type: "escalation_sent", actor: "system", at: now, data: { level, attempt, recipients: recipients.length, notifications: sent, dueAt: dueAt.toISOString() } });
  } else {
    await insertEvent(tx, { caseId: c.id, type: "escalation_skipped", actor: "system", at: now, data: { level, reason: "no_reachable_recipient" } });
  }
  return sent;
}

const NEXT: Record<EscalationLevel, EscalationLevel | null> = { commune: "province", province: "hotline", hotline: null };

/**
 * Notifies from `start` upwards until some level has a reachable recipient; returns that level or null. The hotline
 * is skipped when it is already in its own notification cycle for this case (no double messages).
 */
async function notifyUpFrom(tx: Db, deps: EscalationDeps, c: CaseInfo, start: EscalationLevel, now: Date, reason?: string): Promise<EscalationLevel | null> {
  for (let level: EscalationLevel | null = start; level; level = NEXT[level]) {
    if (level === "hotline" && (await openEscalations(tx, c.id, { level: "hotline" })).length > 0) return "hotline";
    const attempt = (await maxAttempt(tx, c.id, level)) + 1;
    if (level === "hotline" && attempt > deps.maxHotlineAttempts) return null;
    if ((await notifyLevel(tx, deps, c, level, attempt, now, reason)) > 0) return level;
  }
  return null;
}

function startLevel(c: CaseInfo): EscalationLevel {
  return c.communeCode ? "commune" : c.provinceCode ? "province" : "hotline";
}

async function unrouted(tx: Db, deps: EscalationDeps, c: CaseInfo, now: Date, retry: number): Promise<void> {
  // Nobody can be reached: say so loudly, keep the case visible in the console, and try again later (a recipient
  // may be added meanwhile). This is a configuration failure, never something to drop silently.
  deps.logger.error({ caseId: c.id, retry }, "escalation: no reachable recipient at any level");
  await insertEvent(tx, { caseId: c.id, type: "escalation_unrouted", actor: "system", at: now, data: { retry } });
  if (retry < deps.maxUnroutedRetries) {
    await scheduleJob(tx, { kind: JOB_ESCALATION_UNROUTED, runAt: new Date(now.getTime() + timeoutMs(deps, c.riskLevel)), payload: { caseId: c.id, retry: retry + 1 }, dedupeKey: `esc-unrouted:${c.id}:${retry + 1}` });
  }
}

async function route(tx: Db, deps: EscalationDeps, c: CaseInfo, now: Date, retry: number): Promise<void> {
  // The place's chain first (commune → province → hotline when nobody is reachable below), then 111 in parallel
  // unless the chain already ended there.
  const first = startLevel(c);
  let reached = first === "hotline" ? null : await notifyUpFrom(tx, deps, c, first, now);
  if (reached !== "hotline") {
    const attempt = (await maxAttempt(tx, c.id, "hotline")) + 1;
    if (attempt <= deps.maxHotlineAttempts && (await notifyLevel(tx, deps, c, "hotline", attempt, now)) > 0) reached ??= "hotline";
  }
  if (reached === null) await unrouted(tx, deps, c, now, retry);
}

/** Escalates a newly created case (inside the transaction that created it): commune (or higher) and 111 in parallel. */
export async function escalateNewCase(tx: Db, deps: EscalationDeps, caseId: string, now: Date): Promise<void> {
  const c = await caseForEscalation(tx, caseId);
  if (!c) throw new Error(`escalateNewCase: case ${caseId} not found`);
  await route(tx, deps, c, now, 0);
}

/** Timer: an escalation was not acknowledged in time — mark it, then go up a level (or re-notify the hotline). */
export async function handleEscalationTimeout(tx: Db, deps: EscalationDeps, escalationId: string, now: Date): Promise<void> {
  const esc = await lockEscalation(tx, escalationId);
  if (!esc || esc.status !== "sent") return; // acknowledged, or handled with its siblings
  const c = await caseForEscalation(tx, esc.caseId);
  if (!c || c.acknowledgedAt || c.status === "closed") return;
  // Everyone notified in the same round at this level timed out together: one step up, not one per recipient.
  const round = await openEscalations(tx, c.id, { level: esc.level, attempt: esc.attempt });
  await setEscalationStatus(tx, round.map((r) => r.id), "timed_out");
  for (const r of round) if (r.id !== esc.id) await cancelJob(tx, timeoutJobKey(r.id));
  const level = esc.level as EscalationLevel;
  await insertEvent(tx, { caseId: c.id, type: "escalation_timeout", actor: "system", at: now, data: { level, attempt: esc.attempt } });
  await insertAudit(tx, { actor: "system", action: "escalation.timeout", entity: "Case", entityId: c.id, at: now, details: { level, attempt: esc.attempt } });
  deps.logger.warn({ caseId: c.id, level, attempt: esc.attempt }, "escalation not acknowledged in time; going up");
  if (level === "hotline") {
    const attempt = (await maxAttempt(tx, c.id, "hotline")) + 1;
    if (attempt > deps.maxHotlineAttempts) {
      deps.logger.error({ caseId: c.id, attempts: attempt - 1 }, "escalation: hotline never acknowledged; re-notification cap reached");
      await insertEvent(tx, { caseId: c.id, type: "escalation_exhausted", actor: "system", at: now, data: { level, attempts: attempt - 1 } });
      return;
    }
    const sent = await notifyLevel(tx, deps, c, "hotline", attempt, now, `lần ${attempt}`);
    if (sent === 0) await unrouted(tx, deps, c, now, 0);
    return;
  }
  const reached = await notifyUpFrom(tx, deps, c, NEXT[level]!, now, `${LEVEL_LABELS[level]} chưa xác nhận`);
  if (reached === null) await unrouted(tx, deps, c, now, 0);
}

/** Timer: a case nobody could be told about is routed again (a recipient may have been added since). */
export async function retryUnroutedCase(tx: Db, deps: EscalationDeps, caseId: string, retry: number, now: Date): Promise<void> {
  const c = await caseForEscalation(tx, caseId);
  if (!c || c.acknowledgedAt || c.status === "closed") return;
  if ((await openEscalations(tx, c.id)).length > 0) return;
  await route(tx, deps, c, now, retry);
}
