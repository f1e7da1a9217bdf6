/**
 * npx tsx scripts/rotate-keys.ts [--dry-run] [--batch 500]
 *
 * Re-encrypts every private value stored with an older key, using the current (first) key of ENCRYPTION_KEYS, in
 * the database the app uses (DATABASE_URL, or PGlite in DATA_DIR). Safe to run while the app runs, safe to run
 * again, safe to interrupt. Prints counts per table and column, never values; writes one AuditLog row with the
 * counts (not in a dry run). Exit code 2 when some values could not be read (their key is not in ENCRYPTION_KEYS):
 * do not remove any old key then. Steps: README, "Privacy and safety".
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../src/config.js";
import { loadKeys } from "../src/crypto/load-keys.js";
import { rotateKeys } from "../src/crypto/rotate-keys.js";
import { openDatabase } from "../src/db/open.js";

/** Parses the arguments, rotates, prints the counts; returns the exit code. */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { "dry-run": { type: "boolean", default: false }, batch: { type: "string", default: "500" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    console.log("Usage: npx tsx scripts/rotate-keys.ts [--dry-run] [--batch 500]");
    return 0;
  }
  const batchSize = Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    console.error("--batch must be a whole number from 1 to 10000");
    return 1;
  }
  let config;
  try {
    config = loadConfig();
    loadKeys(config);
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : `Invalid configuration — ${(err as Error).message}`);
    return 1;
  }
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: Math.min(config.DATABASE_POOL_SIZE, 4) });
  try {
    const dryRun = values["dry-run"] ?? false;
    const r = await rotateKeys(db.prisma, {
      dryRun,
      batchSize,
      onColumn: (c) => console.log(`${`${c.table}.${c.column}`.padEnd(32)} scanned ${c.scanned}  current ${c.current}  ${dryRun ? "to rotate" : "rotated"} ${c.rotated}  unreadable ${c.unreadable}`),
    });
    const total = (k: "rotated" | "unreadable") => r.columns.reduce((n, c) => n + c[k], 0);
    console.log(`${dryRun ? "Dry run: would re-encrypt" : "Re-encrypted"} ${total("rotated")} value(s) with key "${r.keyId}".`);
    if (total("unreadable") > 0) {
      console.error(`${total("unreadable")} value(s) could not be read (key ids: ${r.unknownKeyIds.join(", ") || "none; damaged data"}). Keep every old key until this is resolved.`);
      return 2;
    }
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`rotate-keys failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
