import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { pendingMigrations, readMigrations } from "../../src/db/migrate.js";
import { charSafePgFactory, driftSql } from "../../src/db/schema-engine.js";
import { createTestDb, postgresAvailable, type TestDb } from "../support/test-db.js";

const schema = readFileSync("prisma/schema.prisma", "utf8");
const pgOk = await postgresAvailable();

/** Lines of SQL that would change something (comments and blank lines aside). */
async function drift(db: TestDb): Promise<string> {
  if (db.kind === "pglite") return driftSql(schema, db.adapterFactory);
  const { factory, close } = await charSafePgFactory(db.url!);
  try {
    return await driftSql(schema, factory);
  } finally {
    await close();
  }
}

function statements(sql: string): string[] {
  return sql.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("--"));
}

describe.each([
  ["pglite", true],
  ["postgres", pgOk],
] as const)("migrations on %s", (kind, available) => {
  const dbs: TestDb[] = [];
  afterAll(async () => {
    for (const d of dbs) await d.close();
  });

  it.skipIf(!available)("applies every migration folder and records it like Prisma does", async () => {
    const db = await createTestDb(kind);
    dbs.push(db);
    const rows = await db.session.query<{ migration_name: string; checksum: string }>(`SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(readMigrations().map((m) => m.name));
    expect(rows.map((r) => r.checksum)).toEqual(readMigrations().map((m) => m.checksum));
    expect(await pendingMigrations(db.session)).toEqual([]);
    // the tables really exist (a runner that silently applied nothing would fail here)
    expect(await db.prisma.administrativeUnit.count()).toBe(0);
  });

  it.skipIf(!available)("leaves no drift between the migrated database and schema.prisma", async () => {
    const db = dbs[0] ?? (await createTestDb(kind));
    if (!dbs.includes(db)) dbs.push(db);
    const sql = await drift(db);
    expect(statements(sql)).toEqual([]);
  });

  it.skipIf(!available)("detects drift when the database differs from the schema", async () => {
    const db = dbs[0]!;
    await db.session.exec(`ALTER TABLE "Contact" DROP COLUMN "locale"`);
    const sql = await drift(db);
    expect(statements(sql).join(" ")).toMatch(/locale/);
  });

  it.skipIf(!available)("keeps the audit log append-only", async () => {
    const db = await createTestDb(kind);
    dbs.push(db);
    const row = await db.prisma.auditLog.create({ data: { actor: "system", action: "test", entity: "none" } });
    await expect(db.prisma.auditLog.update({ where: { id: row.id }, data: { action: "changed" } })).rejects.toThrow();
    await expect(db.prisma.auditLog.delete({ where: { id: row.id } })).rejects.toThrow();
  });
});
