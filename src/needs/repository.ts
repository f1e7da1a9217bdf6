/**
 * The only code in src/needs that touches Prisma. Every function takes a Prisma transaction client (a PrismaClient
 * also fits), so services run inside the caller's transaction.
 */
import type { Prisma } from "../generated/prisma/client.js";

export type Db = Prisma.TransactionClient;

export interface NeedRow {
  id: string;
  code: string;
  facility: string;
  provinceCode: string;
  communeCode: string;
  category: string;
  childrenCount: number;
  quantity: number;
  unit: string;
  amountVnd: bigint | null;
  neededBy: Date | null;
  description: string;
  status: string;
  verifiedBy: string | null;
  verifiedAt: Date | null;
  publishedAt: Date | null;
  createdAt: Date;
}

const NEED_SELECT = {
  id: true,
  code: true,
  facility: true,
  provinceCode: true,
  communeCode: true,
  category: true,
  childrenCount: true,
  quantity: true,
  unit: true,
  amountVnd: true,
  neededBy: true,
  description: true,
  status: true,
  verifiedBy: true,
  verifiedAt: true,
  publishedAt: true,
  createdAt: true,
} as const;

/** Inserts a need (private contact fields already encrypted by the caller). */
export async function insertNeed(
  db: Db,
  data: Omit<NeedRow, "id" | "status" | "verifiedBy" | "verifiedAt" | "publishedAt" | "createdAt"> & {
    contactNameEnc: Uint8Array | null;
    contactPhoneEnc: Uint8Array | null;
    reporterContactId: string | null;
    createdAt: Date;
  },
): Promise<NeedRow> {
  return db.need.create({ data: { ...data, contactNameEnc: bytes(data.contactNameEnc), contactPhoneEnc: bytes(data.contactPhoneEnc) }, select: NEED_SELECT });
}

/** A need by its code (any status). */
export async function findNeedByCode(db: Db, code: string): Promise<NeedRow | null> {
  return db.need.findUnique({ where: { code }, select: NEED_SELECT });
}

/** A need by id (any status). */
export async function findNeedById(db: Db, id: string): Promise<NeedRow | null> {
  return db.need.findUnique({ where: { id }, select: NEED_SELECT });
}

/** Locks a need row until the transaction ends, so concurrent pledges recompute its status one after another. */
export async function lockNeed(db: Db, id: string): Promise<void> {
  await db.$queryRaw`SELECT 1 FROM "Need" WHERE "id" = ${id} FOR UPDATE`;
}

/** Moves a need from an expected status (compare-and-set: a concurrent change makes this return false). */
export async function updateNeedStatusIf(
  db: Db,
  id: string,
  from: string,
  data: { status: string; verifiedBy?: string; verifiedAt?: Date; publishedAt?: Date },
): Promise<boolean> {
  const r = await db.need.updateMany({ where: { id, status: from }, data });
  return r.count === 1;
}

export interface PledgeFigures {
  kind: string;
  status: string;
  amountVnd: bigint | null;
  receivedAmountVnd: bigint | null;
  quantity: number | null;
}

/** The pledges of one need, reduced to the figures that drive its status. */
export async function pledgeFiguresForNeed(db: Db, needId: string): Promise<PledgeFigures[]> {
  return db.pledge.findMany({ where: { needId }, select: { kind: true, status: true, amountVnd: true, receivedAmountVnd: true, quantity: true } });
}

/** Needs in the given statuses, optionally filtered, oldest deadline first (no deadline last). */
export async function listNeeds(
  db: Db,
  filter: { statuses: readonly string[]; provinceCode?: string; communeCode?: string; category?: string; limit?: number },
): Promise<NeedRow[]> {
  return db.need.findMany({
    where: {
      status: { in: [...filter.statuses] },
      ...(filter.provinceCode ? { provinceCode: filter.provinceCode } : {}),
      ...(filter.communeCode ? { communeCode: filter.communeCode } : {}),
      ...(filter.category ? { category: filter.category } : {}),
    },
    orderBy: [{ neededBy: { sort: "asc", nulls: "last" } }, { publishedAt: "asc" }, { code: "asc" }],
    ...(filter.limit ? { take: filter.limit } : {}),
    select: NEED_SELECT,
  });
}

/** Pledge figures for many needs at once (for lists and transparency). */
export async function pledgesForNeeds(db: Db, needIds: readonly string[]): Promise<(PledgeFigures & { needId: string | null })[]> {
  if (needIds.length === 0) return [];
  return db.pledge.findMany({
    where: { needId: { in: [...needIds] } },
    select: { needId: true, kind: true, status: true, amountVnd: true, receivedAmountVnd: true, quantity: true },
  });
}

export interface PublicPledgeRow extends PledgeFigures {
  code: string;
  needId: string | null;
  publicName: string | null;
  items: string | null;
  createdAt: Date;
  receivedAt: Date | null;
}

/** Pledges for the given needs plus the general fund (needId null) — public columns only, never contact data. */
export async function publicPledges(db: Db, needIds: readonly string[]): Promise<PublicPledgeRow[]> {
  return db.pledge.findMany({
    where: { OR: [{ needId: null }, { needId: { in: [...needIds] } }] },
    orderBy: [{ createdAt: "asc" }, { code: "asc" }],
    select: {
      code: true,
      needId: true,
      kind: true,
      status: true,
      amountVnd: true,
      receivedAmountVnd: true,
      quantity: true,
      publicName: true,
      items: true,
      createdAt: true,
      receivedAt: true,
    },
  });
}

/** Display names of administrative units by code. */
export async function unitNames(db: Db, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db.administrativeUnit.findMany({ where: { code: { in: [...new Set(codes)] } }, select: { code: true, name: true } });
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** Appends an audit row (non-private details only: codes, statuses, field names — never names or phone numbers). */
export async function insertAudit(
  db: Db,
  row: { actor: string; action: string; entity: string; entityId: string | null; details: Prisma.InputJsonObject; at?: Date },
): Promise<void> {
  await db.auditLog.create({ data: { actor: row.actor, action: row.action, entity: row.entity, entityId: row.entityId, details: row.details, ...(row.at ? { at: row.at } : {}) } });
}

// ── donor alert subscriptions ──

export interface AlertSubscriptionRow {
  id: string;
  contactId: string;
  category: string | null;
  provinceCode: string | null;
  active: boolean;
}

/** Active subscriptions of a contact matching exactly this category/province pair (null = any). */
export async function findActiveSubscription(db: Db, contactId: string, category: string | null, provinceCode: string | null): Promise<AlertSubscriptionRow | null> {
  return db.donorAlertSubscription.findFirst({
    where: { contactId, category, provinceCode, active: true },
    select: { id: true, contactId: true, category: true, provinceCode: true, active: true },
  });
}

/** Creates an active subscription. */
export async function insertSubscription(db: Db, data: { contactId: string; category: string | null; provinceCode: string | null; createdAt: Date }): Promise<AlertSubscriptionRow> {
  return db.donorAlertSubscription.create({ data, select: { id: true, contactId: true, category: true, provinceCode: true, active: true } });
}

/** Deactivates a contact's subscriptions; `match` undefined fields mean "any". Returns the ids switched off. */
export async function deactivateSubscriptions(db: Db, contactId: string, match: { category?: string | null; provinceCode?: string | null }): Promise<string[]> {
  const where = {
    contactId,
    active: true,
    ...(match.category !== undefined ? { category: match.category } : {}),
    ...(match.provinceCode !== undefined ? { provinceCode: match.provinceCode } : {}),
  };
  const rows = await db.donorAlertSubscription.findMany({ where, select: { id: true } });
  if (rows.length === 0) return [];
  await db.donorAlertSubscription.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { active: false } });
  return rows.map((r) => r.id);
}

/** Contacts (not blocked) with an active subscription covering this category and province. */
export async function subscribersFor(db: Db, category: string, provinceCode: string): Promise<{ contactId: string; channel: string; channelUserId: string }[]> {
  const subs = await db.donorAlertSubscription.findMany({
    where: {
      active: true,
      AND: [{ OR: [{ category: null }, { category }] }, { OR: [{ provinceCode: null }, { provinceCode }] }],
    },
    select: { contactId: true },
  });
  const ids = [...new Set(subs.map((s) => s.contactId))];
  if (ids.length === 0) return [];
  const contacts = await db.contact.findMany({
    where: { id: { in: ids }, blocked: false },
    select: { id: true, channel: true, channelUserId: true },
    orderBy: { id: "asc" },
  });
  return contacts.map((c) => ({ contactId: c.id, channel: c.channel, channelUserId: c.channelUserId }));
}

/** Prisma's Bytes columns want a Uint8Array over a plain ArrayBuffer; Node Buffers may sit on a shared pool. */
function bytes(b: Uint8Array | null): Uint8Array<ArrayBuffer> | null {
  return b === null ? null : new Uint8Array(b);
}
