/**
 * How pledges move a published need between published, partly_pledged and fulfilled — pure, so the rule is
 * tested without a database and explained in one place.
 *
 * A need has a quantity in its unit (e.g. 120 "áo ấm") and, when money can meet it, its value in đồng (amountVnd).
 * Only active pledges count (pledged, received, delivered, thanked); a received pledge counts what really arrived.
 *   coverage = committedMoney / amountVnd + committedGoods / quantity     (money term only when amountVnd is set)
 *   fulfilled       ⇔ coverage ≥ 1 (money and goods add up: 60 of 120 coats given + half the money pledged = full)
 *   partly_pledged  ⇔ 0 < coverage < 1, or any money/goods promised whose size cannot be measured
 *                     (money for a need without a value in đồng, goods without a quantity) — it never fulfils alone
 *   published       ⇔ nothing active (e.g. every pledge was cancelled or expired)
 * Goods pledges attached to a need are counted in the need's own unit (the chat asks "bao nhiêu <unit>").
 */
import { ACTIVE_PLEDGE_STATUSES, RECEIVED_PLEDGE_STATUSES, type PledgeStatus } from "../pledges/types.js";
import { oneOf } from "./types.js";

export interface PledgeFigureInput {
  kind: string;
  status: string;
  amountVnd: bigint | null;
  receivedAmountVnd: bigint | null;
  quantity: number | null;
}

export interface Committed {
  moneyVnd: bigint;
  goodsQty: bigint;
  /** An active pledge whose size we cannot measure against the need. */
  unsized: boolean;
}

const isStatus = (s: string, list: readonly PledgeStatus[]): boolean => oneOf(list, s);

/** Money and goods promised to a need by its active pledges (a received pledge counts what actually arrived). */
export function committedFor(pledges: readonly PledgeFigureInput[]): Committed {
  let moneyVnd = 0n;
  let goodsQty = 0n;
  let unsized = false;
  for (const p of pledges) {
    if (!isStatus(p.status, ACTIVE_PLEDGE_STATUSES)) continue;
    if (p.kind === "money") {
      const v = isStatus(p.status, RECEIVED_PLEDGE_STATUSES) ? (p.receivedAmountVnd ?? p.amountVnd) : p.amountVnd;
      moneyVnd += v ?? 0n;
    } else if (p.quantity !== null && p.quantity > 0) {
      goodsQty += BigInt(p.quantity);
    } else {
      unsized = true;
    }
  }
  return { moneyVnd, goodsQty, unsized };
}

/** The status a published need should have given what has been pledged to it. */
export function progressStatus(need: { amountVnd: bigint | null; quantity: number }, c: Committed): "published" | "partly_pledged" | "fulfilled" {
  const q = BigInt(Math.max(need.quantity, 1));
  if (need.amountVnd !== null && need.amountVnd > 0n) {
    const a = need.amountVnd;
    // M/A + G/Q ≥ 1  ⇔  M·Q + G·A ≥ A·Q  (exact, no floating point)
    if (c.moneyVnd * q + c.goodsQty * a >= a * q) return "fulfilled";
  } else {
    if (c.goodsQty >= q) return "fulfilled";
    if (c.moneyVnd > 0n) return "partly_pledged";
  }
  return c.moneyVnd > 0n || c.goodsQty > 0n || c.unsized ? "partly_pledged" : "published";
}
