/**
 * The same report end to end on Messenger and on Zalo, over real HTTP: signed webhooks into the app, replies and
 * staff notifications out through the channel senders to the fake platform servers (tests/fakes). The commune worker
 * first links their chat account with a one-time code ("/start link-…"), as they would in production, which also
 * opens the platform's messaging window for the notification.
 */
import { createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLinkCode } from "../../src/escalation/create-link-code.js";
import { startFakeGraphApi, type FakeGraphApi } from "../fakes/graph-api.js";
import { startFakeZaloApi, type FakeZaloApi } from "../fakes/zalo-api.js";
import { makeStaff } from "../cases/helpers.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

interface Said {
  texts: string[];
  payloads: string[];
  urls: string[];
}

/** Every text, payload and url inside a platform request body (renderers differ; the test only needs these). */
function walk(v: unknown, out: Said): void {
  if (Array.isArray(v)) for (const x of v) walk(x, out);
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === "string") {
        if (k === "text") out.texts.push(x);
        else if (k === "payload" && !x.startsWith("+")) out.payloads.push(x);
        else if (k === "url") out.urls.push(x);
        else if (k === "data" || k === "content") out.payloads.push(x);
      } else walk(x, out);
    }
  }
}

interface Driver {
  name: string;
  app: TestApp;
  /** A person sends text or taps a button (payload). */
  send(userId: string, text: string): Promise<void>;
  tap(userId: string, payload: string): Promise<void>;
  /** What the bot sent this user since the last call. */
  drain(userId: string): Said;
  userA: string;
  userB: string;
  close(): Promise<void>;
}

async function until(d: Driver, userId: string, ok: (s: Said) => boolean, ms = 15_000): Promise<Said> {
  const acc: Said = { texts: [], payloads: [], urls: [] };
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const s = d.drain(userId);
    acc.texts.push(...s.texts);
    acc.payloads.push(...s.payloads);
    acc.urls.push(...s.urls);
    if (ok(acc)) return acc;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${d.name}: timed out; bot said ${JSON.stringify(acc.texts.map((t) => t.slice(0, 60)))}`);
}

async function messengerDriver(): Promise<Driver> {
  const APP_SECRET = "e2e-app-secret-0123456789";
  const graph: FakeGraphApi & { pageAccessToken: string } = await startFakeGraphApi({ appSecret: APP_SECRET });
  const app = await startTestApp({
    env: { MESSENGER_PAGE_ACCESS_TOKEN: graph.pageAccessToken, MESSENGER_APP_SECRET: APP_SECRET, MESSENGER_VERIFY_TOKEN: "verify-e2e", MESSENGER_GRAPH_URL: graph.url, PUBLIC_BASE_URL: "https://caunoi.example" },
  });
  let seq = 0;
  const seen = new Map<string, number>();
  const post = async (userId: string, event: Record<string, unknown>) => {
    const raw = JSON.stringify({ object: "page", entry: [{ id: "107516321234567", time: Date.now(), messaging: [{ sender: { id: userId }, recipient: { id: "107516321234567" }, timestamp: Date.now(), ...event }] }] });
    const sig = `sha256=${createHmac("sha256", APP_SECRET).update(raw).digest("hex")}`;
    const r = await fetch(`${app.baseUrl}/webhooks/messenger`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sig }, body: raw });
    if (r.status !== 200) throw new Error(`webhook ${r.status}`);
  };
  return {
    name: "messenger",
    app,
    userA: "7264512398761234",
    userB: "7264512398769999",
    send: (u, text) => post(u, { message: { mid: `m_e2e_${++seq}_${Date.now()}`, text } }),
    tap: (u, payload) => post(u, { postback: { mid: `m_pb_${++seq}_${Date.now()}`, title: "x", payload } }),
    drain(u) {
      const out: Said = { texts: [], payloads: [], urls: [] };
      const from = seen.get(u) ?? 0;
      const mine = graph.requests.filter((r) => r.status === 200 && (r.body as { recipient?: { id?: string } })?.recipient?.id === u);
      for (const r of mine.slice(from)) walk((r.body as { message: unknown }).message, out);
      seen.set(u, mine.length);
      return out;
    },
    async close() {
      await app.close();
      await graph.close();
    },
  };
}

async function zaloDriver(): Promise<Driver> {
  const zalo: FakeZaloApi & { appId: string; appSecret: string; accessToken: string; refreshToken: string } = await startFakeZaloApi();
  const OA_SECRET = "oa-secret-key-e2e";
  const app = await startTestApp({
    env: {
      ZALO_APP_ID: zalo.appId, ZALO_APP_SECRET: zalo.appSecret, ZALO_OA_SECRET_KEY: OA_SECRET, ZALO_ACCESS_TOKEN: zalo.accessToken, ZALO_REFRESH_TOKEN: zalo.refreshToken,
      ZALO_OA_API_URL: zalo.url, ZALO_OAUTH_URL: zalo.url, PUBLIC_BASE_URL: "https://caunoi.example",
    },
  });
  let seq = 0;
  const seen = new Map<string, number>();
  const post = async (userId: string, text: string) => {
    const timestamp = String(Date.now());
    const raw = JSON.stringify({
      app_id: zalo.appId, sender: { id: userId }, user_id_by_app: `9${userId}`, recipient: { id: "388613280878808645" },
      event_name: "user_send_text", message: { text, msg_id: `zmsg${++seq}${Date.now()}` }, timestamp,
    });
    const sig = createHash("sha256").update(`${zalo.appId}${raw}${timestamp}${OA_SECRET}`, "utf8").digest("hex");
    const r = await fetch(`${app.baseUrl}/webhooks/zalo`, { method: "POST", headers: { "content-type": "application/json", "x-zevent-signature": sig }, body: raw });
    if (r.status !== 200) throw new Error(`webhook ${r.status} ${await r.text()}`);
  };
  return {
    name: "zalo",
    app,
    userA: "246845883529197922",
    userB: "246845883529190000",
    send: post,
    tap: (u, payload) => post(u, `cn:${payload}`),
    drain(u) {
      const out: Said = { texts: [], payloads: [], urls: [] };
      const from = seen.get(u) ?? 0;
      const mine = zalo.requests.filter((r) => JSON.stringify(r.body ?? {}).includes(`"user_id":"${u}"`) && JSON.stringify(r.response ?? {}).includes('"error":0'));
      for (const r of mine.slice(from)) walk((r.body as { message: unknown }).message, out);
      seen.set(u, mine.length);
      return out;
    },
    async close() {
      await app.close();
      await zalo.close();
    },
  };
}

describe.each([
  ["Messenger", messengerDriver],
  ["Zalo", zaloDriver],
] as const)("a report on %s reaches the linked commune worker", (_name, make) => {
  let d: Driver;
  beforeAll(async () => {
    d = await make();
  });
  afterAll(async () => {
    await d?.close();
  });

  it("links the worker, takes the report, notifies without identity, and records the acknowledgement", async () => {
    const prisma = d.app.db.prisma;
    const commune = (await prisma.administrativeUnit.findFirstOrThrow({ where: { level: "commune", name: "Ô Chợ Dừa", provinceCode: "01" } })).code;
    const staffId = await makeStaff(prisma, `ocd-${d.name}`, "commune", { communeCodes: [commune] }, []);
    const { code: linkCode } = await prisma.$transaction((tx) => createLinkCode(tx, { staffId, actor: "staff:admin", now: new Date() }));
    await d.send(d.userB, `/start link-${linkCode}`);
    await until(d, d.userB, (s) => s.texts.some((t) => t.includes("Đã liên kết")));

    const has = (re: RegExp) => (s: Said) => s.texts.some((t) => re.test(t));
    const DESCRIPTION = "Hàng xóm nhà tôi đánh con rất dã man";
    await d.send(d.userA, DESCRIPTION);
    await until(d, d.userA, has(/Đây là điều bạn muốn báo tin/));
    await d.tap(d.userA, "r:yes");
    await until(d, d.userA, has(/tỉnh\/thành phố nào/));
    await d.send(d.userA, "ha noi");
    await until(d, d.userA, has(/xã\/phường nào/));
    await d.send(d.userA, "o cho dua");
    await until(d, d.userA, has(/khi nào/));
    for (const p of ["r:skip", "r:skip", "r:skip", "danger:no", "r:skip", "r:done"]) await d.tap(d.userA, p);
    await until(d, d.userA, has(/ẩn danh/));
    await d.tap(d.userA, "contact:anon");
    const done = await until(d, d.userA, has(/mã hồ sơ: BV-\d{4}-\d{6}/));
    const code = /BV-\d{4}-\d{6}/.exec(done.texts.join("\n"))![0];

    const note = await until(d, d.userB, (s) => s.texts.some((t) => t.includes(code)) && s.urls.length > 0);
    const all = note.texts.join("\n");
    expect(all).toContain(code);
    expect(all).toContain("Ô Chợ Dừa");
    for (const s of [DESCRIPTION, "Hàng xóm", d.userA]) expect(all + note.payloads.join(" "), s).not.toContain(s);
    const ack = note.payloads.map((p) => p.replace(/^cn:/, "")).find((p) => p.startsWith("ack:"))!;
    expect(ack).toMatch(/^ack:[0-9a-f-]{36}$/);
    await d.tap(d.userB, ack);
    await until(d, d.userB, has(/Đã ghi nhận\. Cảm ơn anh\/chị\./));

    const c = await prisma.case.findUniqueOrThrow({ where: { code } });
    const events = await prisma.caseEvent.findMany({ where: { caseId: c.id }, orderBy: { id: "asc" } });
    // The shipped 111 entry is an example without a chat account: the case records that the hotline was not reachable.
    expect(events.map((e) => [e.type, (e.data as { level?: string }).level ?? null])).toEqual([
      ["received", null],
      ["escalation_sent", "commune"],
      ["escalation_skipped", "hotline"],
      ["acknowledged", "commune"],
    ]);
  });
});
