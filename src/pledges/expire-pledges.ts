/** Scheduler job: money pledges whose transfer never came stop counting towards their need. */
import { movePledge } from "./move-pledge.js";
import { type Db, overduePledges } from "./repository.js";

/** pledged → expired for money pledges past expiresAt (in batches; run it again until it returns fewer than `limit`). */
export async function expirePledges(tx: Db, args: { now: Date; actor?: string; limit?: number }): Promise<{ expired: string[] }> {
  const due = await overduePledges(tx, args.now, args.limit ?? 500);
  const expired: string[] = [];
  for (const p of due) {
    await movePledge(tx, { pledgeCode: p.code, to: "expired", actor: args.actor ?? "system", now: args.now, action: "pledge.expire" });
    expired.push(p.code);
  }
  return { expired };
}
