/**
 * The GuidancePort flows use (src/flows/ports.ts), backed by the BM25 retriever over content/guidance.
 * The index is built once per process: loading and indexing ~65 articles costs tens of milliseconds, a query
 * well under one, so the message path never touches the disk.
 */
import type { GuidanceHit, GuidancePort } from "../flows/ports.js";
import { triage } from "../safety/index.js";
import { answerQuestion, type GuidanceSearcher } from "./answer-question.js";
import { GuidanceBm25Retriever } from "./bm25-retriever.js";
import { DEFAULT_GUIDANCE_DIR, loadArticles } from "./load-articles.js";
import type { Rephraser } from "./rephrase.js";
import type { Article, Source } from "./types.js";

/** How many sources the chat line names; the rest stay in the article (a chat line must stay short). */
const MAX_SOURCES = 2;
const MAX_RELATED = 2;

/** "2021" → "2021", "2023-05" → "05/2023", "2017-05-09" → "09/05/2017" (Vietnamese date order). */
function formatSourceDate(date: string): string {
  const [y, m, d] = date.split("-");
  if (d && m) return `${d}/${m}/${y}`;
  if (m) return `${m}/${y}`;
  return date;
}

/** The "Nguồn: <publisher>, <title> (<date>)" line for an article's first one or two sources. */
export function formatSourceLine(sources: readonly Source[]): string {
  const parts = sources.slice(0, MAX_SOURCES).map((s) => `${s.publisher}, ${s.title} (${formatSourceDate(s.date)})`);
  return `Nguồn: ${parts.join("; ")}`;
}

/** An article as a GuidanceHit (the chat-sized part, its sources and up to two related articles). */
export function articleToHit(article: Article, related: readonly Pick<Article, "id" | "title">[], score: number): GuidanceHit {
  return {
    articleId: article.id,
    title: article.title,
    body: article.short,
    hasMore: article.more !== null,
    sourceLine: formatSourceLine(article.sources),
    related: related.slice(0, MAX_RELATED).map((r) => ({ id: r.id, title: r.title })),
    score,
    topic: article.topic,
  };
}

/**
 * Creates the GuidancePort over a retriever (GuidanceBm25Retriever.fromArticles, or a fake in tests). With a
 * rephraser (optional language model, off by default) the port also offers `rephrase`.
 */
export function createGuidancePort(retriever: GuidanceSearcher, rephraser: Rephraser | null = null): GuidancePort {
  const port: GuidancePort = {
    answer(query) {
      const a = answerQuestion(query, retriever);
      if (a.kind === "no_match") return a;
      return { kind: "answer", hit: articleToHit(a.article, a.related, a.score) };
    },
    article(id) {
      const article = retriever.article(id);
      if (!article) return null;
      // Tapped from a list: offer the article's own related ones (no query to rank by).
      const related = article.related.flatMap((r) => {
        const x = retriever.article(r);
        return x ? [x] : [];
      });
      return { ...articleToHit(article, related, 0), more: article.more ?? "" };
    },
  };
  if (rephraser) {
    port.rephrase = async (question, hit) => {
      const unchanged = `${hit.body}\n\n${hit.sourceLine}`;
      const article = retriever.article(hit.articleId);
      // Second, independent guard: the model never sees a message triage flags (the flow already checks this).
      if (!article || triage(question).level !== "none") return unchanged;
      try {
        const text = await rephraser.rephrase(question, [article]);
        return text.includes(hit.sourceLine) ? text : unchanged;
      } catch {
        return unchanged;
      }
    };
  }
  return port;
}

let cached: { dir: string; articles: Article[]; retriever: GuidanceBm25Retriever } | null = null;

/** The guidance library and its retriever, loaded and indexed once per process (throws on a bad article file). */
export function guidanceLibrary(dir: string = DEFAULT_GUIDANCE_DIR): { articles: Article[]; retriever: GuidanceBm25Retriever } {
  if (!cached || cached.dir !== dir) {
    const articles = loadArticles(dir);
    cached = { dir, articles, retriever: GuidanceBm25Retriever.fromArticles(articles) };
  }
  return { articles: cached.articles, retriever: cached.retriever };
}
