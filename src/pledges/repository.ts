/**
 * The only code in src/pledges that touches Prisma. Functions take a Prisma transaction client so services run
 * inside the caller's transaction (a PrismaClient fits too).
 */
import type { Prisma } from "../generated/prisma/client.js";

export type Db = Prisma.TransactionClient;

export interface PledgeRow {
  id: string;
  code: string;
  needId: string | null;
  kind: string;
  amountVnd: bigint | null;
  items: string | null;
  quantity: number | null;
  publicName: string | null;
  donorContactId: string | null;
  status: string;
  receivedAmountVnd: bigint | null;
  receivedAt: Date | null;
  deliveredAt: Date | null;
  thankedAt: Date | null;
  createdAt: Date;
  expiresAt: Date | null;
}

// contactEnc is deliberately not selected: services that only move statuses never hold donor contact data
const PLEDGE_SELECT = {
  id: true,
  code: true,
  needId: true,
  kind: true,
  amountVnd: true,
  items: true,
  quantity: true,
  publicName: true,
  donorContactId: true,
  status: true,
  receivedAmountVnd: true,
  receivedAt: true,
  deliveredAt: true,
  thankedAt: true,
  createdAt: true,
  expiresAt: true,
} as const;

/** Inserts a pledge (contact already encrypted). */
export async function insertPledge(
  db: Db,
  data: {
    code: string;
    needId: string | null;
    kind: string;
    amountVnd: bigint | null;
    items: string | null;
    quantity: number | null;
    publicName: string | null;
    donorContactId: string | null;
    donorChannel: string | null;
    contactEnc: Uint8Array | null;
    createdAt: Date;
    expiresAt: Date | null;
  },
): Promise<PledgeRow> {
  return db.pledge.create({ data: { ...data, contactEnc: bytes(data.contactEnc) }, select: PLEDGE_SELECT });
}

/** A pledge by code (any status). */
export async function findPledgeByCode(db: Db, code: string): Promise<PledgeRow | null> {
  return db.pledge.findUnique({ where: { code }, select: PLEDGE_SELECT });
}

/** Moves a pledge from an expected status (compare-and-set; false when someone else changed it first). */
export async function updatePledgeIf(
  db: Db,
  id: string,
  from: string,
  data: { status: string; receivedAmountVnd?: bigint; receivedAt?: Date; deliveredAt?: Date; thankedAt?: Date },
): Promise<boolean> {
  const r = await db.pledge.updateMany({ where: { id, status: from }, data });
  return r.count === 1;
}

/** Money pledges still waiting for their transfer whose deadline has passed. */
export async function overduePledges(db: Db, now: Date, limit: number): Promise<PledgeRow[]> {
  return db.pledge.findMany({
    where: { status: "pledged", kind: "money", expiresAt: { lte: now } },
    orderBy: { expiresAt: "asc" },
    take: limit,
    select: PLEDGE_SELECT,
  });
}

/** Need codes by id (for results that name the need). */
export async function needCodes(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.need.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, code: true } });
  return new Map(rows.map((r) => [r.id, r.code]));
}

/** Whether a statement line was imported before. */
export async function statementLineExists(db: Db, lineKey: string): Promise<boolean> {
  return (await db.statementLine.count({ where: { lineKey } })) > 0;
}

/** Inserts a statement line unless its key exists (ON CONFLICT DO NOTHING: a concurrent import cannot double it). */
export async function insertStatementLine(
  db: Db,
  line: { id: string; lineKey: string; amountVnd: bigint; note: string; bookedAt: Date; pledgeId: string | null; importedBy: string; createdAt: Date },
): Promise<boolean> {
  const r = await db.statementLine.createMany({ data: [line], skipDuplicates: true });
  return r.count === 1;
}

/** Appends an audit row (non-private details only). */
export async function insertAudit(
  db: Db,
  row: { actor: string; action: string; entity: string; entityId: string | null; details: Prisma.InputJsonObject; at?: Date },
): Promise<void> {
  await db.auditLog.create({ data: { actor: row.actor, action: row.action, entity: row.entity, entityId: row.entityId, details: row.details, ...(row.at ? { at: row.at } : {}) } });
}

/** Prisma's Bytes columns want a Uint8Array over a plain ArrayBuffer; Node Buffers may sit on a shared pool. */
function bytes(b: Uint8Array | null): Uint8Array<ArrayBuffer> | null {
  return b === null ? null : new Uint8Array(b);
}
