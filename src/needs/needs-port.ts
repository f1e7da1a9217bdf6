/** The read-only NeedsPort the chat flows use (src/flows/ports.ts), backed by the database. */
import type { NeedSummary, NeedsPort } from "../flows/ports.js";
import { vndToNumber } from "../pledges/money.js";
import { committedFor } from "./need-progress.js";
import { type Db, findNeedByCode, listNeeds, type NeedRow, pledgesForNeeds, unitNames } from "./repository.js";
import { OPEN_NEED_STATUSES, oneOf, PUBLIC_NEED_STATUSES } from "./types.js";

async function summarise(db: Db, needs: NeedRow[]): Promise<NeedSummary[]> {
  const pledges = await pledgesForNeeds(db, needs.map((n) => n.id));
  const names = await unitNames(db, needs.map((n) => n.communeCode));
  return needs.map((n) => ({
    code: n.code,
    facility: n.facility,
    communeName: names.get(n.communeCode) ?? n.communeCode,
    provinceCode: n.provinceCode,
    category: n.category,
    childrenCount: n.childrenCount,
    quantity: n.quantity,
    unit: n.unit,
    amountVnd: n.amountVnd === null ? null : vndToNumber(n.amountVnd),
    pledgedVnd: vndToNumber(committedFor(pledges.filter((p) => p.needId === n.id)).moneyVnd),
    neededBy: n.neededBy ? n.neededBy.toISOString().slice(0, 10) : null,
    status: n.status,
  }));
}

/** Builds the NeedsPort: lists only needs open to donors, looks up public needs by code, never unverified ones. */
export function createNeedsPort(db: Db, vietqrConfigured: boolean): NeedsPort {
  return {
    async listPublished(filter) {
      const limit = Math.min(Math.max(Math.trunc(filter.limit), 1), 50);
      const needs = await listNeeds(db, {
        statuses: OPEN_NEED_STATUSES,
        ...(filter.provinceCode ? { provinceCode: filter.provinceCode } : {}),
        ...(filter.category ? { category: filter.category } : {}),
        limit,
      });
      return summarise(db, needs);
    },
    async byCode(code) {
      const need = await findNeedByCode(db, code.trim().toUpperCase());
      if (!need || !oneOf(PUBLIC_NEED_STATUSES, need.status)) return null;
      return (await summarise(db, [need]))[0] ?? null;
    },
    vietqrEnabled: () => vietqrConfigured,
  };
}
