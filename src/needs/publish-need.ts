/** Makes a verified need visible to donors (chat list, transparency pages, donor alerts). */
import { scheduleJob } from "../runtime/scheduler.js";
import { moveNeedAsStaff } from "./move-need.js";
import type { Db, NeedRow } from "./repository.js";
import type { StaffScope } from "./types.js";

/** Scheduler job that tells subscribed donors about a newly published need (src/wiring/donations.ts runs it). */
export const NEED_ALERT_JOB = "needs.alert";

/**
 * verified → published. In the same transaction it schedules the donor-alert job (once per need), so alerts go out
 * only if the publication commits, and through the outbox with the channels' windows and rate limits.
 */
export async function publishNeed(tx: Db, args: { needCode: string; staff: StaffScope; now: Date }): Promise<NeedRow> {
  const need = await moveNeedAsStaff(tx, { ...args, to: "published", action: "need.publish", extra: { publishedAt: args.now } });
  await scheduleJob(tx, { kind: NEED_ALERT_JOB, runAt: args.now, payload: { needCode: need.code }, dedupeKey: `${NEED_ALERT_JOB}:${need.code}` });
  return need;
}
