/**
 * A school, village or commune reports a need (from the chat flow's create_need effect or the staff console).
 * It starts as "submitted" and stays invisible to the public until staff verify and publish it.
 */
import { encryptOptional } from "../crypto/index.js";
import { AppError } from "../errors.js";
import type { NewNeedInput } from "../flows/effects.js";
import { nextCode, vietnamYear } from "../runtime/next-code.js";
import { type Db, insertAudit, insertNeed } from "./repository.js";
import { NewNeedSchema } from "./types.js";

/** Creates a submitted need with a fresh NC-YYYY-NNNNNN code; contact name/phone are stored encrypted. */
export async function createNeed(
  tx: Db,
  input: NewNeedInput,
  opts: { actor: string; now: Date; reporterContactId?: string | null },
): Promise<{ id: string; code: string }> {
  const parsed = NewNeedSchema.safeParse(input);
  // field names only: the values may be private
  if (!parsed.success) throw new AppError("bad_request", "Thông tin nhu cầu chưa hợp lệ.", { fields: parsed.error.issues.map((i) => i.path.join(".")) });
  const v = parsed.data;
  const code = await nextCode(tx, "NC", vietnamYear(opts.now));
  const row = await insertNeed(tx, {
    code,
    facility: v.facility,
    provinceCode: v.provinceCode,
    communeCode: v.communeCode,
    category: v.category,
    childrenCount: v.childrenCount,
    quantity: v.quantity,
    unit: v.unit,
    amountVnd: v.amountVnd === null ? null : BigInt(v.amountVnd),
    neededBy: v.neededBy === null ? null : new Date(`${v.neededBy}T00:00:00Z`),
    description: v.description,
    contactNameEnc: encryptOptional(v.contactName),
    contactPhoneEnc: encryptOptional(v.contactPhone),
    reporterContactId: opts.reporterContactId ?? null,
    createdAt: opts.now,
  });
  await insertAudit(tx, {
    actor: opts.actor,
    action: "need.create",
    entity: "need",
    entityId: row.id,
    details: { code, category: v.category, provinceCode: v.provinceCode, communeCode: v.communeCode, hasContact: v.contactName !== null || v.contactPhone !== null },
    at: opts.now,
  });
  return { id: row.id, code };
}
