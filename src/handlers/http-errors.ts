/** Maps errors to HTTP once, at the edge: AppError → its status and public message; anything else → 500 without details. */
import type { ErrorRequestHandler, RequestHandler } from "express";
import { z } from "zod";
import { AppError, ERROR_STATUS } from "../errors.js";
import type { Logger } from "../log.js";

/** Parses a request part with zod or throws a 400 AppError listing what is wrong (field names, never values). */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, what = "request"): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const reasons = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || what}: ${i.message}`);
  throw new AppError("bad_request", `Invalid ${what}: ${reasons.join("; ")}`, { reasons });
}

/** The final error handler. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof AppError) {
      res.status(ERROR_STATUS[err.code]).json({ error: err.code, message: err.publicMessage });
      return;
    }
    const e = err as { type?: string; status?: number; statusCode?: number };
    // body-parser errors: malformed JSON, too large, wrong charset
    if (e.type === "entity.parse.failed") return void res.status(400).json({ error: "bad_request", message: "Malformed JSON body" });
    if (e.type === "entity.too.large") return void res.status(413).json({ error: "payload_too_large", message: "Request body too large" });
    if (typeof e.status === "number" && e.status >= 400 && e.status < 500) return void res.status(e.status).json({ error: "bad_request", message: "Bad request" });
    logger.error({ err: (err as Error)?.message, path: req.path }, "unhandled error");
    res.status(500).json({ error: "internal", message: "Internal error" });
  };
}

/** 404 for unknown API routes (JSON), so clients never get an HTML error page. */
export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: "not_found", message: `No route for ${req.method} ${req.path}` });
};
