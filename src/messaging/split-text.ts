/**
 * Splits long texts for platforms with a per-message limit (Telegram 4096, Messenger/Zalo 2000).
 * Lengths are measured in UTF-16 code units (`string.length`): that is what Telegram counts and it is never
 * less than the number of code points, so a chunk that fits here fits everywhere.
 */

/** Ends of sentences: terminal punctuation (plus closing quotes/brackets) followed by whitespace. */
const SENTENCE_END = /[.!?…。]+["'”’»)\]]*(?=\s)/g;

let graphemes: Intl.Segmenter | undefined;
function graphemeSegmenter(): Intl.Segmenter {
  graphemes ??= new Intl.Segmenter("vi", { granularity: "grapheme" });
  return graphemes;
}

/** Splits `text` into chunks of at most `max` code units: at sentence ends or line breaks first, then at spaces, and mid-word only for a word longer than `max`. */
export function splitText(text: string, max: number): string[] {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`splitText: max must be a positive integer, got ${max}`);
  if (text.length <= max) return text.trim() === "" ? [] : [text];
  const chunks: string[] = [];
  let rest = text.trimStart();
  while (rest.length > max) {
    // One extra character so a boundary right at `max` (whitespace at index max) is seen.
    const window = rest.slice(0, max + 1);
    let cut = lastSentenceEnd(window, max);
    if (cut <= 0) cut = lastWhitespace(window);
    if (cut <= 0) {
      const hard = hardCut(rest, max);
      chunks.push(hard);
      rest = rest.slice(hard.length).trimStart();
      continue;
    }
    const chunk = rest.slice(0, cut).trimEnd();
    if (chunk !== "") chunks.push(chunk);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim() !== "") chunks.push(rest.trimEnd());
  return chunks;
}

/** Position just after the last sentence end or line break within the first `max` characters (0 if none). */
function lastSentenceEnd(window: string, max: number): number {
  let best = 0;
  for (const m of window.matchAll(SENTENCE_END)) {
    const end = m.index + m[0].length;
    if (end <= max) best = end;
  }
  const newline = window.lastIndexOf("\n", max);
  return Math.max(best, newline);
}

/** Index of the last whitespace in the window (0 if none): the chunk ends before it. */
function lastWhitespace(window: string): number {
  for (let i = window.length - 1; i > 0; i--) {
    if (/\s/.test(window[i] ?? "")) return i;
  }
  return 0;
}

/** The longest prefix of ≤ max code units that ends on a grapheme boundary, so a Vietnamese letter with its combining marks or an emoji is never torn apart. */
function hardCut(rest: string, max: number): string {
  let end = 0;
  for (const { segment, index } of graphemeSegmenter().segment(rest)) {
    if (index + segment.length > max) {
      if (end > 0) return rest.slice(0, end);
      // A single grapheme longer than max (only with absurdly small max): fall back to code points.
      const cps = Array.from(segment);
      let out = "";
      for (const cp of cps) {
        if (out.length + cp.length > max && out !== "") break;
        out += cp;
      }
      return out;
    }
    end = index + segment.length;
  }
  return rest.slice(0, end);
}
