/**
 * Safety triage evaluation: `npx tsx tests/safety/eval-safety.ts` (npm run eval:safety).
 * Prints recall per class and false alarms on parenting questions, for the whole labelled set and
 * for its held-out part, lists every disagreement, and exits 1 when a target is missed.
 * The separate held-out file heldout-2.json is scored in its own section: printed, never enforced.
 */
import { formatScore, loadHeldout2, loadLabelled, meetsTargets, score, SPLITS, type Miss } from "./eval-lib.js";

const items = loadLabelled();
const all = score(items);
const lines = [
  ...formatScore("all", all),
  ...Object.entries(SPLITS).flatMap(([split, about]) =>
    formatScore(`${split} (${about})`, score(items.filter((i) => i.split === split))),
  ),
];
const listMisses = (title: string, misses: Miss[], split: string): void => {
  if (misses.length === 0) return;
  lines.push("", `${title} (${misses.length}):`);
  for (const { item, got } of misses) {
    lines.push(
      `  [${item.split ?? split}/${item.group}] expected ${item.expected}, got ${got.level}` +
        ` (category ${got.category ?? "-"}, rules ${got.rules.join(",") || "-"}, guidanceHint ${got.guidanceHint})`,
      `      ${JSON.stringify(item.text)}${item.note ? `  — ${item.note}` : ""}`,
    );
  }
};
listMisses("disagreements", all.misses, "");

// Held-out: written before the v2 general rules and never tuned on. Informative only — a miss here is a
// bug report for the lexicon, but it must not be "fixed" by editing this file or by a phrase patch.
const held = score(loadHeldout2());
lines.push("", "held-out (heldout-2.json; figures only, not enforced):", ...formatScore("held-out", held).slice(1));
listMisses("held-out disagreements", held.misses, "heldout-2");

const ok = meetsTargets(all);
lines.push("", ok ? "PASS: all targets met" : "FAIL: below target");
process.stdout.write(lines.join("\n") + "\n");
process.exitCode = ok ? 0 : 1;
