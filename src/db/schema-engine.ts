/**
 * Prisma's schema engine, run as WebAssembly (no native binary can be downloaded here). Development and test
 * tool only: it creates migration SQL from schema.prisma and checks a database for drift. Production start-up
 * applies migrations with the plain runner in migrate.ts, which needs no engine.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);

interface Engine {
  diff(p: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}

let wasmReady: Promise<{ SchemaEngine: { new: (o: unknown, cb: (s: string) => void, a: object) => Promise<Engine> } }> | null = null;

async function loadWasm() {
  const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
  const bg = await import(path.join(dir, "schema_engine_bg.js"));
  const bytes = await readFile(path.join(dir, "schema_engine_bg.wasm"));
  const { instance } = (await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg })) as unknown as { instance: WebAssembly.Instance };
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  return bg;
}

/** Runs `fn` with a schema engine bound to `factory`; resolves adapter errors into readable ones. */
export async function withSchemaEngine<T>(schema: string, factory: SqlMigrationAwareDriverAdapterFactory, fn: (e: Engine) => Promise<T>): Promise<T> {
  wasmReady ??= loadWasm();
  const { SchemaEngine } = await wasmReady;
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await SchemaEngine.new({ datamodels: [["schema.prisma", schema]] }, () => {}, bound);
  try {
    return await fn(engine);
  } catch (err) {
    const id = (err as { meta?: { id?: number } })?.meta?.id;
    if (typeof id === "number") {
      const rec = (bound.errorRegistry as unknown as { consumeError(i: number): { error: unknown } | undefined }).consumeError(id);
      if (rec) throw rec.error;
    }
    throw err;
  } finally {
    engine.free();
  }
}

/** SQL needed to make the live database (behind `factory`) match `schema`; empty when there is no drift. */
export async function driftSql(schema: string, factory: SqlMigrationAwareDriverAdapterFactory): Promise<string> {
  return withSchemaEngine(schema, factory, async (engine) => {
    const r = await engine.diff({
      from: { tag: "schemaDatasource", files: [{ path: "schema.prisma", content: schema }], configDir: process.cwd() },
      to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: schema }] },
      script: true,
      shadowDatabaseUrl: null,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return r.stdout ?? "";
  });
}

/**
 * A PostgreSQL adapter factory the schema engine can use: @prisma/adapter-pg 7.10 cannot decode Postgres's
 * internal `"char"` type (OID 18) that the engine's catalog queries return, so those columns are relabelled text.
 */
export async function charSafePgFactory(url: string): Promise<{ factory: SqlMigrationAwareDriverAdapterFactory; close(): Promise<void> }> {
  const pg = (await import("pg")).default;
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const relabel = <R>(r: R): R => {
    const fields = (r as { fields?: { dataTypeID: number }[] })?.fields;
    if (fields) for (const f of fields) if (f.dataTypeID === 18) f.dataTypeID = 25;
    return r;
  };
  const origQuery = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
  (pool as unknown as { query: (...a: unknown[]) => Promise<unknown> }).query = async (...a: unknown[]) => relabel(await origQuery(...a));
  const factory = new PrismaPg(pool as never);
  return { factory, close: () => pool.end() };
}
