/**
 * Speed of the safety triage: `npx tsx tests/safety/bench-triage.ts`. Loops over the labelled set
 * (after a warm-up that also compiles the lexicon) and prints the mean µs per message.
 */
import { triage } from "../../src/safety/index.js";
import { loadLabelled } from "./eval-lib.js";

const texts = loadLabelled().map((l) => l.text);
const rounds = Number(process.env.ROUNDS ?? 50);
let sink = 0;
for (let r = 0; r < 5; r++) for (const t of texts) sink += triage(t).rules.length;
const t0 = process.hrtime.bigint();
for (let r = 0; r < rounds; r++) for (const t of texts) sink += triage(t).rules.length;
const ns = Number(process.hrtime.bigint() - t0);
const per = ns / 1000 / (rounds * texts.length);
process.stdout.write(`triage: ${per.toFixed(1)} µs/message over ${rounds} × ${texts.length} messages (checksum ${sink})\n`);
