/**
 * "Hỏi đáp nuôi dạy con": a parent types a question (often without diacritics) and gets the best article's short
 * answer with its sources, then can read more, open a related topic, say whether it helped, or sign up for tips.
 * The person stays here after an answer, so the next free text is simply the next question; menu words and
 * "huỷ" are handled by the runtime before this step. A question the library cannot answer is said so honestly
 * (never a guess) and recorded as a content gap, with the offer of a person or 111.
 */
import { z } from "zod";
import type { Choice, OutboundMessage } from "../messaging/outbound.js";
import { matchKey } from "../text/index.js";
import type { Effect } from "./effects.js";
import { hotlineReminder } from "./emergency.js";
import { greeting, isGreeting, menuItemFor } from "./menu.js";
import type { GuidanceHit } from "./ports.js";
import type { FlowContext, FlowDefinition, FlowInput, StepResult } from "./types.js";

/**
 * Topics where a worried parent may be facing harm right now (abuse, self-harm, violence, exploitation):
 * their answers always end with the 111 reminder, even when the question was phrased as prevention.
 */
export const SENSITIVE_TOPICS: ReadonlySet<string> = new Set([
  "xam-hai-tinh-duc",
  "bat-nat",
  "suc-khoe-tam-than",
  "an-toan-truc-tuyen",
  "ky-luat-tich-cuc",
  "tao-hon",
  "lao-dong-tre-em",
]);

/** Payloads of this flow's buttons (≤ 64 bytes with an article id). */
export const GUIDANCE_PAYLOAD = {
  article: (id: string) => `g:art:${id}`,
  more: (id: string) => `g:more:${id}`,
  feedbackYes: "g:fb:yes",
  feedbackNo: "g:fb:no",
  tips: "g:tips",
  handoff: "g:handoff",
} as const;

/** Short acknowledgements that are not questions: answering them with "no answer" (and a content gap) would be silly. */
const CLOSERS = new Set(["cam on", "cam on ban", "cam on nhieu", "cam on ad", "thank", "thanks", "thank you", "ok", "oke", "okay", "vang", "da", "uh", "u", "dc", "duoc", "duoc roi", "hieu roi", "tot qua"]);

const GuidanceState = z.object({
  /** The article last answered (feedback refers to it). */
  lastArticleId: z.string().nullable().default(null),
  /** Whether a "Có hữu ích không?" answer is still expected (one feedback per answer). */
  awaitingFeedback: z.boolean().default(false),
});
type GuidanceState = z.infer<typeof GuidanceState>;

const EMPTY: GuidanceState = { lastArticleId: null, awaitingFeedback: false };

type L = FlowContext["locale"];
const t = (locale: L, vi: string, en: string): string => (locale === "en" ? en : vi);

/** A button label fits every channel's longest (renderers shorten further where needed). */
function label(s: string): string {
  return [...s].length <= 80 ? s : `${[...s].slice(0, 79).join("")}…`;
}

function prompt(locale: L): OutboundMessage {
  return {
    kind: "text",
    text: t(
      locale,
      "Bạn muốn hỏi gì về nuôi dạy con? Cứ gõ câu hỏi, có dấu hay không dấu đều được (ví dụ: \"be 7 thang an dam the nao\").",
      "What would you like to ask about raising your child? Just type your question.",
    ),
  };
}

/**
 * The answer text: title, the short part, the sources, and the 111 reminder on sensitive topics. `cited` (from the
 * optional rephraser) replaces the short part and the sources; it always ends with the source line.
 */
function answerText(hit: GuidanceHit, sensitive: boolean, locale: L, cited?: string): string {
  const parts = cited === undefined ? [hit.title, hit.body, hit.sourceLine] : [hit.title, cited];
  if (sensitive) parts.push(hotlineReminder(locale));
  return parts.join("\n\n");
}

/** The replies for one answered article: the text, what to read next, and the feedback question. */
function answerReplies(hit: GuidanceHit, sensitive: boolean, locale: L, cited?: string): OutboundMessage[] {
  const next: Choice[] = [];
  if (hit.hasMore) next.push({ id: GUIDANCE_PAYLOAD.more(hit.articleId), label: t(locale, "Xem thêm", "Read more") });
  for (const r of hit.related.slice(0, 2)) {
    const id = GUIDANCE_PAYLOAD.article(r.id);
    if (Buffer.byteLength(id) <= 64) next.push({ id, label: label(r.title) });
  }
  next.push({ id: GUIDANCE_PAYLOAD.tips, label: t(locale, "Nhận mẹo theo tuổi của bé", "Tips for my child's age") });
  return [
    { kind: "text", text: answerText(hit, sensitive, locale, cited) },
    { kind: "choices", text: t(locale, "Bạn có thể xem tiếp:", "You can also read:"), choices: next },
    {
      kind: "choices",
      text: t(locale, "Có hữu ích không?", "Was this helpful?"),
      choices: [
        { id: GUIDANCE_PAYLOAD.feedbackYes, label: t(locale, "Có, cảm ơn", "Yes, thanks") },
        { id: GUIDANCE_PAYLOAD.feedbackNo, label: t(locale, "Chưa hữu ích", "Not really") },
      ],
    },
  ];
}

function noMatchReplies(locale: L): OutboundMessage[] {
  return [
    {
      kind: "choices",
      text: t(
        locale,
        "Mình chưa có câu trả lời cho câu hỏi này. Mình đã ghi lại câu hỏi để bổ sung nội dung. Bạn có thể hỏi lại theo cách khác, trò chuyện với nhân viên Cầu Nối, hoặc gọi Tổng đài 111 (miễn phí, 24/7) để được tư vấn.",
        "I don't have an answer to this question yet. I've noted it so we can add content. You can ask in another way, talk to a Cầu Nối staff member, or call the 111 hotline (free, 24/7).",
      ),
      choices: [{ id: GUIDANCE_PAYLOAD.handoff, label: t(locale, "Gặp nhân viên", "Talk to a person") }],
    },
  ];
}

/**
 * Answers one question: the article (logged) or the honest "no answer" (logged as a content gap). `safe` says triage
 * found nothing in this message: only then may the optional rephraser see it (it never handles danger). Without a
 * rephraser the result is returned synchronously, exactly as before.
 */
function answer(question: string, key: string, hint: boolean, safe: boolean, ctx: FlowContext): StepResult<GuidanceState> | Promise<StepResult<GuidanceState>> {
  const words = key.split(" ").filter(Boolean);
  if (words.length === 0) return { state: EMPTY, replies: [prompt(ctx.locale)] };
  if (CLOSERS.has(key)) {
    return { state: EMPTY, replies: [{ kind: "text", text: t(ctx.locale, "Không có gì ạ! Bạn cứ gõ câu hỏi khác nếu cần nhé.", "You're welcome! Type another question any time.") }] };
  }
  const r = ctx.ports.guidance.answer(question);
  if (r.kind === "answer") {
    const hit = r.hit;
    const sensitive = hint || (hit.topic !== undefined && SENSITIVE_TOPICS.has(hit.topic));
    const result = (cited?: string): StepResult<GuidanceState> => ({
      state: { lastArticleId: hit.articleId, awaitingFeedback: true },
      replies: answerReplies(hit, sensitive, ctx.locale, cited),
      effects: [{ type: "answer_logged", articleId: hit.articleId, score: hit.score, questionKey: key }],
    });
    const rephrase = ctx.ports.guidance.rephrase;
    // The rephraser writes Vietnamese only; English conversations keep the article text.
    if (!rephrase || !safe || ctx.locale !== "vi") return result();
    return rephrase(question, hit).then(
      (cited) => result(cited.includes(hit.sourceLine) ? cited : undefined),
      () => result(),
    );
  }
  if (words.length < 2) {
    // One unknown word is rarely a question worth a content-gap entry: ask for a little more.
    return {
      state: EMPTY,
      replies: [{ kind: "text", text: t(ctx.locale, "Bạn có thể nói rõ hơn một chút không? Ví dụ: \"con 2 tuoi hay an vat phai lam sao\".", "Could you say a little more? For example: \"my 2-year-old hits, what should I do\".") }],
    };
  }
  const effects: Effect[] = [
    { type: "answer_logged", articleId: null, score: 0, questionKey: key },
    { type: "content_gap", text: question },
  ];
  return { state: EMPTY, replies: noMatchReplies(ctx.locale), effects };
}

/** Opens an article by id (a tapped related topic): the same answer layout, logged so feedback attaches to it. */
function openArticle(id: string, state: GuidanceState, ctx: FlowContext): StepResult<GuidanceState> {
  const a = ctx.ports.guidance.article(id);
  if (!a) return { state, replies: [prompt(ctx.locale)] };
  const sensitive = a.topic !== undefined && SENSITIVE_TOPICS.has(a.topic);
  return {
    state: { lastArticleId: a.articleId, awaitingFeedback: true },
    replies: answerReplies(a, sensitive, ctx.locale),
    effects: [{ type: "answer_logged", articleId: a.articleId, score: 0, questionKey: `tap:${a.articleId}` }],
  };
}

function showMore(id: string, state: GuidanceState, ctx: FlowContext): StepResult<GuidanceState> {
  const a = ctx.ports.guidance.article(id);
  if (!a || a.more.trim() === "") return { state, replies: [prompt(ctx.locale)] };
  return {
    state,
    replies: [
      { kind: "text", text: `${a.more}\n\n${a.sourceLine}` },
      { kind: "text", text: t(ctx.locale, "Bạn còn câu hỏi nào khác không? Cứ gõ tiếp nhé.", "Any other question? Just type it.") },
    ],
  };
}

function feedback(helpful: boolean, state: GuidanceState, ctx: FlowContext): StepResult<GuidanceState> {
  // A second tap on an old answer's buttons must not overwrite the feedback of a newer answer.
  const effects: Effect[] = state.awaitingFeedback ? [{ type: "answer_feedback", helpful }] : [];
  const next = { ...state, awaitingFeedback: false };
  if (helpful) {
    return { state: next, effects, replies: [{ kind: "text", text: t(ctx.locale, "Cảm ơn bạn! Bạn cứ gõ câu hỏi khác nếu cần nhé.", "Thank you! Type another question any time.") }] };
  }
  return {
    state: next,
    effects,
    replies: [
      {
        kind: "choices",
        text: t(
          ctx.locale,
          "Cảm ơn bạn đã cho biết, góp ý này giúp Cầu Nối cải thiện nội dung. Bạn có thể hỏi lại theo cách khác, hoặc trò chuyện với nhân viên.",
          "Thanks for telling us; it helps us improve. You can ask in another way, or talk to a person.",
        ),
        choices: [{ id: GUIDANCE_PAYLOAD.handoff, label: t(ctx.locale, "Gặp nhân viên", "Talk to a person") }],
      },
    ],
  };
}

function onPayload(payload: string, state: GuidanceState, input: FlowInput, ctx: FlowContext): StepResult<GuidanceState> | null {
  if (payload === GUIDANCE_PAYLOAD.feedbackYes) return feedback(true, state, ctx);
  if (payload === GUIDANCE_PAYLOAD.feedbackNo) return feedback(false, state, ctx);
  if (payload === GUIDANCE_PAYLOAD.tips) return { state: null, replies: [], goto: { flow: "tips" } };
  if (payload === GUIDANCE_PAYLOAD.handoff) return { state: null, replies: [], goto: { flow: "handoff", data: { reason: "guidance" } } };
  if (payload.startsWith("g:art:")) return openArticle(payload.slice(6), state, ctx);
  if (payload.startsWith("g:more:")) return showMore(payload.slice(7), state, ctx);
  // A tapped menu button from an earlier message: go where it points.
  const item = menuItemFor({ key: input.key, payload });
  if (item) return item.flow === "guidance" ? { state, replies: [prompt(ctx.locale)] } : { state: null, replies: [], goto: { flow: item.flow } };
  return null;
}

export const guidanceFlow: FlowDefinition<GuidanceState> = {
  id: "guidance",
  version: 1,
  state: GuidanceState,
  start(ctx, data) {
    const question = typeof data?.question === "string" ? data.question.trim() : "";
    // Started with a question (from the menu or tips): the runtime sends flagged messages to the report flow before
    // any other flow runs, and the guidance port re-checks with triage before rephrasing.
    if (question) return answer(question, matchKey(question), data?.guidanceHint === true, true, ctx);
    return { state: EMPTY, replies: [prompt(ctx.locale)] };
  },
  step(state, input, ctx) {
    if (input.payload) {
      const r = onPayload(input.payload, state, input, ctx);
      if (r) return r;
      // An unknown button (e.g. from another flow's old message): treat its text, if any, as the question.
    }
    const key = input.key.trim();
    if (key === "") return { state, replies: [prompt(ctx.locale)] };
    // "gặp nhân viên", "báo tin"… typed here mean the menu item, not a question; "hỏi đáp" just asks again.
    const item = menuItemFor({ key });
    if (item && item.flow !== "guidance") return { state: null, replies: [], goto: { flow: item.flow } };
    if (item && item.keys.includes(key)) return { state, replies: [prompt(ctx.locale)] };
    if (isGreeting(key)) return { state: null, replies: [greeting(ctx.locale)] };
    return answer(input.text, key, input.triage.guidanceHint, input.triage.level === "none", ctx);
  },
};
