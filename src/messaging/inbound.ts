import { z } from "zod";
import { Channel } from "./channels.js";

/**
 * A channel-neutral incoming event. Channel adapters (src/bots/<channel>/inbound.ts) turn platform payloads
 * into these; nothing after the inbox knows which platform an event came from except through `channel`.
 * `externalId` is the platform's own id for the event (Telegram update_id, Messenger mid, Zalo msg_id…):
 * (channel, externalId) is the de-duplication key of the durable inbox.
 */
const base = {
  channel: Channel,
  externalId: z.string().min(1).max(200),
  /** The person's id on that channel (Telegram chat id, Messenger PSID, Zalo user id, web chat session id). */
  userId: z.string().min(1).max(200),
  /** When the platform says the event happened (falls back to receipt time). */
  occurredAt: z.coerce.date(),
};

export const Attachment = z.object({
  type: z.enum(["image", "audio", "video", "file", "sticker", "other"]),
  /** Platform URL or file id; never logged. */
  ref: z.string().min(1).max(2000),
});
export type Attachment = z.infer<typeof Attachment>;

export const InboundMessage = z.object({
  ...base,
  kind: z.literal("message"),
  /** What the person typed (may be empty when only a button, location or photo came). */
  text: z.string().max(8000).default(""),
  /** A button/quick-reply/postback payload, when the person tapped one. */
  payload: z.string().max(1000).optional(),
  location: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).optional(),
  attachments: z.array(Attachment).max(20).default([]),
  /** BCP-47-ish language hint from the platform, e.g. "vi" or "en". */
  locale: z.string().max(20).optional(),
});
export type InboundMessage = z.infer<typeof InboundMessage>;

export const InboundReceipt = z.object({
  ...base,
  kind: z.literal("receipt"),
  status: z.enum(["delivered", "read"]),
  /** Platform ids of our outbound messages it covers, when the platform lists them. */
  messageIds: z.array(z.string()).default([]),
  /** Everything we sent up to this time is covered (Messenger watermarks). */
  watermark: z.coerce.date().optional(),
});
export type InboundReceipt = z.infer<typeof InboundReceipt>;

/** The person blocked/unfollowed (blocked=true) or came back (blocked=false). */
export const InboundReachability = z.object({ ...base, kind: z.literal("reachability"), blocked: z.boolean() });
export type InboundReachability = z.infer<typeof InboundReachability>;

/** A person at the platform (e.g. a Zalo OA admin) took over (active=true) or handed back the conversation. */
export const InboundHumanTakeover = z.object({ ...base, kind: z.literal("human_takeover"), active: z.boolean() });
export type InboundHumanTakeover = z.infer<typeof InboundHumanTakeover>;

export const InboundEvent = z.discriminatedUnion("kind", [InboundMessage, InboundReceipt, InboundReachability, InboundHumanTakeover]);
export type InboundEvent = z.infer<typeof InboundEvent>;
