import type { Message, Update } from "grammy/types";
import { z } from "zod";
import { InboundEvent, type Attachment } from "../../messaging/inbound.js";

/**
 * Telegram → channel-neutral events. Pure translation: no I/O, no flow logic.
 *
 * One update yields at most one event, and every event's externalId is `String(update.update_id)`: Telegram
 * re-delivers the very same update_id when a webhook call fails, so that is the inbox de-duplication key.
 * Only private chats are served: in a group, our replies (about abuse, with phone numbers) would be read by everyone.
 */

/** The minimal shape we accept at the edge; the secret token vouches for the rest, which is read defensively. */
export const TelegramUpdateBody = z.looseObject({ update_id: z.number().int().nonnegative() });

/** True when `value` is shaped like a Telegram update (an object with an integer update_id). */
export function isTelegramUpdate(value: unknown): value is Update {
  return TelegramUpdateBody.safeParse(value).success;
}

/** Translates one update into inbox events ([] for updates we do not handle, e.g. edited messages or group chats). */
export function telegramUpdateToEvents(update: Update, receivedAt: Date = new Date()): InboundEvent[] {
  const event = translate(update, receivedAt);
  if (!event) return [];
  // A malformed field (absurd id length, out-of-range coordinates) drops the event instead of poisoning the inbox.
  const parsed = InboundEvent.safeParse(event);
  return parsed.success ? [parsed.data] : [];
}

/** The callback query the webhook/poller must acknowledge (answerCallbackQuery) once the update is stored, if any. */
export function callbackQueryToAnswer(update: Update): string | undefined {
  const id = update.callback_query?.id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** A short, text-free description of an update for logs ("message", "callback_query", "my_chat_member"…). */
export function telegramUpdateKind(update: Update): string {
  return Object.keys(update).find((k) => k !== "update_id") ?? "empty";
}

function translate(update: Update, receivedAt: Date): InboundEvent | undefined {
  const externalId = String(update.update_id);
  if (update.message) return fromMessage(update.message, externalId, receivedAt);

  const cb = update.callback_query;
  if (cb) {
    if (typeof cb.data !== "string" || cb.data === "") return undefined; // game callbacks carry no data
    const chat = cb.message?.chat;
    if (chat && chat.type !== "private") return undefined;
    // In a private chat the chat id equals the user id, so from.id is right even when the message is too old to be attached.
    const userId = chat?.id ?? cb.from?.id;
    if (userId === undefined) return undefined;
    return {
      channel: "telegram",
      kind: "message",
      externalId,
      userId: String(userId),
      occurredAt: receivedAt, // callback queries carry no date
      text: "",
      payload: cb.data,
      attachments: [],
      ...locale(cb.from?.language_code),
    };
  }

  const member = update.my_chat_member;
  if (member) {
    if (member.chat?.type !== "private") return undefined;
    const status = member.new_chat_member?.status;
    if (status !== "kicked" && status !== "member") return undefined;
    return {
      channel: "telegram",
      kind: "reachability",
      externalId,
      userId: String(member.chat.id),
      occurredAt: fromUnix(member.date, receivedAt),
      blocked: status === "kicked",
    };
  }
  // edited_message, channel posts, inline queries…: deliberately ignored.
  return undefined;
}

function fromMessage(msg: Message, externalId: string, receivedAt: Date): InboundEvent | undefined {
  if (msg.chat?.type !== "private" || msg.chat.id === undefined) return undefined;
  const attachments = attachmentsOf(msg);
  const location = msg.location ? { lat: msg.location.latitude, lng: msg.location.longitude } : undefined;
  const text = msg.text ?? msg.caption ?? "";
  // Service messages (pinned, chat created…) carry nothing a flow could answer.
  if (text === "" && !location && attachments.length === 0) return undefined;
  return {
    channel: "telegram",
    kind: "message",
    externalId,
    userId: String(msg.chat.id),
    occurredAt: fromUnix(msg.date, receivedAt),
    text,
    attachments,
    ...(location ? { location } : {}),
    ...locale(msg.from?.language_code),
  };
}

function attachmentsOf(msg: Message): Attachment[] {
  if (msg.photo && msg.photo.length > 0) {
    // Sizes are listed small to large, but pick by area rather than trusting the order.
    const largest = msg.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    return [{ type: "image", ref: largest.file_id }];
  }
  // Other media still produce a message, so a flow can say it only reads text instead of staying silent.
  const media: [Attachment["type"], { file_id: string } | undefined][] = [
    ["sticker", msg.sticker],
    ["audio", msg.voice],
    ["audio", msg.audio],
    ["video", msg.video],
    ["video", msg.video_note],
    ["video", msg.animation],
    ["file", msg.document],
  ];
  for (const [type, file] of media) {
    if (file?.file_id) return [{ type, ref: file.file_id }];
  }
  if (msg.contact || msg.venue || msg.poll || msg.dice) return [{ type: "other", ref: "telegram:unsupported" }];
  return [];
}

function fromUnix(seconds: number | undefined, fallback: Date): Date {
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : fallback;
}

function locale(code: string | undefined): { locale?: string } {
  return code ? { locale: code } : {};
}
