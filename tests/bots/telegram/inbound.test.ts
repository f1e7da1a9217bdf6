import { describe, expect, it } from "vitest";
import { callbackQueryToAnswer, isTelegramUpdate, telegramUpdateKind, telegramUpdateToEvents } from "../../../src/bots/telegram/inbound.js";
import { InboundEvent } from "../../../src/messaging/inbound.js";
import { fixture } from "./helpers.js";

const receivedAt = new Date("2026-11-23T08:00:00Z");

describe("telegramUpdateToEvents (Bot API payload shapes)", () => {
  it("text message → message event keyed by update_id, user = chat id", () => {
    const events = telegramUpdateToEvents(fixture("message-text"), receivedAt);
    expect(events).toEqual([
      {
        channel: "telegram",
        kind: "message",
        externalId: "815734001",
        userId: "123456789",
        occurredAt: new Date(1763884800 * 1000),
        text: "Em cần giúp đỡ",
        attachments: [],
        locale: "vi",
      },
    ]);
    for (const e of events) expect(InboundEvent.safeParse(e).success).toBe(true);
  });

  it("callback query → message with payload = callback_data, and a query to answer", () => {
    const update = fixture("callback-query");
    expect(telegramUpdateToEvents(update, receivedAt)).toEqual([
      {
        channel: "telegram",
        kind: "message",
        externalId: "815734002",
        userId: "123456789",
        occurredAt: receivedAt,
        text: "",
        payload: "menu:report",
        attachments: [],
        locale: "vi",
      },
    ]);
    expect(callbackQueryToAnswer(update)).toBe("4382bfdwdsb323b2d9");
    expect(callbackQueryToAnswer(fixture("message-text"))).toBeUndefined();
  });

  it("shared location → message with lat/lng", () => {
    const [event] = telegramUpdateToEvents(fixture("location"), receivedAt);
    expect(event).toMatchObject({ kind: "message", externalId: "815734003", text: "", location: { lat: 21.028511, lng: 105.804817 } });
  });

  it("photo with caption → largest size's file_id as image attachment, caption as text", () => {
    const [event] = telegramUpdateToEvents(fixture("photo-caption"), receivedAt);
    expect(event).toMatchObject({
      kind: "message",
      text: "Ảnh chụp tin nhắn đe doạ",
      attachments: [{ type: "image", ref: "AgACAgUAAxkBAAIBP2large" }],
    });
  });

  it("voice note → message with an audio attachment (so the flow can answer instead of staying silent)", () => {
    const [event] = telegramUpdateToEvents(fixture("voice"), receivedAt);
    expect(event).toMatchObject({ kind: "message", text: "", attachments: [{ type: "audio", ref: "AwACAgUAAxkBAAIBQHvoice" }] });
  });

  it("my_chat_member kicked → blocked, member → unblocked", () => {
    expect(telegramUpdateToEvents(fixture("my-chat-member-kicked"), receivedAt)).toEqual([
      { channel: "telegram", kind: "reachability", externalId: "815734005", userId: "123456789", occurredAt: new Date(1763884840 * 1000), blocked: true },
    ]);
    expect(telegramUpdateToEvents(fixture("my-chat-member-member"), receivedAt)).toEqual([
      { channel: "telegram", kind: "reachability", externalId: "815734006", userId: "123456789", occurredAt: new Date(1763884850 * 1000), blocked: false },
    ]);
  });

  it("ignores edited messages, group chats and unknown update types", () => {
    expect(telegramUpdateToEvents(fixture("edited-message"), receivedAt)).toEqual([]);
    expect(telegramUpdateToEvents(fixture("group-message"), receivedAt)).toEqual([]);
    const unknown: unknown = { update_id: 9, poll: { id: "1", question: "?", options: [] } };
    if (!isTelegramUpdate(unknown)) throw new Error("guard");
    expect(telegramUpdateToEvents(unknown, receivedAt)).toEqual([]);
    expect(telegramUpdateKind(unknown)).toBe("poll");
  });

  it("never throws on a truncated payload", () => {
    const broken: unknown = { update_id: 10, message: { message_id: 1 } };
    if (!isTelegramUpdate(broken)) throw new Error("guard");
    expect(telegramUpdateToEvents(broken, receivedAt)).toEqual([]);
    const badLocation: unknown = {
      update_id: 11,
      message: { message_id: 1, date: 1, chat: { id: 5, type: "private" }, location: { latitude: 500, longitude: 0 } },
    };
    if (!isTelegramUpdate(badLocation)) throw new Error("guard");
    expect(telegramUpdateToEvents(badLocation, receivedAt)).toEqual([]);
  });

  it("the edge schema accepts only objects with an integer update_id", () => {
    expect(isTelegramUpdate({ update_id: 1 })).toBe(true);
    expect(isTelegramUpdate({ update_id: "1" })).toBe(false);
    expect(isTelegramUpdate({ update_id: 1.5 })).toBe(false);
    expect(isTelegramUpdate([])).toBe(false);
    expect(isTelegramUpdate(null)).toBe(false);
  });
});
