/** Who should hear about a newly published need: the runtime turns these into outbox notifications after commit. */
import { type Db, subscribersFor } from "./repository.js";

/** Contacts (not blocked) subscribed to this need's category and province, or to "any"; each listed once. */
export async function dueAlertsForNeed(db: Db, need: { category: string; provinceCode: string }): Promise<{ contactId: string; channel: string; channelUserId: string }[]> {
  return subscribersFor(db, need.category, need.provinceCode);
}
