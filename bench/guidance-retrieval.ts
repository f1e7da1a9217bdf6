// Guidance retrieval latency: npx tsx bench/guidance-retrieval.ts [articles=500] [queries=5000]
// Index = the real library plus synthetic variants (title, questions and body spliced from several real articles),
// queries = the evaluation questions, cycled. Prints build time and per-query p50/p99 (target p99 ≤ 10 ms).
// Question texts are test data; only counts and timings are printed.
import { performance } from "node:perf_hooks";
import { answerQuestion } from "../src/guidance/answer-question.js";
import { GuidanceBm25Retriever } from "../src/guidance/bm25-retriever.js";
import { loadArticles } from "../src/guidance/load-articles.js";
import type { Article } from "../src/guidance/types.js";
import { loadQuestionSets } from "../tests/guidance/eval-lib.js";

const N_ARTICLES = Number(process.argv[2] ?? 500);
const N_QUERIES = Number(process.argv[3] ?? 5000);

// Deterministic PRNG (mulberry32) so runs are comparable.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const real = loadArticles();
const rand = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const articles: Article[] = [...real];
for (let i = 0; articles.length < N_ARTICLES; i++) {
  const a = pick(real);
  const b = pick(real);
  const c = pick(real);
  const half = (s: string, first: boolean): string => {
    const parts = s.split("\n");
    const mid = Math.ceil(parts.length / 2);
    return (first ? parts.slice(0, mid) : parts.slice(mid)).join("\n");
  };
  articles.push({
    ...a,
    id: `synthetic-${i}`,
    title: `${a.title} (${b.title})`,
    questions: [...a.questions.slice(0, 2), ...b.questions.slice(0, 2), ...c.questions.slice(0, 1)],
    short: `${half(a.short, true)}\n${half(b.short, false)}`,
    more: `${c.short}\n${a.more ?? ""}`,
    related: [],
  });
}

const questions = loadQuestionSets().map((q) => q.q);
const t0 = performance.now();
const retriever = GuidanceBm25Retriever.fromArticles(articles);
const buildMs = performance.now() - t0;

// Warm-up (JIT), then measure.
for (let i = 0; i < 2000; i++) retriever.search(questions[i % questions.length]!, 3);
const times = new Float64Array(N_QUERIES);
let answered = 0;
for (let i = 0; i < N_QUERIES; i++) {
  const q = questions[i % questions.length]!;
  const s = performance.now();
  const r = answerQuestion(q, retriever);
  times[i] = performance.now() - s;
  if (r.kind === "answer") answered++;
}
times.sort();
const pct = (p: number): number => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
const mean = times.reduce((s, x) => s + x, 0) / times.length;
console.log(`articles: ${articles.length} (${real.length} real), queries: ${N_QUERIES}, answered: ${answered}`);
console.log(`index build: ${buildMs.toFixed(1)} ms`);
console.log(`answerQuestion latency: mean ${mean.toFixed(3)} ms, p50 ${pct(50).toFixed(3)} ms, p99 ${pct(99).toFixed(3)} ms, max ${times[times.length - 1]!.toFixed(3)} ms`);
console.log(pct(99) <= 10 ? "p99 target (≤ 10 ms): met" : "p99 target (≤ 10 ms): MISSED");
