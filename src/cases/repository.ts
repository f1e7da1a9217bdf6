/**
 * The only code in src/cases that touches Prisma. Every function takes a transaction client (a PrismaClient fits
 * too), so use cases run inside the caller's transaction — the processor's, for cases created from a chat.
 */
import type { Cipher } from "../crypto/index.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { CaseStatus, RiskLevel } from "./types.js";

export type Db = Prisma.TransactionClient;

export interface CaseRow {
  id: string;
  code: string;
  category: string;
  status: CaseStatus;
  riskLevel: RiskLevel;
  urgent: boolean;
  provinceCode: string | null;
  communeCode: string | null;
  reporterContactId: string | null;
  anonymous: boolean;
  assignedStaffId: string | null;
  receivedAt: Date;
  protectionDueAt: Date | null;
  planDueAt: Date | null;
  approvalDueAt: Date | null;
  acknowledgedAt: Date | null;
  closedAt: Date | null;
  updatedAt: Date;
}

const CASE_SELECT = {
  id: true,
  code: true,
  category: true,
  status: true,
  riskLevel: true,
  urgent: true,
  provinceCode: true,
  communeCode: true,
  reporterContactId: true,
  anonymous: true,
  assignedStaffId: true,
  receivedAt: true,
  protectionDueAt: true,
  planDueAt: true,
  approvalDueAt: true,
  acknowledgedAt: true,
  closedAt: true,
  updatedAt: true,
} as const;

/** Inserts a case row; returns it. */
export async function insertCase(db: Db, data: Prisma.CaseUncheckedCreateInput): Promise<CaseRow> {
  return db.case.create({ data, select: CASE_SELECT });
}

/** A case by id, or null. */
export async function findCaseById(db: Db, id: string): Promise<CaseRow | null> {
  return db.case.findUnique({ where: { id }, select: CASE_SELECT });
}

/** A case by its code, or null. */
export async function findCaseByCode(db: Db, code: string): Promise<CaseRow | null> {
  return db.case.findUnique({ where: { code }, select: CASE_SELECT });
}

/** A case by id, locked for update so concurrent status changes serialise. */
export async function lockCase(db: Db, id: string): Promise<CaseRow | null> {
  await db.$executeRawUnsafe(`SELECT 1 FROM "Case" WHERE id = $1 FOR UPDATE`, id);
  return findCaseById(db, id);
}

/** Updates fields of a case. */
export async function updateCase(db: Db, id: string, data: Prisma.CaseUncheckedUpdateInput): Promise<CaseRow> {
  return db.case.update({ where: { id }, data, select: CASE_SELECT });
}

/** Appends a timeline event; `text` must already be encrypted. */
export async function insertCaseEvent(
  db: Db,
  e: { caseId: string; type: string; actor: string; at: Date; data?: Record<string, string | number | boolean | null | string[]>; textEnc?: Cipher | null },
): Promise<void> {
  await db.caseEvent.create({ data: { caseId: e.caseId, type: e.type, actor: e.actor, at: e.at, data: e.data ?? {}, textEnc: e.textEnc ?? null } });
}

/** Stores attachment references (already encrypted). */
export async function insertAttachments(db: Db, caseId: string, rows: { channel: string; refEnc: Cipher; addedBy: string; at: Date }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.caseAttachment.createMany({ data: rows.map((r) => ({ caseId, channel: r.channel, refEnc: r.refEnc, addedBy: r.addedBy, createdAt: r.at })) });
}

/** Appends an audit row (non-private details only). */
export async function insertAudit(db: Db, a: { actor: string; action: string; entityId: string; at: Date; details?: Record<string, string | number | boolean | null> }): Promise<void> {
  await db.auditLog.create({ data: { actor: a.actor, action: a.action, entity: "Case", entityId: a.entityId, at: a.at, details: a.details ?? {} } });
}

/** A staff member's id, role and notification channels, or null. */
export async function findStaff(db: Db, id: string): Promise<{ id: string; active: boolean; notifyChannels: unknown; communeCodes: string[]; provinceCodes: string[]; role: string } | null> {
  return db.staff.findUnique({ where: { id }, select: { id: true, active: true, notifyChannels: true, communeCodes: true, provinceCodes: true, role: true } });
}

/** Staff who acknowledged an escalation of the case, most recent first. */
export async function acknowledgersOf(db: Db, caseId: string): Promise<string[]> {
  const rows = await db.escalation.findMany({ where: { caseId, status: "acknowledged", recipientStaffId: { not: null } }, orderBy: { acknowledgedAt: "desc" }, select: { recipientStaffId: true } });
  return [...new Set(rows.map((r) => r.recipientStaffId!))];
}
