import { describe, expect, it } from "vitest";
import { matchKey, syllables, tokenize } from "../../src/text/index.js";

describe("matchKey", () => {
  it("makes differently typed versions of one message equal", () => {
    const forms = ["Bố đang đánh em!!!", "bo dang danh em", "bo dg danh e", "BỐ  ĐANG ĐÁNH EMMM", "bố đang đánh em..."];
    const keys = new Set(forms.map(matchKey));
    expect([...keys]).toEqual(["bo dang danh em"]);
  });

  it("unifies tone placement before folding", () => {
    expect(matchKey("Thuỷ hoà")).toBe(matchKey("Thủy hòa"));
  });

  it("strips punctuation and emoji to single spaces", () => {
    expect(matchKey("cứu em với 😭😭, làm ơn!!")).toBe("cuu em voi lam on");
  });

  it("joins English contractions", () => {
    expect(matchKey("I don't want to live")).toBe("i dont want to live");
  });

  it("returns an empty string for empty or symbol-only input", () => {
    expect(matchKey("")).toBe("");
    expect(matchKey("  ?!… ")).toBe("");
  });

  it("expands abbreviations that become several words", () => {
    expect(matchKey("lam ntn a")).toBe("lam nhu the nao a");
  });
});

describe("syllables and tokenize", () => {
  it("splits matchKey on spaces", () => {
    expect(syllables("Sữa mẹ")).toEqual(["sua", "me"]);
    expect(syllables("")).toEqual([]);
  });

  it("adds bigrams joined with _", () => {
    expect(tokenize("sữa mẹ")).toEqual(["sua", "me", "sua_me"]);
    expect(tokenize("tiêm phòng cho bé")).toEqual(["tiem", "phong", "cho", "be", "tiem_phong", "phong_cho", "cho_be"]);
    expect(tokenize("một")).toEqual(["mot"]);
  });
});
