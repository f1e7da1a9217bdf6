/**
 * The periodic figures the plans ask for every 6 months and every year, as aggregate tables only — no name, phone,
 * address, description or message text is ever read here (the queries select category/status/geography/age/sex/
 * timestamps and amounts, nothing else).
 *
 * Scope: each table follows the staff member's scope for its records (scopeFilter): a provincial officer sees their
 * province(s), a commune worker their commune(s); a role without access to cases (donations officer) gets no case
 * tables; message counts are not geographic, so only national roles (case scope "all") see them.
 *
 * Small counts: commune-level cells with 1–4 cases are shown as "<5" (primary suppression). When a province has
 * exactly one suppressed commune, the next smallest commune of that province is suppressed too (secondary
 * suppression), so the province total minus the visible cells cannot reveal the hidden one. Province, category,
 * age/sex and status tables are not suppressed: they cover a whole province or more (decision documented in the
 * console page and the report of this module).
 *
 * Period semantics ([start, end) in Vietnam days):
 *   cases      received in the period (by receivedAt); status is the status now.
 *   timeliness cases received in the period; acknowledgement = acknowledgedAt − receivedAt (all cases);
 *              protection = protectedAt − receivedAt for urgent cases (immediate/high risk: Decree 56 Art. 26 k.3,
 *              12 hours). "% trong 12 giờ" is over the cases that have the time; cases still without it after 12
 *              hours (at the end of the period or now, whichever is earlier) are counted separately as overdue.
 *   needs      needed = value of needs created in the period and verified or later (not submitted, not rejected);
 *              pledged = active money pledges made in the period (what arrived once received); received / delivered
 *              = money pledges received / delivered in the period. Integer đồng. Pledges without a need: "Quỹ chung"
 *              (national scope only).
 *   messages   Message rows created in the period, per channel and direction.
 */
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { NEED_CATEGORIES, NEED_CATEGORY_LABELS } from "../needs/types.js";
import { vndToNumber } from "../pledges/money.js";
import { ACTIVE_PLEDGE_STATUSES } from "../pledges/types.js";
import { CATEGORIES, CATEGORY_LABELS_VI } from "../safety/index.js";
import { scopeFilter, scopeKind, type StaffScope } from "../staff/permissions.js";
import type { CsvCell } from "./csv.js";
import type { Period } from "./period.js";

export const REPORT_TABLES = ["categories", "provinces", "communes", "age_sex", "status", "timeliness", "needs", "messages"] as const;
export type ReportTableId = (typeof REPORT_TABLES)[number];

/** Smallest count shown as such in commune-level tables; 1 … SUPPRESS_BELOW-1 become SUPPRESSED_TEXT. */
export const SUPPRESS_BELOW = 5;
export const SUPPRESSED_TEXT = "<5";
export const PROTECTION_HOURS = 12;
const HOUR_MS = 3_600_000;

export interface ReportTable {
  id: ReportTableId;
  title: string;
  header: string[];
  rows: CsvCell[][];
  /** Bars for the chart: label and value (suppressed or empty rows are left out). */
  chart: { label: string; value: number }[];
  note?: string;
}

export interface StaffReport {
  period: Period;
  scopeLabel: string;
  tables: ReportTable[];
  /** Tables the staff member's role does not reach, with why (shown instead of the table). */
  omitted: { id: ReportTableId; title: string; reason: string }[];
}

// ───────────────────────────── pure computations ─────────────────────────────

export interface CaseFacts {
  category: string;
  status: string;
  riskLevel: string;
  provinceCode: string | null;
  communeCode: string | null;
  childAge: number | null;
  childSex: string | null;
  receivedAt: Date;
  acknowledgedAt: Date | null;
  protectedAt: Date | null;
}

export const STATUS_LABELS: Record<string, string> = {
  received: "Tiếp nhận",
  verifying: "Đang xác minh",
  emergency_protection: "Bảo vệ khẩn cấp",
  needs_assessment: "Đánh giá nhu cầu",
  plan_drafted: "Đã lập kế hoạch",
  plan_approved: "Kế hoạch được duyệt",
  in_progress: "Đang thực hiện",
  monitoring: "Theo dõi, đánh giá",
  closed: "Kết thúc",
};
const STATUS_ORDER = Object.keys(STATUS_LABELS);

export const AGE_BANDS = [
  { id: "0-2", label: "0–2 tuổi", min: 0, max: 2 },
  { id: "3-5", label: "3–5 tuổi", min: 3, max: 5 },
  { id: "6-10", label: "6–10 tuổi", min: 6, max: 10 },
  { id: "11-15", label: "11–15 tuổi", min: 11, max: 15 },
  { id: "16-17", label: "16–17 tuổi", min: 16, max: 17 },
] as const;
const UNKNOWN = "Không rõ";

/** The age band label of an age (null or out of range → "Không rõ"). */
export function ageBand(age: number | null): string {
  if (age === null) return UNKNOWN;
  return AGE_BANDS.find((b) => age >= b.min && age <= b.max)?.label ?? UNKNOWN;
}

/** The median of a list of numbers (null for an empty list). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const hours = (ms: number): number => Math.round((ms / HOUR_MS) * 10) / 10;
const pct = (n: number, d: number): number | null => (d === 0 ? null : Math.round((n / d) * 1000) / 10);

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
}

const categoryLabel = (c: string): string => (CATEGORIES as readonly string[]).includes(c) ? CATEGORY_LABELS_VI[c as (typeof CATEGORIES)[number]] : c;

/**
 * Primary + secondary suppression of commune counts. Input: rows with a group (province) and a count; output: the
 * same rows with `suppressed` set. Zero is never suppressed (it reveals nobody).
 */
export function suppressSmallCounts<T extends { group: string; count: number }>(rows: readonly T[], below = SUPPRESS_BELOW): (T & { suppressed: boolean })[] {
  const out = rows.map((r) => ({ ...r, suppressed: r.count > 0 && r.count < below }));
  const groups = new Map<string, (T & { suppressed: boolean })[]>();
  for (const r of out) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  for (const list of groups.values()) {
    if (list.filter((r) => r.suppressed).length !== 1) continue;
    const next = list.filter((r) => !r.suppressed && r.count > 0).sort((a, b) => a.count - b.count)[0];
    if (next) next.suppressed = true;
  }
  return out;
}

/** Case tables (categories, provinces, communes, age/sex, status, timeliness) from case facts. */
export function caseTables(cases: readonly CaseFacts[], opts: { unitName: (code: string) => string; asOf: Date }): ReportTable[] {
  const total = cases.length;
  const urgent = (c: CaseFacts) => c.riskLevel === "immediate" || c.riskLevel === "high";

  const byCat = countBy(cases, (c) => c.category);
  const urgentByCat = countBy(cases.filter(urgent), (c) => c.category);
  const catKeys = [...byCat.keys()].sort((a, b) => (byCat.get(b) ?? 0) - (byCat.get(a) ?? 0) || a.localeCompare(b));
  const categories: ReportTable = {
    id: "categories",
    title: "Số ca theo hình thức xâm hại",
    header: ["Hình thức", "Mã", "Số ca", "Trong đó khẩn cấp/nguy cơ cao"],
    rows: [...catKeys.map((k) => [categoryLabel(k), k, byCat.get(k) ?? 0, urgentByCat.get(k) ?? 0]), ["TỔNG", null, total, cases.filter(urgent).length]],
    chart: catKeys.map((k) => ({ label: categoryLabel(k), value: byCat.get(k) ?? 0 })),
  };

  const byProv = countBy(cases, (c) => c.provinceCode ?? "");
  const provKeys = [...byProv.keys()].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)));
  const provName = (k: string) => (k === "" ? "Chưa xác định" : opts.unitName(k));
  const provinces: ReportTable = {
    id: "provinces",
    title: "Số ca theo tỉnh/thành phố",
    header: ["Tỉnh/thành phố", "Mã tỉnh", "Số ca"],
    rows: [...provKeys.map((k) => [provName(k), k === "" ? null : k, byProv.get(k) ?? 0]), ["TỔNG", null, total]],
    chart: provKeys.map((k) => ({ label: provName(k), value: byProv.get(k) ?? 0 })),
  };

  const byCommune = countBy(cases, (c) => `${c.provinceCode ?? ""}|${c.communeCode ?? ""}`);
  const communeRows = suppressSmallCounts(
    [...byCommune.entries()].map(([k, count]) => {
      const [p = "", c = ""] = k.split("|");
      return { group: p, commune: c, count };
    }),
  ).sort((a, b) => a.group.localeCompare(b.group) || (a.commune === "" ? 1 : b.commune === "" ? -1 : a.commune.localeCompare(b.commune)));
  const communes: ReportTable = {
    id: "communes",
    title: "Số ca theo xã/phường",
    header: ["Xã/phường", "Mã xã", "Tỉnh/thành phố", "Số ca"],
    rows: [
      ...communeRows.map((r) => [r.commune === "" ? "Chưa xác định" : opts.unitName(r.commune), r.commune === "" ? null : r.commune, provName(r.group), r.suppressed ? SUPPRESSED_TEXT : r.count]),
      ["TỔNG", null, null, total],
    ],
    chart: communeRows.filter((r) => !r.suppressed && r.commune !== "").map((r) => ({ label: opts.unitName(r.commune), value: r.count })),
    note: `Ô có 1–${SUPPRESS_BELOW - 1} ca được ẩn ("${SUPPRESSED_TEXT}") để không thể nhận ra trẻ; khi một tỉnh chỉ có một ô bị ẩn, ô nhỏ nhất tiếp theo cũng được ẩn.`,
  };

  const sexes = [
    { id: "nam", label: "Nam" },
    { id: "nu", label: "Nữ" },
    { id: "", label: UNKNOWN },
  ];
  const bandLabels = [...AGE_BANDS.map((b) => b.label), UNKNOWN];
  const ageRows: CsvCell[][] = bandLabels.map((band) => {
    const inBand = cases.filter((c) => ageBand(c.childAge) === band);
    const perSex = sexes.map((s) => inBand.filter((c) => (c.childSex === "nam" || c.childSex === "nu" ? c.childSex : "") === s.id).length);
    return [band, ...perSex, inBand.length];
  });
  const ageSex: ReportTable = {
    id: "age_sex",
    title: "Số ca theo độ tuổi và giới tính của trẻ",
    header: ["Độ tuổi", ...sexes.map((s) => s.label), "Tổng"],
    rows: [...ageRows, ["TỔNG", ...sexes.map((s) => cases.filter((c) => (c.childSex === "nam" || c.childSex === "nu" ? c.childSex : "") === s.id).length), total]],
    chart: ageRows.map((r) => ({ label: String(r[0]), value: Number(r[r.length - 1]) })),
  };

  const byStatus = countBy(cases, (c) => c.status);
  const statusKeys = [...byStatus.keys()].sort((a, b) => STATUS_ORDER.indexOf(a) - STATUS_ORDER.indexOf(b));
  const status: ReportTable = {
    id: "status",
    title: "Số ca theo trạng thái hiện tại",
    header: ["Trạng thái", "Mã", "Số ca"],
    rows: [...statusKeys.map((k) => [STATUS_LABELS[k] ?? k, k, byStatus.get(k) ?? 0]), ["TỔNG", null, total]],
    chart: statusKeys.map((k) => ({ label: STATUS_LABELS[k] ?? k, value: byStatus.get(k) ?? 0 })),
  };

  const limit = PROTECTION_HOURS * HOUR_MS;
  const measure = (list: readonly CaseFacts[], at: (c: CaseFacts) => Date | null): CsvCell[] => {
    const done = list.filter((c) => at(c) !== null).map((c) => at(c)!.getTime() - c.receivedAt.getTime());
    const within = done.filter((ms) => ms <= limit).length;
    const overdue = list.filter((c) => at(c) === null && opts.asOf.getTime() - c.receivedAt.getTime() > limit).length;
    const med = median(done);
    return [list.length, done.length, med === null ? null : hours(med), within, pct(within, done.length), overdue];
  };
  const ack = measure(cases, (c) => c.acknowledgedAt);
  const prot = measure(cases.filter(urgent), (c) => c.protectedAt);
  const timeliness: ReportTable = {
    id: "timeliness",
    title: `Thời gian xác nhận và bảo vệ so với quy định ${PROTECTION_HOURS} giờ (Nghị định 56/2017, Điều 26)`,
    header: ["Chỉ số", "Số ca", "Đã có", "Trung vị (giờ)", `Trong ${PROTECTION_HOURS} giờ`, `% trong ${PROTECTION_HOURS} giờ`, `Quá ${PROTECTION_HOURS} giờ chưa có`],
    rows: [
      ["Cán bộ xác nhận đã nhận tin (mọi ca)", ...ack],
      ["Áp dụng bảo vệ khẩn cấp (ca khẩn cấp/nguy cơ cao)", ...prot],
    ],
    chart: [
      { label: "Xác nhận trong 12 giờ (%)", value: Number(ack[4] ?? 0) },
      { label: "Bảo vệ trong 12 giờ (%)", value: Number(prot[4] ?? 0) },
    ],
    note: `"% trong ${PROTECTION_HOURS} giờ" tính trên số ca đã có mốc thời gian; ca chưa có sau ${PROTECTION_HOURS} giờ được đếm riêng ở cột cuối.`,
  };
  return [categories, provinces, communes, ageSex, status, timeliness];
}

export interface NeedFacts {
  id: string;
  category: string;
  status: string;
  amountVnd: bigint | null;
  createdAt: Date;
}

export interface PledgeFacts {
  needId: string | null;
  kind: string;
  status: string;
  amountVnd: bigint | null;
  receivedAmountVnd: bigint | null;
  createdAt: Date;
  receivedAt: Date | null;
  deliveredAt: Date | null;
}

const GENERAL_FUND = "Quỹ chung";
const inPeriod = (d: Date | null, p: Pick<Period, "start" | "end">): boolean => d !== null && d >= p.start && d < p.end;

/** Needs and money pledges by need category for a period (integer đồng; see the module comment for definitions). */
export function needsTable(needs: readonly NeedFacts[], pledges: readonly PledgeFacts[], period: Pick<Period, "start" | "end">, opts: { needCategoryOf: (needId: string) => string | null; includeGeneralFund: boolean }): ReportTable {
  interface Acc { needs: number; needed: bigint; pledgeCount: number; pledged: bigint; received: bigint; delivered: bigint }
  const acc = new Map<string, Acc>();
  const get = (k: string): Acc => {
    let a = acc.get(k);
    if (!a) acc.set(k, (a = { needs: 0, needed: 0n, pledgeCount: 0, pledged: 0n, received: 0n, delivered: 0n }));
    return a;
  };
  for (const n of needs) {
    if (!inPeriod(n.createdAt, period) || n.status === "submitted" || n.status === "rejected") continue;
    const a = get(n.category);
    a.needs++;
    a.needed += n.amountVnd ?? 0n;
  }
  for (const p of pledges) {
    if (p.kind !== "money") continue;
    const cat = p.needId === null ? (opts.includeGeneralFund ? "" : null) : opts.needCategoryOf(p.needId);
    if (cat === null) continue;
    const arrived = p.receivedAmountVnd ?? p.amountVnd ?? 0n;
    const active = (ACTIVE_PLEDGE_STATUSES as readonly string[]).includes(p.status);
    const a = get(cat);
    if (active && inPeriod(p.createdAt, period)) {
      a.pledgeCount++;
      a.pledged += p.receivedAt ? arrived : (p.amountVnd ?? 0n);
    }
    if (inPeriod(p.receivedAt, period)) a.received += arrived;
    if (inPeriod(p.deliveredAt, period)) a.delivered += arrived;
  }
  const order = [...NEED_CATEGORIES, ""];
  const keys = [...acc.keys()].sort((a, b) => {
    const ia = order.indexOf(a as never), ib = order.indexOf(b as never);
    return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib) || a.localeCompare(b);
  });
  const label = (k: string): string => (k === "" ? GENERAL_FUND : (NEED_CATEGORIES as readonly string[]).includes(k) ? NEED_CATEGORY_LABELS[k as (typeof NEED_CATEGORIES)[number]] : k);
  const sum = (f: (a: Acc) => bigint): bigint => [...acc.values()].reduce((s, a) => s + f(a), 0n);
  return {
    id: "needs",
    title: "Nhu cầu và ủng hộ bằng tiền theo loại hỗ trợ (đồng)",
    header: ["Loại hỗ trợ", "Mã", "Số nhu cầu", "Cần (đồng)", "Số khoản ủng hộ", "Đã cam kết (đồng)", "Đã nhận (đồng)", "Đã trao (đồng)"],
    rows: [
      ...keys.map((k) => {
        const a = acc.get(k)!;
        return [label(k), k === "" ? null : k, a.needs, vndToNumber(a.needed), a.pledgeCount, vndToNumber(a.pledged), vndToNumber(a.received), vndToNumber(a.delivered)];
      }),
      ["TỔNG", null, [...acc.values()].reduce((s, a) => s + a.needs, 0), vndToNumber(sum((a) => a.needed)), [...acc.values()].reduce((s, a) => s + a.pledgeCount, 0), vndToNumber(sum((a) => a.pledged)), vndToNumber(sum((a) => a.received)), vndToNumber(sum((a) => a.delivered))],
    ],
    chart: keys.map((k) => ({ label: label(k), value: vndToNumber(acc.get(k)!.received) })),
    note: "Cần: giá trị các nhu cầu đã xác minh được tạo trong kỳ. Cam kết: khoản ủng hộ bằng tiền đăng ký trong kỳ (còn hiệu lực). Đã nhận/đã trao: theo ngày nhận/ngày trao trong kỳ. Biểu đồ: số tiền đã nhận.",
  };
}

/** Messages per channel and direction. */
export function messagesTable(counts: readonly { channel: string; direction: string; count: number }[]): ReportTable {
  const channels = [...new Set(counts.map((c) => c.channel))].sort();
  const n = (ch: string, dir: string) => counts.filter((c) => c.channel === ch && c.direction === dir).reduce((s, c) => s + c.count, 0);
  const rows: CsvCell[][] = channels.map((ch) => [ch, n(ch, "in"), n(ch, "out"), n(ch, "in") + n(ch, "out")]);
  const tin = channels.reduce((s, ch) => s + n(ch, "in"), 0);
  const tout = channels.reduce((s, ch) => s + n(ch, "out"), 0);
  return {
    id: "messages",
    title: "Tin nhắn theo kênh",
    header: ["Kênh", "Tin nhận (vào)", "Tin gửi (ra)", "Tổng"],
    rows: [...rows, ["TỔNG", tin, tout, tin + tout]],
    chart: channels.map((ch) => ({ label: ch, value: n(ch, "in") + n(ch, "out") })),
  };
}

// ───────────────────────────── loading ─────────────────────────────

const TITLES: Record<ReportTableId, string> = {
  categories: "Số ca theo hình thức xâm hại",
  provinces: "Số ca theo tỉnh/thành phố",
  communes: "Số ca theo xã/phường",
  age_sex: "Số ca theo độ tuổi và giới tính của trẻ",
  status: "Số ca theo trạng thái hiện tại",
  timeliness: "Thời gian xác nhận và bảo vệ",
  needs: "Nhu cầu và ủng hộ",
  messages: "Tin nhắn theo kênh",
};

/** "toàn quốc" or the codes the staff member's scope covers (for headings and the audit row). */
export function reportScopeLabel(staff: StaffScope, unitName: (code: string) => string): string {
  const kind = scopeKind(staff.role, "case") !== "none" ? scopeKind(staff.role, "case") : scopeKind(staff.role, "need");
  if (kind === "all") return "Toàn quốc";
  if (kind === "province") return staff.provinceCodes.map(unitName).join(", ") || "chưa được gán địa bàn";
  if (kind === "commune") return staff.communeCodes.map(unitName).join(", ") || "chưa được gán địa bàn";
  return "không có";
}

/** Loads and computes every report table the staff member's scope reaches for a period. */
export async function buildStaffReport(prisma: PrismaClient, staff: StaffScope, period: Period, opts: { now: Date }): Promise<StaffReport> {
  const names = new Map((await prisma.administrativeUnit.findMany({ select: { code: true, name: true } })).map((u) => [u.code, u.name]));
  const unitName = (code: string) => names.get(code) ?? code;
  const tables: ReportTable[] = [];
  const omitted: StaffReport["omitted"] = [];
  const range = { gte: period.start, lt: period.end };

  if (scopeKind(staff.role, "case") === "none") {
    for (const id of ["categories", "provinces", "communes", "age_sex", "status", "timeliness"] as const) omitted.push({ id, title: TITLES[id], reason: "Vai trò của bạn không xem hồ sơ trẻ em." });
  } else {
    const where: Prisma.CaseWhereInput = { AND: [scopeFilter(staff, "case"), { receivedAt: range }] };
    // Only non-private columns: never the *Enc fields, descriptions or free text.
    const cases = await prisma.case.findMany({
      where,
      select: { category: true, status: true, riskLevel: true, provinceCode: true, communeCode: true, childAge: true, childSex: true, receivedAt: true, acknowledgedAt: true, protectedAt: true },
    });
    const asOf = new Date(Math.min(opts.now.getTime(), period.end.getTime()));
    tables.push(...caseTables(cases, { unitName, asOf }));
  }

  const needKind = scopeKind(staff.role, "need");
  if (needKind === "none") {
    omitted.push({ id: "needs", title: TITLES.needs, reason: "Vai trò của bạn không xem nhu cầu và ủng hộ." });
  } else {
    const needs = await prisma.need.findMany({ where: scopeFilter(staff, "need"), select: { id: true, category: true, status: true, amountVnd: true, createdAt: true } });
    const catById = new Map(needs.map((n) => [n.id, n.category]));
    const includeGeneralFund = needKind === "all";
    const pledgeWhere: Prisma.PledgeWhereInput = includeGeneralFund ? {} : scopeFilter(staff, "pledge");
    const pledges = await prisma.pledge.findMany({
      where: { AND: [pledgeWhere, { kind: "money" }, { OR: [{ createdAt: range }, { receivedAt: range }, { deliveredAt: range }] }] },
      select: { needId: true, kind: true, status: true, amountVnd: true, receivedAmountVnd: true, createdAt: true, receivedAt: true, deliveredAt: true },
    });
    tables.push(needsTable(needs, pledges, period, { needCategoryOf: (id) => catById.get(id) ?? null, includeGeneralFund }));
  }

  if (scopeKind(staff.role, "case") === "all") {
    const groups = await prisma.message.groupBy({ by: ["channel", "direction"], where: { createdAt: range }, _count: { _all: true } });
    tables.push(messagesTable(groups.map((g) => ({ channel: g.channel, direction: g.direction, count: g._count._all }))));
  } else {
    omitted.push({ id: "messages", title: TITLES.messages, reason: "Số tin nhắn không gắn với địa bàn nên chỉ hiển thị cho cán bộ phạm vi toàn quốc." });
  }
  return { period, scopeLabel: reportScopeLabel(staff, unitName), tables, omitted };
}
