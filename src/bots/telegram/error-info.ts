import { GrammyError, HttpError } from "grammy";

/**
 * What of an error may be logged. Never the message of arbitrary errors: database errors (Prisma) can quote the
 * rejected row, i.e. the person's words. Bot API descriptions and grammY network messages are safe.
 */
export function errorInfo(err: unknown): { name: string; code?: string | number; description?: string } {
  if (err instanceof GrammyError) return { name: err.name, code: err.error_code, description: err.description };
  if (err instanceof HttpError) return { name: err.name, description: err.message };
  if (typeof err !== "object" || err === null) return { name: typeof err };
  const name = err instanceof Error ? err.name : "object";
  const code = "code" in err && (typeof err.code === "string" || typeof err.code === "number") ? err.code : undefined;
  return code === undefined ? { name } : { name, code };
}
