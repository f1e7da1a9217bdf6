import { Api, GrammyError, HttpError } from "grammy";
import type { Logger } from "../../log.js";
import type { ChannelSender, OutboundMessage, SendResult, SendTarget } from "../../messaging/outbound.js";
import { createRateLimiter, systemClock, type Clock, type RateLimiter } from "../../runtime/rate-limiter.js";
import { createTelegramRenderers, renderTelegram, type TelegramRendererOptions, type TelegramRequest } from "./outbound.js";

export type TelegramFailure = Extract<SendResult, { ok: false }>;

export interface TelegramSenderOptions extends TelegramRendererOptions {
  token: string;
  /** Bot API root without trailing slash (TELEGRAM_API_ROOT); default https://api.telegram.org. */
  apiRoot?: string;
  logger: Logger;
  /** Shared limiter; default: 1 msg/s per chat with bursts of 3, 30 msg/s overall (Bot FAQ). */
  limiter?: RateLimiter;
  /** Injected for tests (in-process waits between parts of a split message). */
  clock?: Clock;
  /** Longest in-process wait for a 429 in the middle of a multi-part message (default 5 s). */
  maxInlineRetryMs?: number;
}

/** Bot FAQ: avoid more than one message per second per chat (short bursts are tolerated) and ~30 per second overall. */
export function createTelegramLimiter(clock?: Clock): RateLimiter {
  return createRateLimiter({ perKey: { rate: 1, burst: 3 }, global: { rate: 30, burst: 30 }, ...(clock ? { clock } : {}) });
}

/** Creates the Telegram ChannelSender: renders, rate-limits per chat and overall, and returns failures as values. */
export function createTelegramSender(options: TelegramSenderOptions): ChannelSender {
  const api = new Api(options.token, options.apiRoot ? { apiRoot: options.apiRoot } : undefined);
  const clock = options.clock ?? systemClock;
  const limiter = options.limiter ?? createTelegramLimiter(clock);
  const log = options.logger.child({ channel: "telegram", component: "sender" });
  const r = createTelegramRenderers(options.publicBaseUrl ? { publicBaseUrl: options.publicBaseUrl } : {});
  const maxInlineRetryMs = options.maxInlineRetryMs ?? 5_000;

  async function call(chatId: string, req: TelegramRequest): Promise<number> {
    if (req.method === "sendMessage") {
      const sent = await api.sendMessage(chatId, req.text, {
        ...(req.replyMarkup ? { reply_markup: req.replyMarkup } : {}),
        ...(req.disableLinkPreview ? { link_preview_options: { is_disabled: true } } : {}),
      });
      return sent.message_id;
    }
    const sent = await api.sendPhoto(chatId, req.photo, {
      ...(req.caption ? { caption: req.caption } : {}),
      ...(req.replyMarkup ? { reply_markup: req.replyMarkup } : {}),
    });
    return sent.message_id;
  }

  return {
    channel: "telegram",
    async send(target: SendTarget, message: OutboundMessage): Promise<SendResult> {
      let reqs: TelegramRequest[];
      try {
        reqs = renderTelegram(message, r);
      } catch (err) {
        log.error({ kind: message.kind, err: err instanceof Error ? err.message : String(err) }, "telegram render failed");
        return { ok: false, retryable: false, reason: "render_failed" };
      }
      const ids: string[] = [];
      for (const [i, req] of reqs.entries()) {
        let attempt = 0;
        for (;;) {
          await limiter.acquire(target.userId);
          try {
            ids.push(String(await call(target.userId, req)));
            break;
          } catch (err) {
            const failure = classifyTelegramError(err);
            const wait = failure.retryable ? (failure.retryAfterMs ?? 1_000) : Infinity;
            // Once part of a split message is out, a retry by the outbox would repeat it: wait briefly here instead.
            if (i > 0 && wait <= maxInlineRetryMs && attempt < 2) {
              attempt++;
              log.warn({ kind: message.kind, part: i, waitMs: wait, reason: failure.reason }, "telegram send retrying part");
              await clock.sleep(wait);
              continue;
            }
            log.warn(
              { kind: message.kind, part: i, parts: reqs.length, sentParts: ids.length, reason: failure.reason, retryable: failure.retryable },
              "telegram send failed",
            );
            return failure;
          }
        }
      }
      log.debug({ kind: message.kind, parts: ids.length }, "telegram sent");
      return { ok: true, platformMessageIds: ids };
    },
  };
}

/** Maps a grammY error to a SendResult failure: 429/5xx/network retry, 403 blocked is permanent and marks the contact, other 4xx are permanent. */
export function classifyTelegramError(err: unknown): TelegramFailure {
  if (err instanceof GrammyError) {
    const code = err.error_code;
    const description = typeof err.description === "string" ? err.description : "";
    if (code === 429) {
      const retryAfter = err.parameters?.retry_after;
      return {
        ok: false,
        retryable: true,
        reason: "telegram_429",
        ...(typeof retryAfter === "number" ? { retryAfterMs: retryAfter * 1000 } : {}),
      };
    }
    if (code === 403) {
      // "bot was blocked by the user", "user is deactivated": the person cannot be reached any more.
      const blocked = /blocked by the user|user is deactivated/i.test(description);
      return { ok: false, retryable: false, reason: blocked ? "telegram_blocked" : "telegram_403", ...(blocked ? { blocked: true } : {}) };
    }
    // 401/404 mean our token is wrong (misconfiguration): retry so messages survive until the token is fixed.
    if (code === 401 || code === 404) return { ok: false, retryable: true, reason: `telegram_${code}_bad_token` };
    if (typeof code === "number" && code >= 400 && code < 500) return { ok: false, retryable: false, reason: `telegram_${code}` };
    // 5xx, or a reply that was not a Bot API error at all (proxy page, unknown method on a test server).
    return { ok: false, retryable: true, reason: typeof code === "number" ? `telegram_${code}` : "telegram_bad_response" };
  }
  if (err instanceof HttpError) return { ok: false, retryable: true, reason: "telegram_network" };
  return { ok: false, retryable: true, reason: "telegram_unknown_error" };
}
