/**
 * Safety triage: runs on every inbound message, whatever flow the user is in. Pure and synchronous
 * after the first call (the lexicon is read once). Errs towards detection: a false alarm costs a
 * question to the user, a miss can cost a child.
 */
import type { Category } from "./categories.js";
import { safetySyllables } from "./fast-key.js";
import { loadLexicon, type CompiledCue, type CompiledLexicon, type CompiledRule, type IndexedPattern } from "./lexicon.js";
import { patternMatches, patternSpans, type Span } from "./pattern.js";

export type TriageLevel = "immediate" | "report" | "none";

export interface TriageResult {
  level: TriageLevel;
  /** Category of the deciding rule; for level "none" with guidanceHint, the topic the question is about. */
  category: Category | null;
  /** Rule ids that decided the level (for the case record); for a demoted question, the demoted rules. */
  rules: string[];
  /** The message reads as a prevention or how-to question about a danger topic, not a report. */
  guidanceHint: boolean;
}

let cached: CompiledLexicon | null = null;

function lexicon(): CompiledLexicon {
  cached ??= loadLexicon();
  return cached;
}

// Ordinary compounds ("đánh giá", "tất cả", "từ từ") are blanked so no danger pattern can use their words.
function masked(lex: CompiledLexicon, tokens: string[], on: Uint8Array, text: string): string[] {
  let out = tokens;
  let lowered: string | null = null;
  const accentedOk = (forms: string[]) => forms.some((f) => (lowered ??= text.normalize("NFC").toLowerCase()).includes(f));
  const masks = [...lex.mask, ...lex.accentedMask.filter((m) => on[m.pattern.id] !== 0 && accentedOk(m.accented)).map((m) => m.pattern)];
  for (const p of masks) {
    if (on[p.id] === 0) continue;
    for (const span of patternSpans(tokens, p)) {
      if (out === tokens) out = [...tokens];
      out.fill("", span.start, span.end);
    }
  }
  return out;
}

function negated(lex: CompiledLexicon, tokens: readonly string[], span: Span): boolean {
  let i = span.start - 1;
  for (let seen = 0; i >= 0 && seen < lex.lookback; seen++, i--) {
    const t = tokens[i]!;
    if (lex.negators.has(t)) return true;
    if (!lex.negationSkip.has(t)) return false;
  }
  return false;
}

interface Msg {
  tokens: readonly string[];
  /** PatternIndex marks: 0 = the pattern cannot match this message. */
  on: Uint8Array;
}

function anyMatch(lex: CompiledLexicon, m: Msg, patterns: readonly IndexedPattern[], checkNegation: boolean): boolean {
  const keep = checkNegation ? (s: Span) => !negated(lex, m.tokens, s) : undefined;
  for (const p of patterns) if (m.on[p.id] === 1 && patternMatches(m.tokens, p, keep)) return true;
  return false;
}

function cueScore(lex: CompiledLexicon, m: Msg, cues: readonly CompiledCue[]): { score: number; ids: string[] } {
  let score = 0;
  const ids: string[] = [];
  for (const cue of cues) {
    if (anyMatch(lex, m, cue.patterns, false)) {
      score += cue.weight;
      ids.push(cue.id);
    }
  }
  return { score, ids };
}

/** Classifies a message: immediate danger, something to report, or nothing (maybe a prevention question). */
export function triageWith(lex: CompiledLexicon, text: string): TriageResult {
  const raw = safetySyllables(text);
  const none: TriageResult = { level: "none", category: null, rules: [], guidanceHint: false };
  if (raw.length === 0) return none;
  const on = lex.index.active(raw);
  const tokens = masked(lex, raw, on, text);
  const m: Msg = { tokens, on };

  const notExcluded = (r: CompiledRule): boolean => !anyMatch(lex, m, r.unless, false);
  const matched = lex.rules.filter((r) => anyMatch(lex, m, r.patterns, true) && notExcluded(r));
  const guidance = cueScore(lex, m, lex.guidance);

  if (matched.length === 0) {
    if (guidance.score === 0) return none;
    // "Dạy con phòng tránh bị xâm hại": the danger words are negated, but the topic is still the question.
    const topic = lex.rules.find((r) => anyMatch(lex, m, r.patterns, false) && notExcluded(r));
    return topic ? { level: "none", category: topic.category, rules: [topic.id], guidanceHint: true } : none;
  }

  const concrete = cueScore(lex, m, lex.concrete);
  // Prevention wording demotes only when it outweighs signs of a real, specific child.
  const demoting = guidance.score > concrete.score;
  const effective = matched.filter((r) => r.firm || !demoting);

  if (effective.length === 0) {
    return { level: "none", category: matched[0]!.category, rules: matched.map((r) => r.id), guidanceHint: true };
  }

  const rules = effective.map((r) => r.id);
  const immediate = effective.find((r) => r.level === "immediate");
  if (immediate) return { level: "immediate", category: immediate.category, rules, guidanceHint: false };

  // A report of violence or abuse becomes immediate when the message says it is happening or life is at risk.
  const escalatable = effective.find((r) => lex.escalation.categories.has(r.category));
  if (escalatable && anyMatch(lex, m, lex.escalation.patterns, true)) {
    return { level: "immediate", category: escalatable.category, rules: [...rules, lex.escalation.id], guidanceHint: false };
  }
  return { level: "report", category: effective[0]!.category, rules, guidanceHint: false };
}

/** Classifies a message with the committed lexicon (content/safety/lexicon.yaml). */
export function triage(text: string): TriageResult {
  return triageWith(lexicon(), text);
}
