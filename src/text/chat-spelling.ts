/**
 * Chat spellings ("teen code") and abbreviations, rewritten to the folded standard spelling.
 * Input is folded text (no diacritics, đ → d). Children in distress write like this, so the
 * safety triage must read "bo dg danh e" the same as "bố đang đánh em".
 */

const ONSETS = [
  "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
  "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];

// Folded rhymes of standard Vietnamese (ư/ơ/ô/â/ă/ê fold onto their bases, so some stand for several).
const RHYMES = new Set(
  (
    "a ac ach ai am an ang anh ao ap at au ay " +
    "e ec em en eng eo ep et eu ech enh " +
    "i ia ich iec iem ien ieng iep iet ieu im in inh ip it iu " +
    "o oa oac oach oai oam oan oang oanh oao oap oat oay oc oe oen oeo oet oi om on ong op ot " +
    "u ua uan uang uat uay uc ue uech uenh ui um un ung uo uoc uoi uom uon uong uop uot uou up ut uu uy " +
    "uya uych uyen uyet uynh uyt uyu y yen yet yeu"
  ).split(" "),
);

/** True when a folded word is spelled like one standard Vietnamese syllable. */
export function isVietSyllable(word: string): boolean {
  for (const onset of ONSETS) {
    if (!word.startsWith(onset)) continue;
    const rhyme = word.slice(onset.length);
    if (rhyme === "") {
      if (onset === "gi") return true; // gì
      continue;
    }
    if (!RHYMES.has(rhyme)) continue;
    const front = /^[iey]/.test(rhyme);
    // Standard orthography: k, gh, ngh only before i/e/y; c, g, ng never there; q only as "qu".
    if ((onset === "k" || onset === "gh" || onset === "ngh") && !front) continue;
    if ((onset === "c" || onset === "g" || onset === "ng") && front) continue;
    if (onset === "qu" && rhyme.startsWith("u")) continue;
    return true;
  }
  return false;
}

// Words that legitimately keep a doubled "o" (loanwords); everything else stretched is emphasis.
const DOUBLE_O_WORDS = new Set(["xoong", "boong", "goong", "mooc", "sooc", "vooc", "coong"]);

/** Collapses stretched letters ("emmm" → "em", "cuuuu" → "cuu"), keeping word-final "uu" (cứu, lưu). */
export function collapseRepeats(word: string): string {
  if (!/(\p{L})\1/u.test(word)) return word;
  if (DOUBLE_O_WORDS.has(word)) return word;
  const collapsed = word.replace(/(\p{L})\1+/gu, (run, ch: string, offset: number) => {
    const atEnd = offset + run.length === word.length;
    // Folded "ưu" (cứu, hữu, lưu, mưu) is the only common native double letter, always word-final.
    if (ch === "u" && atEnd && offset > 0) return "uu";
    return ch;
  });
  return collapsed;
}

// Letter-level teen code, tried only on words that are not already valid syllables.
const RESPELL: Array<[RegExp, string]> = [
  [/^ck/, "ch"],
  [/^k(?=[aou])/, "c"],
  [/^j(?=i)/, "g"],
  [/^j/, "gi"],
  [/^dz/, "v"],
  [/^z(?=i)/, "g"],
  [/^z/, "v"],
  [/^w/, "qu"],
  [/^f/, "ph"],
  [/(?<=.)j/g, "i"],
  [/(?<!n)g$/, "ng"],
  [/(?<=[aeiouy])k$/, "ch"],
];

/** Rewrites letter-level teen code (kon → con, ckết → chet, wa → qua, jo → gio, cug → cung) when the result is a valid syllable. */
export function respell(word: string): string {
  if (!/^[a-z]+$/.test(word) || isVietSyllable(word)) return word;
  let out = word;
  for (const [re, rep] of RESPELL) out = out.replace(re, rep);
  return isVietSyllable(out) ? out : word;
}

const WORDS: Record<string, string> = {
  ko: "khong", kh: "khong", hk: "khong", hok: "khong", hog: "khong", khum: "khong",
  khg: "khong", kp: "khong phai", kbt: "khong biet", kb: "khong biet", kbiet: "khong biet",
  dc: "duoc", dk: "duoc", dcj: "duoc",
  j: "gi", ji: "gi", gj: "gi",
  e: "em", iem: "em",
  vs: "voi", vz: "voi",
  ng: "nguoi", ngta: "nguoi ta", ngyeu: "nguoi yeu", ny: "nguoi yeu",
  mik: "minh", mk: "minh", mh: "minh", mjk: "minh", mjh: "minh", mn: "moi nguoi", mng: "moi nguoi",
  bme: "bo me", bm: "bo me", bmay: "bo may",
  ck: "chong", vk: "vo",
  r: "roi", rui: "roi", roai: "roi", roy: "roi",
  cx: "cung", cg: "cung", cug: "cung",
  nhiu: "nhieu", wa: "qua", qa: "qua", ntn: "nhu the nao", nv: "nhu vay",
  tks: "cam on", thks: "cam on", thx: "cam on", camon: "cam on",
  dg: "dang", trc: "truoc", ns: "noi", bt: "biet", bik: "biet", bjk: "biet", bjt: "biet",
  hc: "hoc", hs: "hoc sinh", gv: "giao vien", lm: "lam", ms: "moi", iu: "yeu",
  ik: "di", ak: "a", ah: "a", uk: "u", uh: "u", lun: "luon", thui: "thoi", hoy: "thoi",
  sdt: "so dien thoai", dt: "dien thoai", bh: "bay gio", bjo: "bay gio", bgio: "bay gio",
  hnay: "hom nay", hqua: "hom qua", cty: "cong ty", bs: "bac si", bv: "benh vien", kq: "ket qua",
  tr: "troi", thik: "thich", ad: "admin", sr: "xin loi",
};

const NEXT_AFTER_ANH = new Set([
  "oi", "trai", "ay", "ho", "re", "nuoi", "ke", "kia", "giup", "cho", "noi", "lam", "hoi", "biet",
  "dang", "da", "se", "muon", "co", "xem", "tu", "van",
]);
const NEXT_AFTER_CHI = new Set(["oi", "gai", "ay", "ho", "cho", "giup", "noi", "kia"]);
const VAY_PREV = new Set(["sao", "the", "nhu", "lam", "vi", "tai"]);
const VAY_NEXT = new Set(["thi", "a", "ha", "nhi", "ak", "ah", "ne", "nua", "ta"]);
const BAO_NHIEU_NEXT = new Set([
  "tuoi", "tien", "lau", "nguoi", "ngay", "thang", "nam", "lan", "gio", "phut", "dong", "k",
  "nghin", "trieu", "cm", "kg", "can", "tieng", "buoi", "so",
]);
const HONG_PREV = new Set(["co", "duoc", "phai", "roi", "chua", "dung", "khong"]);
const HONG_NEXT = new Set([
  "biet", "co", "duoc", "muon", "dam", "chiu", "the", "hieu", "can", "nen", "phai", "sao", "ai", "thich",
  "di", "an", "ngu", "lam", "noi", "cho", "thay", "nho", "con",
]);
const MUON_NEXT = new Set([
  "chet", "di", "tu", "bo", "an", "ve", "song", "noi", "hoi", "lam", "biet", "nghi", "duoc", "khoc",
  "giet", "tro", "bien", "o", "gap", "tim",
]);
const OI_PREV = new Set(["troi", "oi", "chet", "kho", "me", "hix", "ba"]);
// "bit" is also English and "bít" (to seal); read it as biết only after words that ask about knowing.
const BIET_PREV = new Set(["khong", "chua", "co", "ai"]);

function isNumber(w: string | undefined): boolean {
  return w !== undefined && /^\d/.test(w);
}

interface Ctx {
  prev: string | undefined; // already rewritten
  next: string | undefined; // raw (collapsed) next word in the same clause
  clauseEnd: boolean;
}

function rewriteWord(w: string, c: Ctx): string {
  switch (w) {
    case "k":
    case "kg":
      return isNumber(c.prev) ? w : "khong";
    case "a":
      return c.next !== undefined && NEXT_AFTER_ANH.has(c.next) ? "anh" : w;
    case "c":
      return c.next !== undefined && NEXT_AFTER_CHI.has(c.next) ? "chi" : w;
    case "v":
    case "z":
      if (c.clauseEnd || (c.prev !== undefined && VAY_PREV.has(c.prev)) || (c.next !== undefined && VAY_NEXT.has(c.next)))
        return "vay";
      return w;
    case "bn":
      return c.next !== undefined && BAO_NHIEU_NEXT.has(c.next) ? "bao nhieu" : "ban";
    case "hong":
      return (c.prev !== undefined && HONG_PREV.has(c.prev) && c.clauseEnd) ||
        (c.next !== undefined && HONG_NEXT.has(c.next))
        ? "khong"
        : w;
    case "hum":
      return c.next === "nay" || c.next === "qua" || c.next === "kia" ? "hom" : "khong";
    case "mun":
      return c.next !== undefined && MUON_NEXT.has(c.next) ? "muon" : w;
    case "bit":
      return c.prev !== undefined && BIET_PREV.has(c.prev) ? "biet" : w;
    case "oy":
      return c.prev !== undefined && OI_PREV.has(c.prev) ? "oi" : "roi";
    default: {
      const mapped = Object.prototype.hasOwnProperty.call(WORDS, w) ? WORDS[w] : undefined;
      return mapped ?? respell(w);
    }
  }
}

/** Rewrites chat spellings and abbreviations in folded text to standard folded Vietnamese (ko → khong, dc → duoc, emmm → em). */
export function expandChatSpelling(s: string): string {
  const parts = s.split(/([\p{L}\p{N}]+)/u);
  // parts alternates separator, word, separator, …; index 1, 3, 5 … are words.
  const words: string[] = [];
  for (let i = 1; i < parts.length; i += 2) words.push(collapseRepeats(parts[i]!));
  const out: string[] = [];
  for (let k = 0; k < words.length; k++) {
    const sepAfter = parts[2 * k + 2] ?? "";
    const sepBefore = parts[2 * k] ?? "";
    const clauseEnd = k === words.length - 1 || /[.,!?;:\n…]/.test(sepAfter);
    const clauseStart = k === 0 || /[.,!?;:\n…]/.test(sepBefore);
    const w = words[k]!;
    const ctx: Ctx = {
      prev: clauseStart ? undefined : out[k - 1]?.split(" ").at(-1),
      next: clauseEnd ? undefined : words[k + 1],
      clauseEnd,
    };
    out.push(/\p{N}/u.test(w) ? w : rewriteWord(w, ctx));
  }
  let result = parts[0] ?? "";
  for (let k = 0; k < out.length; k++) result += out[k]! + (parts[2 * k + 2] ?? "");
  return result;
}
