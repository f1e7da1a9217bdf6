/** A donor asks to hear about new needs (optionally only one category and/or one province). */
import { z } from "zod";
import { type AlertSubscriptionRow, type Db, findActiveSubscription, insertAudit, insertSubscription } from "./repository.js";
import { NEED_CATEGORIES } from "./types.js";

const Args = z.object({
  contactId: z.string().min(1),
  category: z.enum(NEED_CATEGORIES).nullable(),
  provinceCode: z.string().min(1).max(20).nullable(),
});

/** Subscribes a contact to alerts for a category/province (null = any); idempotent for the same pair. */
export async function subscribeDonorAlerts(
  tx: Db,
  args: { contactId: string; category: string | null; provinceCode: string | null; now: Date; actor?: string },
): Promise<{ subscription: AlertSubscriptionRow; created: boolean }> {
  const v = Args.parse({ contactId: args.contactId, category: args.category, provinceCode: args.provinceCode });
  const existing = await findActiveSubscription(tx, v.contactId, v.category, v.provinceCode);
  if (existing) return { subscription: existing, created: false };
  const subscription = await insertSubscription(tx, { contactId: v.contactId, category: v.category, provinceCode: v.provinceCode, createdAt: args.now });
  await insertAudit(tx, {
    actor: args.actor ?? `reporter:${v.contactId}`,
    action: "donor_alerts.subscribe",
    entity: "donor_alert_subscription",
    entityId: subscription.id,
    details: { category: v.category, provinceCode: v.provinceCode },
    at: args.now,
  });
  return { subscription, created: true };
}
