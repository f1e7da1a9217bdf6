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
 *
 * Speed (the triage runs on every message): each term keeps its alternatives indexed by first
 * syllable, a branch is tried only at positions whose syllable can start it, and every pattern
 * names "anchor" syllables, one of which must occur in the message for the pattern to match at all;
 * the triage uses the anchors to skip most patterns (see PatternIndex). Matching is a bounded
 * recursion over at most a few dozen syllables: no regular expressions, no catastrophic backtracking.
 */
import { matchKey } from "../text/index.js";

interface Option {
  syl: string[];
  prefixLast: boolean;
  /** Position among the term's alternatives: the first alternative that leads to a match wins. */
  order: number;
}

interface AltTerm {
  kind: "alt";
  options: Option[];
  optional: boolean;
  /** Alternatives by exact first syllable. */
  byFirst: Map<string, Option[]>;
  /** One-syllable prefix alternatives ("kidnap*"), tested with startsWith. */
  prefixFirst: Option[];
}

type Term = AltTerm | { kind: "gap"; max: number };

interface Branch {
  terms: Term[];
  /** Syllables that can start a match; null when any position can (an optional first term before a gap). */
  starts: Set<string> | null;
  startPrefixes: string[];
}

/** Syllables one of which must occur for a pattern to match (exact, or as a prefix). */
export interface Anchors {
  exact: string[];
  prefixes: string[];
}

export interface Phrase {
  source: string;
  /** Alternative term sequences (from " | "); the phrase matches when any does. */
  branches: Branch[];
  /** Branch numbers by the syllable that can start them, in branch order. */
  startIndex: Map<string, number[]>;
  /** Branches that can start at any syllable (an optional first term before a gap). */
  anyStarts: number[];
  /** Branches that can start with a prefix alternative ("kidnap*"). */
  prefixStarts: number[];
}

/** Anchors of a pattern: one entry per required part (a phrase has one; a near pattern one per part). */
export type CompiledPattern =
  | { kind: "phrase"; phrase: Phrase; anchors: Anchors[] }
  | { kind: "near"; parts: Phrase[]; within: number; source: string; anchors: Anchors[] };

export interface Span {
  start: number;
  end: number; // exclusive
}

export class PatternError extends Error {}

function compileOption(raw: string, order: number): Option {
  const prefixLast = raw.endsWith("*");
  const body = prefixLast ? raw.slice(0, -1) : raw;
  const syl = matchKey(body.replace(/_/g, " ")).split(" ").filter((x) => x !== "");
  if (syl.length === 0) throw new PatternError(`empty alternative "${raw}"`);
  return { syl, prefixLast, order };
}

function altTerm(options: Option[], optional: boolean): AltTerm {
  const byFirst = new Map<string, Option[]>();
  const prefixFirst: Option[] = [];
  for (const o of options) {
    if (o.syl.length === 1 && o.prefixLast) {
      prefixFirst.push(o);
      continue;
    }
    const list = byFirst.get(o.syl[0]!);
    if (list) list.push(o);
    else byFirst.set(o.syl[0]!, [o]);
  }
  return { kind: "alt", options, optional, byFirst, prefixFirst };
}

function compileBranch(source: string, sets: ReadonlyMap<string, string[]>): Branch {
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
        for (const member of set) options.push(compileOption(member, options.length));
      } else if (alt !== "") {
        options.push(compileOption(alt, options.length));
      }
    }
    if (options.length === 0) throw new PatternError(`empty term in "${source}"`);
    terms.push(altTerm(options, optional));
  }
  const first = terms[0];
  const last = terms[terms.length - 1];
  if (!terms.some((t) => t.kind === "alt" && !t.optional)) throw new PatternError(`pattern "${source}" matches nothing`);
  // A leading or trailing gap would only widen the span reported, never change whether it matches.
  if (first?.kind === "gap" || last?.kind === "gap") throw new PatternError(`pattern "${source}" starts or ends with a gap`);

  let starts: Set<string> | null = new Set<string>();
  const startPrefixes: string[] = [];
  for (const t of terms) {
    if (t.kind === "gap") {
      starts = null; // only reached after an optional term: a match may start anywhere
      break;
    }
    for (const o of t.options) {
      if (o.syl.length === 1 && o.prefixLast) startPrefixes.push(o.syl[0]!);
      else starts.add(o.syl[0]!);
    }
    if (!t.optional) break;
  }
  return { terms, starts, startPrefixes };
}

// Very common syllables make poor anchors: prefer a term none of whose alternatives start with one.
const COMMON = new Set(
  ("em con toi tui minh be bi dang co khong la va thi ma roi cho di ve o nay nao gi duoc lam nguoi no ho " +
    "anh chi ba bo me ong chu co cau mot hai cac nhung da se van cung voi den tu khi lai len ra vao the " +
    "i a the is are to of me my and in on it you he she").split(" "),
);

function termCost(t: AltTerm): number {
  let cost = 0;
  for (const o of t.options) cost += o.prefixLast && o.syl.length === 1 ? 20 : COMMON.has(o.syl[0]!) ? 40 : 1;
  return cost;
}

function branchAnchor(b: Branch): { anchors: Anchors; cost: number } {
  let best: AltTerm | null = null;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const t of b.terms) {
    if (t.kind !== "alt" || t.optional) continue;
    const c = termCost(t);
    if (c < bestCost) {
      best = t;
      bestCost = c;
    }
  }
  const exact: string[] = [];
  const prefixes: string[] = [];
  for (const o of best!.options) {
    if (o.syl.length === 1 && o.prefixLast) prefixes.push(o.syl[0]!);
    else exact.push(o.syl[0]!);
  }
  return { anchors: { exact, prefixes }, cost: bestCost };
}

function phraseAnchors(p: Phrase): { anchors: Anchors; cost: number } {
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  let cost = 0;
  for (const b of p.branches) {
    const a = branchAnchor(b);
    a.anchors.exact.forEach((x) => exact.add(x));
    a.anchors.prefixes.forEach((x) => prefixes.add(x));
    cost += a.cost;
  }
  return { anchors: { exact: [...exact], prefixes: [...prefixes] }, cost };
}

/** Compiles one phrase pattern string; sets maps "@name" to its alternatives. */
export function compilePhrase(source: string, sets: ReadonlyMap<string, string[]>): Phrase {
  const branches = source.split(/\s+\|\s+/).map((b) => compileBranch(b, sets));
  const startIndex = new Map<string, number[]>();
  const anyStarts: number[] = [];
  const prefixStarts: number[] = [];
  branches.forEach((b, i) => {
    if (b.starts === null) anyStarts.push(i);
    else if (b.startPrefixes.length > 0) prefixStarts.push(i);
    for (const s of b.starts ?? []) {
      const list = startIndex.get(s);
      if (list) list.push(i);
      else startIndex.set(s, [i]);
    }
  });
  return { source, branches, startIndex, anyStarts, prefixStarts };
}

const NO_BRANCHES: number[] = [];

/** The branches worth trying at a syllable, in branch order (the first that matches gives the span). */
function branchesAt(phrase: Phrase, tok: string): number[] {
  const exact = phrase.startIndex.get(tok) ?? NO_BRANCHES;
  let extra = phrase.anyStarts;
  if (phrase.prefixStarts.length > 0) {
    const pre = phrase.prefixStarts.filter((i) => canStart(phrase.branches[i]!, tok));
    if (pre.length > 0) extra = extra.length === 0 ? pre : [...extra, ...pre];
  }
  if (extra.length === 0) return exact;
  if (exact.length === 0 && extra === phrase.anyStarts) return extra;
  return [...new Set([...exact, ...extra])].sort((a, b) => a - b);
}

/** A phrase pattern, with its anchors. */
export function phrasePattern(source: string, sets: ReadonlyMap<string, string[]>): CompiledPattern {
  const phrase = compilePhrase(source, sets);
  return { kind: "phrase", phrase, anchors: [phraseAnchors(phrase).anchors] };
}

/** A near pattern: every part inside a window; every part must find one of its anchors. */
export function nearPattern(sources: string[], within: number, sets: ReadonlyMap<string, string[]>): CompiledPattern {
  if (sources.length > 8) throw new PatternError(`near pattern with more than 8 parts: "${sources.join(" & ")}"`);
  const parts = sources.map((s) => compilePhrase(s, sets));
  return { kind: "near", parts, within, source: sources.join(" & "), anchors: parts.map((p) => phraseAnchors(p).anchors) };
}

const NO_OPTIONS: Option[] = [];

function candidates(term: AltTerm, tok: string): Option[] {
  const exact = term.byFirst.get(tok) ?? NO_OPTIONS;
  if (term.prefixFirst.length === 0) return exact;
  const pre = term.prefixFirst.filter((o) => tok.startsWith(o.syl[0]!));
  if (pre.length === 0) return exact;
  return [...exact, ...pre].sort((a, b) => a.order - b.order);
}

function optionAt(tokens: readonly string[], at: number, opt: Option): number | null {
  if (at + opt.syl.length > tokens.length) return null;
  for (let i = 1; i < opt.syl.length; i++) {
    const want = opt.syl[i]!;
    const got = tokens[at + i]!;
    const last = i === opt.syl.length - 1;
    if (last && opt.prefixLast ? !got.startsWith(want) : got !== want) return null;
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
  if (at < tokens.length) {
    for (const opt of candidates(term, tokens[at]!)) {
      const next = optionAt(tokens, at, opt);
      if (next !== null) {
        const end = matchTerms(tokens, terms, ti + 1, next);
        if (end !== null) return end;
      }
    }
  }
  return term.optional ? matchTerms(tokens, terms, ti + 1, at) : null;
}

function canStart(b: Branch, tok: string): boolean {
  if (b.starts === null) return true;
  if (b.starts.has(tok)) return true;
  for (const p of b.startPrefixes) if (tok.startsWith(p)) return true;
  return false;
}

/** Every start position where the phrase matches, with its end. */
export function phraseSpans(tokens: readonly string[], phrase: Phrase): Span[] {
  const spans: Span[] = [];
  for (let start = 0; start < tokens.length; start++) {
    for (const bi of branchesAt(phrase, tokens[start]!)) {
      const end = matchTerms(tokens, phrase.branches[bi]!.terms, 0, start);
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
  const perPart: Span[][] = [];
  for (const p of pattern.parts) {
    const s = phraseSpans(tokens, p).filter(keep);
    if (s.length === 0) return [];
    perPart.push(s);
  }
  const found: Span[] = [];
  const walk = (i: number, lo: number, hi: number): void => {
    if (hi - lo > pattern.within) return; // the window only grows: prune
    if (i === perPart.length) {
      found.push({ start: lo, end: hi });
      return;
    }
    for (const s of perPart[i]!) walk(i + 1, Math.min(lo, s.start), Math.max(hi, s.end));
  };
  walk(0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
  return found;
}

/** True when the pattern matches somewhere (spans passing keep); stops at the first match. */
export function patternMatches(tokens: readonly string[], pattern: CompiledPattern, keep?: (span: Span) => boolean): boolean {
  if (pattern.kind === "phrase" && keep === undefined) {
    const phrase = pattern.phrase;
    for (let start = 0; start < tokens.length; start++) {
      for (const bi of branchesAt(phrase, tokens[start]!)) {
        const end = matchTerms(tokens, phrase.branches[bi]!.terms, 0, start);
        if (end !== null && end > start) return true;
      }
    }
    return false;
  }
  if (pattern.kind === "phrase") return patternSpans(tokens, pattern, keep).length > 0;
  // near: stop at the first combination that fits in the window.
  const perPart: Span[][] = [];
  for (const p of pattern.parts) {
    const s = keep ? phraseSpans(tokens, p).filter(keep) : phraseSpans(tokens, p);
    if (s.length === 0) return false;
    perPart.push(s);
  }
  const within = pattern.within;
  const fits = (i: number, lo: number, hi: number): boolean => {
    if (hi - lo > within) return false;
    if (i === perPart.length) return true;
    for (const s of perPart[i]!) if (fits(i + 1, Math.min(lo, s.start), Math.max(hi, s.end))) return true;
    return false;
  };
  return fits(0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
}

/**
 * Inverted index from anchor syllables to pattern numbers: for a message, `active` marks the patterns
 * that can possibly match, so the rest are never run.
 */
export class PatternIndex {
  /** Syllable → (pattern number × 8 + part number) of every part it anchors. */
  private readonly exact = new Map<string, number[]>();
  private readonly prefixes: Array<[string, number[]]> = [];
  /** Bit mask of all parts, per pattern. */
  private readonly full: number[] = [];

  /** Registers a pattern and returns its number. */
  add(p: CompiledPattern): number {
    const id = this.full.length;
    this.full.push((1 << p.anchors.length) - 1);
    p.anchors.forEach((a, part) => {
      const key = id * 8 + part;
      for (const s of a.exact) {
        const list = this.exact.get(s);
        if (list) list.push(key);
        else this.exact.set(s, [key]);
      }
      for (const pre of a.prefixes) {
        const hit = this.prefixes.find(([x]) => x === pre);
        if (hit) hit[1].push(key);
        else this.prefixes.push([pre, [key]]);
      }
    });
    return id;
  }

  get size(): number {
    return this.full.length;
  }

  /** Marks (1) every pattern each of whose parts has one of its anchors among the tokens. */
  active(tokens: readonly string[]): Uint8Array {
    const bits = new Uint8Array(this.full.length);
    const mark = (keys: number[]): void => {
      for (const k of keys) bits[k >> 3]! |= 1 << (k & 7);
    };
    for (const t of tokens) {
      const list = this.exact.get(t);
      if (list) mark(list);
      for (const [pre, keys] of this.prefixes) if (t.startsWith(pre)) mark(keys);
    }
    for (let i = 0; i < bits.length; i++) bits[i] = bits[i] === this.full[i] ? 1 : 0;
    return bits;
  }
}
