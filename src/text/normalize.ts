/**
 * Vietnamese normalisation: one canonical spelling per word, so that text typed on any keyboard
 * (Telex/VNI, precomposed or combining marks, old or new tone placement) compares equal.
 */

// Tone marks as combining characters (after NFD). Vowel-shape marks (circumflex, breve, horn) are not tones.
const TONE_MARKS = new Set(["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]);
const SHAPE_MARKS = new Set(["\u0302", "\u0306", "\u031B"]);
const VOWELS = new Set(["a", "e", "i", "o", "u", "y"]);
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;

interface Letter {
  base: string;
  shape: string; // shape marks kept in input order
  tone: string | null;
}

function splitLetters(word: string): Letter[] | null {
  const letters: Letter[] = [];
  for (const ch of word.normalize("NFD")) {
    if (TONE_MARKS.has(ch) || SHAPE_MARKS.has(ch)) {
      const last = letters[letters.length - 1];
      if (!last) return null;
      if (TONE_MARKS.has(ch)) {
        if (last.tone !== null) return null;
        last.tone = ch;
      } else {
        last.shape += ch;
      }
    } else {
      letters.push({ base: ch, shape: "", tone: null });
    }
  }
  return letters;
}

/**
 * Index of the vowel that carries the tone, by the "traditional" rule used by most Vietnamese
 * keyboards and the dictionary (hòa, thủy, khỏe; hoàng, thuyết, người).
 */
function toneIndex(letters: Letter[]): number | null {
  let start = letters.findIndex((l) => VOWELS.has(l.base));
  if (start < 0) return null;
  let end = start;
  while (end < letters.length && VOWELS.has(letters[end]!.base)) end++;
  // Two vowel groups means a foreign word (café, naïve): leave its marks where the writer put them.
  if (letters.slice(end).some((l) => VOWELS.has(l.base))) return null;
  // "qu" and "gi" onsets: the u/i belongs to the consonant, not the vowel nucleus (quá, giá, giường).
  const prev = letters[start - 1]?.base;
  const first = letters[start]!;
  if (end - start > 1 && first.shape === "") {
    if ((prev === "q" && first.base === "u") || (prev === "g" && first.base === "i")) start++;
  }
  const nucleus = letters.slice(start, end);
  const hasCoda = end < letters.length;
  // A vowel with a shape mark (ă â ê ô ơ ư) always takes the tone; in "ươ" it is the second one.
  let shaped = -1;
  nucleus.forEach((l, i) => {
    if (l.shape !== "") shaped = i;
  });
  if (shaped >= 0) return start + shaped;
  if (nucleus.length === 1) return start;
  if (nucleus.length >= 3) return start + 1;
  return hasCoda ? start + 1 : start;
}

function placeTone(word: string): string {
  const letters = splitLetters(word);
  if (!letters) return word.normalize("NFC");
  const toned = letters.filter((l) => l.tone !== null);
  if (toned.length !== 1) return word.normalize("NFC");
  const target = toneIndex(letters);
  if (target === null) return word.normalize("NFC");
  const tone = toned[0]!.tone;
  let out = "";
  letters.forEach((l, i) => {
    out += l.base + l.shape + (i === target ? tone : "");
  });
  return out.normalize("NFC");
}

/** NFC, lower case, one tone-mark placement (hoà → hòa, thuỷ → thủy), collapsed whitespace; keeps diacritics. */
export function normalizeText(s: string): string {
  const lowered = s
    .normalize("NFC")
    .replace(ZERO_WIDTH, "")
    .toLowerCase()
    // Some keyboards and fonts produce the Icelandic eth or the African D for đ.
    .replace(/[ðɗ]/g, "đ");
  return lowered
    .replace(/[\p{L}\p{M}]+/gu, (w) => (/[^\u0000-\u007f]/.test(w) ? placeTone(w) : w))
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Removes every diacritic and maps đ → d; the same result as folding normalizeText(s), without placing tone marks
 * first (they are removed anyway). Plain-ASCII text — most chat typed without diacritics — takes the fast path.
 */
export function foldDiacritics(s: string): string {
  let t = s.replace(ZERO_WIDTH, "").toLowerCase();
  if (/[^\u0000-\u007f]/.test(t)) {
    t = t.normalize("NFD").replace(/\p{M}/gu, "").replace(/[đðɗ]/g, "d").normalize("NFC");
  }
  return t.replace(/\s+/g, " ").trim();
}
