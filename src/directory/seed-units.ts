/**
 * Loads the 2025 administrative units into the AdministrativeUnit table, so cases, needs and staff scopes can be
 * joined and shown by name in SQL and in the console. Idempotent: existing rows are kept (skipDuplicates).
 */
import type { PrismaClient } from "../generated/prisma/client.js";
import { loadDirectory, type DirectoryData } from "./load-units.js";

/** Rows per INSERT statement (arrays are bound as 8 parameters, so this only bounds statement size). */
const CHUNK = 2000;

export interface SeedUnitsResult {
  /** Province rows in the table after seeding. */
  provinces: number;
  /** Commune rows in the table after seeding. */
  communes: number;
  /** Rows this call inserted (0 when everything was already there). */
  inserted: number;
}

/** Bulk-loads 34 provinces and 3,321 communes into AdministrativeUnit; a cheap count check when already loaded. */
export async function seedAdministrativeUnits(prisma: PrismaClient, data: DirectoryData = loadDirectory()): Promise<SeedUnitsResult> {
  const counts = async () => ({
    provinces: await prisma.administrativeUnit.count({ where: { level: "province" } }),
    communes: await prisma.administrativeUnit.count({ where: { level: "commune" } }),
  });
  const before = await counts();
  if (before.provinces === data.provinces.length && before.communes === data.communes.length) return { ...before, inserted: 0 };

  const rows = [
    ...data.provinces.map((p) => ({
      code: p.code,
      level: "province",
      name: p.name,
      fullName: p.fullName,
      nameEn: p.nameEn,
      type: p.type,
      provinceCode: p.code,
      formedFrom: p.formedFrom,
    })),
    ...data.communes.map((c) => ({
      code: c.code,
      level: "commune",
      name: c.name,
      fullName: c.fullName,
      nameEn: c.nameEn,
      type: c.type,
      provinceCode: c.provinceCode,
      formedFrom: c.formedFrom,
    })),
  ];
  // One INSERT … SELECT FROM unnest(arrays) per chunk: 8 bind parameters instead of 8 a row, and far fewer round trips
  // than createMany (which is slow on PGlite). ON CONFLICT keeps rows that are already there.
  let inserted = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const col = (k: keyof (typeof rows)[number]) => part.map((r) => r[k]);
    inserted += await prisma.$executeRaw`
      INSERT INTO "AdministrativeUnit" ("code", "level", "name", "fullName", "nameEn", "type", "provinceCode", "formedFrom")
      SELECT * FROM unnest(${col("code")}::text[], ${col("level")}::text[], ${col("name")}::text[], ${col("fullName")}::text[],
                           ${col("nameEn")}::text[], ${col("type")}::text[], ${col("provinceCode")}::text[], ${col("formedFrom")}::text[])
      ON CONFLICT ("code") DO NOTHING`;
  }
  return { ...(await counts()), inserted };
}
