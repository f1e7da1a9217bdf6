/** Makes a verified need visible to donors (chat list, transparency pages, donor alerts). */
import { moveNeedAsStaff } from "./move-need.js";
import type { Db, NeedRow } from "./repository.js";
import type { StaffScope } from "./types.js";

/** verified → published; afterwards the caller may queue donor alerts (dueAlertsForNeed) via the outbox. */
export async function publishNeed(tx: Db, args: { needCode: string; staff: StaffScope; now: Date }): Promise<NeedRow> {
  return moveNeedAsStaff(tx, { ...args, to: "published", action: "need.publish", extra: { publishedAt: args.now } });
}
