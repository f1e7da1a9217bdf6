/**
 * The small pattern language of the safety lexicon, matched over matchKey syllables.
 *
 *   "bi danh dap"            phrase: consecutive syllables
 *   "bo/me/cha_duong danh"   "/" separates alternatives; "_" joins the syllables of one alternative
 *   "@adult danh"            "@name" pulls in a named word set from the lexicon
 *   "danh ~2 chet"           "~N" skips 0..N syllables
 *   "kidnap*"                "*" at the end of an alternative is a prefix match (for English inflections)
 *   "bi? danh"               "?" makes a term optional
 *   "bao hanh | nguoc dai"   " | " separates whole alternative phrases
 *   { near: [p1, p2], within: 6 }   every sub-phrase occurs, in any order, inside a window of N syllables
 */
import { matchKey } from "../text/index.js";

interface Option {
  syl: string[];
  prefixLast: boolean;
}

type Term = { kind: "alt"; options: Option[]; optional: boolean } | { kind: "gap"; max: number };

export interface Phrase {
  source: string;
  /** Alternative term sequences (from " | "); the phrase matches when any does. */
  branches: Term[][];
}

export type CompiledPattern =
  | { kind: "phrase"; phrase: Phrase }
  | { kind: "near"; parts: Phrase[]; within: number; source: string };

export interface Span {
  start: number;
  end: number; // exclusive
}

export class PatternError extends Error {}

function compileOption(raw: string): Option {
  const prefixLast = raw.endsWith("*");
  const body = prefixLast ? raw.slice(0, -1) : raw;
  const syl = matchKey(body.replace(/_/g, " ")).split(" ").filter((x) => x !== "");
  if (syl.length === 0) throw new PatternError(`empty alternative "${raw}"`);
  return { syl, prefixLast };
}

function compileBranch(source: string, sets: ReadonlyMap<string, string[]>): Term[] {
  const terms: Term[] = [];
  for (const rawTerm of source.trim().split(/\s+/)) {
    const gap = /^~(\d+)$/.exec(rawTerm);
    if (gap) {
      terms.push({ kind: "gap", max: Number(gap[1]) });
      continue;
    }
    const optional = rawTerm.endsWith("?");
    const body = optional ? rawTerm.slice(0, -1) : rawTerm;
    const options: Option[] = [];
    for (const alt of body.split("/")) {
      if (alt.startsWith("@")) {
        const set = sets.get(alt.slice(1));
        if (!set) throw new PatternError(`unknown set ${alt} in "${source}"`);
        for (const member of set) options.push(compileOption(member));
      } else if (alt !== "") {
        options.push(compileOption(alt));
      }
    }
    if (options.length === 0) throw new PatternError(`empty term in "${source}"`);
    terms.push({ kind: "alt", options, optional });
  }
  const first = terms[0];
  const last = terms[terms.length - 1];
  if (!terms.some((t) => t.kind === "alt" && !t.optional)) throw new PatternError(`pattern "${source}" matches nothing`);
  // A leading or trailing gap would only widen the span reported, never change whether it matches.
  if (first?.kind === "gap" || last?.kind === "gap") throw new PatternError(`pattern "${source}" starts or ends with a gap`);
  return terms;
}

/** Compiles one phrase pattern string; sets maps "@name" to its alternatives. */
export function compilePhrase(source: string, sets: ReadonlyMap<string, string[]>): Phrase {
  const branches = source.split(/\s+\|\s+/).map((b) => compileBranch(b, sets));
  return { source, branches };
}

function optionAt(tokens: readonly string[], at: number, opt: Option): number | null {
  if (at + opt.syl.length > tokens.length) return null;
  for (let i = 0; i < opt.syl.length; i++) {
    const want = opt.syl[i]!;
    const got = tokens[at + i]!;
    const last = i === opt.syl.length - 1;
    if ((last && opt.prefixLast) ? !got.startsWith(want) : got !== want) return null;
  }
  return at + opt.syl.length;
}

function matchTerms(tokens: readonly string[], terms: readonly Term[], ti: number, at: number): number | null {
  if (ti === terms.length) return at;
  const term = terms[ti]!;
  if (term.kind === "gap") {
    for (let skip = 0; skip <= term.max && at + skip <= tokens.length; skip++) {
      const end = matchTerms(tokens, terms, ti + 1, at + skip);
      if (end !== null) return end;
    }
    return null;
  }
  for (const opt of term.options) {
    const next = optionAt(tokens, at, opt);
    if (next !== null) {
      const end = matchTerms(tokens, terms, ti + 1, next);
      if (end !== null) return end;
    }
  }
  return term.optional ? matchTerms(tokens, terms, ti + 1, at) : null;
}

/** Every start position where the phrase matches, with its end. */
export function phraseSpans(tokens: readonly string[], phrase: Phrase): Span[] {
  const spans: Span[] = [];
  for (let start = 0; start < tokens.length; start++) {
    for (const terms of phrase.branches) {
      const end = matchTerms(tokens, terms, 0, start);
      if (end !== null && end > start) {
        spans.push({ start, end });
        break;
      }
    }
  }
  return spans;
}

/** Spans of a pattern whose parts pass the keep filter (used to drop negated parts). */
export function patternSpans(
  tokens: readonly string[],
  pattern: CompiledPattern,
  keep: (span: Span) => boolean = () => true,
): Span[] {
  if (pattern.kind === "phrase") return phraseSpans(tokens, pattern.phrase).filter(keep);
  const perPart = pattern.parts.map((p) => phraseSpans(tokens, p).filter(keep));
  if (perPart.some((s) => s.length === 0)) return [];
  const found: Span[] = [];
  const walk = (i: number, lo: number, hi: number): void => {
    if (i === perPart.length) {
      if (hi - lo <= pattern.within) found.push({ start: lo, end: hi });
      return;
    }
    for (const s of perPart[i]!) walk(i + 1, Math.min(lo, s.start), Math.max(hi, s.end));
  };
  walk(0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
  return found;
}
