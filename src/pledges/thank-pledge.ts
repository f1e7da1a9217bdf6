/** Records that the donor was thanked; the thank-you message itself goes out through the outbox after commit. */
import { movePledge } from "./move-pledge.js";
import type { Db, PledgeRow } from "./repository.js";

/** delivered → thanked. */
export async function thankPledge(tx: Db, args: { pledgeCode: string; actor: string; now: Date }): Promise<PledgeRow> {
  return movePledge(tx, { ...args, to: "thanked", action: "pledge.thank", data: { thankedAt: args.now } });
}
