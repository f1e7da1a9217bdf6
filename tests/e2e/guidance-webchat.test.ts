import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptText } from "../../src/crypto/index.js";
import { ManualClock } from "../../src/runtime/clock.js";
import { availableKinds } from "../support/test-db.js";
import { ChatClient, startTestApp, type TestApp } from "../support/test-app.js";

const kinds = await availableKinds();

type Reply = Awaited<ReturnType<ChatClient["replies"]>>[number];
const textOf = (rs: Reply[]) => rs.map((r) => r.message.text ?? "");
const choicesOf = (rs: Reply[]) => rs.flatMap((r) => r.message.choices ?? []);

describe.each(kinds)("guidance and tips over web chat on %s", (kind) => {
  let t: TestApp;
  const clock = new ManualClock("2026-11-23T01:00:00Z");

  beforeAll(async () => {
    t = await startTestApp({ kind, clock });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function conversationOf(c: ChatClient) {
    const contact = await t.db.prisma.contact.findUniqueOrThrow({ where: { channel_channelUserId: { channel: "webchat", channelUserId: c.sessionId } }, include: { conversation: true } });
    return { contact, conversation: contact.conversation! };
  }

  it("answers a question typed without diacritics in one turn, with its source; related topic and feedback work", async () => {
    const c = await ChatClient.open(t.baseUrl);
    const first = await c.say("be 7 thang an dam the nao", undefined, 4);
    // Greeting (first contact), then the answer, what to read next, and the feedback question.
    const texts = textOf(first);
    const answer = texts.find((x) => x.includes("Nguồn: "));
    expect(answer, texts.join("\n---\n")).toBeDefined();
    expect(answer).toMatch(/ăn dặm/i);
    expect(texts.at(-1)).toBe("Có hữu ích không?");
    const related = choicesOf(first).find((ch) => ch.id.startsWith("g:art:"));
    expect(related).toBeDefined();

    const { conversation } = await conversationOf(c);
    const log1 = await t.db.prisma.answerLog.findMany({ where: { conversationId: conversation.id } });
    expect(log1).toHaveLength(1);
    expect(log1[0]!.articleId).toBe("an-dam-tu-6-thang");
    expect(log1[0]!.questionHash).toMatch(/^[0-9a-f]{32}$/);

    const relatedTurn = await c.say(related!.label, related!.id, 3);
    expect(textOf(relatedTurn)[0]).toContain("Nguồn: ");
    const fb = await c.say("Có, cảm ơn", "g:fb:yes");
    expect(textOf(fb)[0]).toMatch(/^Cảm ơn bạn!/);
    const logs = await t.db.prisma.answerLog.findMany({ where: { conversationId: conversation.id }, orderBy: { id: "asc" } });
    expect(logs.map((l) => [l.articleId, l.helpful])).toEqual([
      ["an-dam-tu-6-thang", null],
      [related!.id.slice("g:art:".length), true],
    ]);
  });

  it("records an off-topic question as an encrypted content gap and offers a person", async () => {
    const c = await ChatClient.open(t.baseUrl);
    await c.say("Xin chào");
    await c.say("Hỏi đáp nuôi dạy con", "menu:guidance");
    const q = "gia vang hom nay bao nhieu";
    const before = await t.db.prisma.contentGap.count();
    const r = await c.say(q);
    expect(textOf(r)[0]).toMatch(/^Mình chưa có câu trả lời cho câu hỏi này\./);
    expect(choicesOf(r).map((x) => x.id)).toContain("g:handoff");
    const gaps = await t.db.prisma.contentGap.findMany({ orderBy: { id: "desc" }, take: 1 });
    expect(await t.db.prisma.contentGap.count()).toBe(before + 1);
    expect(Buffer.from(gaps[0]!.textEnc).toString("utf8")).not.toContain("gia vang");
    expect(decryptText(gaps[0]!.textEnc)).toBe(q);
    expect(gaps[0]!.channel).toBe("webchat");
  });

  it("starts age-based tips with explicit consent, sends the first tip, and stops them with 'huỷ'", async () => {
    const c = await ChatClient.open(t.baseUrl);
    await c.say("be an dam the nao", undefined, 4);
    const ask = await c.say("Nhận mẹo theo tuổi của bé", "g:tips");
    expect(textOf(ask)[0]).toMatch(/^Bé sinh tháng nào\?/);
    const consent = await c.say("3/2025");
    expect(textOf(consent)[0]).toContain("Bạn có đồng ý nhận mẹo không?");
    const { contact } = await conversationOf(c);
    expect(await t.db.prisma.tipSubscription.count({ where: { contactId: contact.id } })).toBe(0);

    const yes = await c.say("Đồng ý nhận mẹo", "tips:yes", 2);
    const all = textOf(yes);
    expect(all[0]).toMatch(/^Đã đăng ký nhận mẹo theo tuổi\./);
    let tip = all.find((x) => x.startsWith("Mẹo tuần này"));
    if (!tip) tip = textOf(await c.replies(1)).find((x) => x.startsWith("Mẹo tuần này"));
    expect(tip).toMatch(/^Mẹo tuần này \(bé 20 tháng tuổi\): /);
    const sub = await t.db.prisma.tipSubscription.findUniqueOrThrow({ where: { contactId: contact.id } });
    expect(sub).toMatchObject({ birthMonth: "2025-03", active: true });
    expect(sub.lastTipId).not.toBeNull();
    const consents = (await t.db.prisma.contact.findUniqueOrThrow({ where: { id: contact.id } })).consents as Record<string, string | null>;
    expect(consents.tips).toBeTruthy();

    const stop = await c.say("huỷ");
    expect(textOf(stop)[0]).toMatch(/không nhận mẹo nuôi con/);
    const after = await t.db.prisma.tipSubscription.findUniqueOrThrow({ where: { contactId: contact.id } });
    expect(after.active).toBe(false);
    expect(after.cancelledAt).not.toBeNull();

    // Next week's job finds the subscription stopped: nothing is sent.
    const count = await t.db.prisma.message.count({ where: { author: "system:tips" } });
    clock.advance(8 * 24 * 3_600_000);
    await t.app.scheduler.runDue();
    expect(await t.db.prisma.message.count({ where: { author: "system:tips" } })).toBe(count);
  });
});
