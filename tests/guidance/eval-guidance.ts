// Guidance retrieval evaluation: npx tsx tests/guidance/eval-guidance.ts [--all-misses]
// Prints top-1 / top-3 accuracy over every tests/guidance/questions*.json and the misses; exits 1 below target.
// The questions are our own test data, not user messages, so printing them is fine.
import { buildDefault, evaluate, loadQuestionSets, TARGETS } from "./eval-lib.js";

const retriever = buildDefault();
const questions = loadQuestionSets();
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

const files = [...new Set(questions.map((q) => q.file))];
for (const f of files) {
  const r = evaluate(retriever, questions.filter((q) => q.file === f));
  console.log(`${f.padEnd(22)} n=${String(r.total).padStart(4)}  top-1 ${pct(r.top1).padStart(6)}  top-3 ${pct(r.top3).padStart(6)}  no-match ${r.noMatch}`);
}
const all = evaluate(retriever, questions);
console.log(`${"ALL".padEnd(22)} n=${String(all.total).padStart(4)}  top-1 ${pct(all.top1).padStart(6)}  top-3 ${pct(all.top3).padStart(6)}  no-match ${all.noMatch}`);
console.log(`articles indexed: ${retriever.size}; targets: top-1 ≥ ${pct(TARGETS.top1)}, top-3 ≥ ${pct(TARGETS.top3)}`);

for (const q of all.unknownExpected) console.log(`UNKNOWN expected id "${q.expected}" (${q.file})`);
if (all.misses.length > 0) {
  console.log("\nmisses (not top-1): expected → got top 3 [rank of expected]");
  for (const m of all.misses) {
    console.log(`  ${m.q.expected} ← "${m.q.q}" → ${m.got.join(", ") || "(nothing)"} [${m.rank ?? "-"}]`);
  }
}
const ok = all.top1 >= TARGETS.top1 && all.top3 >= TARGETS.top3 && all.unknownExpected.length === 0;
console.log(ok ? "\nPASS" : "\nFAIL");
process.exit(ok ? 0 : 1);
