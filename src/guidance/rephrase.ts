/**
 * Optional language-model step (off by default) that rewrites the retrieved article's short answer to fit the
 * parent's exact question. It may ONLY rephrase: the answer is built from the given article text, always ends with
 * the article's own "Nguồn: …" line, and falls back to the article text unchanged on any doubt (error, timeout,
 * empty or too long, a hotline number dropped, a number that is not in the article). It never decides safety:
 * triage runs before and independently, and the guidance port/flow only call it when triage found nothing.
 *
 * One client covers both supported back ends: @langchain/openai's chat-completions model with
 * `configuration.baseURL = LLM_BASE_URL`. For an OpenAI-compatible service use e.g. https://api.openai.com/v1;
 * for Ollama use its OpenAI-compatible endpoint, http://<host>:11434/v1 (LLM_API_KEY may stay empty: Ollama
 * ignores it).
 *
 * PRIVACY: sending the parent's question to a model hosted abroad is a cross-border transfer of personal data
 * under Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 Art. 20 and needs a transfer impact assessment first; that is why
 * this is off unless LLM_BASE_URL and LLM_MODEL are set. The question text is never logged here.
 */
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { ChatOpenAICompletions } from "@langchain/openai";
import type { Config } from "../config.js";
import { formatSourceLine } from "./guidance-port.js";
import type { Article } from "./types.js";

export interface Rephraser {
  /** Returns the chat answer for `question` built only from the given articles (best first), ending with the source line. */
  rephrase(question: string, articles: readonly Article[]): Promise<string>;
}

/** The minimal logger this module uses (pino's Logger fits). */
export interface RephraseLogger {
  warn(obj: object, msg: string): void;
}

export interface RephraserOptions {
  /** Milliseconds before the model call is abandoned and the article text is used (default 8 000). */
  timeoutMs?: number;
  /** Longest accepted answer in characters, before the source line (default 1 200). */
  maxChars?: number;
  logger?: RephraseLogger;
}

/** Hotline numbers that must survive rephrasing whenever the article mentions them. */
const HOTLINES = ["111", "113", "115"] as const;

export const REPHRASE_SYSTEM_PROMPT = [
  "Bạn là trợ lý biên tập của Cầu Nối. Nhiệm vụ DUY NHẤT: viết lại đoạn bài viết được cung cấp thành câu trả lời ngắn (tối đa khoảng 120 từ), bằng tiếng Việt, phù hợp với câu hỏi của phụ huynh.",
  "Quy tắc bắt buộc:",
  "- Chỉ dùng thông tin có trong BÀI VIẾT. Không thêm sự kiện, lời khuyên, con số, tên thuốc hay liều lượng nào khác. Không đưa lời khuyên y tế về liều thuốc.",
  "- Nếu bài viết không trả lời được câu hỏi, chỉ tóm tắt bài viết, không suy đoán.",
  "- Giữ nguyên mọi số điện thoại và đường dây nóng có trong bài (111, 113, 115…).",
  "- Không đánh giá mức độ nguy hiểm hay an toàn của tình huống; không hứa hẹn; không hỏi thêm thông tin cá nhân.",
  "- Kết thúc bằng đúng dòng nguồn được cung cấp (bắt đầu bằng \"Nguồn:\").",
  "- Chỉ trả về câu trả lời, không giải thích.",
].join("\n");

/** The user message: the question and the article(s) to rephrase from. */
export function rephrasePrompt(question: string, articles: readonly Article[], sourceLine: string): string {
  const docs = articles.map((a, i) => `BÀI VIẾT ${i + 1}: ${a.title}\n${a.short}`).join("\n\n");
  return `CÂU HỎI CỦA PHỤ HUYNH: ${question}\n\n${docs}\n\nDÒNG NGUỒN (giữ nguyên, đặt ở cuối): ${sourceLine}`;
}

const NUMBER = /\d+(?:[.,]\d+)*/g;

/** The article text with its source line: what the parent gets when no model is used or its answer is refused. */
export function fallbackAnswer(articles: readonly Article[]): string {
  const a = articles[0];
  if (!a) return "";
  return `${a.short}\n\n${formatSourceLine(a.sources)}`;
}

/**
 * Checks a model answer against the article(s); returns the answer ending with the exact source line, or null when
 * it must not be used (empty, too long, a hotline dropped, a number that is neither in the articles nor the question).
 */
export function acceptAnswer(answer: string, question: string, articles: readonly Article[], maxChars: number): string | null {
  const best = articles[0];
  if (!best) return null;
  const sourceLine = formatSourceLine(best.sources);
  // The model's own "Nguồn" line (possibly altered) is dropped; the exact one is appended below.
  const body = answer
    .split("\n")
    .filter((l) => !/^\s*[*_-]*\s*nguồn\s*:/i.test(l))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (body === "" || [...body].length > maxChars) return null;
  const sourceText = articles.map((a) => `${a.title}\n${a.short}`).join("\n");
  for (const h of HOTLINES) if (sourceText.includes(h) && !body.includes(h)) return null;
  const allowed = new Set([...(sourceText.match(NUMBER) ?? []), ...(question.match(NUMBER) ?? [])]);
  for (const n of body.match(NUMBER) ?? []) if (!allowed.has(n)) return null;
  return `${body}\n\n${sourceLine}`;
}

/** The model's reply content as plain text (string content, or the text parts of a content array). */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((p) => (typeof p === "string" ? p : p && typeof p === "object" && "text" in p && typeof p.text === "string" ? p.text : "")).join("");
  }
  return "";
}

/** A Rephraser backed by an OpenAI-compatible chat-completions endpoint (OpenAI, Ollama's /v1, vLLM, …). */
export class LlmRephraser implements Rephraser {
  private readonly model: ChatOpenAICompletions;
  private readonly timeoutMs: number;
  private readonly maxChars: number;
  private readonly logger: RephraseLogger | undefined;

  /** Builds the client; nothing is sent until `rephrase` is called. */
  constructor(cfg: { baseUrl: string; model: string; apiKey?: string | undefined }, opts: RephraserOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 8_000;
    this.maxChars = opts.maxChars ?? 1_200;
    this.logger = opts.logger;
    this.model = new ChatOpenAICompletions({
      model: cfg.model,
      // Ollama needs no key, but the OpenAI client refuses to start without one.
      apiKey: cfg.apiKey ?? "no-key",
      configuration: { baseURL: cfg.baseUrl },
      temperature: 0.2,
      maxTokens: 600,
      timeout: this.timeoutMs,
      maxRetries: 0,
    });
  }

  /** Returns the rephrased, cited answer, or the article text with its source line on any failure. */
  async rephrase(question: string, articles: readonly Article[]): Promise<string> {
    const fallback = fallbackAnswer(articles);
    const best = articles[0];
    if (!best) return fallback;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const reply = await Promise.race([
        this.model.invoke([new SystemMessage(REPHRASE_SYSTEM_PROMPT), new HumanMessage(rephrasePrompt(question, articles, formatSourceLine(best.sources)))], { signal }),
        new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new Error("timeout")), { once: true })),
      ]);
      const accepted = acceptAnswer(contentText(reply.content), question, articles, this.maxChars);
      if (accepted === null) this.logger?.warn({ articleId: best.id }, "rephrased answer refused; article text used");
      return accepted ?? fallback;
    } catch (err) {
      // Only the kind of failure: never the question or the model's text.
      this.logger?.warn({ articleId: best.id, reason: signal.aborted ? "timeout" : (err as Error).name }, "rephrasing failed; article text used");
      return fallback;
    }
  }
}

/** A Rephraser that returns the best article's text and source line unchanged. */
export class NoopRephraser implements Rephraser {
  /** Returns the article text with its source line, or "" when there is none. */
  async rephrase(_question: string, articles: readonly Article[]): Promise<string> {
    return fallbackAnswer(articles);
  }
}

/** The language-model Rephraser when LLM_BASE_URL and LLM_MODEL are both set; otherwise null (the default: off). */
export function createRephraser(config: Pick<Config, "LLM_BASE_URL" | "LLM_MODEL" | "LLM_API_KEY">, opts: RephraserOptions = {}): Rephraser | null {
  if (!config.LLM_BASE_URL || !config.LLM_MODEL) return null;
  return new LlmRephraser({ baseUrl: config.LLM_BASE_URL, model: config.LLM_MODEL, apiKey: config.LLM_API_KEY }, opts);
}
