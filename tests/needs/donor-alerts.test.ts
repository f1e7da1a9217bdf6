import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dueAlertsForNeed } from "../../src/needs/due-alerts-for-need.js";
import { subscribeDonorAlerts } from "../../src/needs/subscribe-donor-alerts.js";
import { unsubscribeDonorAlerts } from "../../src/needs/unsubscribe-donor-alerts.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";
import { NOW } from "./helpers.js";

describe.each(await availableKinds())("donor alert subscriptions on %s", (kind) => {
  let db: TestDb;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    db = await createTestDb(kind);
    for (const [name, blocked] of [["any", false], ["warm", false], ["p1", false], ["warmP2", false], ["blocked", false], ["gone", false]] as const) {
      const c = await db.prisma.contact.create({ data: { channel: "telegram", channelUserId: `u-${name}`, blocked } });
      ids[name] = c.id;
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  const sub = (contactId: string, category: string | null, provinceCode: string | null) => db.prisma.$transaction((tx) => subscribeDonorAlerts(tx, { contactId, category, provinceCode, now: NOW }));

  it("finds the subscribers of a need's category and province (null = any), once each, never blocked contacts", async () => {
    await sub(ids.any!, null, null);
    await sub(ids.warm!, "warm_clothes", null);
    expect((await sub(ids.warm!, "warm_clothes", null)).created).toBe(false); // idempotent
    await sub(ids.p1!, null, "P1");
    await sub(ids.p1!, "warm_clothes", "P1"); // overlapping subscriptions: still one alert
    await sub(ids.warmP2!, "warm_clothes", "P2");
    await sub(ids.blocked!, null, null);
    await db.prisma.contact.update({ where: { id: ids.blocked! }, data: { blocked: true } });
    await sub(ids.gone!, null, null);
    expect(await db.prisma.$transaction((tx) => unsubscribeDonorAlerts(tx, { contactId: ids.gone!, now: NOW }))).toEqual({ count: 1 });

    const warmP1 = (await dueAlertsForNeed(db.prisma, { category: "warm_clothes", provinceCode: "P1" })).map((a) => a.contactId).sort();
    expect(warmP1).toEqual([ids.any, ids.warm, ids.p1].sort());
    const mealsP2 = (await dueAlertsForNeed(db.prisma, { category: "nutrition_meals", provinceCode: "P2" })).map((a) => a.contactId);
    expect(mealsP2).toEqual([ids.any]);
    const warmP2 = await dueAlertsForNeed(db.prisma, { category: "warm_clothes", provinceCode: "P2" });
    expect(warmP2.map((a) => a.contactId).sort()).toEqual([ids.any, ids.warm, ids.warmP2].sort());
    expect(warmP2[0]).toMatchObject({ channel: "telegram", channelUserId: expect.stringMatching(/^u-/) });
  });

  it("unsubscribes one category only, or everything", async () => {
    expect(await db.prisma.$transaction((tx) => unsubscribeDonorAlerts(tx, { contactId: ids.p1!, category: "warm_clothes", provinceCode: "P1", now: NOW }))).toEqual({ count: 1 });
    expect((await dueAlertsForNeed(db.prisma, { category: "warm_clothes", provinceCode: "P1" })).map((a) => a.contactId)).toContain(ids.p1); // still via "any category in P1"
    await db.prisma.$transaction((tx) => unsubscribeDonorAlerts(tx, { contactId: ids.p1!, now: NOW }));
    expect((await dueAlertsForNeed(db.prisma, { category: "warm_clothes", provinceCode: "P1" })).map((a) => a.contactId)).not.toContain(ids.p1);
    const audit = await db.prisma.auditLog.findMany({ where: { entity: "donor_alert_subscription" } });
    expect(audit.filter((a) => a.action === "donor_alerts.unsubscribe")).toHaveLength(3);
  });

  it("refuses an unknown category", async () => {
    await expect(sub(ids.any!, "weapons", null)).rejects.toThrow();
  });
});
