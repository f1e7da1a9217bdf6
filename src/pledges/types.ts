/**
 * Pledges: a donor promises money or goods, for one need or for the general fund ("quỹ chung").
 * pledged → received → delivered → thanked, or cancelled, or expired (money not arrived within N days).
 */
import { z } from "zod";
import { MAX_PLEDGE_VND } from "./money.js";

export const PLEDGE_STATUSES = ["pledged", "received", "delivered", "thanked", "cancelled", "expired"] as const;
export type PledgeStatus = (typeof PLEDGE_STATUSES)[number];
export const PledgeStatusSchema = z.enum(PLEDGE_STATUSES);

/**
 * Allowed moves. expired → received exists because donors do pay late: money that arrives after expiry is still
 * matched and counted rather than left as an orphan line on the statement.
 */
export const PLEDGE_TRANSITIONS: Record<PledgeStatus, readonly PledgeStatus[]> = {
  pledged: ["received", "cancelled", "expired"],
  expired: ["received"],
  received: ["delivered"],
  delivered: ["thanked"],
  thanked: [],
  cancelled: [],
};

/** Pledges that count towards a need (a cancelled or expired promise counts for nothing). */
export const ACTIVE_PLEDGE_STATUSES: readonly PledgeStatus[] = ["pledged", "received", "delivered", "thanked"];
/** Pledges whose money/goods actually arrived. */
export const RECEIVED_PLEDGE_STATUSES: readonly PledgeStatus[] = ["received", "delivered", "thanked"];
/** Pledges whose help reached the children. */
export const DELIVERED_PLEDGE_STATUSES: readonly PledgeStatus[] = ["delivered", "thanked"];
/** Money pledges a bank transfer may still settle. */
export const AWAITING_MONEY_STATUSES: readonly PledgeStatus[] = ["pledged", "expired"];

/** Days a money pledge waits for the transfer before it expires. */
export const DEFAULT_PLEDGE_EXPIRY_DAYS = 14;

/** Whether a pledge may move from one status to another. */
export function canMovePledge(from: string, to: PledgeStatus): boolean {
  const parsed = PledgeStatusSchema.safeParse(from);
  return parsed.success && PLEDGE_TRANSITIONS[parsed.data].includes(to);
}

/** What `recordPledge` accepts (the chat effect's NewPledgeInput, re-validated: it comes from saved JSON). */
export const NewPledgeSchema = z
  .object({
    kind: z.enum(["money", "goods"]),
    needCode: z.string().trim().max(40).nullable(),
    amountVnd: z.number().int().positive().max(MAX_PLEDGE_VND).nullable(),
    items: z.string().trim().max(500).nullable(),
    quantity: z.number().int().positive().max(10_000_000).nullable(),
    publicName: z.string().trim().max(80).nullable(),
    contact: z.string().trim().max(200).nullable(),
  })
  .refine((p) => p.kind !== "money" || p.amountVnd !== null, { message: "a money pledge needs amountVnd", path: ["amountVnd"] })
  .refine((p) => p.kind !== "goods" || p.items !== null || p.quantity !== null, { message: "a goods pledge needs items or quantity", path: ["items"] });
