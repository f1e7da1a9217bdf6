export { normalizeText, foldDiacritics } from "./normalize.js";
export { expandChatSpelling, isVietSyllable, collapseRepeats, respell } from "./chat-spelling.js";
export { matchKey, syllables, tokenize } from "./match-key.js";
