/** Refuses a reported need (duplicate, not eligible, could not be confirmed); it never becomes public. */
import { moveNeedAsStaff } from "./move-need.js";
import type { Db, NeedRow } from "./repository.js";
import type { StaffScope } from "./types.js";

export const REJECT_REASONS = ["duplicate", "not_eligible", "unverifiable", "other"] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** submitted|verified → rejected, with a reason code (codes, not free text: the audit log holds no private data). */
export async function rejectNeed(tx: Db, args: { needCode: string; staff: StaffScope; now: Date; reason: RejectReason }): Promise<NeedRow> {
  return moveNeedAsStaff(tx, { ...args, to: "rejected", action: "need.reject", details: { reason: args.reason } });
}
