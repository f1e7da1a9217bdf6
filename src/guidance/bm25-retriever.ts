import { Document } from "@langchain/core/documents";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import { tokenize as defaultTokenize } from "../text/index.js";
import type { Article } from "./types.js";

/** Turns text into index terms: folded syllables plus "a_b" bigrams (see src/text). */
export type TokenizeFn = (text: string) => string[];

/** Fields of one indexed document; questions weigh most, the "Xem thêm" part least. */
export const FIELDS = ["title", "questions", "short", "more"] as const;
export type Field = (typeof FIELDS)[number];

/** Metadata carried by each LangChain Document of the guidance index. */
export interface GuidanceDocMetadata extends Record<string, unknown> {
  articleId: string;
  topic: string;
  title: string;
  questions: string[];
  /** Text above the marker (the chat message). */
  short: string;
  /** Text below the marker, "" when none. */
  more: string;
  /** Child age range the article fits, in months (absent: any age). */
  ageMin?: number;
  ageMax?: number;
  /** Set on documents returned by the retriever. */
  score?: number;
}

/** One search result. */
export interface SearchHit {
  articleId: string;
  score: number;
}

/** Tuning knobs; every field has a tested default. */
export interface Bm25Options {
  tokenize?: TokenizeFn;
  stopWords?: ReadonlySet<string>;
  k1?: number;
  fieldWeights?: Partial<Record<Field, number>>;
  fieldB?: Partial<Record<Field, number>>;
  /**
   * "No good match" rule, calibrated on the evaluation sets and a list of off-topic messages: the best hit must score
   * at least minScore, or at least minScoreWithPhrase when it shares a two-syllable phrase (bigram) with the query.
   * Folded single syllables are very ambiguous ("vang": vàng / vắng), shared phrases much less so.
   */
  minScore?: number;
  minScoreWithPhrase?: number;
  /**
   * And at least this share of the query's syllables (idf-weighted, unknown syllables at the highest idf) must be
   * found in the best hit: a long off-topic message sharing one word with an article stays unanswered.
   */
  minCoverage?: number;
  /** Match unknown query syllables (≥ 4 letters) to an indexed syllable one edit away, at this weight; 0 turns it off. */
  fuzzyWeight?: number;
  /** Score multiplier for an article whose ageMonths range excludes the child age stated in the query (1 = off). */
  agePenalty?: number;
  /** Default k for LangChain's _getRelevantDocuments. */
  k?: number;
}

/**
 * Folded function words that carry no topic. Folding merges words, so some look like stop words but are not:
 * "con" (child; còn), "be" (bé), "me" (mẹ), "bi" (bị bỏng), "de" (để / đẻ), "mot" (một mình), "da" (đã / da: skin),
 * "nha" (nha / nhà), "nhe" (nhé / nhẹ), "ho" (họ / ho: cough), "nhi" (nhỉ / nhi khoa), "trong" (trông trẻ),
 * "tai" (tại / tai nạn), "it" (ít sữa), "moi" (mỗi / môi), "tu" (từ / tự kỷ), "can" (cần / cân nặng),
 * "anh" (anh / ảnh), "chi" (chị / chỉ tay), "di" (đi / tập đi), "xuong" (xuống / xương), "ban" (bạn bè),
 * "do" (đó / đồ chơi / sưng đỏ), "roi" (rồi / roi vọt), "va" (và / ăn vạ).
 * A bigram with a stop-word half is dropped too: "mấy tháng thì", "bao nhiêu" are question frames, not topics.
 */
export const VI_STOP_WORDS: ReadonlySet<string> = new Set([
  "a", "ah", "ak", "oi", "ha", "vay", "the", "thi", "la", "cua", "co", "khong", "toi", "minh", "em", "ad", "admin",
  "shop", "cho", "voi", "nhu", "nao", "gi", "sao", "duoc", "ma", "nhung", "cac", "nay", "ay", "kia",
  "rat", "lam", "phai", "nen", "hay", "hoac", "neu", "khi", "vi", "hoi", "xin", "giup", "cam", "on", "dang", "se",
  "chua", "ra", "vao", "len", "ve", "o", "den", "cung", "nua", "nhieu",
]);

const DEFAULTS = {
  k1: 1.2,
  fieldWeights: { title: 2, questions: 3, short: 1, more: 0.5 } satisfies Record<Field, number>,
  fieldB: { title: 0.5, questions: 0.6, short: 0.75, more: 0.75 } satisfies Record<Field, number>,
  minScore: 3,
  minScoreWithPhrase: 2,
  minCoverage: 0.2,
  fuzzyWeight: 0.6,
  agePenalty: 0.8,
  k: 4,
};

/** Builds one LangChain Document per article: page content = title + questions + body, fields in metadata. */
export function articlesToDocuments(articles: readonly Article[]): Document<GuidanceDocMetadata>[] {
  return articles.map(
    (a) =>
      new Document<GuidanceDocMetadata>({
        id: a.id,
        pageContent: [a.title, ...a.questions, a.short, a.more ?? ""].join("\n").trim(),
        metadata: {
          articleId: a.id,
          topic: a.topic,
          title: a.title,
          questions: [...a.questions],
          short: a.short,
          more: a.more ?? "",
          ageMin: a.ageMonths.min,
          ageMax: a.ageMonths.max,
        },
      }),
  );
}

function fieldText(doc: Document<GuidanceDocMetadata>, f: Field): string {
  const m = doc.metadata;
  switch (f) {
    case "title":
      return m.title;
    case "questions":
      return m.questions.join("\n");
    case "short":
      return m.short;
    case "more":
      return m.more;
  }
}

// A 1–2 digit number anywhere in a term, not part of a longer number.
const SMALL_NUMBER_RE = /(?:^|[^0-9])[0-9]{1,2}(?:[^0-9]|$)/;

/**
 * The child's age in months when the query states exactly one ("18 thang", "2 tuoi", "2 tuoi ruoi", "6th"),
 * from the folded syllables in order; null otherwise. Weeks ("32 tuan" of pregnancy) are not an age.
 */
export function queryAgeMonths(syllables: readonly string[]): number | null {
  const ages = new Set<number>();
  for (let i = 0; i < syllables.length; i++) {
    const w = syllables[i]!;
    const glued = /^(\d{1,2})(th|t)$/.exec(w);
    if (glued) {
      ages.add(glued[2] === "th" ? Number(glued[1]) : Number(glued[1]) * 12);
      continue;
    }
    if (!/^\d{1,2}$/.test(w)) continue;
    const n = Number(w);
    const unit = syllables[i + 1];
    if (unit === "thang" || unit === "th") ages.add(n);
    else if (unit === "tuoi" || unit === "t") ages.add(n * 12 + (syllables[i + 2] === "ruoi" ? 6 : 0));
  }
  if (syllables.includes("so") && syllables.includes("sinh")) ages.add(0);
  return ages.size === 1 ? [...ages][0]! : null;
}

interface Posting {
  docs: Int32Array;
  weights: Float64Array;
  idf: number;
}

/** Every string one deletion away from w (and w itself), for the typo index. */
function deletions(w: string): string[] {
  const out = [w];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}

/** Damerau-free edit distance ≤ 1 check (substitution, insertion, deletion). */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < la && j < lb) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (la > lb) i++;
    else if (lb > la) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (la - i) + (lb - j) <= 1;
}

/**
 * BM25F retriever over the guidance library. The inverted index (per term: documents and their precomputed
 * BM25F contributions) is built once in the constructor, so a query costs one pass over its terms' postings.
 */
export class GuidanceBm25Retriever extends BaseRetriever<GuidanceDocMetadata> {
  override lc_namespace = ["cau_noi", "guidance", "retrievers"];

  static override lc_name(): string {
    return "GuidanceBm25Retriever";
  }

  readonly documents: readonly Document<GuidanceDocMetadata>[];
  private readonly ids: string[];
  private readonly tokenizeFn: TokenizeFn;
  private readonly stopWords: ReadonlySet<string>;
  private readonly postings = new Map<string, Posting>();
  private readonly maxIdf: number;
  private readonly minScore: number;
  private readonly minScoreWithPhrase: number;
  private readonly minCoverage: number;
  private readonly fuzzyWeight: number;
  private readonly defaultK: number;
  /** deletion variant → indexed unigram syllables that produce it (typo tolerance). */
  private readonly typoIndex = new Map<string, string[]>();
  private readonly scores: Float64Array;
  private readonly matched: Float64Array;
  private readonly pairs: Uint16Array;
  private readonly articlesById = new Map<string, Article>();
  private readonly ageMin: Float64Array;
  private readonly ageMax: Float64Array;
  private readonly agePenalty: number;

  constructor(documents: readonly Document<GuidanceDocMetadata>[], options: Bm25Options = {}, fields?: BaseRetrieverInput) {
    super(fields);
    this.documents = documents;
    this.ids = documents.map((d) => d.metadata.articleId);
    if (new Set(this.ids).size !== this.ids.length) throw new Error("GuidanceBm25Retriever: duplicate articleId");
    this.tokenizeFn = options.tokenize ?? defaultTokenize;
    this.stopWords = options.stopWords ?? VI_STOP_WORDS;
    this.minScore = options.minScore ?? DEFAULTS.minScore;
    this.minScoreWithPhrase = options.minScoreWithPhrase ?? DEFAULTS.minScoreWithPhrase;
    this.minCoverage = options.minCoverage ?? DEFAULTS.minCoverage;
    this.fuzzyWeight = options.fuzzyWeight ?? DEFAULTS.fuzzyWeight;
    this.defaultK = options.k ?? DEFAULTS.k;
    this.agePenalty = options.agePenalty ?? DEFAULTS.agePenalty;
    this.ageMin = Float64Array.from(documents, (d) => d.metadata.ageMin ?? 0);
    this.ageMax = Float64Array.from(documents, (d) => d.metadata.ageMax ?? Number.POSITIVE_INFINITY);
    const k1 = options.k1 ?? DEFAULTS.k1;
    const w = { ...DEFAULTS.fieldWeights, ...options.fieldWeights };
    const b = { ...DEFAULTS.fieldB, ...options.fieldB };
    const n = documents.length;
    this.scores = new Float64Array(n);
    this.matched = new Float64Array(n);
    this.pairs = new Uint16Array(n);

    // Term frequencies per field, and field lengths.
    const tf: Map<string, number>[][] = FIELDS.map(() => []);
    const len: number[][] = FIELDS.map(() => []);
    documents.forEach((doc, d) => {
      FIELDS.forEach((f, fi) => {
        const terms = this.analyze(fieldText(doc, f));
        const counts = new Map<string, number>();
        for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
        tf[fi]![d] = counts;
        len[fi]![d] = terms.length;
      });
    });
    const avgLen = len.map((ls) => Math.max(1e-9, ls.reduce((s, x) => s + x, 0) / Math.max(1, n)));

    // Pseudo term frequency per (term, doc), BM25F style: Σ_f w_f · tf_f / (1 − b_f + b_f · len_f / avglen_f).
    const pseudo = new Map<string, Map<number, number>>();
    for (let d = 0; d < n; d++) {
      FIELDS.forEach((f, fi) => {
        const norm = 1 - b[f] + (b[f] * len[fi]![d]!) / avgLen[fi]!;
        for (const [t, c] of tf[fi]![d]!) {
          let perDoc = pseudo.get(t);
          if (!perDoc) pseudo.set(t, (perDoc = new Map()));
          perDoc.set(d, (perDoc.get(d) ?? 0) + (w[f] * c) / norm);
        }
      });
    }
    // Sorted term order keeps everything (including the typo index lists) independent of insertion order.
    for (const t of [...pseudo.keys()].sort()) {
      const perDoc = pseudo.get(t)!;
      const df = perDoc.size;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      const docs = new Int32Array(df);
      const weights = new Float64Array(df);
      let i = 0;
      for (const [d, ptf] of [...perDoc].sort((x, y) => x[0] - y[0])) {
        docs[i] = d;
        weights[i] = (idf * ptf) / (k1 + ptf);
        i++;
      }
      this.postings.set(t, { docs, weights, idf });
      if (!t.includes("_") && t.length >= 3 && !/\d/.test(t)) {
        for (const v of deletions(t)) {
          const list = this.typoIndex.get(v);
          if (list) list.push(t);
          else this.typoIndex.set(v, [t]);
        }
      }
    }
    this.maxIdf = Math.log(1 + (n + 0.5) / 0.5);
  }

  /** Builds a retriever from loaded articles. */
  static fromArticles(articles: readonly Article[], options: Bm25Options = {}, fields?: BaseRetrieverInput): GuidanceBm25Retriever {
    const r = new GuidanceBm25Retriever(articlesToDocuments(articles), options, fields);
    for (const a of articles) r.articlesById.set(a.id, a);
    return r;
  }

  /** The Article behind an id, when the retriever was built with fromArticles. */
  article(id: string): Article | undefined {
    return this.articlesById.get(id);
  }

  /** Number of indexed documents. */
  get size(): number {
    return this.documents.length;
  }

  /**
   * Tokenizes, then drops stop words, bigrams with a stop-word half ("thang_thi", "bao_nhieu"), and words with a
   * 1–2 digit number ("18", "2_tuoi", "6th"): a child's age says little about the topic and is handled by agePenalty.
   * Longer numbers stay (111, 115, 2030).
   */
  analyze(text: string): string[] {
    return this.filterTerms(this.tokenizeFn(text));
  }

  private filterTerms(tokens: readonly string[]): string[] {
    const out: string[] = [];
    for (const t of tokens) {
      if (SMALL_NUMBER_RE.test(t)) continue;
      const cut = t.indexOf("_");
      if (cut < 0) {
        if (!this.stopWords.has(t)) out.push(t);
      } else if (!this.stopWords.has(t.slice(0, cut)) && !this.stopWords.has(t.slice(cut + 1))) {
        out.push(t);
      }
    }
    return out;
  }

  /** Closest indexed syllable one edit away from an unknown one (highest df wins, then alphabetical), or null. */
  private typoMatch(term: string): Posting | null {
    if (term.length < 4 || /\d/.test(term)) return null;
    let best: Posting | null = null;
    let bestTerm = "";
    for (const v of deletions(term)) {
      for (const cand of this.typoIndex.get(v) ?? []) {
        if (!withinOneEdit(term, cand)) continue;
        const p = this.postings.get(cand)!;
        if (!best || p.docs.length > best.docs.length || (p.docs.length === best.docs.length && cand < bestTerm)) {
          best = p;
          bestTerm = cand;
        }
      }
    }
    return best;
  }

  /**
   * Ranks all documents for a query; hits sorted by score (ties by id). Empty when the best hit fails the
   * "good match" rule (minScore, minScoreWithPhrase, minCoverage). Sync and allocation-light: safe on the message path.
   */
  search(query: string, k = this.defaultK): SearchHit[] {
    const hits = this.rank(query);
    if (hits.length === 0) return [];
    const top = hits[0]!;
    const needed = top.bigrams > 0 ? Math.min(this.minScore, this.minScoreWithPhrase) : this.minScore;
    if (top.score < needed || top.coverage < this.minCoverage) return [];
    return hits.slice(0, Math.max(0, k)).map(({ articleId, score }) => ({ articleId, score }));
  }

  /**
   * Like search but without the no-match rule; each hit also has its coverage: the share of the query's syllables
   * (weighted by idf; unknown ones at the highest idf) found in that document.
   */
  rank(query: string): (SearchHit & { coverage: number; bigrams: number })[] {
    const tokens = this.tokenizeFn(query);
    const terms = [...new Set(this.filterTerms(tokens))];
    if (terms.length === 0 || this.documents.length === 0) return [];
    const age = this.agePenalty < 1 ? queryAgeMonths(tokens.filter((t) => !t.includes("_"))) : null;
    const scores = this.scores;
    const matched = this.matched;
    const pairs = this.pairs;
    scores.fill(0);
    matched.fill(0);
    pairs.fill(0);
    const touched: number[] = [];
    let queryMass = 0;
    for (const t of terms) {
      const unigram = !t.includes("_");
      let p = this.postings.get(t);
      let factor = 1;
      if (!p && unigram && this.fuzzyWeight > 0) {
        const alt = this.typoMatch(t);
        if (alt) {
          p = alt;
          factor = this.fuzzyWeight;
        }
      }
      if (unigram) queryMass += p ? p.idf : this.maxIdf;
      if (!p) continue;
      const { docs, weights, idf } = p;
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i]!;
        if (scores[d] === 0) touched.push(d);
        scores[d]! += factor * weights[i]!;
        if (unigram) matched[d]! += factor * idf;
        else pairs[d]!++;
      }
    }
    if (age !== null) {
      for (const d of touched) if (age < this.ageMin[d]! || age > this.ageMax[d]!) scores[d]! *= this.agePenalty;
    }
    const ids = this.ids;
    const mass = Math.max(queryMass, 1e-9);
    const hits = touched.map((d) => ({ articleId: ids[d]!, score: scores[d]!, coverage: matched[d]! / mass, bigrams: pairs[d]! }));
    hits.sort((x, y) => y.score - x.score || (x.articleId < y.articleId ? -1 : x.articleId > y.articleId ? 1 : 0));
    return hits;
  }

  /**
   * LangChain entry point: the documents of search(query), each with its score in metadata. On the message path
   * prefer search(): invoke() runs LangChain callbacks, and tracing (LANGSMITH_TRACING) would see the question text.
   */
  override async _getRelevantDocuments(query: string): Promise<Document<GuidanceDocMetadata>[]> {
    const byId = new Map(this.documents.map((d) => [d.metadata.articleId, d]));
    return this.search(query).map(({ articleId, score }) => {
      const doc = byId.get(articleId)!;
      return new Document<GuidanceDocMetadata>({
        id: doc.id,
        pageContent: doc.pageContent,
        metadata: { ...doc.metadata, score },
      });
    });
  }
}
