/**
 * Shared mechanics of a pledge status change: find, check the transition, compare-and-set, audit, and recompute
 * the need's status — all in the caller's transaction.
 */
import { AppError } from "../errors.js";
import { refreshNeedStatus } from "../needs/refresh-need-status.js";
import { type Db, findPledgeByCode, insertAudit, type PledgeRow, updatePledgeIf } from "./repository.js";
import { canMovePledge, type PledgeStatus } from "./types.js";

export interface MovePledgeArgs {
  pledgeCode: string;
  to: PledgeStatus;
  actor: string;
  now: Date;
  action: string;
  data?: { receivedAmountVnd?: bigint; receivedAt?: Date; deliveredAt?: Date; thankedAt?: Date };
  details?: Record<string, string | number | boolean | null>;
  /** When a donor acts, only their own pledge exists for them (else 404). */
  onlyForContactId?: string;
  /** Restrict to one kind (e.g. only money can be confirmed with an amount). */
  kind?: "money" | "goods";
}

/** Moves a pledge to `to`; throws not_found (unknown, not theirs) or conflict (transition not allowed). */
export async function movePledge(tx: Db, a: MovePledgeArgs): Promise<PledgeRow> {
  const p = await findPledgeByCode(tx, a.pledgeCode);
  if (!p || (a.onlyForContactId !== undefined && p.donorContactId !== a.onlyForContactId)) throw new AppError("not_found", "Không tìm thấy ủng hộ này.");
  if (a.kind && p.kind !== a.kind) throw new AppError("conflict", "Thao tác này không áp dụng cho loại ủng hộ này.", { kind: p.kind });
  if (!canMovePledge(p.status, a.to)) {
    throw new AppError("conflict", `Không thể chuyển ủng hộ từ trạng thái "${p.status}" sang "${a.to}".`, { from: p.status, to: a.to });
  }
  if (!(await updatePledgeIf(tx, p.id, p.status, { status: a.to, ...a.data }))) throw new AppError("conflict", "Ủng hộ vừa được cập nhật, vui lòng tải lại.");
  await insertAudit(tx, { actor: a.actor, action: a.action, entity: "pledge", entityId: p.id, details: { code: p.code, from: p.status, to: a.to, ...a.details }, at: a.now });
  if (p.needId) await refreshNeedStatus(tx, p.needId, { actor: a.actor, now: a.now });
  return { ...p, status: a.to, ...a.data };
}
