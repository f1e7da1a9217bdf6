/**
 * The administrative directory in memory: the 2025 units (34 provinces, 3,321 communes) and the pre-2025 units they
 * were formed from, with the indexes the matcher needs. Built once, on first use, from content/directory/.
 *
 * Old → new links come from each new commune's `formedFrom` text (free Vietnamese: "Xã A, Xã B (huyện C), một phần
 * diện tích … của xã D, Xã E (phần còn lại sau khi sáp nhập vào …)"), resolved against the pre-2025 index of the old
 * provinces merged into the new province, so that an old name gets its old code and old district.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { foldDiacritics, matchKey as sharedMatchKey, normalizeText } from "../text/index.js";

// The same names recur thousands of times while building (old communes, formedFrom mentions): memoise.
const keyMemo = new Map<string, string>();
/** The shared matchKey, memoised for the directory's own names (bounded, so typed text cannot grow it for ever). */
export function matchKey(s: string): string {
  let k = keyMemo.get(s);
  if (k === undefined) {
    k = sharedMatchKey(s);
    if (keyMemo.size < 50_000) keyMemo.set(s, k);
  }
  return k;
}

/** Folder of the directory data: <repo>/content/directory, resolved from this module's location. */
export const DEFAULT_DIRECTORY_DIR = fileURLToPath(new URL("../../content/directory/", import.meta.url));

export type ProvinceType = "thành phố trực thuộc trung ương" | "tỉnh";
export type CommuneType = "xã" | "phường" | "đặc khu";
export type OldCommuneType = "xã" | "phường" | "thị trấn";

export interface Province {
  code: string;
  name: string;
  fullName: string;
  nameEn: string;
  type: ProvinceType;
  formedFrom: string;
}

export interface Commune {
  code: string;
  name: string;
  fullName: string;
  nameEn: string;
  type: CommuneType;
  formedFrom: string;
  provinceCode: string;
}

export interface OldProvince {
  code: string;
  name: string;
  /** The 2025 province it was merged into. */
  newProvinceCode: string;
}

export interface OldDistrict {
  code: string;
  name: string;
  /** huyện | quận | thị xã | thành phố thuộc tỉnh | thành phố thuộc thành phố trực thuộc trung ương */
  type: string;
  oldProvinceCode: string;
  newProvinceCode: string;
  communeCodes: string[];
}

export interface OldCommune {
  code: string;
  name: string;
  type: OldCommuneType;
  districtCode: string;
  oldProvinceCode: string;
  newProvinceCode: string;
}

/** One old unit named in a new commune's formedFrom text. */
export interface OldUnitLink {
  newCode: string;
  /** Old commune code when the name was found in the pre-2025 index, else null (text-only link). */
  oldCode: string | null;
  /** Old district code when the link names a whole old district ("Huyện Côn Đảo"). */
  oldDistrictCode: string | null;
  /** Display name, e.g. "Xã Tân Lập (huyện Đan Phượng)". */
  oldName: string;
  /** matchKeys of the old unit's own name (without "xã"/"phường"): the pre-2025 spelling and the formedFrom one. */
  keys: string[];
  /** The old unit was split between several new communes (text says so, or it is linked to more than one). */
  partial: boolean;
}

export interface DirectoryData {
  provinces: Province[];
  communes: Commune[];
  provinceByCode: Map<string, Province>;
  communeByCode: Map<string, Commune>;
  communesByProvince: Map<string, Commune[]>;
  oldProvinces: OldProvince[];
  oldDistricts: OldDistrict[];
  oldDistrictByCode: Map<string, OldDistrict>;
  oldCommuneByCode: Map<string, OldCommune>;
  links: OldUnitLink[];
  linksByOldCode: Map<string, OldUnitLink[]>;
  linksByOldDistrict: Map<string, OldUnitLink[]>;
  linksByNewCode: Map<string, OldUnitLink[]>;
  /** How many formedFrom mentions could not be found in the pre-2025 index (kept as text-only links). */
  unresolvedMentions: number;
}

const communeSchema = z.object({
  code: z.string().regex(/^\d{5}$/),
  name: z.string().min(1),
  fullName: z.string().min(1),
  nameEn: z.string(),
  type: z.enum(["xã", "phường", "đặc khu"]),
  formedFrom: z.string(),
});
const provinceSchema = z.object({
  code: z.string().regex(/^\d{2}$/),
  name: z.string().min(1),
  fullName: z.string().min(1),
  nameEn: z.string(),
  type: z.enum(["thành phố trực thuộc trung ương", "tỉnh"]),
  formedFrom: z.string(),
  communes: z.array(communeSchema).min(1),
});
/** The 2025 directory as published (34 provinces with their communes); the build script checks its input with it too. */
export const units2025Schema = z.array(provinceSchema).length(34);

const oldIndexSchema = z.object({
  provinces: z.array(
    z.tuple([
      z.string(),
      z.string(),
      z.array(z.tuple([z.string(), z.string(), z.string(), z.array(z.tuple([z.string(), z.string(), z.enum(["x", "p", "t"])]))])),
    ]),
  ),
});

const OLD_TYPE: Record<"x" | "p" | "t", OldCommuneType> = { x: "xã", p: "phường", t: "thị trấn" };

/** Key for an old district qualifier in display names ("huyện Đan Phượng", "quận 10", "thành phố Thủ Đức"). */
export function districtLabel(d: Pick<OldDistrict, "name" | "type">): string {
  const t = d.type.startsWith("thành phố") ? "thành phố" : d.type;
  return `${t} ${d.name}`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// ───────────────────────────── formedFrom parsing ─────────────────────────────

interface Mention {
  /** xã | phường | thị trấn | huyện, or null when the text gives none and no list type is running. */
  type: string | null;
  name: string;
  /** District named in brackets: "(huyện Lệ Thủy)", "(Quận 3)", "(thuộc huyện Đăk Hà)". */
  qualifier: string | null;
  partial: boolean;
}

// Phrases that wrap the unit names; stripped from the front of an item. Matched case-insensitively on NFC text.
const LEAD_FILLER =
  /^(?:và|sắp xếp|toàn bộ|toàn bố|một phần|phần còn lại|phần còn lai|diện tích|tn|tự nhiên|quy mô dân số|quy mô|của|các)(?=[\s,]|$)[\s,]*/iu;
const UNIT_PREFIX = /^(xã|phường|thị trấn|huyện|thôn|xóm|trường bắn|khu vực)\s+/iu;
const COMMUNE_PREFIX = /^(xã|phường|thị trấn)\s+/iu;
const TAIL_FILLER = /\s+(?:sau khi\s.*|theo quy định.*)$/iu;
const DISTRICT_QUALIFIER = /^(?:thuộc\s+)?(huyện|quận|thị xã|thành phố|tp\.?)\s+(.+)$/iu;

/** Splits formedFrom into unit mentions: names, type words, bracketed districts and "part of" markers. */
export function parseFormedFrom(text: string): Mention[] {
  // Split at top-level separators; bracket contents stay with the item they follow.
  const items: { body: string; brackets: string[] }[] = [];
  let body = "";
  let brackets: string[] = [];
  let depth = 0;
  let bracket = "";
  const flush = () => {
    if (body.trim() !== "" || brackets.length > 0) items.push({ body: body.trim(), brackets });
    body = "";
    brackets = [];
  };
  const src = text.normalize("NFC").replace(/\s+/g, " ");
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === "(") {
      if (depth === 0) bracket = "";
      else bracket += ch;
      depth++;
    } else if (ch === ")" && depth > 0) {
      depth--;
      if (depth === 0) brackets.push(bracket.trim());
      else bracket += ch;
    } else if (depth > 0) {
      bracket += ch;
    } else if (ch === "," || ch === ";") {
      flush();
    } else if (src.startsWith(" và ", i)) {
      flush();
      i += 3;
    } else {
      body += ch;
    }
  }
  flush();

  const mentions: Mention[] = [];
  let partialMode = false;
  let listType: string | null = null;
  for (const item of items) {
    let s = item.body;
    const folded = foldDiacritics(s);
    if (/\bmot phan\b|\bphan con lai\b/.test(folded)) partialMode = true;
    let type: string | null = null;
    // Peel filler and type words in any order ("một phần diện tích TN của phường Phường Tây Tựu").
    // Once a type word is read, only repeated type words may follow ("Phường Phường Đúc"), never filler: "Xã Các Sơn".
    for (let guard = 0; guard < 12; guard++) {
      const filler = type === null ? LEAD_FILLER.exec(s) : null;
      if (filler) {
        s = s.slice(filler[0].length);
        continue;
      }
      const prefix = (type === null ? UNIT_PREFIX : COMMUNE_PREFIX).exec(s);
      if (prefix) {
        type = prefix[1]!.toLowerCase();
        s = s.slice(prefix[0].length);
        continue;
      }
      break;
    }
    s = s.replace(TAIL_FILLER, "").trim();
    // "xã Yên Định  Xã Yên Định": a repeated name after a double space.
    const dup = /^(.*?)\s+(?:xã|phường|thị trấn)\s+\1$/iu.exec(s);
    if (dup) s = dup[1]!;
    let qualifier: string | null = null;
    let partial = partialMode;
    for (const b of item.brackets) {
      const q = DISTRICT_QUALIFIER.exec(b);
      if (q) qualifier = b.replace(/^thuộc\s+/iu, "");
      const fb = foldDiacritics(b);
      if (/\bphan con lai\b|\bmot phan\b/.test(fb)) partial = true;
    }
    if (type !== null) listType = type;
    if (s === "" || !/\p{L}|\d/u.test(s)) continue;
    if (type === "thôn" || type === "xóm" || type === "trường bắn" || type === "khu vực") continue;
    mentions.push({ type: type ?? listType, name: s, qualifier, partial });
  }
  return mentions;
}

// ───────────────────────────── building the indexes ─────────────────────────────

interface RawOldIndex {
  provinces: [string, string, [string, string, string, [string, string, "x" | "p" | "t"][]][]][];
}

function readJson(dir: string, file: string): unknown {
  return JSON.parse(readFileSync(new URL(file, `file://${dir.endsWith("/") ? dir : dir + "/"}`), "utf8"));
}

/** Names of the old provinces listed in a 2025 province's formedFrom ("tỉnh Hà Giang và tỉnh Tuyên Quang", "TPHCM, …"). */
function oldProvinceKeys(formedFrom: string): string[] {
  const firstSentence = formedFrom.split(/\.\s/)[0] ?? "";
  return firstSentence
    .split(/,| và /)
    .map((part) => matchKey(part.replace(/^\s*(tỉnh|thành phố)\s+/iu, "")))
    .map((k) => (k === "tphcm" ? "ho chi minh" : k))
    .filter((k) => k !== "");
}

/** Builds every index from the raw JSON (exported for tests that feed their own data). */
export function buildDirectory(raw2025: unknown, rawOld: unknown): DirectoryData {
  const parsed = units2025Schema.parse(raw2025);
  const old = oldIndexSchema.parse(rawOld) as RawOldIndex;

  const provinces: Province[] = [];
  const communes: Commune[] = [];
  const communesByProvince = new Map<string, Commune[]>();
  for (const p of parsed) {
    const { communes: list, ...province } = p;
    provinces.push(province);
    const own = list.map((c) => ({ ...c, provinceCode: p.code }));
    communes.push(...own);
    communesByProvince.set(p.code, own);
  }
  const provinceByCode = new Map(provinces.map((p) => [p.code, p]));
  const communeByCode = new Map(communes.map((c) => [c.code, c]));
  if (communeByCode.size !== communes.length) throw new Error("content/directory: duplicate commune codes");

  // Old province → new province, from the provinces' formedFrom ("giữ nguyên" keeps its own code).
  const newByOldKey = new Map<string, string>();
  for (const p of provinces) {
    const keys = matchKey(p.formedFrom) === "giu nguyen" ? [matchKey(p.name)] : oldProvinceKeys(p.formedFrom);
    for (const k of keys) newByOldKey.set(k, p.code);
  }
  const oldProvinces: OldProvince[] = [];
  const oldDistricts: OldDistrict[] = [];
  const oldCommuneByCode = new Map<string, OldCommune>();
  for (const [code, name, districts] of old.provinces) {
    const newProvinceCode = newByOldKey.get(matchKey(name));
    if (!newProvinceCode) throw new Error(`content/directory: old province ${name} is not in any 2025 province's formedFrom`);
    oldProvinces.push({ code, name, newProvinceCode });
    for (const [dCode, dName, dType, list] of districts) {
      oldDistricts.push({ code: dCode, name: dName, type: dType, oldProvinceCode: code, newProvinceCode, communeCodes: list.map((c) => c[0]) });
      for (const [cCode, cName, t] of list) {
        oldCommuneByCode.set(cCode, { code: cCode, name: cName, type: OLD_TYPE[t], districtCode: dCode, oldProvinceCode: code, newProvinceCode });
      }
    }
  }
  const oldDistrictByCode = new Map(oldDistricts.map((d) => [d.code, d]));

  // Old communes and districts of each new province, by name key.
  const oldCommunesByProvinceKey = new Map<string, OldCommune[]>();
  for (const c of oldCommuneByCode.values()) push(oldCommunesByProvinceKey, `${c.newProvinceCode}|${matchKey(c.name)}`, c);
  const oldByProvince = new Map<string, { o: OldCommune; loose: string }[]>();
  for (const o of oldCommuneByCode.values()) push(oldByProvince, o.newProvinceCode, { o, loose: looseKey(o.name).replace(/ /g, "") });
  const oldDistrictsByProvinceKey = new Map<string, OldDistrict[]>();
  for (const d of oldDistricts) push(oldDistrictsByProvinceKey, `${d.newProvinceCode}|${matchKey(d.name)}`, d);

  const links: OldUnitLink[] = [];
  const textPartial = new Map<OldUnitLink, boolean>();
  let unresolvedMentions = 0;
  for (const c of communes) {
    const kept = matchKey(c.formedFrom) === "giu nguyen";
    const mentions: Mention[] = kept ? [{ type: null, name: c.name, qualifier: null, partial: false }] : parseFormedFrom(c.formedFrom);
    // District votes: where the unambiguous mentions and the old commune that gave its code lie (to pick among namesakes).
    const votes = new Map<string, number>();
    const anchor = oldCommuneByCode.get(c.code);
    if (anchor && anchor.newProvinceCode === c.provinceCode) votes.set(anchor.districtCode, 2);
    const resolved: { m: Mention; candidates: OldCommune[]; district: OldDistrict | null }[] = [];
    for (const m of mentions) {
      if (m.type === "huyện") {
        const d = oldDistrictsByProvinceKey.get(`${c.provinceCode}|${matchKey(m.name)}`)?.[0] ?? null;
        resolved.push({ m, candidates: [], district: d });
        continue;
      }
      let candidates = oldCommunesByProvinceKey.get(`${c.provinceCode}|${matchKey(m.name)}`) ?? [];
      // Some old names carry their type word ("Phường Đúc").
      if (candidates.length === 0 && m.type) candidates = oldCommunesByProvinceKey.get(`${c.provinceCode}|${matchKey(`${m.type} ${m.name}`)}`) ?? [];
      // Spelling variants between the two sources (Xà/Sà Phìn, Quí/Quý, NT/Nông trường, Hua Bun/Bum): closest old name.
      if (candidates.length === 0) candidates = closestOldCommunes(oldByProvince.get(c.provinceCode) ?? [], m.name);
      // Same letters, different marks (Thiệu Vân / Thiệu Vận) are different communes.
      if (candidates.length > 1) candidates = narrow(candidates, (o) => accentKey(o.name) === accentKey(m.name));
      if (m.qualifier && candidates.length > 1) {
        const q = DISTRICT_QUALIFIER.exec(m.qualifier);
        const qKey = q ? matchKey(q[2]!) : "";
        candidates = narrow(candidates, (o) => matchKey(oldDistrictByCode.get(o.districtCode)?.name ?? "") === qKey);
      }
      if (candidates.length === 1) votes.set(candidates[0]!.districtCode, (votes.get(candidates[0]!.districtCode) ?? 0) + 1);
      resolved.push({ m, candidates, district: null });
    }
    for (const { m, candidates: all, district } of resolved) {
      if (district) {
        const link: OldUnitLink = {
          newCode: c.code,
          oldCode: null,
          oldDistrictCode: district.code,
          oldName: capitalise(districtLabel(district)),
          keys: [matchKey(district.name)],
          partial: false,
        };
        links.push(link);
        textPartial.set(link, m.partial);
        continue;
      }
      let candidates = all;
      if (candidates.length > 1) {
        const best = Math.max(...candidates.map((o) => votes.get(o.districtCode) ?? 0));
        if (best > 0) candidates = candidates.filter((o) => (votes.get(o.districtCode) ?? 0) === best);
      }
      // The type word is the last tie-break: the source sometimes calls a phường "Xã".
      if (m.type && candidates.length > 1) candidates = narrow(candidates, (o) => o.type === m.type);
      if (candidates.length === 0) {
        unresolvedMentions++;
        const typeWord = m.type ?? (c.type === "đặc khu" ? "xã" : c.type);
        const link: OldUnitLink = {
          newCode: c.code,
          oldCode: null,
          oldDistrictCode: null,
          oldName: `${capitalise(typeWord)} ${m.name}`,
          keys: [matchKey(m.name)],
          partial: false,
        };
        links.push(link);
        textPartial.set(link, m.partial);
        continue;
      }
      for (const o of candidates) {
        const d = oldDistrictByCode.get(o.districtCode);
        const link: OldUnitLink = {
          newCode: c.code,
          oldCode: o.code,
          oldDistrictCode: o.districtCode,
          oldName: `${capitalise(o.type)} ${o.name}${d ? ` (${districtLabel(d)})` : ""}`,
          keys: [...new Set([matchKey(o.name), matchKey(m.name)])],
          partial: false,
        };
        links.push(link);
        textPartial.set(link, m.partial);
      }
    }
  }

  // One link per (old unit, new commune); an old unit linked to several new communes was split.
  const unique = new Map<string, OldUnitLink>();
  for (const l of links) {
    const id = `${l.oldCode ?? l.oldDistrictCode ?? l.oldName}|${l.newCode}`;
    const prev = unique.get(id);
    if (prev) prev.partial ||= textPartial.get(l) ?? false;
    else {
      l.partial = textPartial.get(l) ?? false;
      unique.set(id, l);
    }
  }
  const finalLinks = [...unique.values()];
  const linksByOldCode = new Map<string, OldUnitLink[]>();
  const linksByOldDistrict = new Map<string, OldUnitLink[]>();
  for (const l of finalLinks) {
    if (l.oldCode) push(linksByOldCode, l.oldCode, l);
    else if (l.oldDistrictCode) push(linksByOldDistrict, l.oldDistrictCode, l);
  }
  for (const list of linksByOldCode.values()) if (list.length > 1) for (const l of list) l.partial = true;
  const linksByNewCode = new Map<string, OldUnitLink[]>();
  for (const l of finalLinks) push(linksByNewCode, l.newCode, l);

  return {
    provinces,
    communes,
    provinceByCode,
    communeByCode,
    communesByProvince,
    oldProvinces,
    oldDistricts,
    oldDistrictByCode,
    oldCommuneByCode,
    links: finalLinks,
    linksByOldCode,
    linksByOldDistrict,
    linksByNewCode,
    unresolvedMentions,
  };
}

/** Loose spelling key: the s/x, ch/tr, i/y and d/r alternations of minority-language names, "NT" = nông trường. */
export function looseKey(s: string): string {
  return ` ${matchKey(s)} `
    .replace(/ n t | nt /g, " nong truong ")
    .replace(/y/g, "i")
    .replace(/x/g, "s")
    .replace(/ tr/g, " ch")
    .replace(/ r/g, " d")
    .trim();
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), stopping early above max. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

function closestOldCommunes(pool: { o: OldCommune; loose: string }[], name: string): OldCommune[] {
  // Spaces dropped: "EaBar" / "Ea Bar", "P Rao" / "Prao".
  const target = looseKey(name).replace(/ /g, "");
  const max = target.length <= 5 ? 1 : 2;
  let best = max + 1;
  let found: OldCommune[] = [];
  for (const { o, loose: k } of pool) {
    const d = editDistance(k, target, max);
    if (d < best) {
      best = d;
      found = [o];
    } else if (d === best) found.push(o);
  }
  return found;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// Keeps the filtered list only when the filter leaves something (source text is not always exact).
function narrow<T>(list: T[], keep: (x: T) => boolean): T[] {
  const kept = list.filter(keep);
  return kept.length > 0 ? kept : list;
}

let cached: DirectoryData | null = null;

/** The directory built from content/directory (loaded, validated and indexed once per process). */
export function loadDirectory(dir: string = DEFAULT_DIRECTORY_DIR): DirectoryData {
  if (dir === DEFAULT_DIRECTORY_DIR && cached) return cached;
  const data = buildDirectory(readJson(dir, "admin-units-2025.json"), readJson(dir, "admin-units-pre2025-index.json"));
  if (dir === DEFAULT_DIRECTORY_DIR) cached = data;
  return data;
}

/** Text with diacritics kept (one tone placement), punctuation → spaces: for "typed exactly as written" bonuses. */
export function accentKey(s: string): string {
  return normalizeText(s)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
