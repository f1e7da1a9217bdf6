/**
 * Keeps a published need's status in step with its pledges (see need-progress.ts for the rule). Called by every
 * pledge service in the same transaction as the pledge change.
 */
import { committedFor, progressStatus } from "./need-progress.js";
import { type Db, findNeedById, insertAudit, lockNeed, pledgeFiguresForNeed, updateNeedStatusIf } from "./repository.js";
import { canMoveNeed } from "./types.js";

const AUTO = new Set(["published", "partly_pledged", "fulfilled"]);

/** Recomputes published/partly_pledged/fulfilled for one need and audits a change; other statuses are left alone. */
export async function refreshNeedStatus(tx: Db, needId: string, opts: { actor: string; now: Date }): Promise<{ from: string; to: string; changed: boolean }> {
  // lock first: two pledges committing at once must not both compute from a stale sum
  await lockNeed(tx, needId);
  const need = await findNeedById(tx, needId);
  if (!need) throw new Error("refreshNeedStatus: need not found");
  if (!AUTO.has(need.status)) return { from: need.status, to: need.status, changed: false };
  const to = progressStatus(need, committedFor(await pledgeFiguresForNeed(tx, needId)));
  if (to === need.status || !canMoveNeed(need.status, to)) return { from: need.status, to: need.status, changed: false };
  if (!(await updateNeedStatusIf(tx, needId, need.status, { status: to }))) throw new Error("refreshNeedStatus: need changed under a row lock");
  await insertAudit(tx, { actor: opts.actor, action: "need.status_auto", entity: "need", entityId: needId, details: { code: need.code, from: need.status, to }, at: opts.now });
  return { from: need.status, to, changed: true };
}
