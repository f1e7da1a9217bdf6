import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "../config.js";
import { logger } from "../log.js";
import { generateKeySpec, parseKeyRing, setKeyRing } from "./field-encryption.js";

/** Loads ENCRYPTION_KEYS; outside production, creates a local development key in DATA_DIR on first start. */
export function loadKeys(config: Config): void {
  if (config.ENCRYPTION_KEYS) return setKeyRing(parseKeyRing(config.ENCRYPTION_KEYS));
  const file = path.resolve(config.DATA_DIR, "encryption-keys.txt");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, generateKeySpec() + "\n", { mode: 0o600 });
    logger.warn({ file }, "created a development encryption key; set ENCRYPTION_KEYS in production (see README)");
  }
  setKeyRing(parseKeyRing(readFileSync(file, "utf8").trim()));
}
