import { describe, expect, it } from "vitest";
import { collapseRepeats, expandChatSpelling, isVietSyllable, respell } from "../../src/text/index.js";

describe("expandChatSpelling", () => {
  it.each([
    ["ko biet", "khong biet"],
    ["k biet", "khong biet"],
    ["hok biet", "khong biet"],
    ["khum biet", "khong biet"],
    ["hk co", "khong co"],
    ["kh sao", "khong sao"],
    ["em hong biet", "em khong biet"],
    ["co dc khong", "co duoc khong"],
    ["dk roi", "duoc roi"],
    ["lam j", "lam gi"],
    ["e so qua", "em so qua"],
    ["a oi giup e", "anh oi giup em"],
    ["a trai danh e", "anh trai danh em"],
    ["bn oi", "ban oi"],
    ["be bn tuoi", "be bao nhieu tuoi"],
    ["sao z", "sao vay"],
    ["the v.", "the vay."],
    ["di vs ai", "di voi ai"],
    ["ng la", "nguoi la"],
    ["mik buon", "minh buon"],
    ["mn oi", "moi nguoi oi"],
    ["bme em", "bo me em"],
    ["ck em", "chong em"],
    ["vk anh", "vo anh"],
    ["an r", "an roi"],
    ["em cx vay", "em cung vay"],
    ["nhiu lam", "nhieu lam"],
    ["wa dau", "qua dau"],
    ["lam ntn", "lam nhu the nao"],
    ["tks ad", "cam on admin"],
    ["xong oy", "xong roi"],
    ["troi oy", "troi oi"],
    ["bo dg danh me", "bo dang danh me"],
    ["e mun chet", "em muon chet"],
  ])("%s → %s", (input, expected) => {
    expect(expandChatSpelling(input)).toBe(expected);
  });

  it("rewrites letter-level teen code only into valid syllables", () => {
    expect(expandChatSpelling("kon mjnh")).toBe("con minh");
    expect(expandChatSpelling("ckết")).toBe("ckết"); // not folded: left alone
    expect(expandChatSpelling("cket")).toBe("chet");
    expect(expandChatSpelling("jo")).toBe("gio");
    expect(expandChatSpelling("cug")).toBe("cung");
    expect(expandChatSpelling("zui")).toBe("vui");
    expect(expandChatSpelling("fai")).toBe("phai");
    expect(expandChatSpelling("thik")).toBe("thich");
  });

  it("collapses stretched letters", () => {
    expect(expandChatSpelling("emmm")).toBe("em");
    expect(expandChatSpelling("cuuuu")).toBe("cuu");
    expect(expandChatSpelling("khonggggg")).toBe("khong");
    expect(expandChatSpelling("koooo")).toBe("khong");
  });

  it("keeps legitimate doubles", () => {
    expect(expandChatSpelling("xoong")).toBe("xoong");
    expect(expandChatSpelling("cuu")).toBe("cuu");
    expect(expandChatSpelling("luu y")).toBe("luu y");
  });

  it("leaves numbers, amounts and weights alone", () => {
    expect(expandChatSpelling("50k")).toBe("50k");
    expect(expandChatSpelling("goi 111")).toBe("goi 111");
    expect(expandChatSpelling("be 3 kg")).toBe("be 3 kg");
    expect(expandChatSpelling("500 k")).toBe("500 k");
  });

  it("does not turn the particle à or a closing 'a' into anh", () => {
    expect(expandChatSpelling("vay a")).toBe("vay a");
    expect(expandChatSpelling("a em muon hoi")).toBe("a em muon hoi");
  });

  it("passes English through", () => {
    expect(expandChatSpelling("my stepfather hits me")).toBe("my stepfather hits me");
    expect(expandChatSpelling("a child is drowning")).toBe("a child is drowning");
    expect(expandChatSpelling("zalo facebook")).toBe("zalo facebok");
  });

  it("keeps punctuation and spacing", () => {
    expect(expandChatSpelling("ko, dc!")).toBe("khong, duoc!");
  });
});

describe("helpers", () => {
  it("recognises Vietnamese syllables", () => {
    for (const w of ["nguoi", "nghieng", "quy", "gi", "khuyu", "truong", "kem", "ghe"]) expect(isVietSyllable(w)).toBe(true);
    for (const w of ["kon", "ko", "stepfather", "ge", "ngi", "cket", "zui"]) expect(isVietSyllable(w)).toBe(false);
  });

  it("respell leaves unknown words unchanged", () => {
    expect(respell("father")).toBe("father");
    expect(respell("kidnap")).toBe("kidnap");
  });

  it("collapseRepeats keeps the word-final ưu double", () => {
    expect(collapseRepeats("huuu")).toBe("huu");
    expect(collapseRepeats("vuuui")).toBe("vui");
  });
});
