/**
 * A donor promises money or goods (the chat's create_pledge effect). Money pledges get a deadline after which
 * they expire; the need's status follows in the same transaction.
 */
import { encryptOptional } from "../crypto/index.js";
import { AppError } from "../errors.js";
import type { NewPledgeInput } from "../flows/effects.js";
import { refreshNeedStatus } from "../needs/refresh-need-status.js";
import { findNeedByCode } from "../needs/repository.js";
import { oneOf, PLEDGEABLE_NEED_STATUSES } from "../needs/types.js";
import { nextCode, vietnamYear } from "../runtime/next-code.js";
import { type Db, insertAudit, insertPledge } from "./repository.js";
import { DEFAULT_PLEDGE_EXPIRY_DAYS, NewPledgeSchema } from "./types.js";

export interface RecordPledgeResult {
  id: string;
  code: string;
  /** The need it is attached to, or null for the general fund. */
  needCode: string | null;
  /**
   * The donor chose a need that no longer takes pledges (closed, unpublished or unknown by the time they
   * confirmed): the pledge goes to the general fund instead of failing the whole conversation turn.
   */
  redirectedToGeneralFund: boolean;
}

/** Records a pledge with a fresh UH-YYYY-NNNNNN code; the donor's contact is stored encrypted. */
export async function recordPledge(
  tx: Db,
  input: NewPledgeInput,
  opts: { actor: string; now: Date; donorContactId?: string | null; donorChannel?: string | null; expiresInDays?: number },
): Promise<RecordPledgeResult> {
  const parsed = NewPledgeSchema.safeParse(input);
  if (!parsed.success) throw new AppError("bad_request", "Thông tin ủng hộ chưa hợp lệ.", { fields: parsed.error.issues.map((i) => i.path.join(".")) });
  const v = parsed.data;
  let needId: string | null = null;
  let needCode: string | null = null;
  let redirected = false;
  if (v.needCode) {
    const need = await findNeedByCode(tx, v.needCode);
    if (need && oneOf(PLEDGEABLE_NEED_STATUSES, need.status)) {
      needId = need.id;
      needCode = need.code;
    } else {
      redirected = true;
    }
  }
  const days = opts.expiresInDays ?? DEFAULT_PLEDGE_EXPIRY_DAYS;
  const code = await nextCode(tx, "UH", vietnamYear(opts.now));
  const row = await insertPledge(tx, {
    code,
    needId,
    kind: v.kind,
    // a goods pledge carries no amount and a money pledge no items: keep the figures unambiguous for transparency
    amountVnd: v.kind === "money" && v.amountVnd !== null ? BigInt(v.amountVnd) : null,
    items: v.kind === "goods" ? v.items : null,
    quantity: v.kind === "goods" ? v.quantity : null,
    publicName: v.publicName === null || v.publicName === "" ? null : v.publicName,
    donorContactId: opts.donorContactId ?? null,
    donorChannel: opts.donorChannel ?? null,
    contactEnc: encryptOptional(v.contact),
    createdAt: opts.now,
    // goods are arranged by phone with the commune, so only money promises lapse
    expiresAt: v.kind === "money" ? new Date(opts.now.getTime() + days * 86_400_000) : null,
  });
  await insertAudit(tx, {
    actor: opts.actor,
    action: "pledge.create",
    entity: "pledge",
    entityId: row.id,
    details: { code, kind: v.kind, needCode, redirectedToGeneralFund: redirected, anonymous: row.publicName === null },
    at: opts.now,
  });
  if (needId) await refreshNeedStatus(tx, needId, { actor: opts.actor, now: opts.now });
  return { id: row.id, code, needCode, redirectedToGeneralFund: redirected };
}
