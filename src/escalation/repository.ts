/** The only code in src/escalation that touches Prisma; every function runs in the caller's transaction. */
import type { Prisma } from "../generated/prisma/client.js";
import { parseNotifyChannels, type EscalationLevel, type NotifyChannel } from "./types.js";

export type Db = Prisma.TransactionClient;

export interface Recipient {
  staffId: string;
  channels: NotifyChannel[];
}

export interface EscalationRow {
  id: string;
  caseId: string;
  level: string;
  recipientStaffId: string | null;
  channel: string;
  recipient: string;
  status: string;
  attempt: number;
  dueAt: Date;
  acknowledgedAt: Date | null;
}

const ESC_SELECT = { id: true, caseId: true, level: true, recipientStaffId: true, channel: true, recipient: true, status: true, attempt: true, dueAt: true, acknowledgedAt: true } as const;

/**
 * Active recipients at one level whose scope covers the place (commune: its workers; province: its officers;
 * hotline: everyone at that level), with their chat accounts. Staff without a chat account are left out: they cannot
 * be reached, and counting them would stop the escalation from going up a level.
 */
export async function recipientsAt(db: Db, level: EscalationLevel, place: { communeCode: string | null; provinceCode: string | null }): Promise<Recipient[]> {
  const base = { active: true, escalationLevel: level };
  let where: Prisma.StaffWhereInput;
  if (level === "hotline") where = base;
  else if (level === "commune") {
    if (!place.communeCode) return [];
    where = { ...base, communeCodes: { has: place.communeCode } };
  } else {
    if (!place.provinceCode) return [];
    where = { ...base, provinceCodes: { has: place.provinceCode } };
  }
  const rows = await db.staff.findMany({ where, orderBy: { username: "asc" }, select: { id: true, notifyChannels: true } });
  return rows.map((r) => ({ staffId: r.id, channels: parseNotifyChannels(r.notifyChannels) })).filter((r) => r.channels.length > 0);
}

/**
 * Links a queued notification to the recipient's Contact on that channel, when they ever wrote to us there: the
 * outbox then knows their messaging window (Messenger refuses proactive messages without it), and a message held for
 * the window is released as soon as they write again.
 */
export async function linkOutboxToContact(db: Db, outboxId: bigint, to: { channel: string; userId: string }): Promise<void> {
  const c = await db.contact.findUnique({ where: { channel_channelUserId: { channel: to.channel, channelUserId: to.userId } }, select: { id: true } });
  if (c) await db.outboxItem.update({ where: { id: outboxId }, data: { contactId: c.id } });
}

/** The notification channels of one staff member (empty when inactive or unknown). */
export async function staffChannels(db: Db, staffId: string): Promise<NotifyChannel[]> {
  const s = await db.staff.findUnique({ where: { id: staffId }, select: { active: true, notifyChannels: true } });
  return s?.active ? parseNotifyChannels(s.notifyChannels) : [];
}

/** Inserts an escalation row (status "sent": the outbox row is written in the same transaction). */
export async function insertEscalation(
  db: Db,
  e: { caseId: string; level: EscalationLevel; recipientStaffId: string; channel: string; recipient: string; attempt: number; now: Date; dueAt: Date },
): Promise<EscalationRow> {
  return db.escalation.create({
    data: { caseId: e.caseId, level: e.level, recipientStaffId: e.recipientStaffId, channel: e.channel, recipient: e.recipient, status: "sent", attempt: e.attempt, createdAt: e.now, sentAt: e.now, dueAt: e.dueAt },
    select: ESC_SELECT,
  });
}

/** An escalation by id, locked so a timeout and an acknowledgement cannot both win. */
export async function lockEscalation(db: Db, id: string): Promise<EscalationRow | null> {
  await db.$executeRawUnsafe(`SELECT 1 FROM "Escalation" WHERE id = $1 FOR UPDATE`, id);
  return db.escalation.findUnique({ where: { id }, select: ESC_SELECT });
}

/** Open (sent, not acknowledged or timed out) escalations of a case, optionally at one level and attempt. */
export async function openEscalations(db: Db, caseId: string, filter: { level?: string; attempt?: number } = {}): Promise<EscalationRow[]> {
  return db.escalation.findMany({ where: { caseId, status: "sent", ...filter }, select: ESC_SELECT, orderBy: { createdAt: "asc" } });
}

/** Sets the status (and acknowledgement time) of escalations. */
export async function setEscalationStatus(db: Db, ids: string[], status: "acknowledged" | "timed_out", at?: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.escalation.updateMany({ where: { id: { in: ids } }, data: { status, ...(status === "acknowledged" ? { acknowledgedAt: at } : {}) } });
}

/** The highest attempt number used at a level for a case (0 when none). */
export async function maxAttempt(db: Db, caseId: string, level: EscalationLevel): Promise<number> {
  const r = await db.escalation.aggregate({ where: { caseId, level }, _max: { attempt: true } });
  return r._max.attempt ?? 0;
}

/** The case fields escalation needs (no private fields). */
export async function caseForEscalation(db: Db, caseId: string) {
  return db.case.findUnique({
    where: { id: caseId },
    select: { id: true, code: true, category: true, riskLevel: true, communeCode: true, provinceCode: true, receivedAt: true, acknowledgedAt: true, status: true, assignedStaffId: true },
  });
}

/** Marks the case acknowledged (first acknowledgement only) and assigns it when unassigned and asked to. */
export async function markCaseAcknowledged(db: Db, caseId: string, at: Date, assignTo: string | null): Promise<void> {
  await db.case.updateMany({ where: { id: caseId, acknowledgedAt: null }, data: { acknowledgedAt: at } });
  if (assignTo) await db.case.updateMany({ where: { id: caseId, assignedStaffId: null }, data: { assignedStaffId: assignTo } });
}

/** Appends a case timeline event (non-private data only). */
export async function insertEvent(db: Db, e: { caseId: string; type: string; actor: string; at: Date; data: Record<string, string | number | boolean | null> }): Promise<void> {
  await db.caseEvent.create({ data: { caseId: e.caseId, type: e.type, actor: e.actor, at: e.at, data: e.data } });
}

/** Appends an audit row (non-private details only). */
export async function insertAudit(db: Db, a: { actor: string; action: string; entity: string; entityId: string | null; at: Date; details?: Record<string, string | number | boolean | null> }): Promise<void> {
  await db.auditLog.create({ data: { actor: a.actor, action: a.action, entity: a.entity, entityId: a.entityId, at: a.at, details: a.details ?? {} } });
}

/** A link code with its staff member, or null. */
export async function findLinkCode(db: Db, code: string) {
  return db.staffLinkCode.findUnique({ where: { code } });
}

/** Creates a link code. */
export async function insertLinkCode(db: Db, row: { code: string; staffId: string; expiresAt: Date }): Promise<void> {
  await db.staffLinkCode.create({ data: row });
}

/** Marks a link code used, only if it still is unused (returns whether this call used it). */
export async function useLinkCode(db: Db, code: string, at: Date): Promise<boolean> {
  const r = await db.staffLinkCode.updateMany({ where: { code, usedAt: null }, data: { usedAt: at } });
  return r.count === 1;
}

/** Adds a chat account to a staff member's notification channels (no duplicate). */
export async function addNotifyChannel(db: Db, staffId: string, ch: NotifyChannel): Promise<boolean> {
  await db.$executeRawUnsafe(`SELECT 1 FROM "Staff" WHERE id = $1 FOR UPDATE`, staffId);
  const s = await db.staff.findUnique({ where: { id: staffId }, select: { notifyChannels: true } });
  if (!s) return false;
  const list = parseNotifyChannels(s.notifyChannels);
  if (!list.some((c) => c.channel === ch.channel && c.userId === ch.userId)) list.push(ch);
  await db.staff.update({ where: { id: staffId }, data: { notifyChannels: list } });
  return true;
}
