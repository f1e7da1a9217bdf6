import pino from "pino";

/**
 * The one structured logger. Never pass message text, names, phone numbers or addresses to it:
 * log ids, kinds, counts and durations. `redact` is a second line of defence for common field names.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" || process.env.VITEST ? "silent" : "info"),
  base: { app: "cau-noi" },
  redact: {
    paths: ["text", "*.text", "body", "*.body", "name", "*.name", "phone", "*.phone", "address", "*.address", "req.headers.cookie", "req.headers.authorization", "password", "*.password"],
    censor: "[private]",
  },
});
export type Logger = typeof logger;
