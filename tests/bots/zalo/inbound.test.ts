import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { zaloBodyToEvents, ZaloWebhookBody, type ZaloInboundOptions } from "../../../src/bots/zalo/inbound.js";
import { InboundEvent } from "../../../src/messaging/inbound.js";

const USER = "246845883529197922";
const OA = "388613280878808645";
const load = (name: string) => ZaloWebhookBody.parse(JSON.parse(readFileSync(new URL(`../../fixtures/zalo/${name}`, import.meta.url), "utf8")));
const eventsOf = (name: string, options: ZaloInboundOptions = {}) => {
  const events = zaloBodyToEvents(load(name), options);
  for (const e of events) expect(InboundEvent.safeParse(e).success).toBe(true);
  return events;
};

describe("zaloBodyToEvents (fixtures in the documented shapes)", () => {
  it("user_send_text → message with msg_id as externalId and the string timestamp as date", () => {
    expect(eventsOf("user_send_text.json")).toEqual([
      { channel: "zalo", kind: "message", externalId: "96d3cdf3af150460909", userId: USER, occurredAt: new Date(1763900000123), text: "Chào OA, em cần giúp", attachments: [] },
    ]);
  });
  it("a tapped choice (oa.query.hide payload cn:<id>) → payload, no text", () => {
    expect(eventsOf("user_send_text_choice.json")[0]).toMatchObject({ kind: "message", text: "", payload: "menu_report" });
  });
  it("user_send_image → image attachment", () => {
    expect(eventsOf("user_send_image.json")[0]).toMatchObject({ kind: "message", attachments: [{ type: "image", ref: "https://photo-stal-3.zdn.vn/fake.jpg" }] });
  });
  it("user_send_location (string coordinates) → location", () => {
    expect(eventsOf("user_send_location.json")[0]).toMatchObject({ kind: "message", text: "", location: { lat: 10.7769, lng: 106.7009 } });
  });
  it("follow / unfollow → reachability", () => {
    expect(eventsOf("follow.json")).toEqual([{ channel: "zalo", kind: "reachability", blocked: false, userId: USER, externalId: `follow:${USER}:1763900004123`, occurredAt: new Date(1763900004123) }]);
    expect(eventsOf("unfollow.json")[0]).toMatchObject({ kind: "reachability", blocked: true, externalId: `unfollow:${USER}:1763900005123` });
  });
  it("user_submit_info → a payload-only message, without any of the submitted personal data", () => {
    const [e] = eventsOf("user_submit_info.json");
    expect(e).toEqual({ channel: "zalo", kind: "message", userId: USER, externalId: `info:${USER}:1763900006123`, occurredAt: new Date(1763900006123), text: "", payload: "zalo:user_submit_info", attachments: [] });
    expect(JSON.stringify(e)).not.toMatch(/Fake Name|84900000000|fake address/);
  });
  it("receipts → delivered (msg_id) / read (msg_ids), user on the recipient side", () => {
    expect(eventsOf("user_received_message.json")).toEqual([
      { channel: "zalo", kind: "receipt", status: "delivered", userId: USER, externalId: "dl:zmsg1", messageIds: ["zmsg1"], occurredAt: new Date(1763900007123) },
    ]);
    expect(eventsOf("user_seen_message.json")[0]).toMatchObject({ status: "read", userId: USER, messageIds: ["zmsg1", "zmsg2"], externalId: `rd:${USER}:1763900008123` });
  });
  it("receipts with the sides the other way round are resolved when the OA id is known", () => {
    const body = ZaloWebhookBody.parse({ event_name: "user_seen_message", sender: { id: USER }, recipient: { id: OA }, message: { msg_ids: ["m"] }, timestamp: "1" });
    expect(zaloBodyToEvents(body, { oaId: OA })[0]?.userId).toBe(USER);
  });
  it("oa_send_* with admin_id → takeover; without → nothing", () => {
    expect(eventsOf("oa_send_text_admin.json")).toMatchObject([{ kind: "human_takeover", active: true, userId: USER }]);
    expect(eventsOf("oa_send_text_api.json")).toEqual([]);
  });
  it("ignores events no flow uses and tolerates unknown fields and numeric ids", () => {
    const body = ZaloWebhookBody.parse({ event_name: "user_reacted_message", sender: { id: 12 }, timestamp: 5, brand_new: { x: 1 } });
    expect(zaloBodyToEvents(body)).toEqual([]);
    const g = ZaloWebhookBody.parse({ event_name: "user_send_group_text", sender: { id: "1" }, recipient: { id: "g" }, message: { text: "x", msg_id: "1" }, timestamp: "1" });
    expect(zaloBodyToEvents(g)).toEqual([]);
  });
  it("drops out-of-range or empty coordinates", () => {
    const body = ZaloWebhookBody.parse({
      event_name: "user_send_location",
      sender: { id: "1" },
      message: { msg_id: "x", attachments: [{ type: "location", payload: { coordinates: { latitude: "", longitude: "200" } } }] },
      timestamp: "1",
    });
    expect(zaloBodyToEvents(body)[0]).not.toHaveProperty("location");
  });
});
