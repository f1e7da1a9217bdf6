/**
 * Transparency: where the help went, per need, per commune, per category and in total (ND 93/2021 Art. 14 and
 * ND 93/2019 Art. 38 ask for published totals and donor lists; we follow them as good practice).
 *
 * Definitions (integer đồng, exact):
 *   needed    = the need's value in đồng (0 when it has none) / its quantity in its unit
 *   pledged   = what active pledges (pledged, received, delivered, thanked) commit: the promised amount, or what
 *               actually arrived once received — so pledged ≥ received ≥ delivered always holds
 *   received  = what arrived (pledges received, delivered or thanked)
 *   delivered = what reached the children (pledges delivered or thanked)
 * Goods are counted in units, separately from money, per unit name. Pledges to the general fund form their own
 * row ("Quỹ chung"). Only public needs appear (published, partly_pledged, fulfilled, closed); the donor list shows
 * gifts that actually arrived, with the public name or "Ẩn danh" — never contact data.
 * Every group total is the sum of its need rows, and the grand total is computed independently from the pledges,
 * so a reconciliation test catches any row that is dropped or double-counted.
 */
import { vndToNumber } from "../pledges/money.js";
import { ACTIVE_PLEDGE_STATUSES, DELIVERED_PLEDGE_STATUSES, RECEIVED_PLEDGE_STATUSES } from "../pledges/types.js";
import { type Db, listNeeds, publicPledges, unitNames } from "./repository.js";
import { NEED_CATEGORIES, NEED_CATEGORY_LABELS, PUBLIC_NEED_STATUSES } from "./types.js";

export const GENERAL_FUND_LABEL = "Quỹ chung";
export const ANONYMOUS_LABEL = "Ẩn danh";

export interface MoneyFigures {
  neededVnd: number;
  pledgedVnd: number;
  receivedVnd: number;
  deliveredVnd: number;
}

export interface GoodsFigures {
  unit: string;
  needed: number;
  pledged: number;
  received: number;
  delivered: number;
}

export interface NeedTotals extends MoneyFigures {
  /** null for the general fund row. */
  needCode: string | null;
  facility: string;
  provinceCode: string | null;
  communeCode: string | null;
  communeName: string;
  category: string | null;
  status: string | null;
  goods: GoodsFigures;
}

export interface GroupTotals extends MoneyFigures {
  /** commune code or category; "" for the general fund. */
  key: string;
  label: string;
  goods: GoodsFigures[];
}

export interface DonorEntry {
  name: string;
  pledgeCode: string;
  needCode: string | null;
  kind: "money" | "goods";
  amountVnd: number | null;
  items: string | null;
  quantity: number | null;
  receivedAt: string | null;
}

export interface TransparencyReport {
  generatedAt: string;
  needs: NeedTotals[];
  communes: GroupTotals[];
  categories: GroupTotals[];
  total: MoneyFigures & { goods: GoodsFigures[] };
  donors: DonorEntry[];
}

/** Plain inputs of the computation (what the database loader provides; tests feed random ones). */
export interface TransparencyNeed {
  id: string;
  code: string;
  facility: string;
  provinceCode: string;
  communeCode: string;
  communeName: string;
  category: string;
  status: string;
  quantity: number;
  unit: string;
  amountVnd: bigint | null;
}

export interface TransparencyPledge {
  code: string;
  needId: string | null;
  kind: string;
  status: string;
  amountVnd: bigint | null;
  receivedAmountVnd: bigint | null;
  quantity: number | null;
  publicName: string | null;
  items: string | null;
  receivedAt: Date | null;
}

const GOODS_GENERAL_UNIT = "hiện vật (quỹ chung)";

interface Acc {
  needed: bigint;
  pledged: bigint;
  received: bigint;
  delivered: bigint;
}
const zero = (): Acc => ({ needed: 0n, pledged: 0n, received: 0n, delivered: 0n });
const addTo = (a: Acc, b: Acc): void => {
  a.needed += b.needed;
  a.pledged += b.pledged;
  a.received += b.received;
  a.delivered += b.delivered;
};
const has = (list: readonly string[], s: string): boolean => list.includes(s);

/** The contribution of one pledge: money and goods, by stage. */
function pledgeAcc(p: TransparencyPledge): { money: Acc; goods: Acc } {
  const money = zero();
  const goods = zero();
  if (!has(ACTIVE_PLEDGE_STATUSES, p.status)) return { money, goods };
  const received = has(RECEIVED_PLEDGE_STATUSES, p.status);
  const delivered = has(DELIVERED_PLEDGE_STATUSES, p.status);
  if (p.kind === "money") {
    const v = (received ? (p.receivedAmountVnd ?? p.amountVnd) : p.amountVnd) ?? 0n;
    money.pledged = v;
    if (received) money.received = v;
    if (delivered) money.delivered = v;
  } else {
    const q = BigInt(p.quantity ?? 0);
    goods.pledged = q;
    if (received) goods.received = q;
    if (delivered) goods.delivered = q;
  }
  return { money, goods };
}

const money = (a: Acc): MoneyFigures => ({ neededVnd: vndToNumber(a.needed), pledgedVnd: vndToNumber(a.pledged), receivedVnd: vndToNumber(a.received), deliveredVnd: vndToNumber(a.delivered) });
const goodsOf = (unit: string, a: Acc): GoodsFigures => ({ unit, needed: vndToNumber(a.needed), pledged: vndToNumber(a.pledged), received: vndToNumber(a.received), delivered: vndToNumber(a.delivered) });

class GoodsByUnit {
  private m = new Map<string, Acc>();
  add(unit: string, a: Acc): void {
    const cur = this.m.get(unit) ?? zero();
    addTo(cur, a);
    this.m.set(unit, cur);
  }
  list(): GoodsFigures[] {
    return [...this.m.entries()].sort(([a], [b]) => a.localeCompare(b, "vi")).map(([u, a]) => goodsOf(u, a));
  }
}

/** Computes the report from plain rows (pure): per need, per commune, per category, grand total, donors. */
export function computeTransparency(needs: readonly TransparencyNeed[], pledges: readonly TransparencyPledge[], opts: { now: Date; includeGeneralFund: boolean }): TransparencyReport {
  const publicNeeds = needs.filter((n) => has(PUBLIC_NEED_STATUSES, n.status));
  const byId = new Map(publicNeeds.map((n) => [n.id, n]));
  // pledges of needs outside the report (filtered out, or not public) count nowhere
  const counted = pledges.filter((p) => (p.needId === null ? opts.includeGeneralFund : byId.has(p.needId)));

  const rows = new Map<string, { money: Acc; goods: Acc }>();
  for (const n of publicNeeds) rows.set(n.id, { money: { ...zero(), needed: n.amountVnd ?? 0n }, goods: { ...zero(), needed: BigInt(n.quantity) } });
  const general = { money: zero(), goods: zero() };
  for (const p of counted) {
    const c = pledgeAcc(p);
    const target = p.needId === null ? general : rows.get(p.needId);
    if (!target) continue;
    addTo(target.money, c.money);
    addTo(target.goods, c.goods);
  }

  const needRows: NeedTotals[] = publicNeeds.map((n) => {
    const r = rows.get(n.id) ?? { money: zero(), goods: zero() };
    return {
      needCode: n.code,
      facility: n.facility,
      provinceCode: n.provinceCode,
      communeCode: n.communeCode,
      communeName: n.communeName,
      category: n.category,
      status: n.status,
      ...money(r.money),
      goods: goodsOf(n.unit, r.goods),
    };
  });
  if (opts.includeGeneralFund) {
    needRows.push({ needCode: null, facility: GENERAL_FUND_LABEL, provinceCode: null, communeCode: null, communeName: GENERAL_FUND_LABEL, category: null, status: null, ...money(general.money), goods: goodsOf(GOODS_GENERAL_UNIT, general.goods) });
  }

  const group = (keyOf: (r: NeedTotals) => string, labelOf: (r: NeedTotals) => string): GroupTotals[] => {
    const groups = new Map<string, { label: string; money: Acc; goods: GoodsByUnit }>();
    for (const r of needRows) {
      const key = keyOf(r);
      const g = groups.get(key) ?? { label: labelOf(r), money: zero(), goods: new GoodsByUnit() };
      addTo(g.money, { needed: BigInt(r.neededVnd), pledged: BigInt(r.pledgedVnd), received: BigInt(r.receivedVnd), delivered: BigInt(r.deliveredVnd) });
      g.goods.add(r.goods.unit, { needed: BigInt(r.goods.needed), pledged: BigInt(r.goods.pledged), received: BigInt(r.goods.received), delivered: BigInt(r.goods.delivered) });
      groups.set(key, g);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)))
      .map(([key, g]) => ({ key, label: g.label, ...money(g.money), goods: g.goods.list() }));
  };

  // grand total straight from the sources, not from the rows above: reconciliation then means something
  const totalMoney = zero();
  const totalGoods = new GoodsByUnit();
  for (const n of publicNeeds) {
    totalMoney.needed += n.amountVnd ?? 0n;
    totalGoods.add(n.unit, { ...zero(), needed: BigInt(n.quantity) });
  }
  if (opts.includeGeneralFund) totalGoods.add(GOODS_GENERAL_UNIT, zero());
  for (const p of counted) {
    const c = pledgeAcc(p);
    addTo(totalMoney, c.money);
    const unit = p.needId === null ? GOODS_GENERAL_UNIT : (byId.get(p.needId)?.unit ?? GOODS_GENERAL_UNIT);
    totalGoods.add(unit, c.goods);
  }

  const codeById = new Map(publicNeeds.map((n) => [n.id, n.code]));
  const donors: DonorEntry[] = counted
    .filter((p) => has(RECEIVED_PLEDGE_STATUSES, p.status))
    .sort((a, b) => (a.receivedAt?.getTime() ?? 0) - (b.receivedAt?.getTime() ?? 0) || a.code.localeCompare(b.code))
    .map((p) => ({
      name: p.publicName && p.publicName.trim() !== "" ? p.publicName.trim() : ANONYMOUS_LABEL,
      pledgeCode: p.code,
      needCode: p.needId === null ? null : (codeById.get(p.needId) ?? null),
      kind: p.kind === "money" ? "money" : "goods",
      amountVnd: p.kind === "money" ? vndToNumber(p.receivedAmountVnd ?? p.amountVnd ?? 0n) : null,
      items: p.kind === "goods" ? p.items : null,
      quantity: p.kind === "goods" ? p.quantity : null,
      receivedAt: p.receivedAt ? p.receivedAt.toISOString() : null,
    }));

  const categoryLabel = (c: string): string => {
    const known = NEED_CATEGORIES.find((x) => x === c);
    return known ? NEED_CATEGORY_LABELS[known] : c;
  };
  return {
    generatedAt: opts.now.toISOString(),
    needs: needRows,
    communes: group((r) => r.communeCode ?? "", (r) => r.communeName),
    categories: group((r) => r.category ?? "", (r) => (r.category === null ? GENERAL_FUND_LABEL : categoryLabel(r.category))),
    total: { ...money(totalMoney), goods: totalGoods.list() },
    donors,
  };
}

/** Loads public needs and their pledges and computes the report (a filter leaves the general fund out). */
export async function transparencyReport(db: Db, filter: { provinceCode?: string; communeCode?: string; category?: string; now?: Date } = {}): Promise<TransparencyReport> {
  const rows = await listNeeds(db, {
    statuses: PUBLIC_NEED_STATUSES,
    ...(filter.provinceCode ? { provinceCode: filter.provinceCode } : {}),
    ...(filter.communeCode ? { communeCode: filter.communeCode } : {}),
    ...(filter.category ? { category: filter.category } : {}),
  });
  const names = await unitNames(db, rows.map((r) => r.communeCode));
  const needs: TransparencyNeed[] = rows.map((r) => ({ ...r, communeName: names.get(r.communeCode) ?? r.communeCode }));
  const pledges = await publicPledges(db, rows.map((r) => r.id));
  const includeGeneralFund = !filter.provinceCode && !filter.communeCode && !filter.category;
  return computeTransparency(needs, pledges, { now: filter.now ?? new Date(), includeGeneralFund });
}

type Cell = string | number | null;

// Spreadsheet apps run cells starting with = + - @ as formulas; facility names come from the public (CSV injection).
function csvCell(v: Cell): string {
  if (v === null) return "";
  if (typeof v === "number") return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const MONEY_HEADERS = ["Cần (đồng)", "Đã cam kết (đồng)", "Đã nhận (đồng)", "Đã trao (đồng)"];
const moneyCells = (m: MoneyFigures): Cell[] => [m.neededVnd, m.pledgedVnd, m.receivedVnd, m.deliveredVnd];
const goodsText = (g: GoodsFigures[]): string => g.map((x) => `${x.unit}: cần ${x.needed}, cam kết ${x.pledged}, nhận ${x.received}, trao ${x.delivered}`).join(" | ");

/** CSV of one table of the report (UTF-8 with BOM so Excel shows Vietnamese correctly; amounts as plain integers). */
export function toCsv(report: TransparencyReport, table: "needs" | "communes" | "categories" | "donors" = "needs"): string {
  let header: string[];
  let rows: Cell[][];
  switch (table) {
    case "needs":
      header = ["Mã nhu cầu", "Cơ sở", "Xã/phường", "Mã xã", "Mã tỉnh", "Loại", "Trạng thái", ...MONEY_HEADERS, "Đơn vị", "Cần (số lượng)", "Cam kết (số lượng)", "Đã nhận (số lượng)", "Đã trao (số lượng)"];
      rows = report.needs.map((n) => [n.needCode ?? GENERAL_FUND_LABEL, n.facility, n.communeName, n.communeCode, n.provinceCode, n.category, n.status, ...moneyCells(n), n.goods.unit, n.goods.needed, n.goods.pledged, n.goods.received, n.goods.delivered]);
      rows.push(["TỔNG", null, null, null, null, null, null, ...moneyCells(report.total), null, null, null, null, null]);
      break;
    case "communes":
    case "categories":
      header = [table === "communes" ? "Xã/phường" : "Loại hỗ trợ", "Mã", ...MONEY_HEADERS, "Hiện vật"];
      rows = report[table].map((g) => [g.label, g.key === "" ? null : g.key, ...moneyCells(g), goodsText(g.goods)]);
      rows.push(["TỔNG", null, ...moneyCells(report.total), goodsText(report.total.goods)]);
      break;
    case "donors":
      header = ["Nhà hảo tâm", "Mã ủng hộ", "Mã nhu cầu", "Hình thức", "Số tiền (đồng)", "Hiện vật", "Số lượng", "Ngày nhận"];
      rows = report.donors.map((d) => [d.name, d.pledgeCode, d.needCode ?? GENERAL_FUND_LABEL, d.kind === "money" ? "Tiền" : "Hiện vật", d.amountVnd, d.items, d.quantity, d.receivedAt ? d.receivedAt.slice(0, 10) : null]);
      break;
  }
  return "\uFEFF" + [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
