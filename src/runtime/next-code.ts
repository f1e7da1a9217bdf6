/**
 * Human-readable record codes (BV-2026-000123 cases, NC-… needs, UH-… pledges) from the CodeSequence table.
 * One atomic upsert per code: concurrent transactions on PostgreSQL serialise on the row, so no two records ever
 * get the same number, and a rolled-back transaction only leaves a gap (gaps are fine; duplicates are not).
 */
import type { Prisma } from "../generated/prisma/client.js";

export type CodePrefix = "BV" | "NC" | "UH";

/** Allocates the next code for a prefix and year inside the caller's transaction, e.g. "UH-2026-000123". */
export async function nextCode(tx: Prisma.TransactionClient, prefix: CodePrefix, year: number): Promise<string> {
  if (!Number.isInteger(year) || year < 2000 || year > 9999) throw new Error(`nextCode: bad year ${year}`);
  const key = `${prefix}-${year}`;
  const rows = await tx.$queryRaw<{ value: number | bigint }[]>`
    INSERT INTO "CodeSequence" ("key", "value") VALUES (${key}, 1)
    ON CONFLICT ("key") DO UPDATE SET "value" = "CodeSequence"."value" + 1
    RETURNING "value"`;
  const value = rows[0]?.value;
  if (value === undefined) throw new Error("nextCode: the sequence upsert returned no row");
  return `${key}-${String(value).padStart(6, "0")}`;
}

/** The calendar year in Vietnam (UTC+7, no daylight saving) — codes roll over at local midnight on 1 January. */
export function vietnamYear(now: Date): number {
  return new Date(now.getTime() + 7 * 3_600_000).getUTCFullYear();
}
