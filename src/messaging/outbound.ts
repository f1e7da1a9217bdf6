import { z } from "zod";

/**
 * A channel-neutral outgoing message, as flows emit them. Each channel has exactly one renderer per kind
 * (checked with `satisfies OutboundRenderers<…>`), which degrades gracefully where the platform lacks a feature.
 */
export const Choice = z.object({
  /** Payload returned when tapped (≤ 64 bytes so it fits Telegram callback_data). */
  id: z.string().min(1).max(64),
  label: z.string().min(1).max(80),
});
export type Choice = z.infer<typeof Choice>;

export const PhoneNumber = z.object({ label: z.string().min(1).max(40), phone: z.string().regex(/^\+?[0-9]{3,15}$/) });
export type PhoneNumber = z.infer<typeof PhoneNumber>;

export const OutboundMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text"), text: z.string().min(1) }),
  z.object({ kind: z.literal("choices"), text: z.string().min(1), choices: z.array(Choice).min(1).max(13) }),
  z.object({ kind: z.literal("call_buttons"), text: z.string().min(1), numbers: z.array(PhoneNumber).min(1).max(3) }),
  z.object({ kind: z.literal("link"), text: z.string().min(1), url: z.string().url(), label: z.string().min(1).max(40) }),
  /** An image we host (e.g. a VietQR code): `url` is absolute or relative to PUBLIC_BASE_URL; alt is shown where images are not. */
  z.object({ kind: z.literal("image"), url: z.string().min(1), alt: z.string().min(1), caption: z.string().optional() }),
  z.object({ kind: z.literal("location_request"), text: z.string().min(1) }),
]);
export type OutboundMessage = z.infer<typeof OutboundMessage>;
export type OutboundKind = OutboundMessage["kind"];
export type OutboundOf<K extends OutboundKind> = Extract<OutboundMessage, { kind: K }>;

/** One renderer per message kind: a channel module declares `const renderers = {...} satisfies OutboundRenderers<Req>`. */
export type OutboundRenderers<Req> = { [K in OutboundKind]: (msg: OutboundOf<K>) => Req[] };

/** Outcome of one platform send: values, not exceptions (architecture.md, principle 6). */
export type SendResult =
  | { ok: true; platformMessageIds: string[] }
  /** Try again later (429, 5xx, network). retryAfterMs when the platform said how long. */
  | { ok: false; retryable: true; reason: string; retryAfterMs?: number }
  /** Never retry (blocked by user, outside window, bad request). `blocked` marks the contact unreachable. */
  | { ok: false; retryable: false; reason: string; blocked?: boolean; outsideWindow?: boolean };

/** Who and how to send to. `tag` is set for staff replies (Messenger HUMAN_AGENT). */
export interface SendTarget {
  userId: string;
  /** Last time the person wrote to us on this channel (messaging windows). */
  lastInboundAt: Date | null;
  purpose: "response" | "human_agent" | "notification";
}

/** A per-channel sender. Implementations render with their renderers and call the platform API. */
export interface ChannelSender {
  readonly channel: string;
  send(target: SendTarget, message: OutboundMessage): Promise<SendResult>;
}

/** Dispatches a message to its kind's renderer (a switch keeps the types exact without casts). */
export function renderWith<Req>(r: OutboundRenderers<Req>, m: OutboundMessage): Req[] {
  switch (m.kind) {
    case "text":
      return r.text(m);
    case "choices":
      return r.choices(m);
    case "call_buttons":
      return r.call_buttons(m);
    case "link":
      return r.link(m);
    case "image":
      return r.image(m);
    case "location_request":
      return r.location_request(m);
  }
}
