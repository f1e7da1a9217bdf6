import { describe, expect, it } from "vitest";
import {
  CATEGORIES,
  CATEGORY_LABELS_VI,
  compileLexicon,
  readLexiconData,
  triage,
  triageWith,
} from "../../src/safety/index.js";
import { formatScore, loadLabelled, score, TARGETS } from "./eval-lib.js";

const labelled = loadLabelled();

describe("labelled set", () => {
  it("has the size and mix the brief asks for", () => {
    const count = (g: string) => labelled.filter((l) => l.group === g).length;
    expect(labelled.length).toBeGreaterThanOrEqual(320);
    expect(count("parenting")).toBeGreaterThanOrEqual(80);
    expect(count("immediate")).toBeGreaterThanOrEqual(60);
    expect(count("report")).toBeGreaterThanOrEqual(120);
    expect(count("other")).toBeGreaterThan(0);
    expect(labelled.filter((l) => l.split !== "dev").length / labelled.length).toBeGreaterThanOrEqual(0.2);
  });

  it("meets the recall and false-alarm targets", () => {
    const s = score(labelled);
    const detail = [...formatScore("all", s), ...s.misses.map((m) => `miss: ${m.item.expected} → ${m.got.level} ${m.got.rules.join(",")}`)].join("\n");
    expect(s.immediate.hit / s.immediate.total, detail).toBeGreaterThanOrEqual(TARGETS.immediateRecall);
    expect(s.report.hit / s.report.total, detail).toBeGreaterThanOrEqual(TARGETS.reportRecall);
    expect(s.parenting.alarms / s.parenting.total, detail).toBeLessThanOrEqual(TARGETS.parentingFalseAlarm);
  });

  it("has at least one example detected for every category in the lexicon", () => {
    const seen = new Set(labelled.map((l) => triage(l.text)).filter((r) => r.level !== "none").map((r) => r.category));
    const used = new Set(readLexiconData().rules.map((r) => r.category));
    for (const category of used) expect(seen, `no labelled example for ${category}`).toContain(category);
  });
});

describe("triage", () => {
  it("returns the matched rule ids for the case record", () => {
    const r = triage("bố dượng đang đánh em, em sợ lắm");
    expect(r.level).toBe("immediate");
    expect(r.category).toBe("bao_luc");
    expect(r.rules).toContain("imm.bao_luc.dang_xay_ra");
    expect(r.guidanceHint).toBe(false);
  });

  it("reads teen code, missing diacritics and the child's own words", () => {
    expect(triage("bo dg danh me con e so qa").level).toBe("immediate");
    expect(triage("chú hàng xóm hay sờ vào người em")).toMatchObject({ level: "report", category: "xam_hai_tinh_duc" });
    expect(triage("chu hang xom hay so vao nguoi em").level).toBe("report");
    expect(triage("e muon chet lam r")).toMatchObject({ level: "immediate", category: "tu_tu" });
  });

  it("handles English", () => {
    expect(triage("my stepfather hits me")).toMatchObject({ level: "report", category: "bao_luc" });
    expect(triage("a child is drowning")).toMatchObject({ level: "immediate", category: "duoi_nuoc" });
  });

  it("turns prevention questions into guidance, not cases", () => {
    for (const q of [
      "dạy con phòng tránh xâm hại thế nào",
      "Dấu hiệu trẻ bị bạo hành là gì?",
      "làm thế nào để con không bị bắt cóc",
      "phòng chống đuối nước cho trẻ mùa hè",
    ]) {
      const r = triage(q);
      expect(r.level, q).toBe("none");
      expect(r.guidanceHint, q).toBe(true);
      expect(r.category, q).not.toBeNull();
    }
  });

  it("keeps a real report even when it also asks how to help", () => {
    expect(triage("con tôi bị bạn bắt nạt, làm sao để giúp con").level).toBe("report");
    expect(triage("hôm qua con tôi bị chú hàng xóm sờ soạng, tôi nên dạy con thế nào").level).toBe("report");
  });

  it("never demotes a first-person suicide statement", () => {
    expect(triage("em muốn tự tử, làm sao để không đau").level).toBe("immediate");
  });

  it("drops negated mentions", () => {
    expect(triage("bé nhà em không bị đánh, chỉ hay khóc").level).toBe("none");
  });

  it("does not fire on ordinary words that fold like danger words", () => {
    for (const q of ["đánh giá 5 sao", "ăn từ từ thôi con", "tất cả các bé", "mệt muốn chết", "tìm tài liệu tuyên truyền", "em sợ người lạ"]) {
      expect(triage(q).level, q).toBe("none");
    }
  });

  it("returns none for empty input", () => {
    expect(triage("")).toEqual({ level: "none", category: null, rules: [], guidanceHint: false });
    expect(triage("   ")).toEqual({ level: "none", category: null, rules: [], guidanceHint: false });
  });
});

describe("lexicon", () => {
  it("is valid, reviewed data with unique ids and known categories", () => {
    const data = readLexiconData();
    const ids = data.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of data.rules) {
      expect(CATEGORIES).toContain(r.category);
      expect(r.note.length).toBeGreaterThan(0);
      expect(r.reviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("labels every category in Vietnamese", () => {
    for (const c of CATEGORIES) expect(CATEGORY_LABELS_VI[c].length).toBeGreaterThan(0);
    expect(CATEGORY_LABELS_VI.bao_luc).toBe("Bạo lực");
  });

  it("refuses a lexicon with an unknown set or category", () => {
    const base = {
      version: 1,
      negation: { words: ["khong"], lookback: 2 },
      guidance: [{ id: "g", patterns: ["phong tranh"] }],
      escalation: { id: "e", categories: ["bao_luc"], patterns: ["cuu"], note: "n" },
    };
    const rule = { id: "r.x", class: "report", category: "bao_luc", note: "n", reviewed: "2026-11-23", reviewer: "t" };
    expect(() => compileLexicon({ ...base, rules: [{ ...rule, patterns: ["@nope danh"] }] })).toThrow(/unknown set/);
    expect(() => compileLexicon({ ...base, rules: [{ ...rule, category: "khong_co", patterns: ["danh"] }] })).toThrow();
    expect(() => compileLexicon({ ...base, rules: [{ ...rule, patterns: ["~2 danh"] }] })).toThrow(/gap/);
  });

  it("supports the pattern operators on a small lexicon", () => {
    const lex = compileLexicon({
      version: 1,
      sets: { who: "bo/me/cha_duong" },
      negation: { words: ["khong"], skip: ["bi"], lookback: 2 },
      guidance: [{ id: "g", patterns: ["phong tranh"] }],
      escalation: { id: "esc", categories: ["bao_luc"], patterns: ["cuu"], note: "n" },
      rules: [
        {
          id: "r.near",
          class: "report",
          category: "bao_luc",
          note: "n",
          reviewed: "2026-11-23",
          reviewer: "t",
          patterns: ["@who ~2 danh", { near: ["kidnap*", "school"], within: 4 }],
        },
      ],
    });
    expect(triageWith(lex, "cha dượng hay đánh").rules).toEqual(["r.near"]);
    expect(triageWith(lex, "school: kidnapping").level).toBe("report");
    expect(triageWith(lex, "không bị bố đánh").level).toBe("none");
    expect(triageWith(lex, "cứu, bố đánh").level).toBe("immediate");
  });

  it("reads a compound that folds like danger by its diacritics, and stays safe without them", () => {
    // "đánh đau" (hurt) and "đánh dấu" (mark) fold to the same letters.
    expect(triage("em bị bố đánh đau lắm").level).not.toBe("none");
    expect(triage("e bi bo danh dau lam").level).not.toBe("none");
    expect(triage("cách đánh dấu đồ dùng cho con đi nhà trẻ").level).toBe("none");
  });
});
