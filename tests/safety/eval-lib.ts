/**
 * Scoring of the safety triage against the labelled messages; shared by eval-safety.ts (CLI) and
 * triage.test.ts so both apply the same targets.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { triage, type TriageResult } from "../../src/safety/index.js";

export const TARGETS = { immediateRecall: 1, reportRecall: 0.97, parentingFalseAlarm: 0.05 } as const;

const LabelledSchema = z
  .object({
    text: z.string().min(1),
    expected: z.enum(["immediate", "report", "none"]),
    group: z.enum(["immediate", "report", "parenting", "other"]),
    note: z.string().optional(),
    // dev: written with the lexicon. heldoutN: batch N, written after fix round N-1, measured once,
    // then used for fix round N. First-measurement figures are in tests/safety/README.md.
    split: z.enum(["dev", "heldout1", "heldout2", "heldout3"]),
  })
  .strict();

/** What each split means, in the order written. */
export const SPLITS = {
  dev: "written together with the lexicon",
  heldout1: "held-out batch 1: written after the lexicon, measured, then used for fixes",
  heldout2: "held-out batch 2: written after fix round 1, measured, then used for fixes",
  heldout3: "held-out batch 3: written after fix round 2, measured, then used for fix round 3",
} as const;

export type Labelled = z.infer<typeof LabelledSchema>;

const HeldoutSchema = LabelledSchema.omit({ split: true });

/** Anything the scorer can read: a labelled message, or one of a separate held-out file (no split). */
export type Scorable = z.infer<typeof HeldoutSchema> & { split?: string };

/**
 * Reads tests/safety/heldout-2.json: 200 messages written before the v2 rules and never used to tune
 * them. Its figures are printed, never enforced (see README.md).
 */
export function loadHeldout2(): Scorable[] {
  const path = fileURLToPath(new URL("./heldout-2.json", import.meta.url));
  return z.array(HeldoutSchema).parse(JSON.parse(readFileSync(path, "utf8")));
}

/** Reads and validates tests/safety/labelled-messages.json. */
export function loadLabelled(): Labelled[] {
  const path = fileURLToPath(new URL("./labelled-messages.json", import.meta.url));
  return z.array(LabelledSchema).parse(JSON.parse(readFileSync(path, "utf8")));
}

export interface Miss {
  item: Scorable;
  got: TriageResult;
}

export interface Score {
  n: number;
  immediate: { hit: number; total: number };
  report: { hit: number; total: number };
  parenting: { alarms: number; total: number };
  other: { alarms: number; total: number };
  misses: Miss[];
}

const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);

/** Recall per class and false alarms per group, with the list of every disagreement. */
export function score(items: readonly Scorable[]): Score {
  const s: Score = {
    n: items.length,
    immediate: { hit: 0, total: 0 },
    report: { hit: 0, total: 0 },
    parenting: { alarms: 0, total: 0 },
    other: { alarms: 0, total: 0 },
    misses: [],
  };
  for (const item of items) {
    const got = triage(item.text);
    if (item.expected === "immediate") {
      s.immediate.total++;
      if (got.level === "immediate") s.immediate.hit++;
    } else if (item.expected === "report") {
      s.report.total++;
      // Treating a report as immediate still reaches a human; it counts as detected.
      if (got.level !== "none") s.report.hit++;
    }
    if (item.group === "parenting" || item.group === "other") {
      const bucket = s[item.group];
      bucket.total++;
      if (got.level !== "none") bucket.alarms++;
    }
    const ok =
      item.expected === "none" ? got.level === "none" : item.expected === "report" ? got.level !== "none" : got.level === "immediate";
    if (!ok) s.misses.push({ item, got });
  }
  return s;
}

/** True when the score meets every target. */
export function meetsTargets(s: Score): boolean {
  return (
    ratio(s.immediate.hit, s.immediate.total) >= TARGETS.immediateRecall &&
    ratio(s.report.hit, s.report.total) >= TARGETS.reportRecall &&
    ratio(s.parenting.alarms, s.parenting.total) <= TARGETS.parentingFalseAlarm
  );
}

const pct = (a: number, b: number): string => `${((100 * a) / Math.max(b, 1)).toFixed(1)}% (${a}/${b})`;

/** Human-readable summary lines of a score. */
export function formatScore(title: string, s: Score): string[] {
  return [
    `${title}: ${s.n} messages`,
    `  immediate recall        ${pct(s.immediate.hit, s.immediate.total)}   target 100%`,
    `  report recall           ${pct(s.report.hit, s.report.total)}   target ≥97% (immediate counts)`,
    `  parenting false alarms  ${pct(s.parenting.alarms, s.parenting.total)}   target ≤5%`,
    `  other false alarms      ${pct(s.other.alarms, s.other.total)}`,
  ];
}
