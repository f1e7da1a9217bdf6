/**
 * What the case pages read: the scoped queue, one case with its escalations, timeline and (for those allowed) its
 * decrypted private fields and the reporter's conversation. Every look-up goes through `withinScope`, so a case
 * outside the staff member's area is exactly as invisible as a missing one.
 */
import { decryptJson, decryptOptional, decryptText } from "../../crypto/index.js";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import type { CaseStatus, RiskLevel } from "../../cases/types.js";
import { withinScope, type StaffScope } from "../../staff/permissions.js";
import { compareQueue } from "./cases-labels.js";
import { messageText, type TranscriptLine } from "./handoff-data.js";

export const QUEUE_LIMIT = 300;

export interface QueueRow {
  id: string;
  code: string;
  category: string;
  status: CaseStatus;
  riskLevel: RiskLevel;
  urgent: boolean;
  communeCode: string | null;
  provinceCode: string | null;
  assignedStaffId: string | null;
  receivedAt: Date;
  acknowledgedAt: Date | null;
  protectedAt: Date | null;
  protectionDueAt: Date | null;
  planDueAt: Date | null;
  approvalDueAt: Date | null;
}

const QUEUE_SELECT = {
  id: true, code: true, category: true, status: true, riskLevel: true, urgent: true, communeCode: true, provinceCode: true, assignedStaffId: true,
  receivedAt: true, acknowledgedAt: true, protectedAt: true, protectionDueAt: true, planDueAt: true, approvalDueAt: true,
} as const;

/** Open cases in scope (or those of one status), optionally of one risk level, in queue order. */
export async function listQueue(prisma: PrismaClient, staff: StaffScope, f: { status?: CaseStatus; risk?: RiskLevel }): Promise<{ rows: QueueRow[]; truncated: boolean }> {
  const where: Prisma.CaseWhereInput = {
    status: f.status ?? { not: "closed" },
    ...(f.risk ? { riskLevel: f.risk } : {}),
  };
  // The database orders by risk (enum order: immediate first) and age; the exact deadline order is applied here.
  const rows = await prisma.case.findMany({ where: withinScope(staff, "case", where), orderBy: [{ riskLevel: "asc" }, { receivedAt: "asc" }], take: QUEUE_LIMIT + 1, select: QUEUE_SELECT });
  const truncated = rows.length > QUEUE_LIMIT;
  return { rows: rows.slice(0, QUEUE_LIMIT).sort(compareQueue), truncated };
}

/** Display names of administrative units by code. */
export async function unitNames(prisma: PrismaClient, codes: readonly (string | null)[]): Promise<Map<string, string>> {
  const list = [...new Set(codes.filter((c): c is string => typeof c === "string"))];
  if (list.length === 0) return new Map();
  const units = await prisma.administrativeUnit.findMany({ where: { code: { in: list } }, select: { code: true, fullName: true } });
  return new Map(units.map((u) => [u.code, u.fullName]));
}

/** Display names of staff members by id. */
export async function staffNames(prisma: PrismaClient, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
  const list = [...new Set(ids.filter((c): c is string => typeof c === "string" && c.length > 0))];
  if (list.length === 0) return new Map();
  const rows = await prisma.staff.findMany({ where: { id: { in: list } }, select: { id: true, displayName: true } });
  return new Map(rows.map((s) => [s.id, s.displayName]));
}

const CASE_PAGE_SELECT = {
  ...QUEUE_SELECT,
  reporterChannel: true, reporterContactId: true, anonymous: true, reporterIsChild: true, childAge: true, childSex: true, inDangerNow: true,
  suspectRelation: true, whenText: true, closedAt: true, updatedAt: true,
} as const;

export type CaseSummary = Prisma.CaseGetPayload<{ select: typeof CASE_PAGE_SELECT }>;

/** Whether an id is shaped like our case ids (uuid), so garbage never reaches the database or the audit log. */
export function isCaseId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

/** The case if it exists AND is in scope; null otherwise (callers answer 404 either way). */
export async function loadScopedCase(prisma: PrismaClient, staff: StaffScope, id: string): Promise<CaseSummary | null> {
  if (!isCaseId(id)) return null;
  return prisma.case.findFirst({ where: withinScope(staff, "case", { id }), select: CASE_PAGE_SELECT });
}

/** Whether a case id exists at all (for the audit row of a refused access only; never shown to the caller). */
export async function caseExists(prisma: PrismaClient, id: string): Promise<boolean> {
  if (!isCaseId(id)) return false;
  return (await prisma.case.count({ where: { id } })) > 0;
}

export interface PrivateFields {
  childName: string | null;
  reporterName: string | null;
  reporterPhone: string | null;
  address: string | null;
  description: string | null;
  location: { lat: number; lng: number } | null;
  attachments: { id: string; at: Date; addedBy: string; label: string }[];
}

function parseLocation(value: unknown): { lat: number; lng: number } | null {
  if (typeof value === "object" && value !== null && "lat" in value && "lng" in value && typeof value.lat === "number" && typeof value.lng === "number") return { lat: value.lat, lng: value.lng };
  return null;
}

/** A human label for a stored attachment reference (platform file ids are opaque; a console note is shown as written). */
function attachmentLabel(value: unknown): string {
  if (typeof value !== "object" || value === null) return "Tệp đính kèm";
  const type = "type" in value && typeof value.type === "string" ? value.type : "file";
  const note = "note" in value && typeof value.note === "string" ? value.note : "";
  const ref = "ref" in value && typeof value.ref === "string" ? value.ref : "";
  const kind = ({ image: "Ảnh", audio: "Ghi âm", video: "Video", file: "Tệp", sticker: "Nhãn dán", other: "Tệp" } as Record<string, string>)[type] ?? "Tệp";
  return [kind, note, ref && ref.length <= 200 ? `(${ref})` : ""].filter(Boolean).join(" ");
}

/** Decrypts the private fields of a case. Call only after canViewPrivate, and audit the names of what was shown. */
export async function loadPrivateFields(prisma: PrismaClient, caseId: string): Promise<PrivateFields> {
  const c = await prisma.case.findUniqueOrThrow({
    where: { id: caseId },
    select: { childNameEnc: true, reporterNameEnc: true, reporterPhoneEnc: true, addressEnc: true, descriptionEnc: true, locationEnc: true, attachments: { orderBy: { createdAt: "asc" }, select: { id: true, createdAt: true, addedBy: true, refEnc: true } } },
  });
  return {
    childName: decryptOptional(c.childNameEnc),
    reporterName: decryptOptional(c.reporterNameEnc),
    reporterPhone: decryptOptional(c.reporterPhoneEnc),
    address: decryptOptional(c.addressEnc),
    description: decryptOptional(c.descriptionEnc),
    location: c.locationEnc ? parseLocation(decryptJson(c.locationEnc)) : null,
    attachments: c.attachments.map((a) => {
      let label = "Tệp đính kèm";
      try {
        label = attachmentLabel(JSON.parse(decryptText(a.refEnc)));
      } catch {
        // An unreadable reference still shows that a file exists.
      }
      return { id: a.id, at: a.createdAt, addedBy: a.addedBy, label };
    }),
  };
}

/** The names of the private fields that hold a value (what the audit row records, never the values). */
export function shownFieldNames(p: PrivateFields, extra: { timelineTexts: number; messages: number }): string[] {
  const names: string[] = [];
  if (p.childName) names.push("childName");
  if (p.reporterName) names.push("reporterName");
  if (p.reporterPhone) names.push("reporterPhone");
  if (p.address) names.push("address");
  if (p.description) names.push("description");
  if (p.location) names.push("location");
  if (p.attachments.length > 0) names.push("attachments");
  if (extra.timelineTexts > 0) names.push("timelineText");
  if (extra.messages > 0) names.push("conversation");
  return names;
}

export interface EscalationView {
  id: string;
  level: string;
  recipientStaffId: string | null;
  channel: string;
  status: string;
  attempt: number;
  createdAt: Date;
  dueAt: Date;
  acknowledgedAt: Date | null;
}

/** The case's escalations, oldest first. */
export async function loadEscalations(prisma: PrismaClient, caseId: string): Promise<EscalationView[]> {
  return prisma.escalation.findMany({
    where: { caseId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, level: true, recipientStaffId: true, channel: true, status: true, attempt: true, createdAt: true, dueAt: true, acknowledgedAt: true },
  });
}

export interface TimelineEvent {
  kind: "event";
  id: string;
  type: string;
  at: Date;
  actor: string;
  data: Record<string, unknown>;
  /** decrypted text (reason, note, reporter addition): only when the viewer may see private fields */
  text: string | null;
  hasText: boolean;
}

/** The case's timeline events, oldest first; texts are decrypted only when `withText`. */
export async function loadEvents(prisma: PrismaClient, caseId: string, withText: boolean): Promise<TimelineEvent[]> {
  const rows = await prisma.caseEvent.findMany({ where: { caseId }, orderBy: [{ at: "asc" }, { id: "asc" }], take: 1000 });
  return rows.map((r) => {
    let text: string | null = null;
    if (withText && r.textEnc) {
      try {
        text = decryptText(r.textEnc);
      } catch {
        text = "(không giải mã được)";
      }
    }
    const data = typeof r.data === "object" && r.data !== null && !Array.isArray(r.data) ? (r.data as Record<string, unknown>) : {};
    return { kind: "event", id: r.id.toString(), type: r.type, at: r.at, actor: r.actor, data, text, hasText: r.textEnc !== null };
  });
}

/**
 * The reporter's chat messages around the case (from an hour before the report until it closed), decrypted:
 * private, so only for viewers allowed to see private fields. Empty for cases without a chat contact.
 */
export async function loadReporterMessages(prisma: PrismaClient, c: Pick<CaseSummary, "reporterContactId" | "receivedAt" | "closedAt">, limit = 200): Promise<TranscriptLine[]> {
  if (!c.reporterContactId) return [];
  const conv = await prisma.conversation.findUnique({ where: { contactId: c.reporterContactId }, select: { id: true } });
  if (!conv) return [];
  const from = new Date(c.receivedAt.getTime() - 3_600_000);
  const rows = await prisma.message.findMany({
    where: { conversationId: conv.id, createdAt: { gte: from, ...(c.closedAt ? { lte: c.closedAt } : {}) } },
    orderBy: { id: "desc" },
    take: limit,
    select: { id: true, direction: true, author: true, createdAt: true, bodyEnc: true, status: true },
  });
  return rows.reverse().map((r) => ({ id: r.id.toString(), direction: r.direction === "in" ? "in" : "out", author: r.author, at: r.createdAt, status: r.status, text: messageText(r.bodyEnc) }));
}
