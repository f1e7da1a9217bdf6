/** Ends a need's campaign (help delivered, or the need lapsed); it stays visible in transparency reports. */
import { moveNeedAsStaff } from "./move-need.js";
import type { Db, NeedRow } from "./repository.js";
import type { StaffScope } from "./types.js";

/** published|partly_pledged|fulfilled → closed; closed needs no longer take pledges. */
export async function closeNeed(tx: Db, args: { needCode: string; staff: StaffScope; now: Date }): Promise<NeedRow> {
  return moveNeedAsStaff(tx, { ...args, to: "closed", action: "need.close" });
}
