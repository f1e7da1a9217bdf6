/** The help reached the children (goods handed over, or money spent on the need), confirmed by staff. */
import { movePledge } from "./move-pledge.js";
import type { Db, PledgeRow } from "./repository.js";

/** received → delivered. */
export async function markPledgeDelivered(tx: Db, args: { pledgeCode: string; actor: string; now: Date }): Promise<PledgeRow> {
  return movePledge(tx, { ...args, to: "delivered", action: "pledge.deliver", data: { deliveredAt: args.now } });
}
