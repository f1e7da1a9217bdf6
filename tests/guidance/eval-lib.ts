import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { GuidanceBm25Retriever } from "../../src/guidance/bm25-retriever.js";
import { loadArticles } from "../../src/guidance/load-articles.js";

/** Accuracy targets of the guidance retrieval (top-1 and top-3 over every questions*.json). */
export const TARGETS = { top1: 0.75, top3: 0.9 } as const;

const questionSchema = z.array(z.strictObject({ q: z.string().min(2), expected: z.string().min(1) }));
export type EvalQuestion = z.infer<typeof questionSchema>[number] & { file: string };

const HERE = fileURLToPath(new URL(".", import.meta.url));

/** Reads every tests/guidance/questions*.json (sorted by name). */
export function loadQuestionSets(dir: string = HERE): EvalQuestion[] {
  return readdirSync(dir)
    .filter((f) => /^questions.*\.json$/.test(f))
    .sort()
    .flatMap((f) => questionSchema.parse(JSON.parse(readFileSync(`${dir}/${f}`, "utf8"))).map((x) => ({ ...x, file: f })));
}

export interface EvalResult {
  total: number;
  top1: number;
  top3: number;
  noMatch: number;
  /** Questions whose expected article is not in the top 3 (or that got no match), with the hits. */
  misses: { q: EvalQuestion; got: string[]; rank: number | null }[];
  /** Questions whose expected id is not an article at all. */
  unknownExpected: EvalQuestion[];
}

/** Runs every question through the retriever and scores top-1 / top-3 accuracy. */
export function evaluate(retriever: GuidanceBm25Retriever, questions: readonly EvalQuestion[]): EvalResult {
  let top1 = 0;
  let top3 = 0;
  let noMatch = 0;
  const misses: EvalResult["misses"] = [];
  const unknownExpected: EvalQuestion[] = [];
  for (const q of questions) {
    if (!retriever.article(q.expected)) unknownExpected.push(q);
    const hits = retriever.search(q.q, 3).map((h) => h.articleId);
    if (hits.length === 0) noMatch++;
    const idx = hits.indexOf(q.expected);
    if (idx === 0) top1++;
    if (idx >= 0) top3++;
    if (idx !== 0) {
      const full = retriever.rank(q.q).map((h) => h.articleId);
      const r = full.indexOf(q.expected);
      misses.push({ q, got: full.slice(0, 3), rank: r >= 0 ? r + 1 : null });
    }
  }
  const n = Math.max(1, questions.length);
  return { total: questions.length, top1: top1 / n, top3: top3 / n, noMatch, misses, unknownExpected };
}

/** Loads the real library and builds the default retriever. */
export function buildDefault(): GuidanceBm25Retriever {
  return GuidanceBm25Retriever.fromArticles(loadArticles());
}
