/**
 * The donations timers against the real application and database, with a hand-moved clock: payment reminders
 * (at most two per unpaid pledge, only inside the donor's messaging window, none for web chat or Telegram, none at
 * night), daily expiry, and alerts for a newly published need (subscribers only, capped per run, "huỷ" stops them).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNeed } from "../../src/needs/create-need.js";
import { publishNeed } from "../../src/needs/publish-need.js";
import { verifyNeed } from "../../src/needs/verify-need.js";
import { recordPledge } from "../../src/pledges/record-pledge.js";
import { DONOR_ALERT_AUTHOR } from "../../src/runtime/basic-effects.js";
import { ManualClock } from "../../src/runtime/clock.js";
import { ALERTS_PER_RUN, PLEDGE_REMINDER_AUTHOR } from "../../src/wiring/donations.js";
import { availableKinds } from "../support/test-db.js";
import { ChatClient, startTestApp, type TestApp } from "../support/test-app.js";
import { LAO_CAI, OFFICER, VIETQR_ENV } from "./donations-helpers.js";

const kinds = await availableKinds();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BAN_XEO = "02725";

describe.each(kinds)("donations timers (%s)", (kind) => {
  let t: TestApp;
  // 11:00 in Vietnam
  const clock = new ManualClock("2026-11-23T04:00:00Z");
  beforeAll(async () => {
    t = await startTestApp({ kind, clock, workers: false, env: VIETQR_ENV });
  });
  afterAll(async () => {
    await t?.close();
  });

  const prisma = () => t.db.prisma;
  async function contact(channel: string, lastInboundAt: Date | null): Promise<string> {
    const c = await prisma().contact.create({ data: { channel, channelUserId: `${channel}-${Math.random().toString(36).slice(2)}`, lastInboundAt, conversation: { create: { channel } } } });
    return c.id;
  }
  async function publishedNeed(facility: string): Promise<string> {
    const now = clock.now();
    return prisma().$transaction(async (tx) => {
      const { code } = await createNeed(
        tx,
        { facility, provinceCode: LAO_CAI, communeCode: BAN_XEO, category: "warm_clothes", childrenCount: 40, quantity: 40, unit: "áo ấm", amountVnd: 8_000_000, neededBy: null, description: "", contactName: null, contactPhone: null },
        { actor: "bot", now },
      );
      await verifyNeed(tx, { needCode: code, staff: OFFICER, now });
      await publishNeed(tx, { needCode: code, staff: OFFICER, now });
      return code;
    });
  }
  const convOf = async (contactId: string): Promise<string> => (await prisma().conversation.findUniqueOrThrow({ where: { contactId } })).id;
  /** Messages of one kind a job wrote to a person (a reminder is a text plus the QR image; an alert is one "choices"). */
  const sentBy = async (author: string, contactId: string, kind: string): Promise<number> => prisma().message.count({ where: { author, kind, conversationId: await convOf(contactId) } });
  const setLastInbound = (id: string, at: Date) => prisma().contact.update({ where: { id }, data: { lastInboundAt: at } });

  it("reminds an unpaid pledge at most twice, only inside the messaging window, never on web chat/Telegram or at night", async () => {
    const t0 = clock.now();
    const needCode = await publishedNeed("Trường Tiểu học Bản Xèo");
    const A = await contact("messenger", t0); // wrote just now
    const B = await contact("messenger", new Date(t0.getTime() - 2 * DAY)); // 24 h window already closed
    const C = await contact("zalo", new Date(t0.getTime() - DAY)); // Zalo: 7 days
    const D = await contact("webchat", t0);
    const E = await contact("telegram", t0);
    const codes = new Map<string, string>();
    for (const [id, ch] of [[A, "messenger"], [B, "messenger"], [C, "zalo"], [D, "webchat"], [E, "telegram"]] as const) {
      const r = await prisma().$transaction((tx) =>
        recordPledge(tx, { kind: "money", needCode, amountVnd: 300_000, items: null, quantity: null, publicName: null, contact: null }, { actor: "test", now: t0, donorContactId: id, donorChannel: ch }),
      );
      codes.set(id, r.code);
    }
    const counts = async () => Promise.all([A, B, C, D, E].map((id) => sentBy(PLEDGE_REMINDER_AUTHOR, id, "text")));

    clock.advance(HOUR);
    await t.app.scheduler.runDue();
    expect(await counts()).toEqual([0, 0, 0, 0, 0]); // too early

    clock.set(new Date(t0.getTime() + 21 * HOUR)); // 08:00 in Vietnam
    await t.app.scheduler.runDue();
    expect(await counts()).toEqual([1, 0, 1, 0, 0]);
    // the reminder names the code, the amount and the transfer note, and carries the QR again
    const reminder = await prisma().message.findFirstOrThrow({ where: { author: PLEDGE_REMINDER_AUTHOR, conversationId: await convOf(A), kind: "text" } });
    expect(reminder.status).toBe("queued");
    const item = await prisma().outboxItem.findFirstOrThrow({ where: { messageId: reminder.id } });
    expect(item).toMatchObject({ channel: "messenger", purpose: "notification", status: "pending" });
    expect(await prisma().message.count({ where: { author: PLEDGE_REMINDER_AUTHOR, conversationId: await convOf(A), kind: "image" } })).toBe(1);

    clock.advance(HOUR);
    await t.app.scheduler.runDue();
    expect(await counts()).toEqual([1, 0, 1, 0, 0]); // the second is not due yet

    clock.set(new Date(t0.getTime() + 5 * DAY + HOUR)); // 12:00; A's 24 h window closed long ago, C's 7 days still open
    await t.app.scheduler.runDue();
    expect(await counts()).toEqual([1, 0, 2, 0, 0]);

    await setLastInbound(A, clock.now()); // A writes again: the window opens
    clock.advance(HOUR);
    await t.app.scheduler.runDue();
    expect(await counts()).toEqual([2, 0, 2, 0, 0]);

    await setLastInbound(B, clock.now()); // B finally writes: B's first reminder, late but inside the window
    await setLastInbound(C, clock.now());
    clock.advance(HOUR);
    await t.app.scheduler.runDue();
    expect(await counts()).toEqual([2, 1, 2, 0, 0]); // never a third for A or C

    // B's second: due, but at 22:00 in Vietnam nobody is reminded; the next morning it goes out
    clock.set(new Date(t0.getTime() + 8 * DAY + 11 * HOUR)); // 15:00 UTC = 22:00 ICT
    await setLastInbound(B, clock.now());
    await t.app.scheduler.runDue();
    expect(await counts()).toEqual([2, 1, 2, 0, 0]);
    clock.set(new Date(t0.getTime() + 8 * DAY + 21 * HOUR)); // 08:00 ICT
    await t.app.scheduler.runDue();
    expect(await counts()).toEqual([2, 2, 2, 0, 0]);
    const remindersSent = await prisma().pledge.findMany({ where: { code: { in: [...codes.values()] } }, select: { remindersSent: true } });
    expect(remindersSent.map((p) => p.remindersSent).sort()).toEqual([0, 0, 2, 2, 2]);

    // after the deadline the daily job expires them, and nobody is reminded any more
    clock.set(new Date(t0.getTime() + 15 * DAY + 2 * HOUR));
    await setLastInbound(A, clock.now());
    await t.app.scheduler.runDue();
    const statuses = await prisma().pledge.findMany({ where: { code: { in: [...codes.values()] } }, select: { status: true } });
    expect(statuses.every((p) => p.status === "expired")).toBe(true);
    expect(await counts()).toEqual([2, 2, 2, 0, 0]);
  });

  it("alerts subscribed donors only (category/province), spreads them over runs, and 'huỷ' stops them", async () => {
    clock.set("2026-12-20T03:00:00Z"); // 10:00 in Vietnam
    const say = async (c: ChatClient, text: string, payload?: string) => {
      const r = await c.send(text, payload);
      expect(r.status).toBe(202);
      while ((await t.app.processor.runOnce()) > 0);
      return c.replies(1);
    };
    const contactOf = async (c: ChatClient) => (await prisma().contact.findUniqueOrThrow({ where: { channel_channelUserId: { channel: "webchat", channelUserId: c.sessionId } } })).id;

    const a = await ChatClient.open(t.baseUrl); // all needs
    await say(a, "ung ho");
    expect((await say(a, "Báo tôi khi có nhu cầu mới", "alerts")).map((r) => r.message.text).join("\n")).toContain("huỷ");
    const b = await ChatClient.open(t.baseUrl); // only Điện Biên
    await say(b, "ung ho");
    await say(b, "Dien Bien");
    await say(b, "Báo tôi khi có nhu cầu mới", "alerts");
    const d = await ChatClient.open(t.baseUrl); // all needs; will tap the alert's button
    await say(d, "ung ho");
    await say(d, "Báo tôi khi có nhu cầu mới", "alerts");
    const n = await ChatClient.open(t.baseUrl); // never subscribed
    await say(n, "xin chào");
    const [A, B, D, N] = await Promise.all([a, b, d, n].map(contactOf));
    const subs = await prisma().donorAlertSubscription.findMany({ where: { contactId: { in: [A!, B!, D!] }, active: true } });
    expect(subs.map((s) => s.provinceCode).sort()).toEqual(["11", null, null].sort());
    // many more subscribers, to see the per-run cap
    const bulk: string[] = [];
    for (let i = 0; i < ALERTS_PER_RUN + 5; i++) bulk.push(await contact("webchat", clock.now()));
    await prisma().donorAlertSubscription.createMany({ data: bulk.map((contactId) => ({ contactId, category: "warm_clothes", provinceCode: LAO_CAI })) });

    const alerts = async (id: string) => sentBy(DONOR_ALERT_AUTHOR, id, "choices");
    const total = () => prisma().message.count({ where: { author: DONOR_ALERT_AUTHOR } });
    const first = await publishedNeed("Điểm trường Nậm Chạy");
    await t.app.scheduler.runDue();
    expect(await total()).toBe(ALERTS_PER_RUN); // the rest wait for the next run
    clock.advance(61_000);
    await t.app.scheduler.runDue();
    expect(await total()).toBe(bulk.length + 2); // every Lào Cai/any subscriber once: A, D and the bulk
    expect([await alerts(A!), await alerts(B!), await alerts(D!), await alerts(N!)]).toEqual([1, 0, 1, 0]);
    const alertMsg = (await a.replies(1)).at(-1)!.message;
    expect(alertMsg.kind).toBe("choices");
    expect(alertMsg.text).toContain(first);
    expect(alertMsg.choices).toEqual([{ id: `pledge:need:${first}`, label: "Ủng hộ nhu cầu này" }]);
    clock.advance(61_000);
    await t.app.scheduler.runDue();
    expect(await total()).toBe(bulk.length + 2); // nobody twice

    // the alert's button opens the pledge for that need
    const tapped = await say(d, "Ủng hộ nhu cầu này", `pledge:need:${first}`);
    expect(tapped.map((r) => r.message.text).join("\n")).toContain("Điểm trường Nậm Chạy");
    expect(tapped.at(-1)!.message.text).toContain("tiền hay hiện vật");

    // one word stops them
    const stop = await say(a, "huỷ");
    expect(stop.map((r) => r.message.text).join("\n")).toContain("thông báo nhu cầu mới");
    expect(await prisma().donorAlertSubscription.count({ where: { contactId: A!, active: true } })).toBe(0);
    await publishedNeed("Trường Mầm non Sín Chéng");
    clock.advance(61_000);
    await t.app.scheduler.runDue();
    clock.advance(61_000);
    await t.app.scheduler.runDue();
    expect([await alerts(A!), await alerts(B!), await alerts(D!), await alerts(N!)]).toEqual([1, 0, 2, 0]);
  });
});
