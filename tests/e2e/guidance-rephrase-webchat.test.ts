/**
 * The optional language model end to end over web chat: with LLM_BASE_URL pointing at a fake OpenAI-compatible
 * server, a parenting question gets the rephrased answer with the article's exact source line; a message in danger
 * goes to safety (emergency numbers, report) and never reaches the model.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatSourceLine, guidanceLibrary } from "../../src/guidance/guidance-port.js";
import { FAKE_LLM_SENTENCE, startFakeLlm, type FakeLlm } from "../fakes/fake-llm.js";
import { ChatClient, startTestApp, type TestApp } from "../support/test-app.js";

type Reply = Awaited<ReturnType<ChatClient["replies"]>>[number];
const textOf = (rs: Reply[]) => rs.map((r) => r.message.text ?? "");

describe("guidance rephrased by a configured language model, over web chat", () => {
  let t: TestApp;
  let llm: FakeLlm;
  const article = guidanceLibrary().articles.find((a) => a.id === "an-dam-tu-6-thang")!;

  beforeAll(async () => {
    llm = await startFakeLlm();
    t = await startTestApp({ kind: "pglite", env: { LLM_BASE_URL: llm.baseUrl, LLM_MODEL: "test-model", LLM_API_KEY: "sk-e2e" } });
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  it("answers with the rephrased text and the article's source line", async () => {
    const c = await ChatClient.open(t.baseUrl);
    const texts = textOf(await c.say("be 7 thang an dam the nao", undefined, 4));
    const answer = texts.find((x) => x.includes("Nguồn: "));
    expect(answer, texts.join("\n---\n")).toBeDefined();
    expect(answer).toBe(`${article.title}\n\n${FAKE_LLM_SENTENCE}\n\n${formatSourceLine(article.sources)}`);
    expect(answer).not.toContain("không rõ");
    expect(texts.at(-1)).toBe("Có hữu ích không?");
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]!.authorization).toBe("Bearer sk-e2e");
    // The question is stored hashed in AnswerLog, as without the model.
    const logs = await t.db.prisma.answerLog.findMany({ where: { articleId: "an-dam-tu-6-thang" } });
    expect(logs).toHaveLength(1);
  });

  it("never sends a danger message to the model, from the menu or inside guidance", async () => {
    const before = llm.requests.length;
    const c = await ChatClient.open(t.baseUrl);
    const first = textOf(await c.say("bố đánh con chảy máu, con đang bị nhốt trong nhà", undefined, 2));
    expect(first.join("\n")).toMatch(/111/);
    const d = await ChatClient.open(t.baseUrl);
    await c.say("Xin chào");
    await d.say("Xin chào");
    await d.say("Hỏi đáp nuôi dạy con", "menu:guidance");
    const second = textOf(await d.say("có người đang xâm hại con tôi ngay lúc này", undefined, 2));
    expect(second.join("\n")).toMatch(/111/);
    expect(llm.requests).toHaveLength(before);
    for (const r of llm.requests) expect(JSON.stringify(r.body)).not.toMatch(/xâm hại con tôi|chảy máu/);
  });
});
