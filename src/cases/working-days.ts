/**
 * Working days for the Decree 56/2017 deadlines ("05 ngày làm việc" for the plan, "02 ngày làm việc" for its
 * approval). Counted on the Vietnamese calendar (UTC+7): Monday to Friday, minus the public holidays listed in
 * content/holidays-vn.json (with their sources). A deadline falls at the END of its last working day, because the
 * decree counts days, not hours.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

export const DEFAULT_HOLIDAYS_FILE = fileURLToPath(new URL("../../content/holidays-vn.json", import.meta.url));

const HolidayFile = z.object({
  days: z.array(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), name: z.string().min(1), status: z.enum(["confirmed", "provisional"]) })),
});

let cached: ReadonlySet<string> | null = null;

/** The holiday dates (YYYY-MM-DD) from content/holidays-vn.json, read once. */
export function loadHolidays(file: string = DEFAULT_HOLIDAYS_FILE): ReadonlySet<string> {
  if (file === DEFAULT_HOLIDAYS_FILE && cached) return cached;
  const parsed = HolidayFile.parse(JSON.parse(readFileSync(file, "utf8")));
  const set = new Set(parsed.days.map((d) => d.date));
  if (file === DEFAULT_HOLIDAYS_FILE) cached = set;
  return set;
}

/** The Vietnamese calendar date (YYYY-MM-DD) of an instant. */
export function vietnamDate(at: Date): string {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether a Vietnamese calendar date (YYYY-MM-DD) is a working day: Monday–Friday and not a public holiday. */
export function isWorkingDay(date: string, holidays: ReadonlySet<string> = loadHolidays()): boolean {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6 && !holidays.has(date);
}

/**
 * The end (23:59:59.999 Vietnam time) of the n-th working day AFTER the day of `from`: the day of receipt does not
 * count, as in administrative practice ("kể từ ngày nhận"), so a report on Friday evening is not a day late on Monday.
 */
export function addWorkingDays(from: Date, n: number, holidays: ReadonlySet<string> = loadHolidays()): Date {
  if (!Number.isInteger(n) || n < 1) throw new Error(`addWorkingDays: n must be a positive integer, got ${n}`);
  let day = new Date(`${vietnamDate(from)}T00:00:00Z`).getTime();
  let left = n;
  while (left > 0) {
    day += DAY_MS;
    if (isWorkingDay(new Date(day).toISOString().slice(0, 10), holidays)) left--;
  }
  // day is local midnight expressed as UTC; the end of that local day is 24 h later minus 1 ms, minus the offset.
  return new Date(day + DAY_MS - 1 - VN_OFFSET_MS);
}
