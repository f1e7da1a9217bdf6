export { TOPICS, MORE_MARKER, SHORT_MAX_CHARS, isWithoutDiacritics } from "./types.js";
export type { Article, FrontMatter, Source, Topic } from "./types.js";
export { loadArticles, parseArticle, ArticleContentError, DEFAULT_GUIDANCE_DIR } from "./load-articles.js";
export { GuidanceBm25Retriever, articlesToDocuments, VI_STOP_WORDS, FIELDS } from "./bm25-retriever.js";
export type { Bm25Options, SearchHit, TokenizeFn, GuidanceDocMetadata, Field } from "./bm25-retriever.js";
export { answerQuestion } from "./answer-question.js";
export type { GuidanceAnswer, GuidanceSearcher } from "./answer-question.js";
export { createRephraser, NoopRephraser } from "./rephrase.js";
export type { Rephraser } from "./rephrase.js";
