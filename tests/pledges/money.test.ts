import { describe, expect, it } from "vitest";
import { formatVnd, parseVnd, parseVndFailureText } from "../../src/pledges/money.js";

describe("parseVnd", () => {
  it.each([
    ["500k", 500_000],
    ["500K", 500_000],
    ["500 nghìn", 500_000],
    ["500 ngàn", 500_000],
    ["500 nghin", 500_000],
    ["1tr", 1_000_000],
    ["1 triệu", 1_000_000],
    ["1 triệu 2", 1_200_000],
    ["1tr2", 1_200_000],
    ["1tr25", 1_250_000],
    ["1tr250", 1_250_000],
    ["2k5", 2_500],
    ["1,5 triệu", 1_500_000],
    ["1.5tr", 1_500_000],
    ["1 triệu rưỡi", 1_500_000],
    ["1 triệu 200 nghìn", 1_200_000],
    ["1 triệu 2 trăm", 1_200_000],
    ["5 trăm nghìn", 500_000],
    ["1.000.000", 1_000_000],
    ["1.000.000đ", 1_000_000],
    ["1.000.000 đ", 1_000_000],
    ["1.000.000 ₫", 1_000_000],
    ["1,000,000", 1_000_000],
    ["1 000 000", 1_000_000],
    ["2 trieu", 2_000_000],
    ["2 TRIỆU", 2_000_000],
    ["200.000 VND", 200_000],
    ["200.000 vnđ", 200_000],
    ["200000", 200_000],
    ["50000 đồng", 50_000],
    ["1m", 1_000_000],
    ["2 củ", 2_000_000],
    ["1 tỷ", 1_000_000_000],
    ["10 tỷ", 10_000_000_000],
    ["1 tỷ 500 triệu", 1_500_000_000],
    ["  300k  ", 300_000],
    ["+300k", 300_000],
    ["1.000.000,00", 1_000_000],
  ])("%s → %d", (text, vnd) => {
    expect(parseVnd(text)).toEqual({ ok: true, vnd });
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["đ", "empty"],
    ["abc", "not_a_number"],
    ["năm trăm nghìn", "not_a_number"],
    ["500k abc", "not_a_number"],
    ["1tr 2tr", "not_a_number"],
    ["1/2 triệu", "not_a_number"],
    ["0", "not_positive"],
    ["0k", "not_positive"],
    ["-500k", "not_positive"],
    ["11 tỷ", "too_large"],
    ["10.000.000.001", "too_large"],
    ["1,5", "fraction"],
    ["1.5", "fraction"],
    ["0,5 đ", "fraction"],
  ])("%j is refused (%s)", (text, reason) => {
    expect(parseVnd(text)).toEqual({ ok: false, reason });
  });

  it("always yields a safe integer", () => {
    for (const t of ["1,234567 triệu", "9,999999999 tỷ", "3k333"]) {
      const r = parseVnd(t);
      if (r.ok) expect(Number.isSafeInteger(r.vnd)).toBe(true);
    }
  });

  it("explains every failure in Vietnamese", () => {
    for (const r of ["empty", "not_a_number", "not_positive", "too_large", "fraction"] as const) expect(parseVndFailureText(r).length).toBeGreaterThan(10);
  });
});

describe("formatVnd", () => {
  it.each([
    [0, "0 đ"],
    [500, "500 đ"],
    [1_500_000, "1.500.000 đ"],
    [10_000_000_000, "10.000.000.000 đ"],
    [-25_000, "-25.000 đ"],
  ])("%d → %s", (n, s) => {
    expect(formatVnd(n)).toBe(s);
    expect(formatVnd(BigInt(n))).toBe(s);
  });

  it("round-trips through parseVnd", () => {
    for (const n of [1, 999, 1000, 123_456_789, 10_000_000_000]) expect(parseVnd(formatVnd(n))).toEqual({ ok: true, vnd: n });
  });
});
