/**
 * A fast path for `syllables()` from src/text (matchKey split into words), for the safety triage that
 * runs on every inbound message. It gives the same words as `syllables()`:
 *
 *   - folding is done per character with a table built once from `foldDiacritics` itself (NFC, lower
 *     case, marks removed, đ → d): for Latin text, folding a whole string equals folding each character;
 *   - chat spellings are expanded with `expandChatSpelling` itself, memoised per word; the dozen words
 *     whose reading depends on their neighbours ("k", "a", "v", "hong", …) are expanded in a small
 *     window holding the same neighbours and separators.
 *
 * Any character outside the table (other scripts, rare symbols that are letters) sends the whole
 * message to `syllables()`, so the fast path can only be faster, never different.
 * tests/safety/fast-key.test.ts checks the equivalence on the labelled messages and on random text.
 */
import { collapseRepeats, expandChatSpelling, foldDiacritics, syllables } from "../text/index.js";

const REMOVE = 0; // zero-width, combining marks, apostrophes: joins the letters on either side
const SPACE = 1; // word separator
const CLAUSE = 2; // clause punctuation: a separator that ends a clause for chat-spelling context
const LETTER = 3;
const FALLBACK = 4;

const TABLE_SIZE = 0x2070;
const kind = new Uint8Array(TABLE_SIZE).fill(FALLBACK);
const folded: string[] = new Array<string>(TABLE_SIZE).fill("");

function classify(c: number): void {
  // Surrogate halves are handled by the caller with the full code point.
  if (c >= 0xd800 && c <= 0xdfff) return;
  const ch = String.fromCharCode(c);
  if (/[\u200B-\u200D\u2060\uFEFF\u00AD]/.test(ch) || /['’`]/.test(ch) || /\p{M}/u.test(ch)) {
    kind[c] = REMOVE;
  } else if (/[.,!?;:…]/.test(ch)) {
    kind[c] = CLAUSE;
  } else if (/\s/u.test(ch)) {
    kind[c] = SPACE;
  } else if (/[\p{L}\p{N}]/u.test(ch)) {
    const f = foldDiacritics(ch);
    // Only plain one-for-one letters take the fast path; anything odd goes to the reference code.
    if (/^[\p{L}\p{N}]+$/u.test(f) && !/\p{M}/u.test(f)) {
      kind[c] = LETTER;
      folded[c] = f;
    }
  } else {
    kind[c] = SPACE;
  }
}

const RANGES: Array<[number, number]> = [
  [0x0000, 0x036f], // ASCII, Latin-1, Latin Extended A/B, IPA, spacing modifiers, combining marks
  [0x1e00, 0x1eff], // Latin Extended Additional (precomposed Vietnamese)
  [0x2000, 0x206f], // General Punctuation (spaces, dashes, quotes, …, zero-width)
];
for (const [lo, hi] of RANGES) for (let c = lo; c <= hi; c++) classify(c);

// Words whose chat reading depends on their neighbours (the switch in chat-spelling.ts rewriteWord).
const CONTEXT_WORDS = new Set(["k", "kg", "a", "c", "v", "z", "bn", "hong", "hum", "mun", "bit", "oy"]);

const memo = new Map<string, string[]>();
const MEMO_LIMIT = 50_000;

function expandAlone(word: string): string[] {
  let out = memo.get(word);
  if (out === undefined) {
    const e = expandChatSpelling(word);
    out = e === "" ? [] : e.split(" ");
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(word, out);
  }
  return out;
}

interface RawWord {
  w: string;
  /** The separator before the word holds clause punctuation. */
  clauseBefore: boolean;
}

const isNumeric = /\p{N}/u;

/** The syllables of a message exactly as `syllables()` from src/text gives them, faster. */
export function safetySyllables(text: string): string[] {
  const words: RawWord[] = [];
  let cur = "";
  let clause = false; // clause punctuation seen since the last word
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    let k: number;
    let f = "";
    if (c < TABLE_SIZE) {
      k = kind[c]!;
      f = folded[c]!;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      // Astral code points (emoji mostly): separators unless they are letters, digits or marks.
      const cp = text.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      if (/[\p{L}\p{N}\p{M}]/u.test(s)) return syllables(text);
      k = SPACE;
      i++;
      c = cp;
    } else if (c >= 0xfe00 && c <= 0xfe0f) {
      k = REMOVE; // variation selectors (emoji presentation): marks
    } else {
      const s = String.fromCharCode(c);
      if (/[\p{L}\p{N}\p{M}]/u.test(s) || /\s/u.test(s)) return syllables(text);
      k = SPACE;
    }
    if (k === LETTER) {
      cur += f;
    } else if (k === REMOVE) {
      continue;
    } else if (k === FALLBACK) {
      return syllables(text);
    } else {
      if (cur !== "") {
        words.push({ w: cur, clauseBefore: clause });
        cur = "";
        clause = false;
      }
      if (k === CLAUSE) clause = true;
    }
  }
  if (cur !== "") words.push({ w: cur, clauseBefore: clause });
  // words[i+1].clauseBefore says whether words[i] ends a clause.

  const out: string[] = [];
  let prevLast: string | undefined; // last syllable of the previous word's expansion
  for (let i = 0; i < words.length; i++) {
    const { w, clauseBefore } = words[i]!;
    if (isNumeric.test(w)) {
      const c = collapseRepeats(w);
      out.push(c);
      prevLast = c;
      continue;
    }
    const c = collapseRepeats(w);
    let exp: string[];
    if (CONTEXT_WORDS.has(c)) {
      const prev = i === 0 || clauseBefore ? undefined : prevLast;
      // A previous word that itself kept a context reading ("5 k hong") would be re-read: rare, use the reference.
      if (prev !== undefined && CONTEXT_WORDS.has(prev)) return syllables(text);
      exp = expandInContext(c, prev, words[i + 1]);
    } else {
      exp = expandAlone(c);
    }
    for (const s of exp) out.push(s);
    if (exp.length > 0) prevLast = exp[exp.length - 1];
  }
  return out;
}

// The neighbours a context word sees: the rewritten previous syllable (unless a clause starts) and the
// raw next word (unless the clause ends). Rebuild exactly that and let expandChatSpelling decide.
function expandInContext(word: string, prev: string | undefined, next: RawWord | undefined): string[] {
  const after = next === undefined ? "" : next.clauseBefore ? ". " + next.w : " " + next.w;
  // A numeric prev stays as it is; any other prev is a rewritten syllable that rewrites to one word.
  const src = (prev === undefined ? "" : prev + " ") + word + after;
  const parts = expandChatSpelling(src).split(/[^\p{L}\p{N}]+/u).filter((x) => x !== "");
  const from = prev === undefined ? 0 : 1;
  // "bn" is the only context word that expands to two syllables ("bao nhieu").
  const len = word === "bn" && parts[from] === "bao" ? 2 : 1;
  return parts.slice(from, from + len);
}
