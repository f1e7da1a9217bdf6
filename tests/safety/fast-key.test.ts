import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { syllables } from "../../src/text/index.js";
import { safetySyllables } from "../../src/safety/fast-key.js";
import { loadLabelled } from "./eval-lib.js";

const heldout = JSON.parse(readFileSync(fileURLToPath(new URL("./heldout-2.json", import.meta.url)), "utf8")) as { text: string }[];

// A small deterministic generator (no Math.random: failures must reproduce).
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = [
  "k", "kg", "a", "c", "v", "z", "bn", "hong", "hum", "mun", "bit", "oy", "ko", "dc", "e", "j", "r", "ck", "bme", "kbt",
  "ak", "uk", "anh", "oi", "nay", "qua", "tuoi", "tien", "sao", "the", "co", "khong", "biet", "chet", "ve", "troi",
  "đang", "đánh", "bị", "Bố", "ĐÁNH", "Cứu", "em", "với", "ngườiii", "emmm", "cuuuu", "xoong", "15", "15t", "2000", "5k",
  "don't", "it’s", "hello", "kon", "ckết", "wa", "jo", "cug", "thik", "dzậy", "zui", "fải", "hoà", "thuỷ", "khoẻ",
  "e\u0301", "A\u030A", "\u200Bx", "ð", "ɗ", "İ", "ß", "naïve", "café", "😭", "🙏🏻", "❤️", "…", "...", ",", "!", "?", ";", ":",
  "-", "—", "(", ")", "\"", "'", "\n", "  ", "\t", "ｆ", "，", "日本", "Привет", "١٢", "½", "²",
];

describe("safetySyllables", () => {
  it("equals syllables() on the labelled and held-out messages", () => {
    for (const { text } of [...loadLabelled(), ...heldout]) expect(safetySyllables(text), text).toEqual(syllables(text));
  });

  it("equals syllables() on random chat-like text", () => {
    const r = rng(20261123);
    for (let n = 0; n < 20000; n++) {
      const len = 1 + Math.floor(r() * 8);
      let s = "";
      for (let i = 0; i < len; i++) {
        s += PIECES[Math.floor(r() * PIECES.length)]!;
        const sep = r();
        s += sep < 0.6 ? " " : sep < 0.7 ? ", " : sep < 0.8 ? "" : sep < 0.9 ? ". " : "\n";
      }
      expect(safetySyllables(s), JSON.stringify(s)).toEqual(syllables(s));
    }
  });
});
