import { afterAll, describe, expect, it } from "vitest";
import { createInbox } from "../../src/runtime/inbox.js";
import { LocalBus } from "../../src/runtime/local-bus.js";
import type { InboundEvent } from "../../src/messaging/inbound.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";

const kinds = await availableKinds();
const msg = (id: string, user = "u1", text = "xin chào"): InboundEvent => ({
  kind: "message", channel: "webchat", externalId: id, userId: user, occurredAt: new Date(), text, attachments: [],
});

describe.each(kinds)("durable inbox on %s", (kind) => {
  const dbs: TestDb[] = [];
  afterAll(async () => {
    for (const d of dbs) await d.close();
  });

  it("stores each event once, even when the platform retries or sends it twice in one batch", async () => {
    const db = await createTestDb(kind);
    dbs.push(db);
    const ingest = createInbox(db.prisma, new LocalBus());
    const first = await ingest([msg("a"), msg("b"), msg("a")]);
    expect(first).toEqual({ accepted: 2, duplicates: 1 });
    const retry = await ingest([msg("a")]);
    expect(retry).toEqual({ accepted: 0, duplicates: 1 });
    // concurrent submissions are grouped into few statements and all land
    const many = await Promise.all(Array.from({ length: 300 }, (_, i) => ingest([msg(`m${i}`, `u${i % 17}`)])));
    expect(many.reduce((s, r) => s + r.accepted, 0)).toBe(300);
    expect(await db.prisma.inboxEvent.count()).toBe(302);
  });

  it("never stores message text in clear", async () => {
    const db = dbs[0]!;
    await createInbox(db.prisma, new LocalBus())([msg("secret", "u9", "Tên bé là Nguyễn Văn An")]);
    const row = await db.prisma.inboxEvent.findFirstOrThrow({ where: { externalId: "secret" } });
    expect(JSON.stringify(row.payload)).not.toContain("Nguyễn");
    expect(row.conversationKey).toBe("webchat:u9");
  });
});
