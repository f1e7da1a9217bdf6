import { createHash, timingSafeEqual } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Api } from "grammy";
import { callbackQueryToAnswer, isTelegramUpdate, telegramUpdateKind, telegramUpdateToEvents } from "../../bots/telegram/inbound.js";
import { errorInfo } from "../../bots/telegram/error-info.js";
import type { Logger } from "../../log.js";
import type { InboundEvent } from "../../messaging/inbound.js";

/** Where Telegram posts updates; setWebhook gets `${PUBLIC_BASE_URL}${TELEGRAM_WEBHOOK_PATH}`. */
export const TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram";
const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
/** Telegram's own rule for secret_token; we also demand enough length to resist guessing. */
const SECRET_FORMAT = /^[A-Za-z0-9_-]{16,256}$/;

export interface TelegramWebhookOptions {
  /** TELEGRAM_WEBHOOK_SECRET, the secret_token given to setWebhook. Required: there is no unauthenticated mode. */
  secretToken: string;
  /** Durable write of the events; resolves only once they are stored (duplicates are dropped by the inbox). */
  ingest: (events: InboundEvent[]) => Promise<void>;
  /** Used only to acknowledge callback queries (stop the button's spinner); omit to skip that. */
  api?: Pick<Api, "answerCallbackQuery">;
  logger: Logger;
}

/** Creates the router for POST /webhooks/telegram: secret check → zod → translate → durable ingest → 200 (503 if the write failed, so Telegram retries). */
export function createTelegramWebhook(options: TelegramWebhookOptions): express.Router {
  if (typeof options.secretToken !== "string" || !SECRET_FORMAT.test(options.secretToken)) {
    throw new Error("Telegram webhook needs TELEGRAM_WEBHOOK_SECRET: 16–256 characters of A-Z, a-z, 0-9, _ or -");
  }
  // Compare digests: equal-length buffers for timingSafeEqual, and nothing about the secret's length leaks.
  const expected = digest(options.secretToken);
  const log = options.logger.child({ channel: "telegram", component: "webhook" });
  const router = express.Router();

  const checkSecret = (req: Request, res: Response, next: NextFunction): void => {
    const given = req.get(SECRET_HEADER);
    if (!given || !timingSafeEqual(digest(given), expected)) {
      log.warn({ hasHeader: Boolean(given) }, "telegram webhook: bad secret token");
      res.status(401).json({ error: "unauthorized" });
      return;
    }
    next();
  };

  router.post(
    TELEGRAM_WEBHOOK_PATH,
    checkSecret, // before parsing: unauthenticated bodies are never read
    express.json({ limit: "1mb", type: "application/json" }),
    async (req: Request, res: Response) => {
      if (!isTelegramUpdate(req.body)) {
        res.status(400).json({ error: "bad_request", reason: "body must be a JSON Telegram Update with an integer update_id" });
        return;
      }
      const update = req.body;
      const updateLog = log.child({ updateId: update.update_id, updateKind: telegramUpdateKind(update) });
      let events: InboundEvent[];
      try {
        events = telegramUpdateToEvents(update);
      } catch (err) {
        // Retrying cannot fix a payload we cannot read; acknowledge it so Telegram stops re-sending it.
        updateLog.error({ err: errorInfo(err) }, "telegram update translation failed; dropped");
        res.sendStatus(200);
        return;
      }
      if (events.length > 0) {
        try {
          await options.ingest(events);
        } catch (err) {
          updateLog.error({ err: errorInfo(err) }, "telegram ingest failed; asking Telegram to retry");
          res.status(503).json({ error: "unavailable" });
          return;
        }
      }
      updateLog.info({ events: events.map((e) => e.kind) }, "telegram update stored");
      res.sendStatus(200);

      const callbackId = callbackQueryToAnswer(update);
      if (callbackId && options.api) {
        // Only a UI acknowledgement (the spinner on the button); the update is already stored.
        options.api.answerCallbackQuery(callbackId).catch((err: unknown) => {
          updateLog.warn({ err: errorInfo(err) }, "answerCallbackQuery failed");
        });
      }
    },
  );

  // Body-parser failures (malformed JSON, too large, wrong charset) come here as errors with a status.
  router.use(TELEGRAM_WEBHOOK_PATH, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = httpStatusOf(err);
    if (status === undefined) {
      next(err);
      return;
    }
    const reason = status === 413 ? "body too large" : "body is not valid JSON";
    res.status(status).json({ error: status === 413 ? "payload_too_large" : "bad_request", reason });
  });

  return router;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null || !("status" in err)) return undefined;
  const status = err.status;
  return typeof status === "number" && status >= 400 && status < 500 ? status : undefined;
}
