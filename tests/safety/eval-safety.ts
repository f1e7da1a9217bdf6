/**
 * Safety triage evaluation: `npx tsx tests/safety/eval-safety.ts` (npm run eval:safety).
 * Prints recall per class and false alarms on parenting questions, for the whole labelled set and
 * for its held-out part, lists every disagreement, and exits 1 when a target is missed.
 */
import { formatScore, loadLabelled, meetsTargets, score, SPLITS } from "./eval-lib.js";

const items = loadLabelled();
const all = score(items);
const lines = [
  ...formatScore("all", all),
  ...Object.entries(SPLITS).flatMap(([split, about]) =>
    formatScore(`${split} (${about})`, score(items.filter((i) => i.split === split))),
  ),
];
if (all.misses.length > 0) {
  lines.push("", `disagreements (${all.misses.length}):`);
  for (const { item, got } of all.misses) {
    lines.push(
      `  [${item.split}/${item.group}] expected ${item.expected}, got ${got.level}` +
        ` (category ${got.category ?? "-"}, rules ${got.rules.join(",") || "-"}, guidanceHint ${got.guidanceHint})`,
      `      ${JSON.stringify(item.text)}${item.note ? `  — ${item.note}` : ""}`,
    );
  }
}
const ok = meetsTargets(all);
lines.push("", ok ? "PASS: all targets met" : "FAIL: below target");
process.stdout.write(lines.join("\n") + "\n");
process.exitCode = ok ? 0 : 1;
