/** What every signed webhook answers when its raw body cannot be read (too large, bad encoding, aborted). */
import type { ErrorRequestHandler, Response } from "express";
import { AppError, ERROR_STATUS } from "../../errors.js";
import type { Logger } from "../../log.js";

/** Sends an AppError as the JSON error body the webhooks use. */
export function sendWebhookError(res: Response, err: AppError): void {
  res.status(ERROR_STATUS[err.code]).json({ error: err.code, message: err.publicMessage });
}

/** Maps body-parser failures to a clear 4xx; `channel` names the webhook in the log line. */
export function webhookBodyErrorHandler(log: Logger, channel: string): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const type = typeof err === "object" && err !== null && "type" in err ? String(err.type) : "";
    if (type === "entity.too.large") {
      log.warn(`${channel} webhook body too large`);
      sendWebhookError(res, new AppError("payload_too_large", "body too large"));
      return;
    }
    if (type === "encoding.unsupported" || type === "charset.unsupported") {
      sendWebhookError(res, new AppError("unsupported_media_type", "unsupported encoding"));
      return;
    }
    log.warn({ type }, `${channel} webhook body unreadable`);
    sendWebhookError(res, new AppError("bad_request", "unreadable body"));
  };
}
