/**
 * The optional language-model rephraser against a local fake OpenAI-compatible server: off by default, sends the
 * configured model, key and the article, uses and cites the rephrased answer, and falls back to the article text
 * on a server error, a timeout, an empty or unacceptable answer. The guidance port never passes flagged messages.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGuidancePort, formatSourceLine, guidanceLibrary } from "../../src/guidance/guidance-port.js";
import { acceptAnswer, createRephraser, fallbackAnswer, type Rephraser } from "../../src/guidance/rephrase.js";
import type { Article } from "../../src/guidance/types.js";
import { FAKE_LLM_SENTENCE, startFakeLlm, type FakeLlm } from "../fakes/fake-llm.js";

const { articles, retriever } = guidanceLibrary();
const article = articles.find((a) => a.id === "an-dam-tu-6-thang")!;
const sourceLine = formatSourceLine(article.sources);
const QUESTION = "be 7 thang an dam the nao";

describe("createRephraser", () => {
  it("is off unless LLM_BASE_URL and LLM_MODEL are both set", () => {
    expect(createRephraser({})).toBeNull();
    expect(createRephraser({ LLM_MODEL: "llama3.1" })).toBeNull();
    expect(createRephraser({ LLM_BASE_URL: "http://127.0.0.1:11434/v1", LLM_API_KEY: "k" })).toBeNull();
    expect(createRephraser({ LLM_BASE_URL: "http://127.0.0.1:11434/v1", LLM_MODEL: "llama3.1" })).not.toBeNull();
  });
});

describe("acceptAnswer", () => {
  const hotlineArticle: Article = { ...article, short: "Gọi ngay 111 hoặc 113 khi trẻ gặp nguy hiểm." };
  it("replaces the model's own source line with the exact one", () => {
    expect(acceptAnswer(`${FAKE_LLM_SENTENCE}\nNguồn: bịa`, QUESTION, [article], 1200)).toBe(`${FAKE_LLM_SENTENCE}\n\n${sourceLine}`);
  });
  it("refuses empty, too long, a dropped hotline, and numbers that are not in the article or question", () => {
    expect(acceptAnswer("  \nNguồn: x", QUESTION, [article], 1200)).toBeNull();
    expect(acceptAnswer("a".repeat(50), QUESTION, [article], 20)).toBeNull();
    expect(acceptAnswer("Hãy gọi 111 ngay.", "?", [hotlineArticle], 1200)).toBeNull(); // 113 dropped
    expect(acceptAnswer("Hãy gọi 111 hoặc 113 ngay.", "?", [hotlineArticle], 1200)).toContain("113");
    expect(acceptAnswer("Cho bé uống 5 ml siro mỗi ngày.", QUESTION, [article], 1200)).toBeNull();
    expect(acceptAnswer("Bé 7 tháng ăn 2–3 bữa mỗi ngày.", QUESTION, [article], 1200)).not.toBeNull();
  });
});

describe("LlmRephraser over a fake OpenAI-compatible server", () => {
  let llm: FakeLlm;
  let rephraser: Rephraser;

  beforeAll(async () => {
    llm = await startFakeLlm({ slowMs: 1_500 });
    rephraser = createRephraser({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: "test-model", LLM_API_KEY: "sk-test" }, { timeoutMs: 400 })!;
  });
  afterAll(async () => {
    await llm?.close();
  });
  beforeEach(() => {
    llm.requests.length = 0;
    llm.mode = "ok";
  });

  it("sends the model, a system + user message with the article, and the key; uses and cites the answer", async () => {
    const text = await rephraser.rephrase(QUESTION, [article]);
    expect(text).toBe(`${FAKE_LLM_SENTENCE}\n\n${sourceLine}`);
    expect(llm.requests).toHaveLength(1);
    const req = llm.requests[0]!;
    expect(req.authorization).toBe("Bearer sk-test");
    expect(req.body.model).toBe("test-model");
    const messages = req.body.messages!;
    expect(messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(String(messages[0]!.content)).toMatch(/Chỉ dùng thông tin có trong BÀI VIẾT/);
    expect(String(messages[1]!.content)).toContain(QUESTION);
    expect(String(messages[1]!.content)).toContain(article.short);
    expect(String(messages[1]!.content)).toContain(sourceLine);
  });

  it("falls back to the article text on a server error, an empty answer or a timeout", async () => {
    const unchanged = fallbackAnswer([article]);
    expect(unchanged).toBe(`${article.short}\n\n${sourceLine}`);
    llm.mode = "error";
    expect(await rephraser.rephrase(QUESTION, [article])).toBe(unchanged);
    llm.mode = "empty";
    expect(await rephraser.rephrase(QUESTION, [article])).toBe(unchanged);
    llm.mode = "slow";
    const t0 = Date.now();
    expect(await rephraser.rephrase(QUESTION, [article])).toBe(unchanged);
    expect(Date.now() - t0).toBeLessThan(1_400);
  });

  it("falls back when the answer invents a number (e.g. a dose)", async () => {
    llm.reply = () => "Cho bé uống 5 ml nước cam mỗi ngày.";
    try {
      expect(await rephraser.rephrase(QUESTION, [article])).toBe(fallbackAnswer([article]));
    } finally {
      llm.reply = () => `${FAKE_LLM_SENTENCE}\nNguồn: một trang web không rõ`;
    }
  });

  it("works without a key (Ollama): the client still starts", async () => {
    const ollama = createRephraser({ LLM_BASE_URL: llm.baseUrl, LLM_MODEL: "llama3.1:8b" }, { timeoutMs: 400 })!;
    expect(await ollama.rephrase(QUESTION, [article])).toBe(`${FAKE_LLM_SENTENCE}\n\n${sourceLine}`);
    expect(llm.requests[0]!.body.model).toBe("llama3.1:8b");
  });

  it("through the guidance port: rephrases a plain question, never a message triage flags", async () => {
    const port = createGuidancePort(retriever, rephraser);
    const r = port.answer(QUESTION);
    expect(r.kind).toBe("answer");
    if (r.kind !== "answer") return;
    expect(await port.rephrase!(QUESTION, r.hit)).toBe(`${FAKE_LLM_SENTENCE}\n\n${r.hit.sourceLine}`);
    expect(llm.requests).toHaveLength(1);
    const danger = "bố đánh con chảy máu, con muốn tự tử";
    expect(await port.rephrase!(danger, r.hit)).toBe(`${r.hit.body}\n\n${r.hit.sourceLine}`);
    expect(llm.requests).toHaveLength(1);
    expect(createGuidancePort(retriever).rephrase).toBeUndefined();
  });
});
