import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { messengerBodyToEvents, MessengerWebhookBody } from "../../../src/bots/messenger/inbound.js";
import { InboundEvent } from "../../../src/messaging/inbound.js";

const load = (name: string) => MessengerWebhookBody.parse(JSON.parse(readFileSync(new URL(`../../fixtures/messenger/${name}`, import.meta.url), "utf8")));
const eventsOf = (name: string) => {
  const events = messengerBodyToEvents(load(name), new Date("2026-11-23T00:00:00Z"));
  // Every produced event honours the channel-neutral contract.
  for (const e of events) expect(InboundEvent.safeParse(e).success).toBe(true);
  return events;
};

describe("messengerBodyToEvents (fixtures in Meta's documented shapes)", () => {
  it("text message", () => {
    expect(eventsOf("text.json")).toEqual([
      {
        channel: "messenger",
        kind: "message",
        externalId: "m_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghij",
        userId: "7264512398761234",
        occurredAt: new Date(1763899999512),
        text: "Chào bạn, mình cần giúp đỡ",
        attachments: [],
      },
    ]);
  });
  it("quick reply → text + payload", () => {
    expect(eventsOf("quick-reply.json")[0]).toMatchObject({ kind: "message", text: "Báo cáo", payload: "menu_report", externalId: "m_quickreply0001" });
  });
  it("postback (Get Started) → payload with postback.mid as externalId", () => {
    expect(eventsOf("postback-get-started.json")[0]).toMatchObject({ kind: "message", payload: "GET_STARTED", text: "Bắt đầu", externalId: "m_postback0001" });
  });
  it("postback without mid → pb:<sender>:<timestamp>", () => {
    expect(eventsOf("postback-no-mid.json")[0]).toMatchObject({ payload: "call_111", externalId: "pb:7264512398761234:1763900002800" });
  });
  it("attachments → image and sticker refs; a payload-less fallback is skipped", () => {
    expect(eventsOf("image.json")[0]).toMatchObject({
      kind: "message",
      text: "",
      attachments: [
        { type: "image", ref: "https://scontent.xx.fbcdn.net/v/t1.15752-9/fake_image.jpg?_nc_cat=1" },
        { type: "sticker", ref: "https://scontent.xx.fbcdn.net/v/t39.1997-6/fake_sticker.png" },
      ],
    });
  });
  it("legacy location attachment → location", () => {
    const [e] = eventsOf("location-legacy.json");
    expect(e).toMatchObject({ kind: "message", location: { lat: 21.0285, lng: 105.8542 }, attachments: [] });
  });
  it("delivery without timestamp → receipt dated by receipt time, with mids and watermark", () => {
    expect(eventsOf("delivery.json")).toEqual([
      {
        channel: "messenger",
        kind: "receipt",
        externalId: "dl:7264512398761234:1763900005900",
        userId: "7264512398761234",
        occurredAt: new Date("2026-11-23T00:00:00Z"),
        status: "delivered",
        messageIds: ["m_fake_1", "m_fake_2"],
        watermark: new Date(1763900005900),
      },
    ]);
  });
  it("read → receipt with watermark", () => {
    expect(eventsOf("read.json")[0]).toMatchObject({ kind: "receipt", status: "read", externalId: "rd:7264512398761234:1763900006900", watermark: new Date(1763900006900) });
  });
  it("echo → nothing", () => {
    expect(eventsOf("echo.json")).toEqual([]);
  });
  it("batch → all four events in order", () => {
    expect(eventsOf("batch.json").map((e) => [e.userId, e.externalId])).toEqual([
      ["7264512398761234", "m_batch_1"],
      ["7264512398761234", "m_batch_2"],
      ["5511223344556677", "m_batch_3"],
      ["5511223344556677", "rd:5511223344556677:1763900008000"],
    ]);
  });
  it("tolerates unknown fields and entries without messaging (standby)", () => {
    const body = MessengerWebhookBody.parse({ object: "page", entry: [{ id: "1", time: 1, standby: [{}], brand_new: true }], extra: 1 });
    expect(messengerBodyToEvents(body)).toEqual([]);
  });
  it("ignores objects other than page", () => {
    const body = MessengerWebhookBody.parse({ object: "instagram", entry: [{ id: "1", messaging: [{ sender: { id: "1" }, recipient: { id: "2" }, message: { mid: "x", text: "hi" } }] }] });
    expect(messengerBodyToEvents(body)).toEqual([]);
  });
  it("reads a seconds timestamp (one of Meta's doc examples) as seconds", () => {
    const body = MessengerWebhookBody.parse({ object: "page", entry: [{ id: "1", messaging: [{ sender: { id: "9" }, recipient: { id: "1" }, timestamp: 1527459824, postback: { payload: "X" } }] }] });
    expect(messengerBodyToEvents(body)[0]?.occurredAt).toEqual(new Date(1527459824000));
  });
});
