import { expandChatSpelling } from "./chat-spelling.js";
import { foldDiacritics } from "./normalize.js";

/** The canonical form every matcher compares: normalised, folded, chat spellings expanded, punctuation → spaces. */
export function matchKey(s: string): string {
  const folded = foldDiacritics(s);
  // Apostrophes join English contractions ("don't" → "dont") so they stay one word.
  const spaced = folded.replace(/['’`]/g, "").replace(/[^\p{L}\p{N}\s.,!?;:\n…]+/gu, " ");
  // Clause punctuation survives until chat spellings are expanded ("sao v." vs "v nha"), then goes.
  return expandChatSpelling(spaced)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** matchKey split into syllables (words of the folded text). */
export function syllables(s: string): string[] {
  const key = matchKey(s);
  return key === "" ? [] : key.split(" ");
}

/** Syllables plus adjacent-syllable bigrams joined with "_" ("sua me" → ["sua", "me", "sua_me"]). */
export function tokenize(s: string): string[] {
  const syl = syllables(s);
  const bigrams: string[] = [];
  for (let i = 0; i + 1 < syl.length; i++) bigrams.push(`${syl[i]}_${syl[i + 1]}`);
  return [...syl, ...bigrams];
}
