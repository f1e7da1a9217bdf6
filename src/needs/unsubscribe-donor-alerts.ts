/** A donor stops alerts: all of them, or only those for one category/province. */
import { type Db, deactivateSubscriptions, insertAudit } from "./repository.js";

/** Deactivates matching subscriptions (omitted category/provinceCode = any); returns how many were switched off. */
export async function unsubscribeDonorAlerts(
  tx: Db,
  args: { contactId: string; category?: string | null; provinceCode?: string | null; now: Date; actor?: string },
): Promise<{ count: number }> {
  const ids = await deactivateSubscriptions(tx, args.contactId, {
    ...(args.category !== undefined ? { category: args.category } : {}),
    ...(args.provinceCode !== undefined ? { provinceCode: args.provinceCode } : {}),
  });
  for (const id of ids) {
    await insertAudit(tx, { actor: args.actor ?? `reporter:${args.contactId}`, action: "donor_alerts.unsubscribe", entity: "donor_alert_subscription", entityId: id, details: {}, at: args.now });
  }
  return { count: ids.length };
}
