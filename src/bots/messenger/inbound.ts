import { z } from "zod";
import type { Attachment, InboundEvent } from "../../messaging/inbound.js";

/*
 * Messenger Platform webhook payloads (object "page"). Schemas list only what we read; zod's default object mode
 * strips unknown keys, so new Meta fields never make a delivery fail. Shapes: developers.facebook.com/docs/messenger-platform/webhooks
 * (messages, messaging_postbacks, message_deliveries, message_reads, message_echoes).
 */

const Id = z.object({ id: z.string().min(1) });
/** Meta documents ms since epoch; one doc example shows seconds, so both are accepted (see toDate). */
const Millis = z.number().nonnegative();

const MessengerAttachment = z.object({
  type: z.string(),
  // `fallback` and some shares carry `payload: null`.
  payload: z
    .object({
      url: z.string().optional(),
      sticker_id: z.number().optional(),
      coordinates: z.object({ lat: z.number(), long: z.number() }).optional(),
    })
    .nullish(),
});

const MessengerMessage = z.object({
  mid: z.string().min(1),
  text: z.string().optional(),
  is_echo: z.boolean().optional(),
  quick_reply: z.object({ payload: z.string() }).optional(),
  attachments: z.array(MessengerAttachment).optional(),
});

const MessagingEvent = z.object({
  sender: Id,
  recipient: Id,
  // Delivery events in Meta's own examples carry no timestamp.
  timestamp: Millis.optional(),
  message: MessengerMessage.optional(),
  postback: z
    .object({
      mid: z.string().optional(),
      title: z.string().optional(),
      payload: z.string().optional(),
    })
    .optional(),
  delivery: z.object({ mids: z.array(z.string()).optional(), watermark: Millis }).optional(),
  read: z.object({ watermark: Millis }).optional(),
});
export type MessengerMessagingEvent = z.infer<typeof MessagingEvent>;

/** The whole webhook body. `messaging` is absent on entries that only carry `standby` (handover protocol). */
export const MessengerWebhookBody = z.object({
  object: z.string(),
  entry: z.array(
    z.object({
      id: z.string(),
      time: Millis.optional(),
      messaging: z.array(MessagingEvent).optional(),
    }),
  ),
});
export type MessengerWebhookBody = z.infer<typeof MessengerWebhookBody>;

const ATTACHMENT_TYPES: Record<string, Attachment["type"]> = {
  image: "image",
  audio: "audio",
  video: "video",
  file: "file",
  sticker: "sticker",
};

/** Turns one verified Messenger webhook body into channel-neutral events, in delivery order, over every entry and every messaging event. */
export function messengerBodyToEvents(body: MessengerWebhookBody, receivedAt: Date = new Date()): InboundEvent[] {
  // Instagram/WhatsApp objects share the envelope but not the ids; they are not this channel.
  if (body.object !== "page") return [];
  const events: InboundEvent[] = [];
  for (const entry of body.entry) {
    for (const ev of entry.messaging ?? []) {
      const event = toEvent(ev, receivedAt);
      if (event) events.push(event);
    }
  }
  return events;
}

function toEvent(ev: MessengerMessagingEvent, receivedAt: Date): InboundEvent | null {
  const userId = ev.sender.id;
  const occurredAt = ev.timestamp !== undefined ? toDate(ev.timestamp) : receivedAt;
  const base = { channel: "messenger" as const, userId, occurredAt };

  if (ev.message) {
    // Echoes are our own sends (API or Page inbox) reflected back; sender is the Page then, not a person.
    if (ev.message.is_echo) return null;
    const m = ev.message;
    let location: { lat: number; lng: number } | undefined;
    const attachments: Attachment[] = [];
    for (const a of m.attachments ?? []) {
      const coords = a.payload?.coordinates;
      if (a.type === "location" && coords) {
        if (Math.abs(coords.lat) <= 90 && Math.abs(coords.long) <= 180) location = { lat: coords.lat, lng: coords.long };
        continue;
      }
      const ref = a.payload?.url;
      if (ref && ref.length <= 2000 && attachments.length < 20) attachments.push({ type: ATTACHMENT_TYPES[a.type] ?? "other", ref });
    }
    return {
      ...base,
      kind: "message",
      externalId: m.mid,
      text: m.text ?? "",
      ...(m.quick_reply ? { payload: m.quick_reply.payload.slice(0, 1000) } : {}),
      ...(location ? { location } : {}),
      attachments,
    };
  }

  if (ev.postback) {
    const pb = ev.postback;
    return {
      ...base,
      kind: "message",
      // postback.mid exists since Graph v11; older pages/tests may lack it.
      externalId: pb.mid ?? `pb:${userId}:${ev.timestamp ?? receivedAt.getTime()}`,
      // The button title is what the person saw and tapped; flows rely on the payload.
      text: pb.title ?? "",
      ...(pb.payload !== undefined ? { payload: pb.payload.slice(0, 1000) } : {}),
      attachments: [],
    };
  }

  if (ev.delivery) {
    return {
      ...base,
      kind: "receipt",
      externalId: `dl:${userId}:${ev.delivery.watermark}`,
      status: "delivered",
      messageIds: ev.delivery.mids ?? [],
      watermark: toDate(ev.delivery.watermark),
    };
  }

  if (ev.read) {
    return {
      ...base,
      kind: "receipt",
      externalId: `rd:${userId}:${ev.read.watermark}`,
      status: "read",
      messageIds: [],
      watermark: toDate(ev.read.watermark),
    };
  }

  // reactions, referrals, optins, account linking…: not used by any flow yet.
  return null;
}

/** Meta sends ms; a value below 1e11 can only be seconds (1e11 ms is 1973). */
function toDate(t: number): Date {
  return new Date(t < 1e11 ? t * 1000 : t);
}
