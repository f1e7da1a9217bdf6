import { describe, expect, it } from "vitest";
import { caseDeadlines } from "../../src/cases/create-case.js";
import { addWorkingDays, isWorkingDay, loadHolidays, vietnamDate } from "../../src/cases/working-days.js";

/** The end of a Vietnamese day as an instant. */
const endOf = (d: string) => new Date(`${d}T23:59:59.999+07:00`);

describe("working days (Decree 56 deadlines)", () => {
  it("counts Monday to Friday from the day after receipt, ending at the end of the last day (VN time)", () => {
    // Monday 23/11/2026 10:00 VN → 5 working days: Tue..Fri + Mon 30/11
    expect(addWorkingDays(new Date("2026-11-23T03:00:00Z"), 5)).toEqual(endOf("2026-11-30"));
    // Friday evening → Mon..Fri of next week
    expect(addWorkingDays(new Date("2026-11-27T12:00:00Z"), 5)).toEqual(endOf("2026-12-04"));
    // Saturday → the weekend never counts
    expect(addWorkingDays(new Date("2026-11-28T02:00:00Z"), 2)).toEqual(endOf("2026-12-01"));
  });

  it("uses Vietnam's date, not UTC's: 23:30 VN on Friday is still Friday", () => {
    const fridayLate = new Date("2026-11-27T16:30:00Z"); // 23:30 VN Friday
    expect(vietnamDate(fridayLate)).toBe("2026-11-27");
    expect(addWorkingDays(fridayLate, 1)).toEqual(endOf("2026-11-30"));
  });

  it("skips public holidays: Tết 2026 (16–20/02), 30/4–1/5, Quốc khánh, Giỗ Tổ compensation", () => {
    const h = loadHolidays();
    expect(h.has("2026-02-17")).toBe(true);
    expect(isWorkingDay("2026-02-16")).toBe(false);
    expect(isWorkingDay("2026-02-23")).toBe(true);
    // Received Friday 13/02/2026 (before Tết): the next working day is Monday 23/02
    expect(addWorkingDays(new Date("2026-02-13T03:00:00Z"), 1)).toEqual(endOf("2026-02-23"));
    expect(addWorkingDays(new Date("2026-02-13T03:00:00Z"), 5)).toEqual(endOf("2026-02-27"));
    // Received Wednesday 29/04/2026: 30/4 and 1/5 are holidays, 2–3/5 the weekend → Monday 4/5 is day 1
    expect(addWorkingDays(new Date("2026-04-29T03:00:00Z"), 2)).toEqual(endOf("2026-05-05"));
    // Giỗ Tổ 2026 falls on Sunday 26/4: Monday 27/4 is the day off instead
    expect(isWorkingDay("2026-04-27")).toBe(false);
  });

  it("every listed holiday is a weekday in 2026–2027 (a weekend date in the list would be a data error)", () => {
    for (const d of loadHolidays()) {
      const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
      expect([0, 6], d).not.toContain(dow);
      expect(["2026", "2027"]).toContain(d.slice(0, 4));
    }
  });

  it("case deadlines: 12 hours for urgent cases, plan in 5 working days, approval 2 working days after", () => {
    const received = new Date("2026-11-27T12:00:00Z"); // Friday 19:00 VN
    const urgent = caseDeadlines(received, true);
    expect(urgent.protectionDueAt).toEqual(new Date("2026-11-28T00:00:00Z"));
    expect(urgent.planDueAt).toEqual(endOf("2026-12-04"));
    expect(urgent.approvalDueAt).toEqual(endOf("2026-12-08"));
    expect(caseDeadlines(received, false).protectionDueAt).toBeNull();
  });
});
