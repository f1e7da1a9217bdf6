import { describe, expect, it } from "vitest";
import { guidanceFlow, GUIDANCE_PAYLOAD } from "../../src/flows/guidance.js";
import type { FlowPorts, GuidanceHit, GuidancePort } from "../../src/flows/ports.js";
import type { FlowContext, FlowInput } from "../../src/flows/types.js";
import { createGuidancePort, formatSourceLine, guidanceLibrary } from "../../src/guidance/guidance-port.js";
import type { OutboundMessage } from "../../src/messaging/outbound.js";
import { matchKey } from "../../src/text/index.js";

const hit = (id: string, over: Partial<GuidanceHit> = {}): GuidanceHit => ({
  articleId: id,
  title: `Bài ${id}`,
  body: `Nội dung ngắn của ${id}.`,
  hasMore: true,
  sourceLine: "Nguồn: WHO, Infant feeding (2023)",
  related: [
    { id: "rel-a", title: "Bài liên quan A" },
    { id: "rel-b", title: "Bài liên quan B" },
  ],
  score: 7.5,
  topic: "sua-me-an-dam",
  ...over,
});

/** A fake library: "an dam" → an-dam, "xam hai" → a sensitive article, anything else → no match. */
const fakeGuidance: GuidancePort = {
  answer(q) {
    const k = matchKey(q);
    if (k.includes("an dam")) return { kind: "answer", hit: hit("an-dam") };
    if (k.includes("xam hai")) return { kind: "answer", hit: hit("quy-tac", { topic: "xam-hai-tinh-duc", hasMore: false }) };
    return { kind: "no_match" };
  },
  article(id) {
    if (id === "rel-a" || id === "an-dam") return { ...hit(id), more: `Phần xem thêm của ${id}.` };
    return null;
  },
};

const ports = (guidance: GuidancePort = fakeGuidance): FlowPorts => ({
  directory: { findProvince: () => [], findCommune: () => [], unitName: () => null },
  guidance,
  cases: { statusByCode: async () => null },
  needs: { listPublished: async () => [], byCode: async () => null, vietqrEnabled: () => false },
});

const ctx = (over: Partial<FlowContext> = {}): FlowContext => ({ now: new Date("2026-11-23T08:00:00Z"), channel: "webchat", locale: "vi", contactId: "c1", ports: ports(), ...over });
const input = (text: string, payload?: string, guidanceHint = false): FlowInput => ({
  text,
  key: matchKey(text),
  payload,
  attachments: [],
  triage: { level: "none", category: null, rules: [], guidanceHint },
});
const texts = (ms: OutboundMessage[]) => ms.map((m) => ("text" in m ? m.text : ""));
const choiceIds = (ms: OutboundMessage[]) => ms.flatMap((m) => (m.kind === "choices" ? m.choices.map((c) => c.id) : []));
const answered = { lastArticleId: "an-dam", awaitingFeedback: true };

describe("guidance flow", () => {
  it("asks for the question when started from the menu without one", async () => {
    const r = await guidanceFlow.start(ctx());
    expect(texts(r.replies)[0]).toMatch(/^Bạn muốn hỏi gì về nuôi dạy con\?/);
    expect(r.state).toEqual({ lastArticleId: null, awaitingFeedback: false });
    expect(r.effects ?? []).toEqual([]);
  });

  it("answers a question handed over by the menu at once: article, source, next steps, feedback, logged", async () => {
    const r = await guidanceFlow.start(ctx(), { question: "Bé 7 tháng ăn dặm thế nào?" });
    expect(r.replies[0]).toEqual({ kind: "text", text: "Bài an-dam\n\nNội dung ngắn của an-dam.\n\nNguồn: WHO, Infant feeding (2023)" });
    expect(r.replies[1]).toMatchObject({ kind: "choices" });
    expect(choiceIds([r.replies[1]!])).toEqual(["g:more:an-dam", "g:art:rel-a", "g:art:rel-b", "g:tips"]);
    expect(r.replies[2]).toMatchObject({ kind: "choices", text: "Có hữu ích không?" });
    expect(choiceIds([r.replies[2]!])).toEqual(["g:fb:yes", "g:fb:no"]);
    expect(r.effects).toEqual([{ type: "answer_logged", articleId: "an-dam", score: 7.5, questionKey: "be 7 thang an dam the nao" }]);
    expect(r.state).toEqual(answered);
  });

  it("keeps every choices message within Zalo's five buttons and every payload within 64 bytes", async () => {
    const r = await guidanceFlow.start(ctx(), { question: "an dam" });
    for (const m of r.replies) if (m.kind === "choices") expect(m.choices.length).toBeLessThanOrEqual(5);
    for (const id of choiceIds(r.replies)) expect(Buffer.byteLength(id)).toBeLessThanOrEqual(64);
  });

  it("stays in the flow: the next free text is a new question", async () => {
    const r = await guidanceFlow.step({ lastArticleId: null, awaitingFeedback: false }, input("con luoi an dam qua"), ctx());
    expect(r.state).toEqual(answered);
    expect(r.goto).toBeUndefined();
    expect(r.effects).toEqual([{ type: "answer_logged", articleId: "an-dam", score: 7.5, questionKey: "con luoi an dam qua" }]);
  });

  it("says honestly when there is no answer, offers a person and 111, and records a content gap", async () => {
    const q = "gia vang hom nay bao nhieu";
    const r = await guidanceFlow.step(answered, input(q), ctx());
    expect(r.replies).toHaveLength(1);
    expect(texts(r.replies)[0]).toMatch(/^Mình chưa có câu trả lời cho câu hỏi này\./);
    expect(texts(r.replies)[0]).toContain("111 (miễn phí, 24/7)");
    expect(choiceIds(r.replies)).toEqual([GUIDANCE_PAYLOAD.handoff]);
    expect(r.effects).toEqual([
      { type: "answer_logged", articleId: null, score: 0, questionKey: q },
      { type: "content_gap", text: q },
    ]);
    expect(r.state).toEqual({ lastArticleId: null, awaitingFeedback: false });
  });

  it("asks for more words instead of logging a one-word gap, and takes thanks as thanks", async () => {
    const one = await guidanceFlow.step(answered, input("xyzabc"), ctx());
    expect(one.effects ?? []).toEqual([]);
    expect(texts(one.replies)[0]).toMatch(/nói rõ hơn/);
    const thanks = await guidanceFlow.step(answered, input("Cảm ơn"), ctx());
    expect(thanks.effects ?? []).toEqual([]);
    expect(texts(thanks.replies)[0]).toMatch(/Không có gì/);
  });

  it("adds the 111 reminder on sensitive topics and when triage marks a danger-topic question", async () => {
    const abuse = await guidanceFlow.step(answered, input("day con phong tranh xam hai"), ctx());
    expect(texts(abuse.replies)[0]).toMatch(/Gọi 111 \(miễn phí, 24\/7\)\.$/);
    expect(choiceIds(abuse.replies)).not.toContain("g:more:quy-tac"); // no "Xem thêm" without a longer part
    const plain = await guidanceFlow.step(answered, input("an dam"), ctx());
    expect(texts(plain.replies)[0]).not.toContain("111");
    const hinted = await guidanceFlow.step(answered, input("an dam", undefined, true), ctx());
    expect(texts(hinted.replies)[0]).toContain("Gọi 111");
  });

  it("records feedback once per answer and thanks the person", async () => {
    const yes = await guidanceFlow.step(answered, input("Có, cảm ơn", "g:fb:yes"), ctx());
    expect(yes.effects).toEqual([{ type: "answer_feedback", helpful: true }]);
    expect(texts(yes.replies)[0]).toMatch(/^Cảm ơn bạn!/);
    const again = await guidanceFlow.step(yes.state!, input("Chưa hữu ích", "g:fb:no"), ctx());
    expect(again.effects).toEqual([]);
    const no = await guidanceFlow.step(answered, input("Chưa hữu ích", "g:fb:no"), ctx());
    expect(no.effects).toEqual([{ type: "answer_feedback", helpful: false }]);
    expect(choiceIds(no.replies)).toEqual([GUIDANCE_PAYLOAD.handoff]);
  });

  it("opens a related topic as a new logged answer, and shows the longer part on 'Xem thêm'", async () => {
    const rel = await guidanceFlow.step(answered, input("Bài liên quan A", "g:art:rel-a"), ctx());
    expect(texts(rel.replies)[0]).toMatch(/^Bài rel-a\n\n/);
    expect(rel.effects).toEqual([{ type: "answer_logged", articleId: "rel-a", score: 0, questionKey: "tap:rel-a" }]);
    expect(rel.state).toEqual({ lastArticleId: "rel-a", awaitingFeedback: true });
    const more = await guidanceFlow.step(answered, input("Xem thêm", "g:more:an-dam"), ctx());
    expect(texts(more.replies)[0]).toBe("Phần xem thêm của an-dam.\n\nNguồn: WHO, Infant feeding (2023)");
    expect(more.effects ?? []).toEqual([]);
    const gone = await guidanceFlow.step(answered, input("?", "g:art:deleted-article"), ctx());
    expect(texts(gone.replies)[0]).toMatch(/^Bạn muốn hỏi gì/);
  });

  it("hands over to tips, to a person, and to menu items typed or tapped", async () => {
    expect((await guidanceFlow.step(answered, input("Nhận mẹo", "g:tips"), ctx())).goto).toEqual({ flow: "tips" });
    expect((await guidanceFlow.step(answered, input("Gặp nhân viên", "g:handoff"), ctx())).goto).toEqual({ flow: "handoff", data: { reason: "guidance" } });
    expect((await guidanceFlow.step(answered, input("gap nhan vien"), ctx())).goto).toEqual({ flow: "handoff" });
    expect((await guidanceFlow.step(answered, input("Báo tin", "menu:report"), ctx())).goto).toEqual({ flow: "report" });
    const again = await guidanceFlow.step(answered, input("hoi dap"), ctx());
    expect(again.goto).toBeUndefined();
    expect(texts(again.replies)[0]).toMatch(/^Bạn muốn hỏi gì/);
  });

  it("speaks English to an English-speaking contact", async () => {
    const r = await guidanceFlow.start(ctx({ locale: "en" }), { question: "an dam" });
    expect(r.replies[2]).toMatchObject({ text: "Was this helpful?" });
    const gap = await guidanceFlow.step(answered, input("gia vang hom nay"), ctx({ locale: "en" }));
    expect(texts(gap.replies)[0]).toMatch(/^I don't have an answer/);
  });

  it("restores its saved state and rejects a malformed one", () => {
    expect(guidanceFlow.state.safeParse({}).data).toEqual({ lastArticleId: null, awaitingFeedback: false });
    expect(guidanceFlow.state.safeParse({ lastArticleId: 3 }).success).toBe(false);
  });
});

describe("guidance port over the real library", () => {
  const lib = guidanceLibrary();
  const port = createGuidancePort(lib.retriever);

  it("builds the library once per process", () => {
    expect(guidanceLibrary().retriever).toBe(lib.retriever);
  });

  it("answers a question typed without diacritics with the short part, sources and ≤ 2 related", () => {
    const r = port.answer("be 7 thang an dam the nao");
    expect(r.kind).toBe("answer");
    if (r.kind !== "answer") return;
    const a = lib.retriever.article(r.hit.articleId)!;
    expect(r.hit.body).toBe(a.short);
    expect(r.hit.hasMore).toBe(a.more !== null);
    expect(r.hit.sourceLine).toMatch(/^Nguồn: [^,]+, .+ \(\d/);
    expect(r.hit.related.length).toBeLessThanOrEqual(2);
    expect(r.hit.topic).toBe(a.topic);
    expect(port.answer("gia vang hom nay bao nhieu")).toEqual({ kind: "no_match" });
  });

  it("formats one or two sources with Vietnamese dates", () => {
    expect(formatSourceLine([{ publisher: "WHO", title: "Infant feeding", date: "2023" }])).toBe("Nguồn: WHO, Infant feeding (2023)");
    expect(
      formatSourceLine([
        { publisher: "Quốc hội", title: "Luật Trẻ em", date: "2016-04-05" },
        { publisher: "UNICEF", title: "Parenting", date: "2020-06" },
        { publisher: "X", title: "Third one", date: "2021" },
      ]),
    ).toBe("Nguồn: Quốc hội, Luật Trẻ em (05/04/2016); UNICEF, Parenting (06/2020)");
  });

  it("opens an article by id with its longer part, and null for an unknown id", () => {
    const a = lib.articles.find((x) => x.more !== null)!;
    const r = port.article(a.id)!;
    expect(r.more).toBe(a.more);
    expect(r.related.map((x) => x.id)).toEqual(a.related.slice(0, 2));
    expect(port.article("khong-co-bai-nay")).toBeNull();
  });
});

describe("guidance flow with the optional rephraser", () => {
  const calls: string[] = [];
  const withRephrase: GuidancePort = {
    ...fakeGuidance,
    async rephrase(q, h) {
      calls.push(q);
      return `Trả lời viết lại.\n\n${h.sourceLine}`;
    },
  };
  const rctx = ctx({ ports: ports(withRephrase) });

  it("uses the rephrased, cited text when triage found nothing", async () => {
    calls.length = 0;
    const r = await guidanceFlow.step({ lastArticleId: null, awaitingFeedback: false }, input("an dam the nao"), rctx);
    expect(texts(r.replies)[0]).toBe("Bài an-dam\n\nTrả lời viết lại.\n\nNguồn: WHO, Infant feeding (2023)");
    expect(calls).toEqual(["an dam the nao"]);
  });

  it("never passes a message triage flagged, and keeps the article text", async () => {
    calls.length = 0;
    const flagged: FlowInput = { ...input("an dam the nao"), triage: { level: "report", category: null, rules: [], guidanceHint: false } };
    const r = await guidanceFlow.step({ lastArticleId: null, awaitingFeedback: false }, flagged, rctx);
    expect(texts(r.replies)[0]).toBe("Bài an-dam\n\nNội dung ngắn của an-dam.\n\nNguồn: WHO, Infant feeding (2023)");
    expect(calls).toEqual([]);
  });

  it("is synchronous and unchanged without a rephraser", () => {
    const r = guidanceFlow.step({ lastArticleId: null, awaitingFeedback: false }, input("an dam the nao"), ctx());
    expect(r).not.toBeInstanceOf(Promise);
  });
});
