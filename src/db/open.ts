/**
 * Opens the case database: PGlite in a local folder by default (no accounts, no server), or PostgreSQL when
 * DATABASE_URL is set (several app instances can share it). Both run the same migrations and the same Prisma client.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.js";
import { applyMigrations, type SqlSession } from "./migrate.js";

export type DbKind = "pglite" | "postgres";

export interface Database {
  kind: DbKind;
  prisma: PrismaClient;
  /** Raw session for migrations and health checks (not for application queries: use prisma). */
  session: SqlSession;
  /** The Prisma adapter factory (the schema engine uses it for drift checks). */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// URL; when absent, PGlite in dataDir. */
  url?: string;
  /** PGlite folder ("memory://" for a throwaway database). */
  dataDir?: string;
  poolSize?: number;
  migrate?: boolean;
  /** An already-created PGlite (tests boot these from a migrated template). */
  pglite?: PGlite;
}

// BIGINT ids come back as strings from pg; Prisma handles its own decoding, raw sessions get strings.
/** Opens (and by default migrates) the database. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const db = opts.url ? await openPostgres(opts.url, opts.poolSize ?? 10) : await openPglite(opts.dataDir ?? "./data", opts.pglite);
  if (opts.migrate !== false) {
    try {
      await applyMigrations(db.session);
    } catch (err) {
      await db.close();
      throw err;
    }
  }
  return db;
}

async function openPglite(dataDir: string, existing?: PGlite): Promise<Database> {
  let dir = dataDir;
  if (!existing && !dir.startsWith("memory://")) {
    dir = path.resolve(dataDir, "pglite");
    mkdirSync(dir, { recursive: true });
  }
  const client = existing ?? (await PGlite.create(dir));
  const adapterFactory = new PrismaPGlite(client);
  const prisma = new PrismaClient({ adapter: adapterFactory });
  const session: SqlSession = {
    exec: async (sql) => {
      await client.exec(sql);
    },
    query: async <T>(sql: string, params?: unknown[]) => (await client.query<T>(sql, params)).rows,
  };
  return {
    kind: "pglite",
    prisma,
    session,
    adapterFactory,
    close: async () => {
      await prisma.$disconnect();
      if (!client.closed) await client.close();
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const adapterFactory = new PrismaPg({ connectionString: url, max: poolSize });
  const prisma = new PrismaClient({ adapter: adapterFactory });
  // Migrations need one connection for the advisory lock and BEGIN/COMMIT, health checks a cheap one: a dedicated client.
  let sessionClient: Promise<pg.Client> | null = null;
  const client = () =>
    (sessionClient ??= (async () => {
      const c = new pg.Client({ connectionString: url });
      c.on("error", () => {
        sessionClient = null; // reconnect on next use
      });
      await c.connect();
      return c;
    })());
  const session: SqlSession = {
    exec: async (sql) => {
      await (await client()).query(sql);
    },
    query: async <T>(sql: string, params?: unknown[]) => (await (await client()).query(sql, params)).rows as T[],
  };
  return {
    kind: "postgres",
    prisma,
    session,
    adapterFactory,
    close: async () => {
      const c = sessionClient;
      sessionClient = null;
      if (c) await (await c).end().catch(() => {});
      await prisma.$disconnect();
    },
  };
}
