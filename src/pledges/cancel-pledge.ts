/** A donor withdraws a promise (or staff cancel it on their behalf) before anything was received. */
import { movePledge } from "./move-pledge.js";
import type { Db, PledgeRow } from "./repository.js";

/** pledged → cancelled; with `donorContactId`, only that donor's own pledge can be cancelled (others look unknown). */
export async function cancelPledge(tx: Db, args: { pledgeCode: string; actor: string; now: Date; donorContactId?: string }): Promise<PledgeRow> {
  return movePledge(tx, {
    pledgeCode: args.pledgeCode,
    to: "cancelled",
    actor: args.actor,
    now: args.now,
    action: "pledge.cancel",
    ...(args.donorContactId !== undefined ? { onlyForContactId: args.donorContactId } : {}),
  });
}
