import type { Logger } from "../../log.js";
import type { ChannelSender, OutboundMessage, SendResult, SendTarget } from "../../messaging/outbound.js";
import { renderWith } from "../../messaging/outbound.js";
import { createRateLimiter, type RateLimiter } from "../../runtime/rate-limiter.js";
import { createZaloRenderers } from "./outbound.js";
import type { ZaloClient } from "./zalo-client.js";

/** CS messages need an interaction within 7 days (else -230); known-stale targets are not even tried. */
export const ZALO_INTERACTION_WINDOW_MS = 7 * 24 * 3_600_000;

/** Zalo allows 4,000 requests/min per app (channels.md §3.3); per person we keep to ~1/s with a small burst for split texts. */
export function createZaloRateLimiter(): RateLimiter {
  return createRateLimiter({ perKey: { rate: 1, burst: 5 }, global: { rate: 4000 / 60, burst: 60 } });
}

export interface ZaloSenderOptions {
  client: ZaloClient;
  logger: Logger;
  renderers?: ReturnType<typeof createZaloRenderers>;
  rateLimiter?: RateLimiter;
  now?: () => Date;
}

/** Creates the Zalo OA ChannelSender: rendering, the 4,000/min rate limit, the 7-day interaction rule, error mapping. */
export function createZaloSender(options: ZaloSenderOptions): ChannelSender {
  const renderers = options.renderers ?? createZaloRenderers();
  const limiter = options.rateLimiter ?? createZaloRateLimiter();
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ channel: "zalo" });

  return {
    channel: "zalo",
    async send(target: SendTarget, message: OutboundMessage): Promise<SendResult> {
      // Unknown lastInboundAt (e.g. only a follow so far) is left for Zalo to judge: follows count as interaction.
      if (target.lastInboundAt && now().getTime() - target.lastInboundAt.getTime() >= ZALO_INTERACTION_WINDOW_MS) {
        return { ok: false, retryable: false, reason: "zalo: no interaction in the last 7 days", outsideWindow: true };
      }
      const requests = renderWith(renderers, message);
      const ids: string[] = [];
      for (const [i, m] of requests.entries()) {
        await limiter.acquire(target.userId);
        const res = await options.client.sendMessage(target.userId, m);
        if (!res.ok) {
          log.warn({ kind: message.kind, part: i, parts: requests.length, reason: res.result.reason, retryable: res.result.retryable }, "zalo send failed");
          return res.result;
        }
        if (res.messageId) ids.push(res.messageId);
      }
      log.debug({ kind: message.kind, parts: requests.length }, "zalo sent");
      return { ok: true, platformMessageIds: ids };
    },
  };
}

