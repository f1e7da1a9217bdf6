/**
 * /console/guidance over real HTTP: admin and hotline see the decrypted content gaps (escaped) and the answer
 * feedback per article; other roles get 403; every view is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptText } from "../../src/crypto/index.js";
import { auditMark, auditSince, createStaffAccount, TEST_PASSWORD } from "../support/browser.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

describe("console: guidance content gaps and feedback", () => {
  let t: TestApp;
  const staff: Record<string, { id: string }> = {};

  async function login(username: string): Promise<string> {
    const res = await fetch(`${t.baseUrl}/console/login`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ username, password: TEST_PASSWORD }) });
    expect(res.status).toBe(200);
    return res.headers.getSetCookie().find((c) => c.startsWith("cn_session="))!.split(";")[0]!;
  }
  const get = (cookie: string, path: string) => fetch(`${t.baseUrl}${path}`, { headers: { cookie, accept: "text/html" }, redirect: "manual" });

  beforeAll(async () => {
    t = await startTestApp({ kind: "pglite", workers: false });
    const p = t.db.prisma;
    staff.admin = await createStaffAccount(p, { username: "quantri", displayName: "Quản trị", role: "admin" });
    staff.hotline = await createStaffAccount(p, { username: "tongdai", displayName: "Tổng đài viên", role: "hotline" });
    staff.donations = await createStaffAccount(p, { username: "ungho", displayName: "Ủng hộ", role: "donations_officer" });
    staff.worker = await createStaffAccount(p, { username: "canboxa", displayName: "Cán bộ xã", role: "commune_worker", provinceCodes: ["01"], communeCodes: ["00004"] });
    await p.contentGap.create({ data: { textEnc: encryptText("gia vang hom nay bao nhieu"), channel: "webchat" } });
    await p.contentGap.create({ data: { textEnc: encryptText(`<script>alert("x")</script> con toi hoc lop may`), channel: "zalo" } });
    await p.answerLog.createMany({
      data: [
        { conversationId: "c1", articleId: "an-dam-tu-6-thang", questionHash: "h1", score: 5, helpful: true },
        { conversationId: "c2", articleId: "an-dam-tu-6-thang", questionHash: "h2", score: 5, helpful: false },
        { conversationId: "c3", articleId: "an-dam-tu-6-thang", questionHash: "h3", score: 5, helpful: true },
        { conversationId: "c4", articleId: "an-dam-tu-6-thang", questionHash: "h4", score: 5, helpful: null },
        { conversationId: "c5", articleId: null, questionHash: "h5", score: 0 },
      ],
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("shows admin the decrypted gaps (escaped, newest first) and feedback counts per article, and audits the view", async () => {
    const cookie = await login("quantri");
    const mark = await auditMark(t.db.prisma);
    const res = await get(cookie, "/console/guidance");
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("Nội dung hỏi đáp");
    expect(page).toContain("gia vang hom nay bao nhieu");
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; con toi hoc lop may");
    expect(page).not.toContain("<script>alert");
    expect(page.indexOf("con toi hoc lop may")).toBeLessThan(page.indexOf("gia vang hom nay"));
    expect(page).toContain("Zalo");
    expect(page).toMatch(/Cho con ăn dặm từ tròn 6 tháng <code>an-dam-tu-6-thang<\/code><\/td><td>4<\/td><td>2<\/td><td>1<\/td>/);
    const audits = await auditSince(t.db.prisma, mark);
    expect(audits).toContainEqual(expect.objectContaining({ actor: `staff:${staff.admin!.id}`, action: "guidance.gaps_view", entity: "content_gap" }));
    // The home page links the section.
    expect(await (await get(cookie, "/console")).text()).toContain("/console/guidance");
  });

  it("lets hotline in; refuses donations officers and commune workers", async () => {
    expect((await get(await login("tongdai"), "/console/guidance")).status).toBe(200);
    expect((await get(await login("ungho"), "/console/guidance")).status).toBe(403);
    expect((await get(await login("canboxa"), "/console/guidance")).status).toBe(403);
  });

  it("rejects a bad page cursor and needs a session", async () => {
    expect((await get(await login("quantri"), "/console/guidance?before=abc")).status).toBe(400);
    const anon = await fetch(`${t.baseUrl}/console/guidance`, { redirect: "manual" });
    expect([302, 303]).toContain(anon.status);
  });
});
