import { createHmac } from "node:crypto";
import axios, { type AxiosInstance } from "axios";
import { z } from "zod";

/** Current Graph API version in Meta's Send API docs (channels.md §3.2); bottender still pins v6.0. */
export const DEFAULT_MESSENGER_GRAPH_URL = "https://graph.facebook.com/v25.0";

/** One Send API request body (`POST /me/messages`). */
export interface MessengerSendBody {
  recipient: { id: string };
  messaging_type: "RESPONSE" | "UPDATE" | "MESSAGE_TAG";
  tag?: "HUMAN_AGENT" | "ACCOUNT_UPDATE" | "CONFIRMED_EVENT_UPDATE" | "POST_PURCHASE_UPDATE";
  message: MessengerOutMessage;
}

export interface MessengerQuickReply {
  content_type: "text";
  title: string;
  payload: string;
}

export type MessengerButton =
  | { type: "postback"; title: string; payload: string }
  | { type: "web_url"; title: string; url: string }
  | { type: "phone_number"; title: string; payload: string };

/** The `message` object of a send: text (optionally with quick replies) or one attachment. */
export type MessengerOutMessage =
  | { text: string; quick_replies?: MessengerQuickReply[] }
  | { attachment: { type: "template"; payload: { template_type: "button"; text: string; buttons: MessengerButton[] } } }
  | { attachment: { type: "image"; payload: { url: string; is_reusable?: boolean } } };

/** Graph's error envelope, e.g. {"error":{"message":"…","type":"OAuthException","code":551,"error_subcode":1545041}}. */
const GraphErrorBody = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

const GraphSendOk = z.object({ recipient_id: z.string().optional(), message_id: z.string() });

/** What went wrong with one Graph call; `status` is null when no HTTP answer came (network, timeout). */
export interface GraphFailure {
  status: number | null;
  code?: number;
  subcode?: number;
  /** Meta's message: describes the error, never contains our message text. */
  message?: string;
  retryAfterMs?: number;
}

export type GraphSendOutcome = { ok: true; messageId: string } | { ok: false; error: GraphFailure };

export interface MessengerGraphClient {
  /** Sends one message; never throws for HTTP or network failures (they come back as values). */
  sendMessage(body: MessengerSendBody): Promise<GraphSendOutcome>;
}

export interface GraphClientOptions {
  pageAccessToken: string;
  /** MESSENGER_GRAPH_URL; tests point it at the fake Graph server. */
  graphUrl?: string;
  /**
   * When set, every call carries `appsecret_proof` (HMAC-SHA256 of the token with the app secret), which Meta
   * requires once "Require App Secret" is on in the app settings: a leaked page token alone then cannot send.
   */
  appSecret?: string;
  timeoutMs?: number;
}

/** Creates the Send API client; the token travels in the Authorization header so it never lands in URLs or proxy logs. */
export function createGraphClient(options: GraphClientOptions): MessengerGraphClient {
  if (!options.pageAccessToken) throw new Error("Messenger page access token is required");
  const http: AxiosInstance = axios.create({
    baseURL: (options.graphUrl ?? DEFAULT_MESSENGER_GRAPH_URL).replace(/\/+$/, ""),
    timeout: options.timeoutMs ?? 10_000,
    headers: { Authorization: `Bearer ${options.pageAccessToken}`, "Content-Type": "application/json" },
    // Every status is a value to classify, not an exception.
    validateStatus: () => true,
    // Do not follow redirects with the bearer token to some other host.
    maxRedirects: 0,
  });
  const params = options.appSecret ? { appsecret_proof: appSecretProof(options.pageAccessToken, options.appSecret) } : undefined;

  return {
    async sendMessage(body) {
      let res;
      try {
        res = await http.post("/me/messages", body, { params });
      } catch (err) {
        return { ok: false, error: { status: null, message: networkReason(err) } };
      }
      if (res.status >= 200 && res.status < 300) {
        const ok = GraphSendOk.safeParse(res.data);
        if (ok.success) return { ok: true, messageId: ok.data.message_id };
        return { ok: false, error: { status: res.status, message: "unexpected Send API answer" } };
      }
      const parsed = GraphErrorBody.safeParse(res.data);
      const retryAfter = Number(res.headers["retry-after"]);
      return {
        ok: false,
        error: {
          status: res.status,
          ...(parsed.success && parsed.data.error.code !== undefined ? { code: parsed.data.error.code } : {}),
          ...(parsed.success && parsed.data.error.error_subcode !== undefined ? { subcode: parsed.data.error.error_subcode } : {}),
          ...(parsed.success && parsed.data.error.message ? { message: parsed.data.error.message.slice(0, 300) } : {}),
          ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
        },
      };
    },
  };
}

/** appsecret_proof as Meta defines it: hex HMAC-SHA256(key = app secret, message = access token). */
export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac("sha256", appSecret).update(accessToken).digest("hex");
}

/** A short cause without the request config (axios errors carry headers, i.e. the token). */
function networkReason(err: unknown): string {
  if (axios.isAxiosError(err)) return `network: ${err.code ?? "error"}`;
  return "network: error";
}
