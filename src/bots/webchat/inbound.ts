/** Web chat and terminal chat: their API body → a channel-neutral InboundEvent (pure translation). */
import type { InboundEvent } from "../../messaging/inbound.js";

export interface WebchatBody {
  sessionId: string;
  clientMessageId: string;
  text?: string;
  payload?: string;
  location?: { lat: number; lng: number };
  channel: "webchat" | "terminal";
}

/** Translates one web chat message. The client's message id is the de-duplication key (its retries are dropped). */
export function webchatToEvent(b: WebchatBody, receivedAt: Date): InboundEvent {
  return {
    kind: "message",
    channel: b.channel,
    externalId: b.clientMessageId,
    userId: b.sessionId,
    occurredAt: receivedAt,
    text: b.text ?? "",
    payload: b.payload,
    location: b.location,
    attachments: [],
  };
}
