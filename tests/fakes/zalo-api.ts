/**
 * A local fake of the Zalo OA Open API v3 (`POST /v3.0/oa/message/cs`) and OAuth v4 (`POST /v4/oa/access_token`)
 * that behaves like Zalo: errors as HTTP 200 with `error != 0`, the bare `access_token` header, single-use rotating
 * refresh tokens (a used one is dead: error -14014), the old access token dying on refresh (-216), body checks
 * (recipient.user_id, text ≤ 2000, ≤ 5 buttons with known types, media template) and scripted errors.
 */
import express from "express";
import { z } from "zod";
import { listenLocal } from "./http.js";

const Title = z.string().min(1).max(100);
const Button = z.discriminatedUnion("type", [
  z.strictObject({ title: Title, type: z.enum(["oa.query.show", "oa.query.hide"]), payload: z.string().min(1).max(1000), image_icon: z.string().optional() }),
  z.strictObject({ title: Title, type: z.literal("oa.open.phone"), payload: z.strictObject({ phone_code: z.string().regex(/^\+?[0-9]{3,15}$/) }), image_icon: z.string().optional() }),
  z.strictObject({ title: Title, type: z.literal("oa.open.url"), payload: z.strictObject({ url: z.string().url() }), image_icon: z.string().optional() }),
]);
const Text = z.string().min(1).max(2000);
const Message = z.union([
  z.strictObject({ text: Text }),
  z.strictObject({ text: Text, attachment: z.strictObject({ type: z.literal("template"), payload: z.strictObject({ buttons: z.array(Button).min(1).max(5) }) }) }),
  z.strictObject({
    text: Text.optional(),
    attachment: z.strictObject({
      type: z.literal("template"),
      payload: z.strictObject({ template_type: z.literal("media"), elements: z.array(z.strictObject({ media_type: z.literal("image"), url: z.string().url() })).length(1) }),
    }),
  }),
]);
export const ZaloCsBody = z.strictObject({ recipient: z.strictObject({ user_id: z.string().regex(/^[0-9]+$/) }), message: Message });

export interface RecordedZaloRequest {
  kind: "cs" | "oauth";
  headers: { access_token?: string; secret_key?: string; content_type?: string };
  body: unknown;
  response: unknown;
}

export type ZaloScripted = { error: number; message: string } | { httpStatus: number } | { network: true };

/** Zalo error answers (HTTP 200). */
export const ZALO_ERRORS = {
  invalidToken: { error: -216, message: "Access token is invalid" },
  expiredToken: { error: -220, message: "Access token has expired" },
  notInteracted: { error: -230, message: "User has not interacted with the OA in the past 7 days" },
  noInteraction: { error: -232, message: "User has not interacted with the OA" },
  notFollower: { error: -213, message: "User has not followed OA" },
  rateLimited: { error: -32, message: "Exceed rate limit" },
} satisfies Record<string, ZaloScripted>;

export interface FakeZaloApi {
  /** ZALO_OA_API_URL and ZALO_OAUTH_URL both point here. */
  url: string;
  requests: RecordedZaloRequest[];
  /** Answers for the next CS sends that pass the token and body checks, in order. */
  script(...answers: ZaloScripted[]): void;
  /** Kills the current access token (as Zalo does after 25 h): the next send gets -216. */
  expireAccessToken(): void;
  /** The next refresh is refused with this error (default -14014 invalid refresh token). */
  failNextRefresh(answer?: { error: number; error_name: string } | { httpStatus: number }): void;
  /** The tokens Zalo currently accepts. */
  valid(): { accessToken: string; refreshToken: string };
  close(): Promise<void>;
}

export interface FakeZaloOptions {
  appId?: string;
  appSecret?: string;
  accessToken?: string;
  refreshToken?: string;
}

/** Starts the fake Zalo API on 127.0.0.1:0. */
export async function startFakeZaloApi(options: FakeZaloOptions = {}): Promise<FakeZaloApi & Required<FakeZaloOptions>> {
  const appId = options.appId ?? "1234567890123456789";
  const appSecret = options.appSecret ?? "fake-app-secret";
  let accessToken = options.accessToken ?? "zat-0";
  let refreshToken = options.refreshToken ?? "zrt-0";
  const initial = { accessToken, refreshToken };
  const requests: RecordedZaloRequest[] = [];
  const queue: ZaloScripted[] = [];
  let refreshFailure: { error: number; error_name: string } | { httpStatus: number } | null = null;
  let seq = 0;
  let generation = 0;

  const app = express();
  app.use(express.json({ limit: "1mb" }));
  app.use(express.urlencoded({ extended: false, limit: "16kb" }));

  app.post("/v3.0/oa/message/cs", (req, res) => {
    const headers = { access_token: req.get("access_token"), content_type: req.get("content-type") };
    const answer = (response: unknown, status = 200) => {
      requests.push({ kind: "cs", headers, body: req.body, response });
      res.status(status).json(response);
    };
    if (!headers.access_token) return answer({ error: -124, message: "Access token is missing" });
    if (headers.access_token !== accessToken) return answer(ZALO_ERRORS.invalidToken);
    const parsed = ZaloCsBody.safeParse(req.body);
    if (!parsed.success) return answer({ error: -201, message: `Parameters are invalid: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}` });
    const next = queue.shift();
    if (next && "network" in next) {
      requests.push({ kind: "cs", headers, body: req.body, response: null });
      req.socket.destroy();
      return;
    }
    if (next && "httpStatus" in next) return answer({ message: "upstream error" }, next.httpStatus);
    if (next) return answer(next);
    seq += 1;
    return answer({ data: { message_id: `zmsg${seq}`, user_id: parsed.data.recipient.user_id, quota: { quota_type: "reply" } }, error: 0, message: "Success" });
  });

  app.post("/v4/oa/access_token", (req, res) => {
    const headers = { secret_key: req.get("secret_key"), content_type: req.get("content-type") };
    const answer = (response: unknown, status = 200) => {
      requests.push({ kind: "oauth", headers, body: req.body, response });
      res.status(status).json(response);
    };
    if (!headers.content_type?.startsWith("application/x-www-form-urlencoded")) return answer({ error: -14001, error_name: "Invalid parameter" });
    const form = z.object({ refresh_token: z.string(), app_id: z.string(), grant_type: z.literal("refresh_token") }).safeParse(req.body);
    if (!form.success) return answer({ error: -14001, error_name: "Invalid parameter" });
    if (form.data.app_id !== appId) return answer({ error: -14002, error_name: "Invalid app id" });
    if (headers.secret_key !== appSecret) return answer({ error: -14003, error_name: "Invalid secret key" });
    if (refreshFailure) {
      const f = refreshFailure;
      refreshFailure = null;
      if ("httpStatus" in f) return answer({ message: "upstream error" }, f.httpStatus);
      return answer(f);
    }
    if (form.data.refresh_token !== refreshToken) return answer({ error: -14014, error_name: "Invalid refresh token" });
    generation += 1;
    // Single use: the presented refresh token and the old access token die now.
    accessToken = `zat-${generation}`;
    refreshToken = `zrt-${generation}`;
    return answer({ access_token: accessToken, refresh_token: refreshToken, expires_in: "90000" });
  });

  const server = await listenLocal(app);
  return {
    url: server.url,
    appId,
    appSecret,
    accessToken: initial.accessToken,
    refreshToken: initial.refreshToken,
    requests,
    script: (...answers) => void queue.push(...answers),
    expireAccessToken: () => {
      accessToken = `expired-${generation}-${Date.now()}`;
    },
    failNextRefresh: (answer = { error: -14014, error_name: "Invalid refresh token" }) => {
      refreshFailure = answer;
    },
    valid: () => ({ accessToken, refreshToken }),
    close: server.close,
  };
}
