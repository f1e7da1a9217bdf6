import { Api, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../log.js";
import type { InboundEvent } from "../../messaging/inbound.js";
import { TELEGRAM_ALLOWED_UPDATES } from "./capabilities.js";
import { errorInfo } from "./error-info.js";
import { callbackQueryToAnswer, telegramUpdateKind, telegramUpdateToEvents } from "./inbound.js";

export interface TelegramPollingOptions {
  token: string;
  /** Bot API root without trailing slash (TELEGRAM_API_ROOT); default https://api.telegram.org. */
  apiRoot?: string;
  /** Durable write; the offset moves past an update only after this resolved for it. */
  ingest: (events: InboundEvent[]) => Promise<void>;
  logger: Logger;
  /** Long-poll duration (getUpdates `timeout`), default 30 s. */
  timeoutSeconds?: number;
  /** Backoff after errors: doubles from initialMs up to maxMs (defaults 1 s → 30 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** Pause after an empty answer that came back early (servers that ignore `timeout`), default 500 ms. */
  idleDelayMs?: number;
}

export interface TelegramPolling {
  /** Stops after the update being stored (if any) is done; an in-flight long poll is aborted, nothing is confirmed by it. */
  stop(): Promise<void>;
}

/**
 * Starts a getUpdates loop for local development and hosts without a public HTTPS URL. Not @grammyjs/runner: the
 * runner confirms updates (advances the offset) when it fetches them, while here an update is confirmed only after
 * the inbox stored it, so a crash or a failed write loses nothing — the next getUpdates returns it again.
 */
export function startTelegramPolling(options: TelegramPollingOptions): TelegramPolling {
  const api = new Api(options.token, options.apiRoot ? { apiRoot: options.apiRoot } : undefined);
  const log = options.logger.child({ channel: "telegram", component: "polling" });
  const timeout = options.timeoutSeconds ?? 30;
  const backoff = options.backoff ?? { initialMs: 1_000, maxMs: 30_000 };
  const idleDelayMs = options.idleDelayMs ?? 500;
  const abort = new AbortController();
  const apiSignal = grammySignal(abort.signal);
  let offset: number | undefined;
  let delay = backoff.initialMs;

  const failed = async (retryAfterMs?: number): Promise<void> => {
    await sleep(retryAfterMs ?? delay, abort.signal);
    delay = Math.min(delay * 2, backoff.maxMs);
  };

  async function store(update: Update): Promise<void> {
    let events: InboundEvent[] = [];
    try {
      events = telegramUpdateToEvents(update);
    } catch (err) {
      // A payload we cannot read would otherwise be fetched and fail forever, blocking everyone behind it.
      log.error({ updateId: update.update_id, err: errorInfo(err) }, "telegram update translation failed; skipped");
    }
    if (events.length > 0) await options.ingest(events);
    offset = update.update_id + 1;
    log.info({ updateId: update.update_id, updateKind: telegramUpdateKind(update), events: events.map((e) => e.kind) }, "telegram update stored");
    const callbackId = callbackQueryToAnswer(update);
    if (callbackId) {
      // UI acknowledgement only; the update is already stored, so a failure changes nothing.
      api.answerCallbackQuery(callbackId).catch((err: unknown) => log.warn({ err: errorInfo(err) }, "answerCallbackQuery failed"));
    }
  }

  async function loop(): Promise<void> {
    // getUpdates answers 409 while a webhook is set; polling means we want updates here.
    while (!abort.signal.aborted) {
      try {
        await api.deleteWebhook({}, apiSignal);
        break;
      } catch (err) {
        if (abort.signal.aborted) return;
        log.error({ err: errorInfo(err) }, "telegram deleteWebhook failed");
        await failed();
      }
    }
    delay = backoff.initialMs;
    while (!abort.signal.aborted) {
      let updates: Update[];
      const started = Date.now();
      try {
        updates = await api.getUpdates(
          { ...(offset !== undefined ? { offset } : {}), timeout, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] },
          apiSignal,
        );
      } catch (err) {
        if (abort.signal.aborted) return;
        const retryAfter = err instanceof GrammyError ? err.parameters?.retry_after : undefined;
        log.error({ err: errorInfo(err), offset }, "telegram getUpdates failed");
        await failed(typeof retryAfter === "number" ? retryAfter * 1000 : undefined);
        continue;
      }
      try {
        // In order, one at a time: a failed write stops the batch so nothing after it is confirmed either.
        for (const update of updates) {
          if (offset !== undefined && update.update_id < offset) continue; // already stored (servers that ignore offset)
          await store(update);
        }
        delay = backoff.initialMs;
      } catch (err) {
        log.error({ err: errorInfo(err), offset }, "telegram ingest failed; the update will be fetched again");
        await failed();
        continue;
      }
      // A long poll that came back empty well before `timeout` means the server ignores it: do not spin.
      const early = timeout === 0 || Date.now() - started < timeout * 500;
      if (updates.length === 0 && early) await sleep(idleDelayMs, abort.signal);
    }
  }

  const running = loop().catch((err: unknown) => log.fatal({ err: errorInfo(err) }, "telegram polling loop crashed"));
  log.info({ timeoutSeconds: timeout }, "telegram polling started");
  return {
    async stop() {
      abort.abort();
      await running;
      log.info({ offset }, "telegram polling stopped");
    },
  };
}

type GrammySignal = NonNullable<Parameters<Api["getUpdates"]>[1]>;

/**
 * grammY's Node build types its signal parameter with the abort-controller polyfill, whose event typings differ from
 * Node's; at run time grammY only calls addEventListener/aborted, which the native signal has.
 */
function grammySignal(signal: AbortSignal): GrammySignal {
  if (!isGrammySignal(signal)) throw new Error("AbortSignal without addEventListener");
  return signal;
}

function isGrammySignal(signal: AbortSignal): signal is AbortSignal & GrammySignal {
  return typeof signal.addEventListener === "function" && typeof signal.aborted === "boolean";
}

/** Resolves after `ms`, or at once when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
