/** Money arrived on the account (statement import or a staff check), or goods arrived at the commune. */
import { AppError } from "../errors.js";
import { MAX_PLEDGE_VND } from "./money.js";
import { movePledge } from "./move-pledge.js";
import { type Db, findPledgeByCode, type PledgeRow } from "./repository.js";

/**
 * pledged|expired → received. For money, `receivedAmountVnd` defaults to the pledged amount; a different figure is
 * allowed for staff (the donor sent more or less) and is what transparency reports as received.
 */
export async function confirmPledgeReceipt(
  tx: Db,
  args: { pledgeCode: string; actor: string; now: Date; receivedAmountVnd?: number; via?: "statement" | "staff"; statementLineId?: string },
): Promise<PledgeRow> {
  const p = await findPledgeByCode(tx, args.pledgeCode);
  if (!p) throw new AppError("not_found", "Không tìm thấy ủng hộ này.");
  let received: bigint | undefined;
  if (p.kind === "money") {
    const n = args.receivedAmountVnd;
    if (n !== undefined && (!Number.isSafeInteger(n) || n <= 0 || n > MAX_PLEDGE_VND)) throw new AppError("bad_request", "Số tiền nhận không hợp lệ.");
    received = n !== undefined ? BigInt(n) : (p.amountVnd ?? undefined);
    if (received === undefined) throw new AppError("bad_request", "Cần ghi số tiền đã nhận.");
  }
  return movePledge(tx, {
    pledgeCode: args.pledgeCode,
    to: "received",
    actor: args.actor,
    now: args.now,
    action: "pledge.receive",
    data: { receivedAt: args.now, ...(received !== undefined ? { receivedAmountVnd: received } : {}) },
    details: { via: args.via ?? "staff", statementLineId: args.statementLineId ?? null, amountDiffers: received !== undefined && p.amountVnd !== null && received !== p.amountVnd },
  });
}
