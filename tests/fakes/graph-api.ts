/**
 * A local fake of the Messenger Send API (`POST /v25.0/me/messages`) that checks what it receives the way Meta does:
 * the page token (Authorization: Bearer), appsecret_proof when an app secret is set, the body shape and limits
 * (text ≤ 2000, ≤ 13 quick replies with titles ≤ 20, button template text ≤ 640 with 1–3 buttons, phone_number
 * payloads "+<country><number>"), messaging_type/tag rules and — for users whose last message the test declares —
 * the 24 h / 7 day windows. Answers with Graph's shapes; scripted answers simulate 429s, blocked users, 5xx, resets.
 */
import { createHmac } from "node:crypto";
import express from "express";
import { z } from "zod";
import { listenLocal } from "./http.js";

const Title = z.string().min(1).max(20);
const Payload = z.string().min(1).max(1000);
const QuickReply = z.strictObject({ content_type: z.literal("text"), title: Title, payload: Payload, image_url: z.string().optional() });
const Button = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("postback"), title: Title, payload: Payload }),
  z.strictObject({ type: z.literal("web_url"), title: Title, url: z.string().url() }),
  z.strictObject({ type: z.literal("phone_number"), title: Title, payload: z.string().regex(/^\+[1-9][0-9]{6,14}$/, "phone_number payload must be +<country code><number>") }),
]);
const Message = z.union([
  z.strictObject({ text: z.string().min(1).max(2000), quick_replies: z.array(QuickReply).min(1).max(13).optional() }),
  z.strictObject({
    attachment: z.strictObject({
      type: z.literal("template"),
      payload: z.strictObject({ template_type: z.literal("button"), text: z.string().min(1).max(640), buttons: z.array(Button).min(1).max(3) }),
    }),
  }),
  z.strictObject({
    attachment: z.strictObject({ type: z.literal("image"), payload: z.strictObject({ url: z.string().url(), is_reusable: z.boolean().optional() }) }),
  }),
]);
export const GraphSendBody = z
  .strictObject({
    recipient: z.strictObject({ id: z.string().regex(/^[0-9A-Za-z_-]+$/) }),
    messaging_type: z.enum(["RESPONSE", "UPDATE", "MESSAGE_TAG"]),
    tag: z.enum(["HUMAN_AGENT", "ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE"]).optional(),
    message: Message,
  })
  .superRefine((b, ctx) => {
    if (b.messaging_type === "MESSAGE_TAG" && !b.tag) ctx.addIssue({ code: "custom", message: "MESSAGE_TAG requires tag", path: ["tag"] });
    if (b.messaging_type !== "MESSAGE_TAG" && b.tag) ctx.addIssue({ code: "custom", message: "tag only with MESSAGE_TAG", path: ["tag"] });
  });

export interface RecordedGraphRequest {
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
  /** What the fake answered. */
  status: number;
  response: unknown;
}

export type GraphScripted = { status: number; body: unknown; headers?: Record<string, string> } | { network: true };

/** Graph error answers as Meta sends them (HTTP status + body). */
export const GRAPH_ERRORS = {
  rateLimited: { status: 429, body: { error: { message: "(#4) Application request limit reached", type: "OAuthException", code: 4, fbtrace_id: "AfakeTrace" } } },
  pageRateLimited: { status: 400, body: { error: { message: "(#613) Calls to this api have exceeded the rate limit.", type: "OAuthException", code: 613, fbtrace_id: "AfakeTrace" } } },
  userUnavailable: {
    status: 400,
    body: { error: { message: "(#551) This person isn't available right now.", type: "OAuthException", code: 551, error_subcode: 1545041, fbtrace_id: "AfakeTrace" } },
  },
  outsideWindow: {
    status: 400,
    body: { error: { message: "(#10) This message is sent outside of allowed window.", type: "OAuthException", code: 10, error_subcode: 2018278, fbtrace_id: "AfakeTrace" } },
  },
  serverError: { status: 500, body: { error: { message: "An unknown error has occurred.", type: "OAuthException", code: 1, fbtrace_id: "AfakeTrace" } } },
  badParam: { status: 400, body: { error: { message: "(#100) Invalid parameter", type: "OAuthException", code: 100, fbtrace_id: "AfakeTrace" } } },
} satisfies Record<string, GraphScripted>;

export interface FakeGraphApi {
  /** Base URL to use as MESSENGER_GRAPH_URL (ends with the version, like the real one). */
  url: string;
  requests: RecordedGraphRequest[];
  /** Answers for the next valid sends, in order; afterwards sends succeed again. */
  script(...answers: GraphScripted[]): void;
  /** Declares when a user last wrote, so the fake enforces the 24 h window and the 7 day HUMAN_AGENT rule like Meta. */
  setLastUserMessage(psid: string, at: Date): void;
  close(): Promise<void>;
}

export interface FakeGraphOptions {
  pageAccessToken?: string;
  /** When set, every call must carry the matching appsecret_proof (Meta's "Require App Secret"). */
  appSecret?: string;
  version?: string;
}

const DAY = 86_400_000;

/** Starts the fake Graph API on 127.0.0.1:0. */
export async function startFakeGraphApi(options: FakeGraphOptions = {}): Promise<FakeGraphApi & { pageAccessToken: string }> {
  const pageAccessToken = options.pageAccessToken ?? "EAAfakePageToken";
  const version = options.version ?? "v25.0";
  const requests: RecordedGraphRequest[] = [];
  const queue: GraphScripted[] = [];
  const lastUserMessage = new Map<string, Date>();
  let seq = 0;
  const app = express();
  app.use(express.json({ limit: "1mb" }));

  app.post(`/${version}/me/messages`, (req, res) => {
    const query = Object.fromEntries(new URL(req.originalUrl, "http://x").searchParams);
    const authorization = req.get("authorization");
    const answer = (status: number, response: unknown, headers: Record<string, string> = {}) => {
      requests.push({ path: req.path, query, authorization, body: req.body, status, response });
      res.status(status).set(headers).json(response);
    };
    const token = authorization?.startsWith("Bearer ") ? authorization.slice(7) : query.access_token;
    if (!token) return answer(400, { error: { message: "An active access token must be used to query information about the current user.", type: "OAuthException", code: 2500 } });
    if (token !== pageAccessToken) return answer(400, { error: { message: "Invalid OAuth access token - Cannot parse access token", type: "OAuthException", code: 190 } });
    if (options.appSecret) {
      const proof = createHmac("sha256", options.appSecret).update(token).digest("hex");
      if (query.appsecret_proof !== proof) return answer(400, { error: { message: "Invalid appsecret_proof provided in the API argument", type: "GraphMethodException", code: 100 } });
    }
    const parsed = GraphSendBody.safeParse(req.body);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      return answer(400, { error: { message: `(#100) ${detail}`, type: "OAuthException", code: 100 } });
    }
    const last = lastUserMessage.get(parsed.data.recipient.id);
    if (last) {
      const age = Date.now() - last.getTime();
      const allowed = parsed.data.messaging_type === "MESSAGE_TAG" ? parsed.data.tag === "HUMAN_AGENT" && age < 7 * DAY : age < DAY;
      if (!allowed) return answer(GRAPH_ERRORS.outsideWindow.status, GRAPH_ERRORS.outsideWindow.body);
    }
    const next = queue.shift();
    if (next && "network" in next) {
      requests.push({ path: req.path, query, authorization, body: req.body, status: 0, response: null });
      req.socket.destroy();
      return;
    }
    if (next) return answer(next.status, next.body, next.headers);
    seq += 1;
    return answer(200, { recipient_id: parsed.data.recipient.id, message_id: `m_fake_${seq}` });
  });

  const server = await listenLocal(app);
  return {
    url: `${server.url}/${version}`,
    pageAccessToken,
    requests,
    script: (...answers) => void queue.push(...answers),
    setLastUserMessage: (psid, at) => void lastUserMessage.set(psid, at),
    close: server.close,
  };
}
