/** Staff confirm that a reported need is real (a visit or a call to the school/commune). */
import type { Db, NeedRow } from "./repository.js";
import { moveNeedAsStaff } from "./move-need.js";
import type { StaffScope } from "./types.js";

/** submitted → verified, by admin, donations_officer, the province's officer or the commune's worker. */
export async function verifyNeed(tx: Db, args: { needCode: string; staff: StaffScope; now: Date }): Promise<NeedRow> {
  return moveNeedAsStaff(tx, { ...args, to: "verified", action: "need.verify", extra: { verifiedBy: args.staff.id, verifiedAt: args.now } });
}
