import { describe, expect, it } from "vitest";
import { splitText } from "../../src/messaging/split-text.js";

describe("splitText", () => {
  it("returns short text unchanged and empty text as no chunks", () => {
    expect(splitText("Xin chào.", 4096)).toEqual(["Xin chào."]);
    expect(splitText("", 10)).toEqual([]);
    expect(splitText("   ", 2)).toEqual([]);
  });

  it("splits at sentence ends", () => {
    const text = "Em có an toàn không? Hãy gọi 111 nếu cần. Chúng tôi luôn ở đây!";
    const chunks = splitText(text, 45);
    expect(chunks).toEqual(["Em có an toàn không? Hãy gọi 111 nếu cần.", "Chúng tôi luôn ở đây!"]);
  });

  it("keeps closing quotes with their sentence and ignores dots inside numbers", () => {
    const text = 'Cô nói: "Đừng sợ." Số tiền là 1.000.000 đồng. Hết.';
    const chunks = splitText(text, 30);
    expect(chunks[0]).toBe('Cô nói: "Đừng sợ."');
    expect(chunks.join(" ")).toBe(text);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(30);
  });

  it("treats line breaks as boundaries", () => {
    const text = "Dòng một không có dấu chấm\nDòng hai cũng vậy\nDòng ba";
    expect(splitText(text, 45)).toEqual(["Dòng một không có dấu chấm\nDòng hai cũng vậy", "Dòng ba"]);
  });

  it("falls back to spaces when a sentence is longer than max", () => {
    const text = "một hai ba bốn năm sáu bảy tám chín mười";
    const chunks = splitText(text, 12);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(12);
    expect(chunks.join(" ")).toBe(text);
    // No word was cut.
    for (const c of chunks) for (const w of c.split(" ")) expect(text.split(" ")).toContain(w);
  });

  it("cuts inside a word only when the word is longer than max, never inside a grapheme", () => {
    const word = "a".repeat(25);
    expect(splitText(`hi ${word} yo`, 10)).toEqual(["hi", "aaaaaaaaaa", "aaaaaaaaaa", "aaaaa yo"]);
    // Decomposed Vietnamese (NFD): base letter + combining marks must stay together.
    const nfd = "ệ".normalize("NFD").repeat(5); // 3 code units per letter
    const chunks = splitText(nfd, 7);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(7);
      expect(c.normalize("NFC")).toMatch(/^ệ+$/);
    }
    expect(chunks.join("")).toBe(nfd);
    // Emoji (surrogate pairs) are not torn.
    const emoji = "📞".repeat(5);
    for (const c of splitText(emoji, 3)) expect(c).toBe("📞");
  });

  it("splits a long Telegram reply under 4096 with every chunk ending at a sentence", () => {
    const sentence = "Nếu em đang gặp nguy hiểm, hãy gọi ngay Tổng đài 111 hoặc 113. ";
    const text = sentence.repeat(200).trim();
    const chunks = splitText(text, 4096);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(4096);
      expect(c.endsWith("113.")).toBe(true);
    }
    expect(chunks.join(" ")).toBe(text);
  });

  it("rejects a non-positive max", () => {
    expect(() => splitText("abc", 0)).toThrow(RangeError);
  });
});
