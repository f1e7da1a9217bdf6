/**
 * Platforms re-deliver webhooks (timeouts, retries). Over real HTTP through the whole app, with Telegram in webhook
 * mode (tests/bots/telegram/fake-bot-api.ts), Messenger (tests/fakes/graph-api.ts) and Zalo (tests/fakes/zalo-api.ts):
 * every signed body is posted TWICE; both deliveries get 200, one inbox event and one inbound Message are stored,
 * and the user gets exactly one set of replies on the platform, through menu → guidance → an answer with its source.
 * Wrong, missing or empty secrets/signatures are refused with 401 and nothing is stored.
 */
import { createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fail, ok, sentMessage, startFakeBotApi } from "../bots/telegram/fake-bot-api.js";
import { startFakeGraphApi, type FakeGraphApi } from "../fakes/graph-api.js";
import { startFakeZaloApi, type FakeZaloApi } from "../fakes/zalo-api.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const TG_TOKEN = "888001:DUPLICATES-E2E-TOKEN";
const TG_SECRET = "tg-webhook-secret-0123456789abcdef";
const FB_SECRET = "e2e-app-secret-duplicates-0123";
const OA_SECRET = "oa-secret-key-duplicates";
const PAGE_ID = "107516321234567";

interface Sent {
  texts: string[];
  choices: string[];
}

/** Texts and button payloads inside a platform request body (each platform nests them differently). */
function walk(v: unknown, out: Sent): void {
  if (Array.isArray(v)) for (const x of v) walk(x, out);
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === "string") {
        if (k === "text") out.texts.push(x);
        else if (k === "payload" || k === "callback_data" || k === "content" || k === "data") out.choices.push(x);
      } else walk(x, out);
    }
  }
}

interface Channel {
  name: "telegram" | "messenger" | "zalo";
  user: string;
  /** A signed webhook body for a text (or a tap on a choice), with its platform id; `raw` is posted as is. */
  text(text: string): { raw: string; externalId: string; headers: Record<string, string> };
  tap(choice: string): { raw: string; externalId: string; headers: Record<string, string> };
  path: string;
  /** The header carrying the secret or signature, for the negative tests. */
  authHeader: string;
  /** Successful sends the fake platform recorded for this user. */
  sends(): Sent[];
}

let graph: FakeGraphApi & { pageAccessToken: string };
let zalo: FakeZaloApi & { appId: string; appSecret: string; accessToken: string; refreshToken: string };
let tg: Awaited<ReturnType<typeof startFakeBotApi>>;
let t: TestApp;
let seq = 0;
let tgMessageId = 100;

function telegram(user: number): Channel {
  const chat = { id: user, type: "private", first_name: "Phụ huynh" };
  const from = { id: user, is_bot: false, first_name: "Phụ huynh", language_code: "vi" };
  const headers = { "content-type": "application/json", "x-telegram-bot-api-secret-token": TG_SECRET };
  const wrap = (update: Record<string, unknown>) => {
    const update_id = 500_000 + ++seq;
    return { raw: JSON.stringify({ update_id, ...update }), externalId: String(update_id), headers };
  };
  return {
    name: "telegram",
    user: String(user),
    path: "/webhooks/telegram",
    authHeader: "x-telegram-bot-api-secret-token",
    text: (text) => wrap({ message: { message_id: ++seq, date: Math.floor(Date.now() / 1000), chat, from, text } }),
    tap: (data) => wrap({ callback_query: { id: `cbq${++seq}`, from, chat_instance: "ci-1", data, message: { message_id: tgMessageId, date: Math.floor(Date.now() / 1000), chat, from: { id: 888001, is_bot: true, first_name: "Cầu Nối" }, text: "menu" } } }),
    sends: () =>
      tg.calls
        .filter((c) => (c.method === "sendMessage" || c.method === "sendPhoto") && String(c.body.chat_id) === String(user))
        .map((c) => {
          const s: Sent = { texts: [], choices: [] };
          walk(c.body, s);
          return s;
        }),
  };
}

function messenger(user: string): Channel {
  const sign = (raw: string) => ({ "content-type": "application/json", "x-hub-signature-256": `sha256=${createHmac("sha256", FB_SECRET).update(raw).digest("hex")}` });
  const wrap = (event: Record<string, unknown>, mid: string) => {
    const raw = JSON.stringify({ object: "page", entry: [{ id: PAGE_ID, time: Date.now(), messaging: [{ sender: { id: user }, recipient: { id: PAGE_ID }, timestamp: Date.now(), ...event }] }] });
    return { raw, externalId: mid, headers: sign(raw) };
  };
  return {
    name: "messenger",
    user,
    path: "/webhooks/messenger",
    authHeader: "x-hub-signature-256",
    text: (text) => {
      const mid = `m_dup_${++seq}_${Date.now()}`;
      return wrap({ message: { mid, text } }, mid);
    },
    tap: (payload) => {
      const mid = `m_pb_dup_${++seq}_${Date.now()}`;
      return wrap({ postback: { mid, title: "Chọn", payload } }, mid);
    },
    sends: () =>
      graph.requests
        .filter((r) => r.status === 200 && (r.body as { recipient?: { id?: string } } | null)?.recipient?.id === user && (r.body as { message?: unknown }).message !== undefined)
        .map((r) => {
          const s: Sent = { texts: [], choices: [] };
          walk((r.body as { message: unknown }).message, s);
          return s;
        }),
  };
}

function zaloChannel(user: string): Channel {
  const post = (text: string) => {
    const timestamp = String(Date.now());
    const msgId = `zdup${++seq}${Date.now()}`;
    const raw = JSON.stringify({
      app_id: zalo.appId, sender: { id: user }, user_id_by_app: `9${user}`, recipient: { id: "388613280878808645" },
      event_name: "user_send_text", message: { text, msg_id: msgId }, timestamp,
    });
    const sig = createHash("sha256").update(`${zalo.appId}${raw}${timestamp}${OA_SECRET}`, "utf8").digest("hex");
    return { raw, externalId: msgId, headers: { "content-type": "application/json", "x-zevent-signature": sig } };
  };
  return {
    name: "zalo",
    user,
    path: "/webhooks/zalo",
    authHeader: "x-zevent-signature",
    text: post,
    tap: (choice) => post(`cn:${choice}`),
    sends: () =>
      zalo.requests
        .filter((r) => JSON.stringify(r.body ?? {}).includes(`"user_id":"${user}"`) && JSON.stringify(r.response ?? {}).includes('"error":0'))
        .map((r) => {
          const s: Sent = { texts: [], choices: [] };
          walk((r.body as { message: unknown }).message, s);
          return s;
        }),
  };
}

beforeAll(async () => {
  graph = await startFakeGraphApi({ appSecret: FB_SECRET });
  zalo = await startFakeZaloApi();
  tg = await startFakeBotApi({
    sendMessage: (body) => ok(sentMessage(++tgMessageId, body)),
    sendPhoto: (body) => ok(sentMessage(++tgMessageId, body)),
    answerCallbackQuery: () => ok(true),
    editMessageReplyMarkup: () => ok(true),
    sendChatAction: () => ok(true),
    setWebhook: () => ok(true),
    getMe: () => ok({ id: 888001, is_bot: true, first_name: "Cầu Nối", username: "caunoi_test_bot" }),
    getUpdates: () => fail(409, "Conflict: can't use getUpdates method while webhook is active"),
  });
  t = await startTestApp({
    env: {
      PUBLIC_BASE_URL: "https://caunoi.example",
      TELEGRAM_BOT_TOKEN: TG_TOKEN, TELEGRAM_MODE: "webhook", TELEGRAM_WEBHOOK_SECRET: TG_SECRET, TELEGRAM_API_ROOT: tg.apiRoot,
      MESSENGER_PAGE_ACCESS_TOKEN: graph.pageAccessToken, MESSENGER_APP_SECRET: FB_SECRET, MESSENGER_VERIFY_TOKEN: "verify-dup", MESSENGER_GRAPH_URL: graph.url,
      ZALO_APP_ID: zalo.appId, ZALO_APP_SECRET: zalo.appSecret, ZALO_OA_SECRET_KEY: OA_SECRET, ZALO_ACCESS_TOKEN: zalo.accessToken, ZALO_REFRESH_TOKEN: zalo.refreshToken,
      ZALO_OA_API_URL: zalo.url, ZALO_OAUTH_URL: zalo.url,
    },
  });
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
  await zalo?.close();
  await tg?.close();
});

async function deliver(c: Channel, d: { raw: string; headers: Record<string, string> }, headers = d.headers): Promise<number> {
  const r = await fetch(`${t.baseUrl}${c.path}`, { method: "POST", headers, body: d.raw });
  await r.arrayBuffer();
  return r.status;
}

/** Waits until the channel's inbox is processed, its outbox is empty of work and the fake's sends stop changing. */
async function settle(c: Channel, atLeast: number, ms = 20_000): Promise<Sent[]> {
  const end = Date.now() + ms;
  let last = -1;
  let stableSince = Date.now();
  while (Date.now() < end) {
    const busyInbox = await t.db.prisma.inboxEvent.count({ where: { channel: c.name, status: { in: ["pending", "processing"] } } });
    const busyOutbox = await t.db.prisma.outboxItem.count({ where: { channel: c.name, recipient: c.user, status: { in: ["pending", "sending"] } } });
    const n = c.sends().length;
    if (n !== last) {
      last = n;
      stableSince = Date.now();
    }
    if (busyInbox === 0 && busyOutbox === 0 && n >= atLeast && Date.now() - stableSince > 600) return c.sends();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${c.name}: did not settle; sends ${c.sends().length}`);
}


describe.each(["telegram", "messenger", "zalo"] as const)("%s: a duplicated delivery is processed once", (name) => {
  let c: Channel;
  beforeAll(() => {
    c = name === "telegram" ? telegram(7_100_001) : name === "messenger" ? messenger("7264512398700001") : zaloChannel("246845883529100001");
  });

  /** Posts one signed body twice; checks both 200, one inbox event and one inbound message; returns this turn's sends. */
  async function twice(d: { raw: string; externalId: string; headers: Record<string, string> }): Promise<Sent[]> {
    const before = c.sends().length;
    expect(await deliver(c, d)).toBe(200);
    expect(await deliver(c, d)).toBe(200);
    const all = await settle(c, before + 1);
    expect(await t.db.prisma.inboxEvent.count({ where: { channel: c.name, externalId: d.externalId } })).toBe(1);
    expect(await t.db.prisma.message.count({ where: { channel: c.name, direction: "in", externalId: `in:${d.externalId}` } })).toBe(1);
    const turn = all.slice(before);
    // One set of replies: every outbound message of this conversation went out exactly once.
    const contact = await t.db.prisma.contact.findUniqueOrThrow({ where: { channel_channelUserId: { channel: c.name, channelUserId: c.user } }, include: { conversation: true } });
    const outMessages = await t.db.prisma.message.count({ where: { conversationId: contact.conversation!.id, direction: "out" } });
    const outbox = await t.db.prisma.outboxItem.findMany({ where: { channel: c.name, recipient: c.user } });
    expect(outbox.every((o) => o.status === "sent")).toBe(true);
    expect(c.sends().length).toBe(outbox.length);
    expect(outMessages).toBe(outbox.length);
    return turn;
  }

  it("xin chào (twice) → one menu; guidance (twice) → one prompt; a question (twice) → one answer with its source", async () => {
    const hello = await twice(c.text("xin chào"));
    // The menu with its choices went out once (buttons on Telegram and Messenger; a numbered list on Zalo).
    const isMenu = (x: Sent) => x.choices.some((ch) => ch.includes("menu:guidance")) || x.texts.some((tx) => /1\. Hỏi đáp nuôi dạy con[\s\S]*2\. Báo tin/.test(tx));
    expect(hello.filter(isMenu), JSON.stringify(hello)).toHaveLength(1);

    const prompt = await twice(c.tap("menu:guidance"));
    const promptTexts = prompt.flatMap((s) => s.texts).filter((x) => x.includes("Bạn muốn hỏi gì"));
    expect(promptTexts, JSON.stringify(prompt)).toHaveLength(1);

    const answer = await twice(c.text("be 7 thang an dam the nao"));
    const sourced = answer.flatMap((s) => s.texts).filter((x) => x.includes("Nguồn:"));
    expect(sourced, JSON.stringify(answer.map((s) => s.texts.map((x) => x.slice(0, 60))))).toHaveLength(1);
    expect(sourced[0]).toMatch(/ăn dặm/i);

  });

  it("a wrong, missing or empty secret/signature → 401 and nothing stored", async () => {
    const inboxBefore = await t.db.prisma.inboxEvent.count({ where: { channel: c.name } });
    const sendsBefore = c.sends().length;
    for (const variant of ["wrong", "missing", "empty"] as const) {
      const d = c.text("tin nhắn giả mạo");
      const headers: Record<string, string> = { ...d.headers };
      if (variant === "missing") delete headers[c.authHeader];
      else if (variant === "empty") headers[c.authHeader] = "";
      else headers[c.authHeader] = c.name === "telegram" ? "wrong-secret-0123456789abcdef" : c.name === "messenger" ? `sha256=${"0".repeat(64)}` : "f".repeat(64);
      expect(await deliver(c, d, headers), variant).toBe(401);
      expect(await t.db.prisma.inboxEvent.count({ where: { channel: c.name, externalId: d.externalId } })).toBe(0);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await t.db.prisma.inboxEvent.count({ where: { channel: c.name } })).toBe(inboxBefore);
    expect(c.sends().length).toBe(sendsBefore);
  });
});
