import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import { messengerBodyToEvents, MessengerWebhookBody } from "../../bots/messenger/inbound.js";
import { AppError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { sendWebhookError, webhookBodyErrorHandler } from "./body-errors.js";
import { InboundEvent } from "../../messaging/inbound.js";

export interface MessengerWebhookOptions {
  /** MESSENGER_VERIFY_TOKEN: the string typed into the Meta app's webhook settings. */
  verifyToken: string;
  /** MESSENGER_APP_SECRET: key of the X-Hub-Signature-256 HMAC. */
  appSecret: string;
  /** Durable inbox write; resolves only once the events are stored (we answer 200 after it). */
  ingest: (events: InboundEvent[]) => Promise<void>;
  logger: Logger;
  /** Route path; defaults to /webhooks/messenger. */
  path?: string;
}

export const MESSENGER_WEBHOOK_PATH = "/webhooks/messenger";
/** Meta batches up to 1000 events per delivery, far below 1 MB; anything bigger is not from Meta. */
const BODY_LIMIT = "1mb";

/**
 * Express router for the Messenger webhook: GET handshake, POST with raw-body X-Hub-Signature-256 check → zod →
 * durable ingest → 200 "EVENT_RECEIVED". Mount it BEFORE any global express.json(), which would consume the raw body.
 */
export function createMessengerWebhook(options: MessengerWebhookOptions): Router {
  // Refusing to start beats accepting unsigned events (architecture.md anti-patterns).
  if (!options.appSecret) throw new Error("MESSENGER_APP_SECRET is required for the Messenger webhook");
  if (!options.verifyToken) throw new Error("MESSENGER_VERIFY_TOKEN is required for the Messenger webhook");
  const path = options.path ?? MESSENGER_WEBHOOK_PATH;
  const log = options.logger.child({ channel: "messenger", route: "webhook" });
  const router = express.Router();

  router.get(path, (req, res) => {
    // Read the raw query: with the "extended" query parser `hub.mode` would become {hub:{mode}}.
    const q = new URL(req.originalUrl, "http://localhost").searchParams;
    const challenge = q.get("hub.challenge");
    if (q.get("hub.mode") === "subscribe" && challenge && challenge.length <= 1000 && safeEqualText(q.get("hub.verify_token") ?? "", options.verifyToken)) {
      log.info("messenger webhook verified");
      res.status(200).type("text/plain").set("X-Content-Type-Options", "nosniff").send(challenge);
      return;
    }
    log.warn("messenger webhook handshake refused");
    res.sendStatus(403);
  });

  router.post(path, express.raw({ type: () => true, limit: BODY_LIMIT }), async (req: Request, res: Response) => {
    if (!Buffer.isBuffer(req.body)) {
      // A JSON parser ran first and the exact signed bytes are gone: a wiring bug, not the sender's fault.
      log.error("messenger webhook mounted after a body parser; raw body unavailable");
      sendWebhookError(res, new AppError("unavailable", "webhook misconfigured"));
      return;
    }
    const raw = req.body;
    if (!verifyMessengerSignature(raw, req.get("x-hub-signature-256"), options.appSecret)) {
      log.warn({ hasSignature: Boolean(req.get("x-hub-signature-256")), legacySha1: Boolean(req.get("x-hub-signature")) }, "messenger signature rejected");
      sendWebhookError(res, new AppError("unauthorized", "invalid signature"));
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      sendWebhookError(res, new AppError("bad_request", "body is not JSON"));
      return;
    }
    const parsed = MessengerWebhookBody.safeParse(json);
    if (!parsed.success) {
      sendWebhookError(res, new AppError("bad_request", `invalid payload: ${describeIssues(parsed.error.issues)}`));
      return;
    }
    const events = keepValid(messengerBodyToEvents(parsed.data), log);
    try {
      if (events.length > 0) await options.ingest(events);
    } catch (err) {
      // Meta resends on non-200, so a failed durable write loses nothing.
      log.error({ err: errorName(err), events: events.length }, "messenger ingest failed");
      sendWebhookError(res, new AppError("unavailable", "try again later"));
      return;
    }
    log.info({ entries: parsed.data.entry.length, events: events.length }, "messenger webhook accepted");
    res.status(200).type("text/plain").send("EVENT_RECEIVED");
  });

  router.use(path, webhookBodyErrorHandler(log, "messenger"));
  return router;
}

/** True when `header` is "sha256=" + hex HMAC-SHA256(rawBody, appSecret); constant-time, false for missing/empty/malformed. */
export function verifyMessengerSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!appSecret || !header) return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m?.[1]) return false;
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  const given = Buffer.from(m[1], "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Compares two strings in constant time (hashing first makes the lengths equal). */
function safeEqualText(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** Drops events that break the inbox contract (e.g. an id over 200 chars) instead of failing the whole batch forever. */
function keepValid(events: InboundEvent[], log: Logger): InboundEvent[] {
  const ok = events.filter((e) => InboundEvent.safeParse(e).success);
  if (ok.length !== events.length) log.warn({ dropped: events.length - ok.length }, "messenger events outside the inbox contract dropped");
  return ok;
}

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join(".") || "body"}: ${i.message}`)
    .join("; ");
}


function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

