import axios, { type AxiosInstance } from "axios";
import { z } from "zod";
import type { Logger } from "../../log.js";
import type { SendResult } from "../../messaging/outbound.js";
import type { ZaloOutMessage } from "./outbound.js";
import { ZaloChannelDisabledError, ZaloRefreshError, type RefreshedTokens, type ZaloTokenStore } from "./token-store.js";

/** Zalo OA Open API host (official PHP/.NET SDKs). */
export const DEFAULT_ZALO_OA_API_URL = "https://openapi.zalo.me";
/** Zalo OAuth v4 host for the token refresh. */
export const DEFAULT_ZALO_OAUTH_URL = "https://oauth.zaloapp.com";

/** Every Open API answer: errors come as HTTP 200 with `error != 0` (channels.md §3.3). */
const ZaloApiAnswer = z.object({
  error: z.number(),
  message: z.string().optional(),
  data: z.object({ message_id: z.union([z.string(), z.number()]).transform(String).optional() }).nullish(),
});

const ZaloOAuthOk = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  // A string ("90000") in Zalo's answers; a number is accepted too.
  expires_in: z.union([z.string(), z.number()]).optional(),
});
const ZaloOAuthError = z.object({ error: z.union([z.number(), z.string()]), error_name: z.string().optional() });

type Failure = Extract<SendResult, { ok: false }>;
export type ZaloSendOutcome = { ok: true; messageId: string } | { ok: false; result: Failure };

export interface ZaloClient {
  /** Sends one CS message; refreshes the token and retries once on -216/-220. Never throws for platform failures. */
  sendMessage(userId: string, message: ZaloOutMessage): Promise<ZaloSendOutcome>;
  /** One OAuth v4 refresh call (no storage): throws ZaloRefreshError. Exposed for the token store and for tests. */
  refreshTokens(refreshToken: string): Promise<RefreshedTokens>;
}

export interface ZaloClientOptions {
  appId: string;
  /** ZALO_APP_SECRET: the `secret_key` header of the OAuth call (not the OA Secret Key of the webhook). */
  appSecret: string;
  tokenStore: ZaloTokenStore;
  logger: Logger;
  /** ZALO_OA_API_URL */
  apiUrl?: string;
  /** ZALO_OAUTH_URL */
  oauthUrl?: string;
  timeoutMs?: number;
  now?: () => Date;
  /** Refresh ahead of expiry so a send rarely meets -216 (access tokens live 25 h). */
  refreshAheadMs?: number;
}

const TOKEN_ERRORS = new Set([-216, -220]);

/** Maps a Zalo `error` code to a failed SendResult (only reached after the one token refresh for -216/-220). */
export function classifyZaloError(code: number): Failure {
  const reason = `zalo error ${code}`;
  // -230: no interaction in 7 days; -232: no/expired interaction. The runtime holds the message for the next one.
  if (code === -230 || code === -232) return { ok: false, retryable: false, reason, outsideWindow: true };
  if (code === -213) return { ok: false, retryable: false, reason, blocked: true };
  // -32: over 4,000 requests/min per app; the window is one minute.
  if (code === -32) return { ok: false, retryable: true, reason, retryAfterMs: 15_000 };
  return { ok: false, retryable: false, reason };
}

/** Creates the Zalo OA v3 client: CS messages with the `access_token` header, OAuth v4 refresh with rotation through the store. */
export function createZaloClient(options: ZaloClientOptions): ZaloClient {
  if (!options.appId || !options.appSecret) throw new Error("ZALO_APP_ID and ZALO_APP_SECRET are required");
  const log = options.logger.child({ channel: "zalo" });
  const now = options.now ?? (() => new Date());
  const refreshAheadMs = options.refreshAheadMs ?? 60 * 60_000;
  const common = { timeout: options.timeoutMs ?? 10_000, validateStatus: () => true, maxRedirects: 0 };
  const api: AxiosInstance = axios.create({ baseURL: (options.apiUrl ?? DEFAULT_ZALO_OA_API_URL).replace(/\/+$/, ""), ...common });
  const oauth: AxiosInstance = axios.create({ baseURL: (options.oauthUrl ?? DEFAULT_ZALO_OAUTH_URL).replace(/\/+$/, ""), ...common });

  async function refreshTokens(refreshToken: string): Promise<RefreshedTokens> {
    const form = new URLSearchParams({ refresh_token: refreshToken, app_id: options.appId, grant_type: "refresh_token" });
    let res;
    try {
      res = await oauth.post("/v4/oa/access_token", form.toString(), {
        headers: { "Content-Type": "application/x-www-form-urlencoded", secret_key: options.appSecret },
      });
    } catch (err) {
      throw new ZaloRefreshError(false, `zalo token refresh: ${networkReason(err)}`);
    }
    if (res.status === 429 || res.status >= 500) throw new ZaloRefreshError(false, `zalo token refresh: HTTP ${res.status}`);
    const ok = ZaloOAuthOk.safeParse(res.data);
    if (ok.success) {
      const expires = Number(ok.data.expires_in);
      return { accessToken: ok.data.access_token, refreshToken: ok.data.refresh_token, expiresInSec: Number.isFinite(expires) && expires > 0 ? expires : 90_000 };
    }
    const err = ZaloOAuthError.safeParse(res.data);
    if (err.success) {
      const code = Number(err.data.error);
      // Only the rate limit is worth waiting for; any other explicit refusal means this refresh token is dead.
      if (code === -32) throw new ZaloRefreshError(false, "zalo token refresh: rate limited (-32)");
      throw new ZaloRefreshError(true, `zalo token refresh rejected: error ${err.data.error}${err.data.error_name ? ` (${err.data.error_name.slice(0, 80)})` : ""}`);
    }
    throw new ZaloRefreshError(res.status >= 400, `zalo token refresh: unexpected answer (HTTP ${res.status})`);
  }

  /** Rotates through the store; maps failures to SendResults. */
  async function rotate(stale: string): Promise<{ token: string } | { failure: Failure }> {
    try {
      return { token: await options.tokenStore.rotate(refreshTokens, stale) };
    } catch (err) {
      if (err instanceof ZaloRefreshError) {
        if (err.permanent) {
          log.error({ reason: err.message }, "zalo refresh token rejected: channel disabled until an operator re-authorises the OA");
          return { failure: { ok: false, retryable: false, reason: "zalo channel disabled: token refresh rejected" } };
        }
        log.warn({ reason: err.message }, "zalo token refresh failed, will retry");
        return { failure: { ok: false, retryable: true, reason: "zalo token refresh failed" } };
      }
      if (err instanceof ZaloChannelDisabledError) return { failure: { ok: false, retryable: false, reason: "zalo channel disabled" } };
      log.error({ err: err instanceof Error ? err.name : typeof err }, "zalo token rotation failed");
      return { failure: { ok: false, retryable: true, reason: "zalo token store unavailable" } };
    }
  }

  type Attempt = { kind: "ok"; messageId: string } | { kind: "error"; code: number } | { kind: "failure"; result: Failure };

  async function post(token: string, userId: string, message: ZaloOutMessage): Promise<Attempt> {
    let res;
    try {
      res = await api.post("/v3.0/oa/message/cs", { recipient: { user_id: userId }, message }, { headers: { access_token: token, "Content-Type": "application/json" } });
    } catch (err) {
      return { kind: "failure", result: { ok: false, retryable: true, reason: `zalo ${networkReason(err)}` } };
    }
    if (res.status === 429 || res.status >= 500) return { kind: "failure", result: { ok: false, retryable: true, reason: `zalo HTTP ${res.status}` } };
    const body = ZaloApiAnswer.safeParse(res.data);
    if (!body.success) return { kind: "failure", result: { ok: false, retryable: res.status >= 400 ? false : true, reason: `zalo unexpected answer (HTTP ${res.status})` } };
    if (body.data.error !== 0) return { kind: "error", code: body.data.error };
    return { kind: "ok", messageId: body.data.data?.message_id ?? "" };
  }

  return {
    refreshTokens,
    async sendMessage(userId, message) {
      let tokens;
      try {
        tokens = await options.tokenStore.current();
      } catch (err) {
        log.error({ err: err instanceof Error ? err.name : typeof err }, "zalo token store unavailable");
        return { ok: false, result: { ok: false, retryable: true, reason: "zalo token store unavailable" } };
      }
      if (!tokens) return { ok: false, result: { ok: false, retryable: false, reason: "zalo channel disabled" } };
      let token = tokens.accessToken;

      if (tokens.accessExpiresAt && tokens.accessExpiresAt.getTime() - now().getTime() < refreshAheadMs) {
        const r = await rotate(token);
        if ("token" in r) token = r.token;
        // A permanent refusal disabled the channel; a transient one leaves the old token, which may still work.
        else if (!r.failure.retryable) return { ok: false, result: r.failure };
      }

      let attempt = await post(token, userId, message);
      if (attempt.kind === "error" && TOKEN_ERRORS.has(attempt.code)) {
        log.info({ code: attempt.code }, "zalo access token rejected, refreshing");
        const r = await rotate(token);
        if ("failure" in r) return { ok: false, result: r.failure };
        attempt = await post(r.token, userId, message);
        if (attempt.kind === "error" && TOKEN_ERRORS.has(attempt.code)) {
          log.error({ code: attempt.code }, "zalo rejected a freshly refreshed token");
        }
      }
      if (attempt.kind === "ok") return { ok: true, messageId: attempt.messageId };
      if (attempt.kind === "failure") return { ok: false, result: attempt.result };
      return { ok: false, result: classifyZaloError(attempt.code) };
    },
  };
}

/** A short cause without the request config (axios errors carry the headers, i.e. the token). */
function networkReason(err: unknown): string {
  if (axios.isAxiosError(err)) return `network: ${err.code ?? "error"}`;
  return "network: error";
}
