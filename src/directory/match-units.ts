/**
 * DirectoryPort: turns what a person typed ("xã Tân Lập huyện Đan Phượng", "p14 q10", "sai gon", "Hà Giang")
 * into 2025 provinces and communes. Old (pre-2025) names are first-class: most people still know their
 * address by the old xã and huyện, and the case must reach the worker of the commune that exists today.
 *
 * Scores (0..1), so the flow can decide whether to confirm or ask to pick:
 *   1.00  the 2025 name, typed with the same marks     0.90  an old commune name (0.86 when it was split)
 *   0.96  the 2025 name, typed without marks           0.97  an old commune name with its old district
 *   ≤0.88 a typo of a 2025 name (edit distance)        0.75  one of the communes an old district became
 * Nothing typed by a person is logged here.
 */
import type { CommuneHit, DirectoryPort, ProvinceHit } from "../flows/ports.js";
import { foldDiacritics, normalizeText } from "../text/index.js";
import {
  accentKey,
  type Commune,
  type DirectoryData,
  districtLabel,
  editDistance,
  loadDirectory,
  matchKey,
  type OldDistrict,
  type OldUnitLink,
} from "./load-units.js";

const MAX_HITS = 12;
const MIN_SCORE = 0.5;
/** Hits further than this below the best are noise once something matches well. */
const KEEP_WITHIN = 0.3;

// ───────────────────────────── keys ─────────────────────────────

/** Folded text with punctuation as spaces, without the chat-spelling rewrites (for compact and fuzzy keys). */
function foldKey(s: string): string {
  return foldDiacritics(s)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The keys a name is indexed and looked up under: the shared match key and the space-less folded form ("daklak"). */
function nameKeys(s: string): string[] {
  const mk = matchKey(s);
  const compact = foldKey(s).replace(/ /g, "");
  return mk === "" ? [] : [...new Set([mk, compact])];
}

function hasMarks(s: string): boolean {
  return normalizeText(s) !== foldDiacritics(s);
}

/** Bonus for typing the marks exactly (Hòa vs Hóa fold to the same letters). */
function markFactor(typed: string, name: string): number {
  if (accentKey(typed) === accentKey(name)) return 1;
  return hasMarks(typed) ? 0.92 : 0.96;
}

function fuzzyLimit(len: number): number {
  return len <= 4 ? 0 : len <= 6 ? 1 : len <= 12 ? 2 : 3;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// ───────────────────────────── indexes over the data ─────────────────────────────

interface ProvinceEntry {
  code: string;
  /** new: a 2025 name; alias: a common short form; old: a pre-2025 province merged into code */
  kind: "new" | "alias" | "old";
  label: string;
  key: string;
}

// Common short forms people type. "Vũng Tàu"/"Bà Rịa" were one province, now part of TP.HCM.
const PROVINCE_ALIASES: Record<string, string[]> = {
  "01": ["hn", "ha noi", "thu do"],
  "31": ["hp"],
  "46": ["thua thien hue", "tt hue", "hue"],
  "79": ["hcm", "tphcm", "tp hcm", "sai gon", "saigon", "sg", "brvt", "vung tau", "ba ria"],
};

const PROVINCE_PREFIX = /^(?:tinh|thanh pho|tp|t p|thu do|tinh thanh)\s+/;

interface Indexes {
  data: DirectoryData;
  provinceEntries: ProvinceEntry[];
  provinceByKey: Map<string, ProvinceEntry[]>;
  communesByKey: Map<string, Commune[]>;
  oldLinksByKey: Map<string, OldUnitLink[]>;
  districtsByKey: Map<string, OldDistrict[]>;
  /** For fuzzy search: compact folded key of every 2025 commune name and every old name. */
  communeFuzzy: { key: string; commune: Commune }[];
  oldFuzzy: { key: string; link: OldUnitLink }[];
}

function buildIndexes(data: DirectoryData): Indexes {
  const provinceEntries: ProvinceEntry[] = [];
  for (const p of data.provinces) {
    for (const k of nameKeys(p.name)) provinceEntries.push({ code: p.code, kind: "new", label: p.name, key: k });
    for (const alias of PROVINCE_ALIASES[p.code] ?? []) provinceEntries.push({ code: p.code, kind: "alias", label: p.name, key: alias });
  }
  for (const o of data.oldProvinces) {
    for (const k of nameKeys(o.name)) provinceEntries.push({ code: o.newProvinceCode, kind: "old", label: o.name, key: k });
  }
  const provinceByKey = new Map<string, ProvinceEntry[]>();
  for (const e of provinceEntries) push(provinceByKey, e.key, e);

  const communesByKey = new Map<string, Commune[]>();
  const communeFuzzy: Indexes["communeFuzzy"] = [];
  for (const c of data.communes) {
    for (const k of nameKeys(c.name)) push(communesByKey, k, c);
    communeFuzzy.push({ key: foldKey(c.name).replace(/ /g, ""), commune: c });
  }
  const oldLinksByKey = new Map<string, OldUnitLink[]>();
  const oldFuzzy: Indexes["oldFuzzy"] = [];
  for (const l of data.links) {
    if (l.oldCode === null && l.oldDistrictCode !== null) continue; // whole-district links are found through districts
    const keys = new Set(l.keys.flatMap((k) => nameKeys(k)));
    for (const k of keys) push(oldLinksByKey, k, l);
    oldFuzzy.push({ key: [...keys].at(-1) ?? "", link: l });
  }
  const districtsByKey = new Map<string, OldDistrict[]>();
  for (const d of data.oldDistricts) for (const k of nameKeys(d.name)) push(districtsByKey, k, d);
  return { data, provinceEntries, provinceByKey, communesByKey, oldLinksByKey, districtsByKey, communeFuzzy, oldFuzzy };
}

// ───────────────────────────── provinces ─────────────────────────────

function provinceScore(kind: ProvinceEntry["kind"]): number {
  return kind === "new" ? 1 : kind === "alias" ? 0.98 : 0.9;
}

function findProvinceIn(ix: Indexes, text: string): ProvinceHit[] {
  const best = new Map<string, number>();
  const add = (code: string, score: number) => best.set(code, Math.max(best.get(code) ?? 0, score));
  const raw = foldKey(text);
  if (raw === "") return [];
  const stripped = raw.replace(PROVINCE_PREFIX, "");
  const queries = [...new Set([stripped, raw, matchKey(text).replace(PROVINCE_PREFIX, "")])].filter((q) => q !== "");
  for (const q of queries) {
    for (const k of [q, q.replace(/ /g, "")]) for (const e of ix.provinceByKey.get(k) ?? []) add(e.code, provinceScore(e.kind));
  }
  if (best.size === 0) {
    // A province named inside a longer answer ("o ha giang a", "xã X tỉnh Y"): whole syllables only, 2+ of them.
    const padded = ` ${raw} `;
    for (const e of ix.provinceEntries) {
      if (e.key.includes(" ") && padded.includes(` ${e.key} `)) add(e.code, provinceScore(e.kind) * 0.85);
    }
  }
  if (best.size === 0) {
    const q = stripped.replace(/ /g, "");
    const max = fuzzyLimit(q.length);
    for (const e of ix.provinceEntries) {
      const k = e.key.replace(/ /g, "");
      if (max === 0 || k.length < 4) continue;
      const d = editDistance(k, q, max);
      if (d <= max) add(e.code, provinceScore(e.kind) * 0.85 * (1 - d / Math.max(k.length, q.length)));
    }
  }
  return rank(
    [...best].map(([code, score]) => ({ code, name: ix.data.provinceByCode.get(code)!.name, score: round(score) })),
    (h) => h.name,
  ).slice(0, 5);
}

// ───────────────────────────── reading a commune answer ─────────────────────────────

type ChunkKind = "commune" | "district" | "city" | "province" | "none";
interface Chunk {
  kind: ChunkKind;
  tokens: string[];
  keyword: string[];
}
interface Reading {
  commune: string | null;
  /** The commune was introduced by "xã"/"phường"…: do not read it as an old district too. */
  communeTyped: boolean;
  district: string | null;
  province: string | null;
}

const KEYWORDS: { kind: ChunkKind; words: string[] }[] = [
  { kind: "commune", words: ["đặc", "khu"] },
  { kind: "commune", words: ["thị", "trấn"] },
  { kind: "district", words: ["thị", "xã"] },
  { kind: "city", words: ["thành", "phố"] },
  { kind: "commune", words: ["xã"] },
  { kind: "commune", words: ["phường"] },
  { kind: "commune", words: ["x"] },
  { kind: "commune", words: ["p"] },
  { kind: "commune", words: ["f"] },
  { kind: "commune", words: ["tt"] },
  { kind: "district", words: ["huyện"] },
  { kind: "district", words: ["quận"] },
  { kind: "district", words: ["q"] },
  { kind: "district", words: ["h"] },
  { kind: "district", words: ["tx"] },
  { kind: "city", words: ["tp"] },
  { kind: "province", words: ["tỉnh"] },
];

// A word typed without marks may be a keyword ("xa" for xã); a word typed with other marks is a name ("Quan Hóa").
function sameWord(token: string, word: string): boolean {
  if (token === word) return true;
  return token === foldDiacritics(token) && token === foldDiacritics(word);
}

function keywordAt(tokens: string[], i: number): (typeof KEYWORDS)[number] | null {
  for (const kw of KEYWORDS) {
    if (kw.words.every((w, j) => tokens[i + j] !== undefined && sameWord(tokens[i + j]!, w))) return kw;
  }
  return null;
}

function tokensOf(segment: string): string[] {
  return segment
    .replace(/[.\-–_/\\:"“”'’]+/g, " ")
    .split(/\s+/)
    .filter((t) => t !== "")
    .flatMap((t) => {
      const m = /^(p|q|f|x|h)(\d+)$/.exec(t); // "p14", "q10"
      return m ? [m[1]!, m[2]!] : [t];
    });
}

function chunksOf(segment: string): Chunk[] {
  const tokens = tokensOf(segment);
  const chunks: Chunk[] = [{ kind: "none", tokens: [], keyword: [] }];
  for (let i = 0; i < tokens.length; ) {
    const cur = chunks[chunks.length - 1]!;
    const kw = keywordAt(tokens, i);
    // A keyword right after a keyword is part of a name ("huyện Quan Hoá" typed as "huyen quan hoa").
    if (kw && !(cur.kind !== "none" && cur.tokens.length === 0)) {
      chunks.push({ kind: kw.kind, tokens: [], keyword: tokens.slice(i, i + kw.words.length) });
      i += kw.words.length;
    } else {
      cur.tokens.push(tokens[i]!);
      i++;
    }
  }
  // A keyword with nothing after it was the end of a name ("xã Tân Xã").
  const out: Chunk[] = [];
  for (const c of chunks) {
    if (c.kind !== "none" && c.tokens.length === 0) {
      const prev = out[out.length - 1];
      if (prev) prev.tokens.push(...c.keyword);
      continue;
    }
    if (c.tokens.length > 0) out.push(c);
  }
  return out;
}

/** Ways to read the answer; each is scored and the best score per commune wins. */
// Polite endings and fillers at the end of an answer ("… huyện Đan Phượng ạ").
const TRAILING_FILLER = /(?:\s+(?:ạ|à|nhé|nha|nhá|ah|ạh|đó|ấy|á|thôi|em|ak))+\s*[.!?]*$/u;

function readings(text: string): Reading[] {
  const segments = normalizeText(text)
    .replace(TRAILING_FILLER, "")
    .split(/[,;()\n]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const chunks = segments.flatMap((s, si) => chunksOf(s).map((c) => ({ ...c, segment: si })));
  const out: Reading[] = [];
  const join = (c: { tokens: string[] } | undefined) => (c ? c.tokens.join(" ") : null);

  const communeChunk = chunks.find((c) => c.kind === "commune");
  // Words before "xã …" in the same segment are filler ("nhà em ở xã …").
  const rest = chunks.filter((c) => c !== communeChunk && !(communeChunk && c.kind === "none" && c.segment === communeChunk.segment && chunks.indexOf(c) < chunks.indexOf(communeChunk)));
  // Without "xã …", the name is a plain part that comes before any district/province part ("quận 1, Hà Nội" has none).
  const firstPlace = rest.findIndex((c) => c.kind !== "none");
  const commune = communeChunk ?? rest.find((c, i) => c.kind === "none" && (firstPlace < 0 || i < firstPlace));
  const others = rest.filter((c) => c !== commune);
  const district = others.find((c) => c.kind === "district") ?? others.find((c) => c.kind === "city") ?? others.find((c) => c.kind === "none");
  const province = others.find((c) => c.kind === "province") ?? others.find((c) => c !== district && (c.kind === "city" || c.kind === "none"));
  out.push({ commune: join(commune), communeTyped: commune?.kind === "commune", district: join(district), province: join(province) });

  // The whole answer as one name, minus a leading type word (names that contain a keyword: "Tân Xã", "Quan Sơn").
  const all = tokensOf(normalizeText(text).replace(TRAILING_FILLER, "").replace(/[,;()\n]+/g, " "));
  const lead = keywordAt(all, 0);
  const whole = (lead?.kind === "commune" ? all.slice(lead.words.length) : all).join(" ");
  if (whole !== "" && whole !== out[0]!.commune) out.push({ commune: whole, communeTyped: lead?.kind === "commune", district: null, province: null });

  // "tan lap dan phuong": no keywords, no commas; try each split into commune + old district.
  if (chunks.length === 1 && chunks[0]!.kind === "none" && chunks[0]!.tokens.length >= 3) {
    const t = chunks[0]!.tokens;
    for (let k = 1; k < t.length; k++) {
      out.push({ commune: t.slice(0, k).join(" "), communeTyped: false, district: t.slice(k).join(" "), province: null });
    }
  }
  return out;
}

// ───────────────────────────── communes ─────────────────────────────

function communeHit(ix: Indexes, c: Commune, score: number, via: CommuneHit["via"], oldName?: string, partial?: boolean): CommuneHit {
  const p = ix.data.provinceByCode.get(c.provinceCode)!;
  const hit: CommuneHit = { code: c.code, name: c.name, fullName: c.fullName, provinceCode: c.provinceCode, provinceName: p.name, via, score: round(score) };
  if (oldName !== undefined) hit.oldName = oldName;
  if (partial !== undefined) hit.partial = partial;
  return hit;
}

function inScope(scope: Set<string> | null, provinceCode: string): boolean {
  return scope === null || scope.has(provinceCode);
}

/** New communes an old district became, most of its old communes first. */
function districtCommunes(ix: Indexes, d: OldDistrict): { commune: Commune; weight: number }[] {
  const weight = new Map<string, number>();
  for (const oc of d.communeCodes) for (const l of ix.data.linksByOldCode.get(oc) ?? []) weight.set(l.newCode, (weight.get(l.newCode) ?? 0) + 1);
  for (const l of ix.data.linksByOldDistrict.get(d.code) ?? []) weight.set(l.newCode, (weight.get(l.newCode) ?? 0) + 1);
  return [...weight]
    .map(([code, w]) => ({ commune: ix.data.communeByCode.get(code)!, weight: w }))
    .sort((a, b) => b.weight - a.weight || a.commune.name.localeCompare(b.commune.name, "vi"));
}

function districtHits(ix: Indexes, districts: OldDistrict[], base: number): CommuneHit[] {
  const hits: CommuneHit[] = [];
  for (const d of districts) {
    const list = districtCommunes(ix, d);
    const oldProvince = ix.data.oldProvinces.find((p) => p.code === d.oldProvinceCode);
    const label = `${capitalise(districtLabel(d))}${oldProvince ? ` (${oldProvince.name})` : ""}`;
    list.forEach(({ commune }, rankIdx) => {
      hits.push(communeHit(ix, commune, base - Math.min(rankIdx, 20) * 0.002, "old_name", label, list.length > 1));
    });
  }
  return hits;
}

function lookupDistricts(ix: Indexes, text: string, scope: Set<string> | null): OldDistrict[] {
  const found = new Map<string, OldDistrict>();
  for (const k of nameKeys(text)) for (const d of ix.districtsByKey.get(k) ?? []) if (inScope(scope, d.newProvinceCode)) found.set(d.code, d);
  return [...found.values()];
}

function scoreReading(ix: Indexes, r: Reading, scope0: Set<string> | null, explicitProvince: boolean): CommuneHit[] {
  let scope = scope0;
  const hits: CommuneHit[] = [];
  if (r.province && !explicitProvince) {
    const p = findProvinceIn(ix, r.province)[0];
    if (p && p.score >= 0.85) scope = new Set([p.code]);
  }
  let districts: OldDistrict[] = [];
  if (r.district) {
    districts = lookupDistricts(ix, r.district, scope);
    // "huyện Đan Phượng Hà Nội": the district name is the longest leading part that is one; the rest names the province.
    const words = r.district.split(" ");
    for (let k = words.length - 1; districts.length === 0 && k >= 1; k--) {
      const tail = words.slice(k).join(" ");
      const p = explicitProvince ? null : findProvinceIn(ix, tail)[0];
      const tailScope = p && p.score >= 0.85 ? new Set([p.code]) : scope;
      districts = lookupDistricts(ix, words.slice(0, k).join(" "), tailScope);
      if (districts.length > 0) scope = tailScope;
    }
    // The "district" may really be the province ("Tân Lập, Hà Nội").
    if (districts.length === 0 && !explicitProvince) {
      const p = findProvinceIn(ix, r.district)[0];
      if (p && p.score >= 0.85) scope = new Set([p.code]);
      else if (r.commune) return []; // an unknown second part: leave this reading to the others
    } else if (districts.length === 0) {
      if (r.commune) return [];
    }
  }
  if (!r.commune) return districtHits(ix, districts, 0.75);

  const name = r.commune;
  const districtCodes = new Set(districts.map((d) => d.code));
  const linkedToDistrict = (newCode: string) =>
    (ix.data.linksByNewCode.get(newCode) ?? []).some((l) => l.oldDistrictCode !== null && districtCodes.has(l.oldDistrictCode));

  // 2025 names.
  const exact = new Set<Commune>();
  for (const k of nameKeys(name)) for (const c of ix.communesByKey.get(k) ?? []) if (inScope(scope, c.provinceCode)) exact.add(c);
  for (const c of exact) {
    let s = markFactor(name, c.name);
    if (districtCodes.size > 0 && !linkedToDistrict(c.code)) s -= 0.15;
    hits.push(communeHit(ix, c, s, "name"));
  }
  // Old names.
  const oldExact = new Set<OldUnitLink>();
  for (const k of nameKeys(name)) for (const l of ix.oldLinksByKey.get(k) ?? []) oldExact.add(l);
  let oldList = [...oldExact].filter((l) => inScope(scope, ix.data.communeByCode.get(l.newCode)!.provinceCode));
  if (districtCodes.size > 0) {
    const inDistrict = oldList.filter((l) => l.oldDistrictCode !== null && districtCodes.has(l.oldDistrictCode));
    for (const l of oldList) {
      const within = inDistrict.includes(l);
      const base = within ? 0.97 : 0.75;
      const oldBare = l.oldName.replace(/^(Xã|Phường|Thị trấn)\s+/, "").replace(/\s*\(.*\)$/, "");
      hits.push(communeHit(ix, ix.data.communeByCode.get(l.newCode)!, (base - (l.partial ? 0.04 : 0)) * markFactor(name, oldBare), "old_name", l.oldName, l.partial));
    }
  } else {
    for (const l of oldList) {
      const oldBare = l.oldName.replace(/^(Xã|Phường|Thị trấn|Huyện)\s+/i, "").replace(/\s*\(.*\)$/, "");
      hits.push(communeHit(ix, ix.data.communeByCode.get(l.newCode)!, (l.partial ? 0.86 : 0.9) * markFactor(name, oldBare), "old_name", l.oldName, l.partial));
    }
  }
  // Typos, only when nothing matched exactly.
  if (exact.size === 0 && oldList.length === 0) {
    const q = foldKey(name).replace(/ /g, "");
    const max = fuzzyLimit(q.length);
    if (max > 0) {
      for (const { key, commune } of ix.communeFuzzy) {
        if (!inScope(scope, commune.provinceCode)) continue;
        const d = editDistance(key, q, max);
        if (d <= max) hits.push(communeHit(ix, commune, 0.88 * (1 - d / Math.max(key.length, q.length)), "name"));
      }
      for (const { key, link } of ix.oldFuzzy) {
        const c = ix.data.communeByCode.get(link.newCode)!;
        if (!inScope(scope, c.provinceCode)) continue;
        if (districtCodes.size > 0 && !(link.oldDistrictCode && districtCodes.has(link.oldDistrictCode))) continue;
        const d = editDistance(key, q, max);
        if (d <= max) hits.push(communeHit(ix, c, (link.partial ? 0.76 : 0.8) * (1 - d / Math.max(key.length, q.length)), "old_name", link.oldName, link.partial));
      }
    }
    oldList = [];
  }
  // The commune is not found in the named district: offer what the district became.
  if (districts.length > 0 && hits.every((h) => h.score < 0.9)) hits.push(...districtHits(ix, districts, 0.6));
  // A bare name may be an old district ("Đan Phượng" was also a huyện).
  if (!r.communeTyped && !r.district) hits.push(...districtHits(ix, lookupDistricts(ix, name, scope), 0.7));
  return hits;
}

function findCommuneIn(ix: Indexes, provinceCode: string | null, text: string): CommuneHit[] {
  if (foldKey(text) === "") return [];
  const scope = provinceCode ? new Set([provinceCode]) : null;
  const best = new Map<string, CommuneHit>();
  for (const r of readings(text)) {
    for (const h of scoreReading(ix, r, scope, provinceCode !== null)) {
      const prev = best.get(h.code);
      if (!prev || h.score > prev.score || (h.score === prev.score && h.via === "name" && prev.via !== "name")) best.set(h.code, h);
    }
  }
  const ranked = rank([...best.values()], (h) => h.fullName);
  const top = ranked[0]?.score ?? 0;
  return ranked.filter((h) => h.score >= MIN_SCORE && h.score >= top - KEEP_WITHIN).slice(0, MAX_HITS);
}

// ───────────────────────────── shared ─────────────────────────────

function round(n: number): number {
  return Math.max(0, Math.min(1, Math.round(n * 1000) / 1000));
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function rank<T extends { score: number; via?: string; partial?: boolean }>(list: T[], label: (x: T) => string): T[] {
  return list.sort(
    (a, b) =>
      b.score - a.score ||
      (a.via === "name" ? 0 : 1) - (b.via === "name" ? 0 : 1) ||
      (a.partial ? 1 : 0) - (b.partial ? 1 : 0) ||
      label(a).localeCompare(label(b), "vi"),
  );
}

let shared: Indexes | null = null;

/** Builds the shared indexes now (about a second), so the first person to type an address does not wait for it. */
export function warmDirectory(): void {
  shared ??= buildIndexes(loadDirectory());
}

/** The directory port over content/directory (indexes built on first use, then shared by every caller). */
export function createDirectory(data?: DirectoryData): DirectoryPort {
  let own: Indexes | null = null;
  const ix = (): Indexes => {
    if (data) return (own ??= buildIndexes(data));
    return (shared ??= buildIndexes(loadDirectory()));
  };
  return {
    findProvince: (text) => findProvinceIn(ix(), text),
    findCommune: (provinceCode, text) => findCommuneIn(ix(), provinceCode, text),
    unitName: (code) => {
      const d = ix().data;
      const p = d.provinceByCode.get(code);
      if (p) return p.fullName;
      const c = d.communeByCode.get(code);
      if (!c) return null;
      return `${c.fullName}, ${d.provinceByCode.get(c.provinceCode)!.fullName}`;
    },
  };
}
