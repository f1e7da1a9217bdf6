import { z } from "zod";
import type { Attachment, InboundEvent } from "../../messaging/inbound.js";

/*
 * Zalo OA v3 webhook events (one event per POST). Shapes from channels.md §1.3/§2 (transcriptions of
 * developers.zalo.me, [S]). All ids and `timestamp` are strings (they exceed 2^53); numbers are accepted and
 * stringified in case a test tool or a future Zalo version sends them. Unknown fields are stripped, never fatal.
 */

const IdLike = z.union([z.string().min(1), z.number()]).transform(String);

const ZaloAttachment = z.object({
  type: z.string(),
  payload: z
    .object({
      url: z.string().optional(),
      thumbnail: z.string().optional(),
      coordinates: z.object({ latitude: z.union([z.string(), z.number()]), longitude: z.union([z.string(), z.number()]) }).optional(),
    })
    .nullish(),
});

export const ZaloWebhookBody = z.object({
  app_id: IdLike.optional(),
  event_name: z.string().min(1),
  timestamp: IdLike.optional(),
  oa_id: IdLike.optional(),
  user_id: IdLike.optional(),
  sender: z.object({ id: IdLike, admin_id: IdLike.optional() }).optional(),
  recipient: z.object({ id: IdLike }).optional(),
  follower: z.object({ id: IdLike }).optional(),
  message: z
    .object({
      msg_id: IdLike.optional(),
      msg_ids: z.array(IdLike).optional(),
      text: z.string().optional(),
      attachments: z.array(ZaloAttachment).optional(),
    })
    .optional(),
});
export type ZaloWebhookBody = z.infer<typeof ZaloWebhookBody>;

/**
 * Prefix of the hidden payload our choice buttons send (see outbound.ts): `oa.query.hide` delivers it as a plain
 * user_send_text, and this prefix is how we tell a tapped choice from typed text.
 */
export const ZALO_CHOICE_PREFIX = "cn:";

export interface ZaloInboundOptions {
  /**
   * Our OA id, when known: sources disagree on which side of a receipt is the OA ([U]), so with it we pick the
   * other side as the user; without it the recipient is taken (what most transcriptions show).
   */
  oaId?: string;
  receivedAt?: Date;
}

const MEDIA_TYPES: Record<string, Attachment["type"]> = {
  image: "image",
  gif: "image",
  audio: "audio",
  video: "video",
  file: "file",
  sticker: "sticker",
};

/** Turns one verified Zalo OA webhook body into channel-neutral events (empty for events no flow uses). */
export function zaloBodyToEvents(body: ZaloWebhookBody, options: ZaloInboundOptions = {}): InboundEvent[] {
  const receivedAt = options.receivedAt ?? new Date();
  const ts = body.timestamp ?? String(receivedAt.getTime());
  const occurredAt = toDate(body.timestamp) ?? receivedAt;
  const name = body.event_name;
  const msg = body.message;

  if (name.startsWith("user_send_") && !name.startsWith("user_send_group_")) {
    const userId = body.sender?.id;
    if (!userId) return [];
    const base = { channel: "zalo" as const, userId, occurredAt, externalId: msg?.msg_id ?? `${name}:${userId}:${ts}` };
    const rawText = msg?.text ?? "";
    if (name === "user_send_text" && rawText.startsWith(ZALO_CHOICE_PREFIX)) {
      const payload = rawText.slice(ZALO_CHOICE_PREFIX.length).trim();
      if (payload) return [{ ...base, kind: "message", text: "", payload: payload.slice(0, 1000), attachments: [] }];
    }
    let location: { lat: number; lng: number } | undefined;
    const attachments: Attachment[] = [];
    for (const a of msg?.attachments ?? []) {
      if (a.type === "location") {
        location = parseCoordinates(a.payload?.coordinates) ?? location;
        continue;
      }
      const ref = a.payload?.url;
      if (ref && ref.length <= 2000 && attachments.length < 20) attachments.push({ type: MEDIA_TYPES[a.type] ?? "other", ref });
    }
    return [{ ...base, kind: "message", text: rawText, ...(location ? { location } : {}), attachments }];
  }

  if (name === "follow" || name === "unfollow") {
    const userId = body.follower?.id ?? body.sender?.id;
    if (!userId) return [];
    return [{ channel: "zalo", kind: "reachability", userId, occurredAt, externalId: `${name}:${userId}:${ts}`, blocked: name === "unfollow" }];
  }

  if (name === "user_click_chatnow") {
    // Sent once per user before their first chat; from then on the OA may message them.
    const userId = body.user_id ?? body.sender?.id;
    if (!userId) return [];
    return [{ channel: "zalo", kind: "reachability", userId, occurredAt, externalId: `chatnow:${userId}:${ts}`, blocked: false }];
  }

  if (name === "user_submit_info") {
    // The answer to a request_user_info form carries name/phone/address; we never send that form, and we do not
    // copy personal data into the inbox: the flow only learns that the person answered.
    const userId = body.sender?.id;
    if (!userId) return [];
    return [{ channel: "zalo", kind: "message", userId, occurredAt, externalId: `info:${userId}:${ts}`, text: "", payload: "zalo:user_submit_info", attachments: [] }];
  }

  if (name === "user_received_message" || name === "user_seen_message") {
    const userId = receiptUser(body, options.oaId);
    if (!userId) return [];
    const ids = msg?.msg_ids ?? (msg?.msg_id ? [msg.msg_id] : []);
    const delivered = name === "user_received_message";
    // Prefixed: a receipt's msg_id is the id of OUR message, which a takeover echo may already have used as externalId.
    const externalId = delivered && ids[0] ? `dl:${ids[0]}` : `${delivered ? "dl" : "rd"}:${userId}:${ts}`;
    return [{ channel: "zalo", kind: "receipt", userId, occurredAt, externalId, status: delivered ? "delivered" : "read", messageIds: ids }];
  }

  if (name.startsWith("oa_send_") && !name.startsWith("oa_send_group_") && !name.startsWith("oa_send_anonymous_")) {
    // Echo of an OA message. From the API (our own sends) it has no admin_id and is ignored; with admin_id a person
    // wrote from the oa.zalo.me chat tool, so the bot must stop answering this user.
    const userId = body.recipient?.id;
    if (!body.sender?.admin_id || !userId) return [];
    return [{ channel: "zalo", kind: "human_takeover", userId, occurredAt, externalId: msg?.msg_id ?? `takeover:${userId}:${ts}`, active: true }];
  }

  // Groups, anonymous chats, reactions, tags, calls, user_withdraw…: no flow uses them yet.
  return [];
}

function receiptUser(body: ZaloWebhookBody, oaId: string | undefined): string | undefined {
  const s = body.sender?.id;
  const r = body.recipient?.id;
  if (oaId) return s === oaId ? r : r === oaId ? s : r ?? s;
  return r ?? s;
}

function parseCoordinates(c: { latitude: string | number; longitude: string | number } | undefined): { lat: number; lng: number } | undefined {
  if (!c || String(c.latitude).trim() === "" || String(c.longitude).trim() === "") return undefined;
  const lat = Number(c.latitude);
  const lng = Number(c.longitude);
  if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined;
  return { lat, lng };
}

function toDate(ts: string | undefined): Date | undefined {
  if (!ts || !/^\d{1,16}$/.test(ts)) return undefined;
  const d = new Date(Number(ts));
  return Number.isNaN(d.getTime()) ? undefined : d;
}
