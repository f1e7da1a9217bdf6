import { describe, expect, it } from "vitest";
import { foldDiacritics, normalizeText } from "../../src/text/index.js";

describe("normalizeText", () => {
  it.each([
    ["hoà bình", "hòa bình"],
    ["HOÀ", "hòa"],
    ["thuỷ", "thủy"],
    ["Thủy", "thủy"],
    ["khoẻ", "khỏe"],
    ["oá", "óa"],
    ["uý ban", "úy ban"],
    ["toé", "tóe"],
    ["loè loẹt", "lòe loẹt"],
    ["lọet", "loẹt"],
    ["hoạ", "họa"],
    ["hoàng", "hoàng"],
    ["thuyết", "thuyết"],
    ["quá", "quá"],
    ["quý", "quý"],
    ["giữa", "giữa"],
    ["người", "người"],
    ["khuỷu", "khuỷu"],
    ["ngoài", "ngoài"],
  ])("puts the tone of %s in one place: %s", (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it("treats both tone placements as the same word", () => {
    expect(normalizeText("hoà thuỷ khoẻ")).toBe(normalizeText("hòa thủy khỏe"));
  });

  it("composes decomposed input (combining marks) to NFC", () => {
    const decomposed = "ti\u00EA\u0301ng Vi\u00EA\u0323t".normalize("NFD");
    expect(normalizeText(decomposed)).toBe("tiếng việt");
    expect(normalizeText(decomposed)).toBe(normalizeText("tiếng việt").normalize("NFC"));
  });

  it("lower-cases, collapses whitespace and trims", () => {
    expect(normalizeText("  Xin   CHÀO\n\tbạn  ")).toBe("xin chào bạn");
  });

  it("removes zero-width characters and maps look-alikes of đ", () => {
    expect(normalizeText("đ\u200Bi")).toBe("đi");
    expect(normalizeText("ðánh")).toBe("đánh");
  });

  it("leaves foreign words with several vowel groups alone", () => {
    expect(normalizeText("Café")).toBe("café");
  });

  it("passes English through (lower-cased)", () => {
    expect(normalizeText("My Stepfather HITS me")).toBe("my stepfather hits me");
  });
});

describe("foldDiacritics", () => {
  it.each([
    ["Đánh đập", "danh dap"],
    ["xâm hại tình dục", "xam hai tinh duc"],
    ["hoà", "hoa"],
    ["hòa", "hoa"],
    ["thuỷ", "thuy"],
    ["cứu", "cuu"],
    ["người", "nguoi"],
    ["ĐƯỜNG", "duong"],
  ])("%s → %s", (input, expected) => {
    expect(foldDiacritics(input)).toBe(expected);
  });

  it("keeps digits and punctuation", () => {
    expect(foldDiacritics("Gọi 111, nhé!")).toBe("goi 111, nhe!");
  });
});
