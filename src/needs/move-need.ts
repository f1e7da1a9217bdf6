/**
 * The shared mechanics of a staff-driven need transition: find, check scope (outside scope = 404, as if it did not
 * exist — architecture principle 10), check the transition, compare-and-set the status, audit — all in the caller's
 * transaction.
 */
import { AppError } from "../errors.js";
import { type Db, findNeedByCode, insertAudit, type NeedRow, updateNeedStatusIf } from "./repository.js";
import { canMoveNeed, type NeedStatus, type StaffScope, staffCoversNeed } from "./types.js";

/** Moves a need to `to` on behalf of a staff member; throws not_found (unknown or outside scope) or conflict (wrong status). */
export async function moveNeedAsStaff(
  tx: Db,
  args: { needCode: string; staff: StaffScope; to: NeedStatus; now: Date; action: string; extra?: { verifiedBy?: string; verifiedAt?: Date; publishedAt?: Date }; details?: Record<string, string> },
): Promise<NeedRow> {
  const need = await findNeedByCode(tx, args.needCode);
  if (!need || !staffCoversNeed(args.staff, need)) throw new AppError("not_found", "Không tìm thấy nhu cầu này.");
  if (!canMoveNeed(need.status, args.to)) {
    throw new AppError("conflict", `Không thể chuyển nhu cầu từ trạng thái "${need.status}" sang "${args.to}".`, { from: need.status, to: args.to });
  }
  const ok = await updateNeedStatusIf(tx, need.id, need.status, { status: args.to, ...args.extra });
  if (!ok) throw new AppError("conflict", "Nhu cầu vừa được người khác cập nhật, vui lòng tải lại.");
  await insertAudit(tx, {
    actor: `staff:${args.staff.id}`,
    action: args.action,
    entity: "need",
    entityId: need.id,
    details: { code: need.code, from: need.status, to: args.to, role: args.staff.role, ...args.details },
    at: args.now,
  });
  return { ...need, status: args.to, ...args.extra };
}
