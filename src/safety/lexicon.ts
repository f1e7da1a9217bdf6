/**
 * The safety lexicon: reviewed data in content/safety/lexicon.yaml, validated with zod and compiled
 * once. A bad lexicon must fail loudly at start-up rather than silently miss a child in danger.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { z } from "zod";
import { CATEGORIES, type Category } from "./categories.js";
import { nearPattern, PatternError, PatternIndex, phrasePattern, type CompiledPattern } from "./pattern.js";

/** A compiled pattern with its number in the lexicon's PatternIndex. */
export type IndexedPattern = CompiledPattern & { id: number };

export const DEFAULT_LEXICON_PATH = fileURLToPath(new URL("../../content/safety/lexicon.yaml", import.meta.url));

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");

const PatternSchema = z.union([
  z.string().min(1),
  z.object({ near: z.array(z.string().min(1)).min(2), within: z.number().int().min(1).max(30) }).strict(),
]);

const CueSchema = z
  .object({
    id: z.string().min(1),
    weight: z.number().positive().default(1),
    patterns: z.array(PatternSchema).min(1),
    note: z.string().optional(),
  })
  .strict();

const RuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_.]+$/),
    class: z.enum(["immediate", "report"]),
    category: z.enum(CATEGORIES),
    // A firm rule describes a concrete, present danger and is never demoted by prevention wording.
    firm: z.boolean().default(false),
    patterns: z.array(PatternSchema).min(1),
    unless: z.array(PatternSchema).default([]),
    note: z.string().min(1),
    reviewed: isoDate,
    reviewer: z.string().min(1),
  })
  .strict();

export const LexiconSchema = z
  .object({
    version: z.number().int().positive(),
    sets: z.record(z.string().regex(/^[a-z_]+$/), z.union([z.string(), z.array(z.string())])).default({}),
    mask: z.array(PatternSchema).default([]),
    /**
     * Compounds that fold to the same letters as a danger phrase ("đánh dấu" = to mark, "đánh đau" = to hurt).
     * They are blanked only when the person typed the harmless spelling with its diacritics; typed without
     * diacritics the message stays ambiguous and is matched as danger (a false alarm costs less than a miss).
     */
    accentedMask: z.array(z.strictObject({ folded: PatternSchema, accented: z.array(z.string().min(1)).min(1) })).default([]),
    negation: z
      .object({
        words: z.array(z.string().min(1)).min(1),
        skip: z.array(z.string().min(1)).default([]),
        lookback: z.number().int().min(1).max(5),
      })
      .strict(),
    guidance: z.array(CueSchema).min(1),
    concrete: z.array(CueSchema).default([]),
    escalation: z
      .object({
        id: z.string().min(1),
        categories: z.array(z.enum(CATEGORIES)).min(1),
        patterns: z.array(PatternSchema).min(1),
        note: z.string().min(1),
      })
      .strict(),
    rules: z.array(RuleSchema).min(1),
  })
  .strict();

export type LexiconData = z.infer<typeof LexiconSchema>;

export interface CompiledCue {
  id: string;
  weight: number;
  patterns: IndexedPattern[];
}

export interface CompiledRule {
  id: string;
  level: "immediate" | "report";
  category: Category;
  firm: boolean;
  patterns: IndexedPattern[];
  unless: IndexedPattern[];
}

export interface CompiledLexicon {
  /** Anchor index over every pattern below (mask, cues, escalation, rules). */
  index: PatternIndex;
  mask: IndexedPattern[];
  accentedMask: { pattern: IndexedPattern; accented: string[] }[];
  negators: ReadonlySet<string>;
  negationSkip: ReadonlySet<string>;
  lookback: number;
  guidance: CompiledCue[];
  concrete: CompiledCue[];
  escalation: { id: string; categories: ReadonlySet<Category>; patterns: IndexedPattern[] };
  rules: CompiledRule[];
}

function splitSet(v: string | string[]): string[] {
  const list = Array.isArray(v) ? v : v.split("/");
  return list.map((x) => x.trim()).filter((x) => x !== "");
}

/** Validates and compiles lexicon data; throws with the offending id on any error. */
export function compileLexicon(input: unknown): CompiledLexicon {
  const data = LexiconSchema.parse(input);
  const sets = new Map<string, string[]>();
  for (const [name, v] of Object.entries(data.sets)) sets.set(name, splitSet(v));

  const index = new PatternIndex();
  const compile = (owner: string, p: z.infer<typeof PatternSchema>): IndexedPattern => {
    try {
      const c = typeof p === "string" ? phrasePattern(p, sets) : nearPattern(p.near, p.within, sets);
      return Object.assign(c, { id: index.add(c) });
    } catch (e) {
      if (e instanceof PatternError) throw new Error(`lexicon ${owner}: ${e.message}`);
      throw e;
    }
  };
  const cue = (c: z.infer<typeof CueSchema>): CompiledCue => ({
    id: c.id,
    weight: c.weight,
    patterns: c.patterns.map((p) => compile(c.id, p)),
  });

  const ids = new Set<string>();
  for (const id of [...data.rules.map((r) => r.id), ...data.guidance.map((g) => g.id), ...data.concrete.map((g) => g.id)]) {
    if (ids.has(id)) throw new Error(`lexicon: duplicate id ${id}`);
    ids.add(id);
  }
  const oneWord = (list: string[]): Set<string> => new Set(list.map((w) => w.trim()));

  return {
    index,
    mask: data.mask.map((p, i) => compile(`mask[${i}]`, p)),
    accentedMask: data.accentedMask.map((m, i) => ({ pattern: compile(`accentedMask[${i}]`, m.folded), accented: m.accented.map((a) => a.normalize("NFC").toLowerCase()) })),
    negators: oneWord(data.negation.words),
    negationSkip: oneWord(data.negation.skip),
    lookback: data.negation.lookback,
    guidance: data.guidance.map(cue),
    concrete: data.concrete.map(cue),
    escalation: {
      id: data.escalation.id,
      categories: new Set(data.escalation.categories),
      patterns: data.escalation.patterns.map((p) => compile(data.escalation.id, p)),
    },
    rules: data.rules.map((r) => ({
      id: r.id,
      level: r.class,
      category: r.category,
      firm: r.firm,
      patterns: r.patterns.map((p) => compile(r.id, p)),
      unless: r.unless.map((p) => compile(r.id, p)),
    })),
  };
}

/** Reads, validates and compiles a lexicon file (sync: called once, at first use). */
export function loadLexicon(path: string = DEFAULT_LEXICON_PATH): CompiledLexicon {
  return compileLexicon(parse(readFileSync(path, "utf8")));
}

/** The raw rule list of a lexicon file, for tests and review tooling. */
export function readLexiconData(path: string = DEFAULT_LEXICON_PATH): LexiconData {
  return LexiconSchema.parse(parse(readFileSync(path, "utf8")));
}
