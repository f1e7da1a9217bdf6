/**
 * Fresh, migrated databases for tests: PGlite (always) and the machine's PostgreSQL (127.0.0.1:5432, database
 * `test`, trust auth) when it answers. Each call gets its own database, so test files can run in parallel.
 * PGlite databases boot from a migrated template cached in tmp/ (initdb costs ~4 s, a template ~0.5 s).
 * When PostgreSQL is absent the suites say they were skipped; with REQUIRE_ALL_SUITES=1 (CI) that is an error.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { parseKeyRing, setKeyRing } from "../../src/crypto/index.js";
import { applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { openDatabase, type Database, type DbKind } from "../../src/db/open.js";

export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const REQUIRE_ALL = process.env.REQUIRE_ALL_SUITES === "1";

/** A fixed test key ring, so encrypted columns work in every test process. */
export function installTestKeys(): void {
  setKeyRing(parseKeyRing(process.env.TEST_ENCRYPTION_KEYS ?? "test:" + Buffer.alloc(32, 7).toString("base64")));
}

let pgAvailable: Promise<boolean> | null = null;
/** Whether the local PostgreSQL answers (checked once per process). */
export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.query("select 1");
      return true;
    } catch {
      if (REQUIRE_ALL) throw new Error(`PostgreSQL is required (REQUIRE_ALL_SUITES=1) but ${PG_ADMIN_URL} does not answer`);
      return false;
    } finally {
      await c.end().catch(() => {});
    }
  })();
  return pgAvailable;
}

function templatePath(): string {
  const h = createHash("sha256");
  for (const m of readMigrations()) h.update(m.name).update(m.checksum);
  const dir = path.resolve("tmp");
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `pglite-template-${h.digest("hex").slice(0, 16)}.tar.gz`);
}

async function pgliteTemplate(): Promise<Blob> {
  const file = templatePath();
  if (!existsSync(file)) {
    const client = await PGlite.create();
    await applyMigrations({ exec: async (s) => void (await client.exec(s)), query: async (s, p) => (await client.query(s, p)).rows as never[] });
    const blob = await client.dumpDataDir("gzip");
    await client.close();
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    renameSync(tmp, file); // atomic: parallel test processes never read a half-written template
  }
  return new Blob([readFileSync(file)]);
}

export interface TestDb extends Database {
  /** postgres:// URL of this database (PostgreSQL only), for child processes. */
  url?: string;
}

/** Creates a fresh migrated database of the given kind. */
export async function createTestDb(kind: DbKind = "pglite"): Promise<TestDb> {
  installTestKeys();
  if (kind === "pglite") {
    const client = await PGlite.create({ loadDataDir: await pgliteTemplate() });
    return openDatabase({ pglite: client, migrate: true });
  }
  const name = `cn_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
  const db = await openDatabase({ url, poolSize: 10, migrate: true });
  return {
    ...db,
    url,
    close: async () => {
      await db.close();
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await a.end();
    },
  };
}

/** The database kinds to run a suite on here: PGlite always, PostgreSQL when it answers. */
export async function availableKinds(): Promise<DbKind[]> {
  return (await postgresAvailable()) ? ["pglite", "postgres"] : ["pglite"];
}
