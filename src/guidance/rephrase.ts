import type { Article } from "./types.js";

/**
 * Optional LLM step that rewrites an article's short answer to fit the parent's exact question.
 * Off by default. A real implementation (e.g. @langchain/openai, not installed) sends text abroad: that is a
 * cross-border transfer under Luật BVDLCN 91/2025 Art. 20 and needs a transfer impact assessment, so it must
 * never receive names, phone numbers or addresses, and its output must keep every number and hotline of the article.
 */
export interface Rephraser {
  /** Returns the chat reply for `question`, built only from the given articles (best first). */
  rephrase(question: string, articles: readonly Article[]): Promise<string>;
}

/** A Rephraser that returns the best article's short text unchanged (the placeholder until an LLM is wired in). */
export class NoopRephraser implements Rephraser {
  /** Returns articles[0].short, or "" when there is none. */
  async rephrase(_question: string, articles: readonly Article[]): Promise<string> {
    return articles[0]?.short ?? "";
  }
}

/**
 * Returns a Rephraser only when GUIDANCE_REPHRASE is set to "noop" or "openai" (with OPENAI_API_KEY);
 * otherwise null, and callers send the article text as written. "openai" still yields the no-op until
 * @langchain/openai is added to the project.
 */
export function createRephraser(env: Readonly<Record<string, string | undefined>> = process.env): Rephraser | null {
  const mode = env.GUIDANCE_REPHRASE?.trim().toLowerCase();
  if (mode === "noop") return new NoopRephraser();
  if (mode === "openai" && (env.OPENAI_API_KEY ?? "").trim() !== "") return new NoopRephraser();
  return null;
}
