/**
 * Report periods: whole days in Vietnam time (UTC+7, no daylight saving), `from` and `to` inclusive, as staff pick
 * them in the console. Presets follow the plans' rhythm: the last 6 months, last calendar year, this year so far.
 */
import { z } from "zod";

const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
/** Longest period a report may cover (the aggregates stay cheap and the UI stays readable). */
export const MAX_PERIOD_DAYS = 3_700;

export const PERIOD_PRESETS = ["last6m", "lastYear", "thisYear"] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];
export const PRESET_LABELS: Record<PeriodPreset, string> = { last6m: "6 tháng gần nhất", lastYear: "Năm trước", thisYear: "Năm nay" };

export interface Period {
  /** YYYY-MM-DD, inclusive (Vietnam calendar day). */
  from: string;
  to: string;
  /** Instants: start of `from` and start of the day after `to`, in Vietnam time ([start, end)). */
  start: Date;
  end: Date;
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, "not a calendar date");

/** The Vietnam calendar date (YYYY-MM-DD) of an instant. */
export function vietnamDate(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

function startOfVietnamDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - VN_OFFSET_MS);
}

function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${String(ny).padStart(4, "0")}-${String(nm).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Builds a period from two inclusive dates (already validated strings). */
export function makePeriod(from: string, to: string): Period {
  return { from, to, start: startOfVietnamDay(from), end: startOfVietnamDay(addDays(to, 1)) };
}

/** The dates of a preset, relative to `now`: last 6 months (ending today), last calendar year, this year to date. */
export function presetPeriod(preset: PeriodPreset, now: Date): Period {
  const today = vietnamDate(now);
  const year = Number(today.slice(0, 4));
  switch (preset) {
    case "last6m":
      return makePeriod(addDays(addMonths(today, -6), 1), today);
    case "lastYear":
      return makePeriod(`${year - 1}-01-01`, `${year - 1}-12-31`);
    case "thisYear":
      return makePeriod(`${year}-01-01`, today);
  }
}

export type PeriodResult = { ok: true; period: Period; preset: PeriodPreset | null } | { ok: false; problem: string };

/**
 * Reads a period from query parameters: `preset`, or `from` + `to`; nothing at all means the last 6 months.
 * Problems come back as Vietnamese text for the form.
 */
export function parsePeriod(query: Record<string, unknown>, now: Date): PeriodResult {
  const str = (k: string): string | undefined => {
    const v = query[k];
    return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
  };
  const preset = str("preset");
  const from = str("from");
  const to = str("to");
  if (preset !== undefined && from === undefined && to === undefined) {
    const p = PERIOD_PRESETS.find((x) => x === preset);
    if (!p) return { ok: false, problem: "Khoảng thời gian chọn sẵn không hợp lệ." };
    return { ok: true, period: presetPeriod(p, now), preset: p };
  }
  if (from === undefined && to === undefined) return { ok: true, period: presetPeriod("last6m", now), preset: "last6m" };
  if (from === undefined || to === undefined) return { ok: false, problem: "Cần chọn cả ngày bắt đầu và ngày kết thúc." };
  if (!isoDate.safeParse(from).success || !isoDate.safeParse(to).success) return { ok: false, problem: "Ngày không hợp lệ (định dạng YYYY-MM-DD)." };
  if (from > to) return { ok: false, problem: "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc." };
  const period = makePeriod(from, to);
  if ((period.end.getTime() - period.start.getTime()) / DAY_MS > MAX_PERIOD_DAYS) return { ok: false, problem: "Khoảng thời gian tối đa khoảng 10 năm." };
  return { ok: true, period, preset: null };
}
