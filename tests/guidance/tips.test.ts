import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptJson } from "../../src/crypto/index.js";
import { guidanceLibrary } from "../../src/guidance/guidance-port.js";
import { isoWeek, messagingWindowOpen, pickTip, tipJobKey, tipsJobs, TIP_AUTHOR } from "../../src/guidance/tips.js";
import { basicEffectHandlers } from "../../src/runtime/basic-effects.js";
import { ManualClock } from "../../src/runtime/clock.js";
import { createTestDb, type TestDb } from "../support/test-db.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const art = (id: string, min: number, max: number, topic = "phat-trien") => ({ id, topic, ageMonths: { min, max } });

describe("pickTip", () => {
  const small = [art("newborn", 0, 1, "sua-me-an-dam"), art("infant", 0, 24), art("weaning", 6, 24, "sua-me-an-dam"), art("preschool", 24, 72), art("pregnancy", 0, 0, "thai-ky-1000-ngay"), art("after-abuse", 0, 216, "xam-hai-tinh-duc")];

  it("picks the most age-specific article whose range fits", () => {
    expect(pickTip(small, 0, [])?.id).toBe("newborn");
    expect(pickTip(small, 8, [])?.id).toBe("weaning");
    expect(pickTip(small, 30, [])?.id).toBe("preschool");
  });

  it("sends pregnancy articles before birth, and never to a born child", () => {
    expect(pickTip(small, -3, [])?.id).toBe("pregnancy");
    expect(pickTip(small, 0, ["newborn", "infant"])?.id).toBe("newborn"); // pregnancy is never picked after birth
  });

  it("skips what was sent, then comes round to the one sent longest ago", () => {
    expect(pickTip(small, 8, ["weaning"])?.id).toBe("infant");
    expect(pickTip(small, 8, ["infant", "weaning"])?.id).toBe("infant");
    expect(pickTip(small, 8, ["weaning", "infant"])?.id).toBe("weaning");
  });

  it("never sends crisis topics unasked, and returns null when nothing fits", () => {
    expect(pickTip([art("after-abuse", 0, 216, "xam-hai-tinh-duc")], 10, [])).toBeNull();
    expect(pickTip([art("quy-tac-5-vung-an-toan-co-the", 24, 216, "xam-hai-tinh-duc")], 30, [])?.id).toBe("quy-tac-5-vung-an-toan-co-the");
    expect(pickTip(small, 300, [])).toBeNull();
  });

  it("finds a tip for every month from pregnancy to 6 years in the real library", () => {
    const { articles } = guidanceLibrary();
    for (let age = -9; age <= 72; age++) expect(pickTip(articles, age, []), `age ${age}`).not.toBeNull();
    // A year of weekly tips for a 1-year-old does not repeat before the fitting articles run out.
    const sent: string[] = [];
    for (let w = 0; w < 10; w++) sent.push(pickTip(articles, 12, sent)!.id);
    expect(new Set(sent).size).toBe(10);
  });
});

describe("messaging windows", () => {
  it("Messenger: 24 h after the person's last message", () => {
    const clock = new ManualClock("2026-11-23T08:00:00Z");
    const last = clock.now();
    clock.advance(23 * HOUR);
    expect(messagingWindowOpen("messenger", last, clock.now())).toBe(true);
    clock.advance(2 * HOUR);
    expect(messagingWindowOpen("messenger", last, clock.now())).toBe(false);
    expect(messagingWindowOpen("messenger", null, clock.now())).toBe(false);
  });

  it("Zalo: 7 days", () => {
    const clock = new ManualClock("2026-11-23T08:00:00Z");
    const last = clock.now();
    clock.advance(6 * DAY);
    expect(messagingWindowOpen("zalo", last, clock.now())).toBe(true);
    clock.advance(2 * DAY);
    expect(messagingWindowOpen("zalo", last, clock.now())).toBe(false);
  });

  it("web chat, terminal and Telegram have none", () => {
    const now = new ManualClock("2027-06-01T00:00:00Z").now();
    for (const ch of ["webchat", "terminal", "telegram"]) {
      expect(messagingWindowOpen(ch, new Date("2026-01-01T00:00:00Z"), now)).toBe(true);
      expect(messagingWindowOpen(ch, null, now)).toBe(true);
    }
  });

  it("keys the weekly job by ISO week", () => {
    expect(isoWeek(new Date("2026-11-23T08:00:00Z"))).toBe("2026-W48");
    expect(isoWeek(new Date("2027-01-01T08:00:00Z"))).toBe("2026-W53");
    expect(tipJobKey("c1", new Date("2026-11-30T08:00:00Z"))).toBe("tips:c1:2026-W49");
  });
});

describe("tips.send job", () => {
  let db: TestDb;
  const { articles } = guidanceLibrary();
  const handler = tipsJobs({ articles })["tips.send"]!;
  const clock = new ManualClock("2026-11-23T08:00:00Z");
  let n = 0;

  beforeAll(async () => {
    db = await createTestDb("pglite");
  });
  afterAll(async () => {
    await db?.close();
  });

  async function subscriber(channel: string, lastInboundAt: Date | null, active = true) {
    const contact = await db.prisma.contact.create({
      data: { channel, channelUserId: `u${++n}`, lastInboundAt, consents: { tips: clock.now().toISOString() }, conversation: { create: { channel } } },
      include: { conversation: true },
    });
    await db.prisma.tipSubscription.create({ data: { contactId: contact.id, birthMonth: "2026-03", active } });
    return { contactId: contact.id, conversationId: contact.conversation!.id };
  }
  const run = (contactId: string) => handler({ contactId }, { prisma: db.prisma, now: clock.now(), jobId: "1" });
  const outbox = (contactId: string) => db.prisma.outboxItem.findMany({ where: { contactId }, orderBy: { id: "asc" } });
  const nextJobs = (contactId: string) => db.prisma.$queryRawUnsafe<{ dedupeKey: string; runAt: Date }[]>(`SELECT "dedupeKey", "runAt" FROM "Job" WHERE kind = 'tips.send' AND payload->>'contactId' = $1 ORDER BY id`, contactId);

  it("sends a tip fitting the child's age on web chat and schedules next week's", async () => {
    const s = await subscriber("webchat", null);
    await run(s.contactId);
    const msgs = await db.prisma.message.findMany({ where: { conversationId: s.conversationId } });
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!).toMatchObject({ author: TIP_AUTHOR, status: "sent", direction: "out" });
    const body = decryptJson(msgs[0]!.bodyEnc) as { text: string };
    expect(body.text).toMatch(/^Mẹo tuần này \(bé 8 tháng tuổi\): /);
    expect(body.text).toContain("Nguồn: ");
    expect(body.text).toContain('Gõ "huỷ" để dừng nhận mẹo.');
    const sub = await db.prisma.tipSubscription.findUniqueOrThrow({ where: { contactId: s.contactId } });
    expect(sub.lastSentAt).toEqual(clock.now());
    const tip = articles.find((a) => a.id === sub.lastTipId)!;
    expect(tip.ageMonths.min).toBeLessThanOrEqual(8);
    expect(tip.ageMonths.max).toBeGreaterThanOrEqual(8);
    expect(await nextJobs(s.contactId)).toEqual([{ dedupeKey: "tips:" + s.contactId + ":2026-W49", runAt: new Date(clock.now().getTime() + 7 * DAY) }]);
    // Next week brings a different article.
    await run(s.contactId);
    const again = await db.prisma.tipSubscription.findUniqueOrThrow({ where: { contactId: s.contactId } });
    expect(again.lastTipId).not.toBe(tip.id);
  });

  it("sends on Messenger inside the 24 h window (through the outbox, as a notification)", async () => {
    const s = await subscriber("messenger", new Date(clock.now().getTime() - 2 * HOUR));
    await run(s.contactId);
    const items = await outbox(s.contactId);
    expect(items.map((i) => [i.status, i.purpose])).toEqual([["pending", "notification"]]);
  });

  it("holds the tip outside the window until the parent writes, keeping only the newest one", async () => {
    const s = await subscriber("messenger", new Date(clock.now().getTime() - 3 * DAY));
    await run(s.contactId);
    let items = await outbox(s.contactId);
    expect(items.map((i) => i.status)).toEqual(["held"]);
    const msg = await db.prisma.message.findUniqueOrThrow({ where: { id: items[0]!.messageId! } });
    expect(msg.status).toBe("held");
    expect((await db.prisma.tipSubscription.findUniqueOrThrow({ where: { contactId: s.contactId } })).lastSentAt).toBeNull();
    await run(s.contactId);
    items = await outbox(s.contactId);
    expect(items.map((i) => i.status)).toEqual(["dead", "held"]);
    // The parent wrote: the processor releases held rows (status 'held' → 'pending'); stopping first withdraws them.
    await db.prisma.$transaction((tx) => basicEffectHandlers({ handoffPickupMin: 10 }).unsubscribe_tips({ type: "unsubscribe_tips" }, { tx, contactId: s.contactId, conversationId: s.conversationId, channel: "messenger", channelUserId: "x", now: clock.now() }));
    items = await outbox(s.contactId);
    expect(items.map((i) => i.status)).toEqual(["dead", "dead"]);
    const c = await db.prisma.contact.findUniqueOrThrow({ where: { id: s.contactId } });
    expect((c.consents as Record<string, unknown>).tips).toBeNull();
  });

  it("uses Zalo's 7-day window", async () => {
    const inside = await subscriber("zalo", new Date(clock.now().getTime() - 6 * DAY));
    const outside = await subscriber("zalo", new Date(clock.now().getTime() - 8 * DAY));
    await run(inside.contactId);
    await run(outside.contactId);
    expect((await outbox(inside.contactId)).map((i) => i.status)).toEqual(["pending"]);
    expect((await outbox(outside.contactId)).map((i) => i.status)).toEqual(["held"]);
  });

  it("sends nothing, and schedules nothing, for a stopped subscription or withdrawn consent", async () => {
    const stopped = await subscriber("webchat", null, false);
    await run(stopped.contactId);
    expect(await db.prisma.message.count({ where: { conversationId: stopped.conversationId } })).toBe(0);
    expect(await nextJobs(stopped.contactId)).toEqual([]);
    const noConsent = await subscriber("webchat", null);
    await db.prisma.contact.update({ where: { id: noConsent.contactId }, data: { consents: { tips: null } } });
    await run(noConsent.contactId);
    expect(await db.prisma.message.count({ where: { conversationId: noConsent.conversationId } })).toBe(0);
  });

  it("schedules the first tip at once on subscribing, without doubling a running chain", async () => {
    const s = await subscriber("webchat", null);
    const h = basicEffectHandlers({ handoffPickupMin: 10 });
    const sub = (now: Date) => db.prisma.$transaction((tx) => h.subscribe_tips({ type: "subscribe_tips", birthMonth: "2026-03" }, { tx, contactId: s.contactId, conversationId: s.conversationId, channel: "webchat", channelUserId: "x", now }));
    await sub(clock.now());
    await sub(new Date(clock.now().getTime() + 60_000));
    const jobs = await nextJobs(s.contactId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.runAt).toEqual(clock.now());
  });
});
