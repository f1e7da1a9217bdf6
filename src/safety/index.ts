export { triage, triageWith, type TriageResult, type TriageLevel } from "./triage.js";
export { CATEGORIES, CATEGORY_LABELS_VI, isCategory, type Category } from "./categories.js";
export { loadLexicon, compileLexicon, readLexiconData, DEFAULT_LEXICON_PATH, type CompiledLexicon } from "./lexicon.js";
