/**
 * Money as people type it in Vietnamese chat ("500k", "1 triệu 2", "1,5 triệu", "1.000.000đ") → integer đồng.
 * Money is ALWAYS an integer number of đồng in code (within the safe-integer range) and BigInt in the database.
 * Arithmetic is done on exact rationals (bigint numerator/denominator) so "1,5 triệu" never becomes 1499999.99.
 */
import { foldDiacritics } from "../text/index.js";

/** The largest single pledge we accept (10 tỷ đồng): larger figures are almost always typos. */
export const MAX_PLEDGE_VND = 10_000_000_000;

export type ParseVndFailure = "empty" | "not_a_number" | "not_positive" | "too_large" | "fraction";
export type ParseVndResult = { ok: true; vnd: number } | { ok: false; reason: ParseVndFailure };

// Multipliers people write after a number. "m"/"củ" are chat slang for triệu; "chục"/"trăm" combine ("5 trăm nghìn").
const UNITS: Record<string, bigint> = {
  k: 1_000n,
  nghin: 1_000n,
  ngan: 1_000n,
  ngin: 1_000n,
  tr: 1_000_000n,
  trieu: 1_000_000n,
  m: 1_000_000n,
  cu: 1_000_000n,
  ty: 1_000_000_000n,
  ti: 1_000_000_000n,
  tram: 100n,
  chuc: 10n,
};
const CURRENCY = new Set(["d", "dong", "vnd", "vn", "vnđ"]);
const HALF = "ruoi"; // "1 triệu rưỡi" = 1.5 triệu

interface Rational {
  num: bigint;
  den: bigint;
}

type Token = { t: "num"; s: string } | { t: "word"; s: string } | { t: "sym"; s: string };

function tokenize(text: string): Token[] {
  const folded = foldDiacritics(text).replace(/₫/g, " d ");
  const out: Token[] = [];
  for (const m of folded.matchAll(/(\d+(?:[.,]\d+)*)|([a-z]+)|(\S)/g)) {
    if (m[1] !== undefined) out.push({ t: "num", s: m[1] });
    else if (m[2] !== undefined) out.push({ t: "word", s: m[2] });
    else out.push({ t: "sym", s: m[3] ?? "" });
  }
  return out;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Reads one number token; `decimalComma` says whether "1,500" before a unit means 1.5 (Vietnamese usage). */
function readNumber(s: string, beforeUnit: boolean): Rational | null {
  if (/^\d+$/.test(s)) return { num: BigInt(s), den: 1n };
  // 1.000.000 / 1,000,000: thousands grouping (a comma before a unit is a decimal comma in Vietnamese: "1,500 triệu")
  const grouped = /^\d{1,3}(([.,])\d{3})(\2\d{3})*$/.exec(s);
  if (grouped && !(beforeUnit && grouped[2] === ",")) return { num: BigInt(s.replace(/[.,]/g, "")), den: 1n };
  // 1.000.000,50 (Vietnamese) or 1,000,000.50 (English): grouping plus decimals
  const mixed = /^(\d{1,3}(?:([.,])\d{3})+)([.,])(\d+)$/.exec(s);
  if (mixed && mixed[2] !== mixed[3]) {
    const frac = mixed[4] ?? "";
    return { num: BigInt((mixed[1] ?? "").replace(/[.,]/g, "") + frac), den: pow10(frac.length) };
  }
  const dec = /^(\d+)[.,](\d+)$/.exec(s);
  if (dec) {
    const frac = dec[2] ?? "";
    return { num: BigInt((dec[1] ?? "") + frac), den: pow10(frac.length) };
  }
  return null;
}

const add = (a: Rational, b: Rational): Rational => ({ num: a.num * b.den + b.num * a.den, den: a.den * b.den });
const mul = (a: Rational, k: bigint): Rational => ({ num: a.num * k, den: a.den });

/** Parses a Vietnamese money amount ("500k", "1 triệu 2", "1.000.000đ", "2 trieu") into integer đồng. */
export function parseVnd(text: string): ParseVndResult {
  let tokens = tokenize(text);
  // currency words only at the edges ("200.000 VND", "VND 200.000"); a leading "+" is harmless
  while (tokens[0] && ((tokens[0].t === "word" && CURRENCY.has(tokens[0].s)) || (tokens[0].t === "sym" && tokens[0].s === "+"))) tokens = tokens.slice(1);
  while (tokens.length > 0) {
    const last = tokens[tokens.length - 1];
    if (last && ((last.t === "word" && CURRENCY.has(last.s)) || (last.t === "sym" && (last.s === "." || last.s === "!")))) tokens = tokens.slice(0, -1);
    else break;
  }
  if (tokens.length === 0) return { ok: false, reason: "empty" };
  if (tokens[0]?.t === "sym" && tokens[0].s === "-") return { ok: false, reason: "not_positive" };

  // "1 000 000": digit groups separated by spaces are one number
  const merged: Token[] = [];
  for (const tok of tokens) {
    const prev = merged[merged.length - 1];
    if (tok.t === "num" && /^\d{3}$/.test(tok.s) && prev?.t === "num" && /^\d{1,3}( \d{3})*$/.test(prev.s)) prev.s = `${prev.s} ${tok.s}`;
    else merged.push({ ...tok });
  }
  for (const tok of merged) if (tok.t === "num") tok.s = tok.s.replace(/ /g, "");

  let total: Rational = { num: 0n, den: 1n };
  let prevUnit: bigint | null = null;
  let i = 0;
  while (i < merged.length) {
    const tok = merged[i];
    if (!tok) break;
    if (tok.t === "word" && tok.s === HALF && prevUnit !== null) {
      total = add(total, { num: prevUnit, den: 2n });
      prevUnit = null; // nothing may follow "rưỡi"
      i++;
      continue;
    }
    if (tok.t !== "num") return { ok: false, reason: "not_a_number" };
    let mult = 1n;
    let j = i + 1;
    let hasUnit = false;
    while (j < merged.length) {
      const w = merged[j];
      if (w?.t !== "word") break;
      const u = UNITS[w.s];
      if (u === undefined) break;
      mult *= u;
      hasUnit = true;
      j++;
    }
    if (!hasUnit && prevUnit !== null) {
      // "1tr2" = 1,2 triệu, "2k5" = 2.500: a bare trailing number is the leading digits of the next order
      if (j !== merged.length || !/^\d{1,3}$/.test(tok.s)) return { ok: false, reason: "not_a_number" };
      total = add(total, { num: BigInt(tok.s) * prevUnit, den: pow10(tok.s.length) });
      prevUnit = null;
      i = j;
      continue;
    }
    const value = readNumber(tok.s, hasUnit);
    if (!value) return { ok: false, reason: "not_a_number" };
    if (prevUnit !== null) {
      // "1 triệu 2 trăm" is spoken for 1.200.000: a bare "trăm" after triệu/tỷ means trăm nghìn
      if (mult === 100n && prevUnit >= 1_000_000n) mult = 100_000n;
      if (mult >= prevUnit) return { ok: false, reason: "not_a_number" };
    } else if (i > 0) {
      return { ok: false, reason: "not_a_number" };
    }
    total = add(total, mul(value, mult));
    prevUnit = hasUnit ? mult : null;
    if (!hasUnit && j < merged.length) return { ok: false, reason: "not_a_number" };
    i = j;
  }
  if (total.num === 0n) return { ok: false, reason: "not_positive" };
  if (total.num % total.den !== 0n) return { ok: false, reason: "fraction" };
  const vnd = total.num / total.den;
  if (vnd > BigInt(MAX_PLEDGE_VND)) return { ok: false, reason: "too_large" };
  return { ok: true, vnd: Number(vnd) };
}

/** Formats integer đồng the Vietnamese way: 1500000 → "1.500.000 đ". */
export function formatVnd(n: number | bigint): string {
  const v = typeof n === "bigint" ? n : BigInt(Math.trunc(n));
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString();
  return `${neg ? "-" : ""}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".")} đ`;
}

/** Converts a database BigInt of đồng to a number, refusing values that would lose precision (a bug, not input). */
export function vndToNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error("amount outside the safe integer range");
  return Number(v);
}

/** Vietnamese sentence explaining why an amount was not accepted (for polite re-asks). */
export function parseVndFailureText(reason: ParseVndFailure): string {
  switch (reason) {
    case "empty":
    case "not_a_number":
      return "Mình chưa hiểu số tiền này. Bạn có thể ghi như 500k, 1 triệu, 1tr2 hoặc 1.000.000đ.";
    case "not_positive":
      return "Số tiền cần lớn hơn 0 đồng.";
    case "too_large":
      return "Số tiền lớn hơn 10 tỷ đồng, có thể bị gõ nhầm. Bạn kiểm tra lại giúp mình nhé.";
    case "fraction":
      return "Số tiền cần là số đồng chẵn (không có phần lẻ dưới 1 đồng).";
  }
}
