/**
 * Applies the standard Prisma migration folders (prisma/migrations/<timestamp>_<name>/migration.sql) in order,
 * each in its own transaction, and records them in `_prisma_migrations` with Prisma's checksum (sha256 of the
 * file), so the real Prisma CLI accepts the same history. Needs no schema-engine binary. A migration already
 * applied with a different checksum stops start-up: history must never be rewritten under a live database.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

/** The minimum a database must offer to be migrated: multi-statement scripts and parameterised queries. */
export interface SqlSession {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface MigrationFileInfo {
  name: string;
  sql: string;
  checksum: string;
}

/** Lists the migration folders in apply order. */
export function readMigrations(dir = MIGRATIONS_DIR): MigrationFileInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/** Applies every pending migration; returns the names applied. Safe to run from several instances at once. */
export async function applyMigrations(db: SqlSession, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = readMigrations(dir);
  if (migrations.length === 0) throw new Error(`no migrations found in ${dir}`);
  const applied: string[] = [];
  // One advisory lock serialises concurrent starters (several app instances on one PostgreSQL).
  await db.exec(`SELECT pg_advisory_lock(7263001)`);
  try {
    await db.exec(CREATE_TABLE);
    const done = await db.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const byName = new Map(done.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
    for (const m of migrations) {
      const row = byName.get(m.name);
      if (row) {
        if (row.finished_at === null) throw new Error(`migration ${m.name} was started but not finished; fix the database by hand`);
        if (row.checksum !== m.checksum) throw new Error(`migration ${m.name} was changed after it was applied (checksum differs)`);
        continue;
      }
      const id = randomUUID();
      await db.exec("BEGIN");
      try {
        await db.exec(m.sql);
        await db.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), now(), 1)`,
          [id, m.checksum, m.name],
        );
        await db.exec("COMMIT");
      } catch (err) {
        await db.exec("ROLLBACK");
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
      }
      applied.push(m.name);
    }
    return applied;
  } finally {
    await db.exec(`SELECT pg_advisory_unlock(7263001)`);
  }
}

/** Names of migrations not yet applied (readiness check). */
export async function pendingMigrations(db: SqlSession, dir = MIGRATIONS_DIR): Promise<string[]> {
  const names = readMigrations(dir).map((m) => m.name);
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS t`);
  if (!exists[0]?.t) return names;
  const done = new Set(
    (await db.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)).map((r) => r.migration_name),
  );
  return names.filter((n) => !done.has(n));
}
