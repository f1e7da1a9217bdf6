/**
 * Writing the append-only AuditLog (a trigger refuses UPDATE/DELETE). Details must hold non-private facts only:
 * ids, field NAMES, statuses, counts — never names, phone numbers, addresses, descriptions, passwords or tokens.
 */
import type { PrismaClient } from "../generated/prisma/client.js";

/** JSON values allowed in audit details (no nested objects, so private blobs are not smuggled in by accident). */
export type AuditValue = string | number | boolean | null | readonly (string | number)[];
export type AuditDetails = Readonly<Record<string, AuditValue>>;

export interface AuditEntry {
  /** "system", "anonymous", "staff:<id>" … */
  actor: string;
  action: string;
  entity: string;
  entityId?: string | null;
  details?: AuditDetails;
  ip?: string | null;
}

/** The minimal Prisma surface audit needs: works with the client and inside `$transaction(async (tx) => …)`. */
export type AuditWriter = Pick<PrismaClient, "auditLog">;

/** Appends one audit row. */
export async function writeAudit(db: AuditWriter, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({ data: auditData(entry) });
}

/** The create-data of an audit row, for batch `$transaction([...])` calls. */
export function auditData(entry: AuditEntry): { actor: string; action: string; entity: string; entityId: string | null; details: Record<string, AuditValue>; ip: string | null } {
  return {
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId ?? null,
    details: { ...(entry.details ?? {}) },
    ip: entry.ip ?? null,
  };
}

/** The actor string of a staff member. */
export function staffActor(staffId: string): string {
  return `staff:${staffId}`;
}
