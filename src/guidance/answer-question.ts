import type { Article } from "./types.js";

/** What answerQuestion needs from a retriever (GuidanceBm25Retriever satisfies it). */
export interface GuidanceSearcher {
  search(query: string, k?: number): { articleId: string; score: number }[];
  article(id: string): Article | undefined;
}

/** The outcome of a guidance question: one article (plus up to two related ones) or no good match. */
export type GuidanceAnswer =
  | { kind: "answer"; article: Article; related: Article[]; score: number }
  | { kind: "no_match" };

/** Share of the top score a later hit needs to be offered as "related" when the article lists too few. */
const RELATED_MIN_RATIO = 0.5;
const MAX_RELATED = 2;

/**
 * Answers a parent's question from the library: the best article, then up to two related articles
 * (the article's own `related` list first, then the next hits scoring ≥ half the best). no_match when
 * the retriever finds no good match. The question text is never logged.
 */
export function answerQuestion(query: string, retriever: GuidanceSearcher): GuidanceAnswer {
  const byId = { get: (id: string) => retriever.article(id) };
  const hits = retriever.search(query, 5);
  const top = hits[0];
  const article = top ? byId.get(top.articleId) : undefined;
  if (!top || !article) return { kind: "no_match" };

  const related: Article[] = [];
  const seen = new Set([article.id]);
  const add = (id: string): void => {
    const a = byId.get(id);
    if (a && !seen.has(id) && related.length < MAX_RELATED) {
      seen.add(id);
      related.push(a);
    }
  };
  for (const id of article.related) add(id);
  for (const h of hits.slice(1)) if (h.score >= top.score * RELATED_MIN_RATIO) add(h.articleId);
  return { kind: "answer", article, related, score: top.score };
}
