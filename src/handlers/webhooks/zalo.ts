import { createHash, timingSafeEqual } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import { zaloBodyToEvents, ZaloWebhookBody } from "../../bots/zalo/inbound.js";
import { zaloVerifierFileName, zaloVerifierHtml } from "../../bots/zalo/verification.js";
import { AppError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { sendWebhookError, webhookBodyErrorHandler } from "./body-errors.js";
import { InboundEvent } from "../../messaging/inbound.js";

export interface ZaloWebhookOptions {
  /** ZALO_APP_ID: first part of the signed string. */
  appId: string;
  /** ZALO_OA_SECRET_KEY: the OA Secret Key on the app's Webhook page (not the App Secret). */
  oaSecretKey: string;
  /** Durable inbox write; resolves only once the events are stored (we answer 200 after it). */
  ingest: (events: InboundEvent[]) => Promise<void>;
  logger: Logger;
  /** Our OA id, when known: lets receipts pick the user side reliably (see bots/zalo/inbound.ts). */
  oaId?: string;
  /** ZALO_SITE_VERIFICATION: when set, GET /zalo_verifier<code>.html is served for domain verification. */
  siteVerification?: string;
  /** Route path; defaults to /webhooks/zalo. */
  path?: string;
}

export const ZALO_WEBHOOK_PATH = "/webhooks/zalo";
/** Zalo tells the OA admin the webhook is down when an answer takes longer than 2 s. */
const SLOW_ANSWER_MS = 1500;

/**
 * Express router for the Zalo OA webhook: raw-body X-ZEvent-Signature check → zod → durable ingest → 200.
 * Mount it BEFORE any global express.json(), which would consume the raw body.
 */
export function createZaloWebhook(options: ZaloWebhookOptions): Router {
  if (!options.oaSecretKey) throw new Error("ZALO_OA_SECRET_KEY is required for the Zalo webhook");
  if (!options.appId) throw new Error("ZALO_APP_ID is required for the Zalo webhook");
  const path = options.path ?? ZALO_WEBHOOK_PATH;
  const log = options.logger.child({ channel: "zalo", route: "webhook" });
  const router = express.Router();

  if (options.siteVerification) {
    const html = zaloVerifierHtml(options.siteVerification);
    const file = `/${zaloVerifierFileName(options.siteVerification)}`;
    // Compared as a plain string: the code may hold characters that express route patterns treat specially.
    router.use((req, res, next) => {
      if ((req.method === "GET" || req.method === "HEAD") && req.path === file) res.status(200).type("text/html").send(html);
      else next();
    });
  }

  router.post(path, express.raw({ type: () => true, limit: "1mb" }), async (req: Request, res: Response) => {
    const started = Date.now();
    if (!Buffer.isBuffer(req.body)) {
      log.error("zalo webhook mounted after a body parser; raw body unavailable");
      sendWebhookError(res, new AppError("unavailable", "webhook misconfigured"));
      return;
    }
    const raw = req.body;
    let json: unknown;
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      json = undefined;
    }
    // The timestamp is part of the signed string, so a body we cannot read cannot be verified either: 401, not 400.
    const timestamp = signedTimestamp(json, raw);
    const signature = req.get("x-zevent-signature");
    if (timestamp === null || !verifyZaloSignature({ appId: options.appId, rawBody: raw, timestamp, oaSecretKey: options.oaSecretKey }, signature)) {
      log.warn({ hasSignature: Boolean(signature), hasTimestamp: timestamp !== null, retry: req.get("num_retry") ?? undefined }, "zalo signature rejected");
      sendWebhookError(res, new AppError("unauthorized", "invalid signature"));
      return;
    }
    const parsed = ZaloWebhookBody.safeParse(json);
    if (!parsed.success) {
      sendWebhookError(res, new AppError("bad_request", `invalid payload: ${describeIssues(parsed.error.issues)}`));
      return;
    }
    const events = zaloBodyToEvents(parsed.data, options.oaId ? { oaId: options.oaId } : {}).filter((e) => InboundEvent.safeParse(e).success);
    try {
      if (events.length > 0) await options.ingest(events);
    } catch (err) {
      // Zalo retries only when it cannot connect, so this event is lost: loud log for the operators.
      log.error({ err: err instanceof Error ? err.name : typeof err, event: parsed.data.event_name }, "zalo ingest failed");
      sendWebhookError(res, new AppError("unavailable", "try again later"));
      return;
    }
    const ms = Date.now() - started;
    if (ms > SLOW_ANSWER_MS) log.warn({ ms, event: parsed.data.event_name }, "zalo webhook answer close to Zalo's 2 s limit");
    log.info({ event: parsed.data.event_name, events: events.length }, "zalo webhook accepted");
    res.status(200).json({ error: 0, message: "ok" });
  });

  router.use(path, webhookBodyErrorHandler(log, "zalo"));
  return router;
}

export interface ZaloSignedParts {
  appId: string;
  rawBody: Buffer;
  /** The body's `timestamp` field exactly as sent. */
  timestamp: string;
  oaSecretKey: string;
}

/** The expected X-ZEvent-Signature: lowercase hex sha256(appId + rawBody + timestamp + oaSecretKey) — plain SHA-256, not HMAC (Zalo Java SDK MacUtils). */
export function zaloSignature(parts: ZaloSignedParts): string {
  return createHash("sha256").update(parts.appId).update(parts.rawBody).update(parts.timestamp).update(parts.oaSecretKey).digest("hex");
}

/** True when `header` (bare hex or "mac=<hex>") matches the expected signature; constant-time, false for missing/empty. */
export function verifyZaloSignature(parts: ZaloSignedParts, header: string | undefined): boolean {
  if (!header || !parts.oaSecretKey) return false;
  const m = /^(?:mac\s*=\s*)?([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m?.[1]) return false;
  const expected = Buffer.from(zaloSignature(parts), "hex");
  const given = Buffer.from(m[1], "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The body's `timestamp` as the characters Zalo signed. Zalo sends a string; should it ever be a JSON number,
 * JSON.parse would round values above 2^53, so the digits are then taken from the raw text.
 */
function signedTimestamp(json: unknown, raw: Buffer): string | null {
  if (typeof json !== "object" || json === null || !("timestamp" in json)) return null;
  const t = json.timestamp;
  if (typeof t === "string" && t !== "") return t;
  if (typeof t === "number") {
    const m = /"timestamp"\s*:\s*(-?\d+)/.exec(raw.toString("utf8"));
    return m?.[1] ?? String(t);
  }
  return null;
}

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join(".") || "body"}: ${i.message}`)
    .join("; ");
}


