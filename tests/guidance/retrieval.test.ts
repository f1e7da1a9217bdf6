import { describe, expect, it } from "vitest";
import { answerQuestion } from "../../src/guidance/answer-question.js";
import { articlesToDocuments, GuidanceBm25Retriever, queryAgeMonths } from "../../src/guidance/bm25-retriever.js";
import { loadArticles } from "../../src/guidance/load-articles.js";
import { createRephraser, NoopRephraser } from "../../src/guidance/rephrase.js";
import { formatSourceLine } from "../../src/guidance/guidance-port.js";
import type { Article } from "../../src/guidance/types.js";
import { evaluate, loadQuestionSets, TARGETS } from "./eval-lib.js";

const articles = loadArticles();
const retriever = GuidanceBm25Retriever.fromArticles(articles);

describe("retrieval quality", () => {
  const questions = loadQuestionSets();

  it("has at least 110 evaluation questions", () => {
    expect(questions.length).toBeGreaterThanOrEqual(110);
  });

  it(`meets the targets (top-1 ≥ ${TARGETS.top1}, top-3 ≥ ${TARGETS.top3}) over every questions*.json`, () => {
    const r = evaluate(retriever, questions);
    expect(r.unknownExpected).toEqual([]);
    expect(r.top3).toBeGreaterThanOrEqual(TARGETS.top3);
    expect(r.top1).toBeGreaterThanOrEqual(TARGETS.top1);
  });

  it.each(["thời tiết hôm nay", "giá vàng", "giá vàng hôm nay bao nhiêu", "mua iphone 15 ở đâu rẻ", "chào shop", "", "   ", "ok", "???"])(
    "no match for off-topic text %j",
    (q) => {
      expect(retriever.search(q)).toEqual([]);
      expect(answerQuestion(q, retriever)).toEqual({ kind: "no_match" });
    },
  );

  it("reads text typed without diacritics and chat spellings", () => {
    expect(retriever.search("be bi bong nuoc soi thi lam j", 1)[0]?.articleId).toBe("bong-o-tre-em");
    expect(retriever.search("bé 6 tháng ăn dặm ntn", 1)[0]?.articleId).toBe("an-dam-tu-6-thang");
  });

  it("tolerates a one-letter typo", () => {
    expect(retriever.search("con bieeng an qua", 1)[0]?.articleId).toBe("tre-bieng-an");
    expect(retriever.search("so cuu tre bi duoi nươc", 1)[0]?.articleId).toBe("cuu-tre-duoi-nuoc");
  });
});

describe("ranking is deterministic", () => {
  it("same query, same result, with a fresh index and shuffled input order", () => {
    const shuffled = [...articles].reverse();
    const other = GuidanceBm25Retriever.fromArticles(shuffled);
    for (const q of loadQuestionSets().slice(0, 60)) {
      const a = retriever.search(q.q, 5);
      expect(retriever.search(q.q, 5)).toEqual(a);
      expect(other.search(q.q, 5)).toEqual(a);
    }
  });

  it("breaks score ties by article id", () => {
    const twin = (id: string): Article => ({ ...articles[0]!, id, related: [] });
    const r = GuidanceBm25Retriever.fromArticles([twin("b-bai"), twin("a-bai"), twin("c-bai")]);
    const hits = r.rank(articles[0]!.title);
    expect(hits.map((h) => h.articleId)).toEqual(["a-bai", "b-bai", "c-bai"]);
  });
});

describe("GuidanceBm25Retriever", () => {
  it("works with an injected tokenizer", () => {
    const docs = articlesToDocuments(articles);
    const ws = (s: string): string[] => s.toLowerCase().split(/\s+/).filter(Boolean);
    const r = new GuidanceBm25Retriever(docs, { tokenize: ws, minScore: 0, minScoreWithPhrase: 0, minCoverage: 0 });
    expect(r.search("vắc-xin", 1)).toHaveLength(1);
  });

  it("is a LangChain retriever: invoke returns Documents with scores", async () => {
    const docs = await retriever.invoke("con bị hóc thạch không thở được");
    expect(docs.length).toBeGreaterThan(0);
    expect(docs[0]?.metadata.articleId).toBe("hoc-di-vat-o-tre");
    expect(typeof docs[0]?.metadata.score).toBe("number");
    expect(docs[0]?.pageContent).toContain(articles.find((a) => a.id === "hoc-di-vat-o-tre")!.title);
  });

  it("parses a stated child age", () => {
    expect(queryAgeMonths(["be", "18", "thang"])).toBe(18);
    expect(queryAgeMonths(["con", "2", "tuoi", "ruoi"])).toBe(30);
    expect(queryAgeMonths(["be", "6th"])).toBe(6);
    expect(queryAgeMonths(["bau", "32", "tuan"])).toBeNull();
    expect(queryAgeMonths(["con", "2", "tuoi", "va", "5", "tuoi"])).toBeNull();
  });
});

describe("answerQuestion", () => {
  it("returns the article and at most two related articles, never the article itself", () => {
    const r = answerQuestion("sơ cứu trẻ bị bỏng nước sôi", retriever);
    expect(r.kind).toBe("answer");
    if (r.kind !== "answer") return;
    expect(r.article.id).toBe("bong-o-tre-em");
    expect(r.related.length).toBeLessThanOrEqual(2);
    expect(r.related.map((a) => a.id)).not.toContain("bong-o-tre-em");
    expect(r.related.map((a) => a.id)).toEqual(r.article.related.slice(0, 2));
    expect(r.score).toBeGreaterThan(0);
  });

  it("fills related from the next hits when the article lists none", () => {
    const lonely = articles.map((a) => ({ ...a, related: [] }));
    const r = answerQuestion("con bị hóc dị vật phải làm sao", GuidanceBm25Retriever.fromArticles(lonely));
    expect(r.kind).toBe("answer");
    if (r.kind === "answer") expect(new Set(r.related.map((a) => a.id)).size).toBe(r.related.length);
  });
});

describe("rephraser", () => {
  it("is off unless configured", async () => {
    expect(createRephraser({})).toBeNull();
    expect(createRephraser({ LLM_API_KEY: "sk-x" })).toBeNull();
    expect(createRephraser({ LLM_BASE_URL: "http://127.0.0.1:11434/v1" })).toBeNull();
    const noop = new NoopRephraser();
    expect(await noop.rephrase("?", articles.slice(0, 1))).toBe(`${articles[0]!.short}\n\n${formatSourceLine(articles[0]!.sources)}`);
  });
});
