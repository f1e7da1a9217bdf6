import type { Logger } from "../../log.js";
import type { ChannelSender, OutboundMessage, SendResult, SendTarget } from "../../messaging/outbound.js";
import { renderWith } from "../../messaging/outbound.js";
import { createRateLimiter, type RateLimiter } from "../../runtime/rate-limiter.js";
import type { GraphFailure, MessengerGraphClient, MessengerSendBody } from "./graph-client.js";
import { createMessengerRenderers } from "./outbound.js";

const HOUR = 3_600_000;
/** Standard messaging window after the person's last message (Messenger Platform policy). */
export const MESSENGER_WINDOW_MS = 24 * HOUR;
/** HUMAN_AGENT tag: a person may answer up to 7 days after the user's last message. */
export const MESSENGER_HUMAN_AGENT_MS = 7 * 24 * HOUR;

type Delivery = Pick<MessengerSendBody, "messaging_type" | "tag">;

/**
 * Which messaging_type a send may use, or null when Meta would refuse it (outside every window).
 * Inside 24 h no tag is needed even for staff replies (HUMAN_AGENT needs an approved permission, so it is used only
 * when it is the only way); a notification inside the window is an UPDATE (proactive), a reply a RESPONSE.
 */
export function messengerDelivery(target: SendTarget, now: Date): Delivery | null {
  if (!target.lastInboundAt) return null;
  const age = now.getTime() - target.lastInboundAt.getTime();
  if (age < MESSENGER_WINDOW_MS) return { messaging_type: target.purpose === "notification" ? "UPDATE" : "RESPONSE" };
  if (target.purpose === "human_agent" && age < MESSENGER_HUMAN_AGENT_MS) return { messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" };
  return null;
}

/** Graph codes that mean "try again later": 4 app rate limit, 17 user rate limit, 32 page rate limit, 613 send rate, 2 temporary. */
const RETRYABLE_CODES = new Set([2, 4, 17, 32, 613]);

/** Maps a Graph failure to a SendResult: rate limits / 5xx / network retry; blocked users and bad requests never do. */
export function classifyGraphFailure(error: GraphFailure): SendResult {
  const reason = `messenger ${error.status ?? "network"}${error.code !== undefined ? ` code ${error.code}` : ""}${error.subcode !== undefined ? `/${error.subcode}` : ""}`;
  const retryAfter = error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {};
  if (error.status === null) return { ok: false, retryable: true, reason };
  if (error.status === 429 || (error.code !== undefined && RETRYABLE_CODES.has(error.code))) return { ok: false, retryable: true, reason, ...retryAfter };
  // 551 "This person isn't available right now"; 200/1545041 same text; 100/2018001 "No matching user found".
  if (error.code === 551 || (error.code === 200 && error.subcode === 1545041) || (error.code === 100 && error.subcode === 2018001)) {
    return { ok: false, retryable: false, reason, blocked: true };
  }
  // 10/2018278: "This message is sent outside of allowed window" (our clock or lastInboundAt disagreed with Meta's).
  if (error.code === 10 && error.subcode === 2018278) return { ok: false, retryable: false, reason, outsideWindow: true };
  if (error.status >= 500) return { ok: false, retryable: true, reason, ...retryAfter };
  return { ok: false, retryable: false, reason };
}

export interface MessengerSenderOptions {
  client: MessengerGraphClient;
  logger: Logger;
  renderers?: ReturnType<typeof createMessengerRenderers>;
  /** Defaults to 250 calls/s per Page (Meta allows 300) and 1 msg/s per person with a burst of 5 (split texts). */
  rateLimiter?: RateLimiter;
  now?: () => Date;
}

/** Creates the Messenger ChannelSender: window rules, rendering, rate limiting and error classification. */
export function createMessengerSender(options: MessengerSenderOptions): ChannelSender {
  const renderers = options.renderers ?? createMessengerRenderers();
  const limiter = options.rateLimiter ?? createRateLimiter({ perKey: { rate: 1, burst: 5 }, global: { rate: 250, burst: 250 } });
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ channel: "messenger" });

  return {
    channel: "messenger",
    async send(target: SendTarget, message: OutboundMessage): Promise<SendResult> {
      const delivery = messengerDelivery(target, now());
      if (!delivery) {
        // The runtime holds the message and sends it after the person's next message.
        return { ok: false, retryable: false, reason: "messenger: outside the messaging window", outsideWindow: true };
      }
      const requests = renderWith(renderers, message);
      const ids: string[] = [];
      for (const [i, m] of requests.entries()) {
        await limiter.acquire(target.userId);
        const res = await options.client.sendMessage({ recipient: { id: target.userId }, ...delivery, message: m });
        if (!res.ok) {
          const result = classifyGraphFailure(res.error);
          // Parts already delivered are not undone; a retry resends them (rare: only long split messages).
          // 190: the page token itself was rejected; every send will fail until an operator replaces it.
          const level = res.error.code === 190 ? "error" : "warn";
          log[level]({ kind: message.kind, part: i, parts: requests.length, status: res.error.status, code: res.error.code, subcode: res.error.subcode, retryable: result.ok ? undefined : result.retryable }, "messenger send failed");
          return result;
        }
        ids.push(res.messageId);
      }
      log.debug({ kind: message.kind, parts: requests.length }, "messenger sent");
      return { ok: true, platformMessageIds: ids };
    },
  };
}

