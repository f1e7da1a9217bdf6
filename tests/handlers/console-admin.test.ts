/**
 * The console's needs & pledges and directory sections, and the retention button, over real HTTP and a real
 * database (PGlite always, PostgreSQL when it answers): scope 404s, CSRF, the need and pledge workflows through the
 * services, statement import (matched, duplicates on re-import, bad CSV), thank-you messages, recipients and link codes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNeed } from "../../src/needs/create-need.js";
import { decryptJson } from "../../src/crypto/index.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";
import { moneyPledge, needInput, pledge, publishedNeed } from "../needs/helpers.js";
import { getPage, login, makeStaff, postForm, seedSomeUnits, startConsole, type Harness } from "./console-admin-harness.js";

const kinds = await availableKinds();
const NOW = new Date("2026-11-23T08:00:00Z");

describe.each(kinds)("console needs, directory and retention on %s", (kind) => {
  let db: TestDb;
  let h: Harness;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDb(kind);
    await seedSomeUnits(db);
    ids.admin = await makeStaff(db, "admin", "admin");
    ids.donor = await makeStaff(db, "donor", "donations_officer");
    ids.xa4 = await makeStaff(db, "xa4", "commune_worker", { provinceCodes: ["01"], communeCodes: ["00004"] });
    ids.xa8 = await makeStaff(db, "xa8", "commune_worker", { provinceCodes: ["01"], communeCodes: ["00008"] });
    ids.tinh79 = await makeStaff(db, "tinh79", "province_officer", { provinceCodes: ["79"] });
    ids.hotline = await makeStaff(db, "hotline", "hotline");
    h = await startConsole(db);
  });

  afterAll(async () => {
    h?.close();
    await db?.close();
  });

  it("lets only the need's own commune (or province) verify it: another commune gets 404, and the action is audited", async () => {
    const { code } = await db.prisma.$transaction((tx) => createNeed(tx, needInput({ provinceCode: "01", communeCode: "00004", facility: "Trường Tiểu học Ba Đình" }), { actor: "bot", now: NOW }));
    const xa8 = await login(h, "xa8");
    const xa4 = await login(h, "xa4");
    const tinh79 = await login(h, "tinh79");
    // Not listed for another commune, and the action answers like an unknown code.
    expect(await (await getPage(h, xa8, "/console/needs")).text()).not.toContain(code);
    const other = await postForm(h, xa8, `/console/needs/needs/${code}/verify`);
    expect(other.status).toBe(404);
    const far = await postForm(h, tinh79, `/console/needs/needs/${code}/verify`);
    expect(far.status).toBe(404);
    const missing = await postForm(h, xa8, `/console/needs/needs/NC-2026-999999/verify`);
    expect(missing.status).toBe(404);
    expect(await other.text()).toContain("Không tìm thấy");
    // Without the CSRF field: refused before anything happens.
    expect((await postForm(h, xa4, `/console/needs/needs/${code}/verify`, {}, { csrf: false })).status).toBe(403);
    // Hotline has no need.view at all.
    expect((await getPage(h, await login(h, "hotline"), "/console/needs")).status).toBe(403);

    const page = await getPage(h, xa4, "/console/needs");
    expect(await page.text()).toContain(code);
    const ok = await postForm(h, xa4, `/console/needs/needs/${code}/verify`);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(`/console/needs?ok=verify&code=${code}`);
    const need = await db.prisma.need.findUniqueOrThrow({ where: { code } });
    expect(need.status).toBe("verified");
    expect(need.verifiedBy).toBe(ids.xa4);
    const rows = await db.prisma.auditLog.findMany({ where: { action: "need.verify", entityId: need.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor).toBe(`staff:${ids.xa4}`);
    expect(JSON.stringify(rows[0]!.details)).not.toMatch(/0912345678|Lò Thị Hoa/);

    // publish, then a wrong transition is a conflict, then close; reject needs a reason code
    expect((await postForm(h, xa4, `/console/needs/needs/${code}/publish`)).status).toBe(303);
    expect((await postForm(h, xa4, `/console/needs/needs/${code}/verify`)).status).toBe(409);
    expect((await postForm(h, xa4, `/console/needs/needs/${code}/close`)).status).toBe(303);
    expect((await db.prisma.need.findUniqueOrThrow({ where: { code } })).status).toBe("closed");
    const { code: code2 } = await db.prisma.$transaction((tx) => createNeed(tx, needInput({ provinceCode: "01", communeCode: "00004" }), { actor: "bot", now: NOW }));
    expect((await postForm(h, xa4, `/console/needs/needs/${code2}/reject`, { reason: "nonsense" })).status).toBe(400);
    expect((await postForm(h, xa4, `/console/needs/needs/${code2}/reject`, { reason: "duplicate" })).status).toBe(303);
    const rejected = await db.prisma.auditLog.findFirstOrThrow({ where: { action: "need.reject" }, orderBy: { id: "desc" } });
    expect(rejected.details).toMatchObject({ reason: "duplicate", code: code2 });
  });

  it("imports a pasted bank statement: matched, then duplicates on re-import, and explains a bad CSV", async () => {
    const needCode = await publishedNeed(db.prisma, { provinceCode: "01", communeCode: "00004", amountVnd: 5_000_000 });
    const p1 = await pledge(db.prisma, moneyPledge(needCode, 500_000));
    const p2 = await pledge(db.prisma, moneyPledge(needCode, 300_000));
    const donor = await login(h, "donor");
    const csv = [
      "Ngày,Số tiền,Nội dung,Mã giao dịch",
      `23/11/2026,500.000,NGUYEN VAN A ${p1.code.replace(/-/g, "")},FT001`,
      `23/11/2026,250.000,UH ${p2.code},FT002`,
      "23/11/2026,100.000,ung ho cac chau,FT003",
      "23/11/2026,abc,UH-2026-000999,FT004",
    ].join("\n");
    const first = await postForm(h, donor, "/console/needs/statements", { csv });
    expect(first.status).toBe(200);
    const page = await first.text();
    expect(page).toContain('<strong id="n-matched">1</strong>');
    expect(page).toContain('<strong id="n-unmatched">2</strong>');
    expect(page).toContain('<strong id="n-duplicates">0</strong>');
    expect(page).toContain('<strong id="n-errors">1</strong>');
    expect(page).toContain("Số tiền khác số đã đăng ký");
    expect(page).toContain("Nội dung không có mã ủng hộ");
    expect(page).toContain("Dòng 5");
    expect((await db.prisma.pledge.findUniqueOrThrow({ where: { code: p1.code } })).status).toBe("received");
    expect((await db.prisma.pledge.findUniqueOrThrow({ where: { code: p2.code } })).status).toBe("pledged");

    const again = await (await postForm(h, donor, "/console/needs/statements", { csv })).text();
    expect(again).toContain('<strong id="n-matched">0</strong>');
    expect(again).toContain('<strong id="n-duplicates">3</strong>');

    const bad = await (await postForm(h, donor, "/console/needs/statements", { csv: "Ngày,Ghi chú\n23/11/2026,abc\n" })).text();
    expect(bad).toContain('<strong id="n-errors">1</strong>');
    expect(bad).toMatch(/thiếu cột số tiền/);
    const unclosed = await (await postForm(h, donor, "/console/needs/statements", { csv: 'Ngày,Số tiền,Nội dung\n23/11/2026,100.000,"ung ho\n' })).text();
    expect(unclosed).toMatch(/dấu ngoặc kép/);

    const summaries = await db.prisma.auditLog.findMany({ where: { action: "statement.import" }, orderBy: { id: "asc" } });
    expect(summaries.map((s) => s.details)).toEqual([
      expect.objectContaining({ via: "form", matched: 1, unmatched: 2, duplicates: 0, errors: 1 }),
      expect.objectContaining({ matched: 0, duplicates: 3 }),
      expect.objectContaining({ errors: 1 }),
      expect.objectContaining({ errors: 1 }),
    ]);
    for (const s of summaries) expect(JSON.stringify(s.details)).not.toMatch(/NGUYEN/);

    // The raw-CSV API for files above the form limit: CSRF header, JSON without transfer notes.
    const api = await fetch(`${h.base}/console/api/needs/statements`, { method: "POST", headers: { cookie: donor.cookie, "x-csrf-token": donor.csrf, "content-type": "text/csv" }, body: `Ngày,Số tiền,Nội dung,Mã giao dịch\n24/11/2026,300.000,CK ${p2.code} TRAN THI B,FT010\n` });
    expect(api.status).toBe(200);
    const j = (await api.json()) as { matched: { pledgeCode: string }[]; unmatched: unknown[] };
    expect(j.matched.map((m) => m.pledgeCode)).toEqual([p2.code]);
    expect(JSON.stringify(j)).not.toContain("TRAN THI B");
    // A commune worker may not import statements.
    expect((await postForm(h, await login(h, "xa4"), "/console/needs/statements", { csv })).status).toBe(403);
  });

  it("confirms, delivers and thanks a pledge; the thank-you goes to the donor's chat through the outbox", async () => {
    const needCode = await publishedNeed(db.prisma, { provinceCode: "01", communeCode: "00004", amountVnd: 2_000_000 });
    const contact = await db.prisma.contact.create({ data: { channel: "telegram", channelUserId: "777001" } });
    const conv = await db.prisma.conversation.create({ data: { contactId: contact.id, channel: "telegram" } });
    const p = await pledge(db.prisma, moneyPledge(needCode, 400_000), NOW, contact.id);
    const anon = await pledge(db.prisma, moneyPledge(needCode, 100_000));
    const donor = await login(h, "donor");
    expect((await postForm(h, donor, `/console/needs/pledges/${p.code}/confirm`, { receivedAmountVnd: "450.000" })).status).toBe(303);
    const received = await db.prisma.pledge.findUniqueOrThrow({ where: { code: p.code } });
    expect(received.status).toBe("received");
    expect(received.receivedAmountVnd).toBe(450_000n);
    expect((await postForm(h, donor, `/console/needs/pledges/${p.code}/thank`)).status).toBe(409); // not delivered yet
    expect((await postForm(h, donor, `/console/needs/pledges/${p.code}/deliver`)).status).toBe(303);
    const thank = await postForm(h, donor, `/console/needs/pledges/${p.code}/thank`);
    expect(thank.headers.get("location")).toBe(`/console/needs?ok=thank_sent&code=${p.code}`);
    const after = await db.prisma.pledge.findUniqueOrThrow({ where: { code: p.code } });
    expect(after.status).toBe("thanked");
    expect(after.thankedAt?.toISOString()).toBe(h.clock.ms ? new Date(h.clock.ms).toISOString() : "");
    const out = await db.prisma.outboxItem.findMany({ where: { contactId: contact.id } });
    expect(out).toHaveLength(1);
    expect(out[0]!.recipient).toBe("777001");
    expect(decryptJson(out[0]!.payloadEnc)).toMatchObject({ kind: "text", text: expect.stringContaining(p.code) });
    expect(await db.prisma.message.count({ where: { conversationId: conv.id, direction: "out" } })).toBe(1);
    const actions = (await db.prisma.auditLog.findMany({ where: { entityId: after.id }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["pledge.receive", "pledge.deliver", "pledge.thank", "pledge.thank_message_queued"]));

    // No contact: marked thanked, nothing queued.
    await postForm(h, donor, `/console/needs/pledges/${anon.code}/confirm`);
    await postForm(h, donor, `/console/needs/pledges/${anon.code}/deliver`);
    expect((await postForm(h, donor, `/console/needs/pledges/${anon.code}/thank`)).headers.get("location")).toBe(`/console/needs?ok=thank&code=${anon.code}`);
    expect((await db.prisma.pledge.findUniqueOrThrow({ where: { code: anon.code } })).status).toBe("thanked");
    // The admin may look at pledges but not move them.
    const admin = await login(h, "admin");
    expect((await getPage(h, admin, "/console/needs")).status).toBe(200);
    expect((await postForm(h, admin, `/console/needs/pledges/${anon.code}/deliver`)).status).toBe(403);
  });

  it("shows the directory with fuzzy search and escalation settings, and lets only admins edit recipients", async () => {
    const xa4 = await login(h, "xa4");
    const home = await (await getPage(h, xa4, "/console/directory?q=ba%20dinh")).text();
    expect(home).toContain("/console/directory/communes/00004");
    expect(home).toContain("15 phút");
    expect(home).toContain("720 phút");
    expect(home).not.toContain("Thêm cán bộ nhận thông báo");
    const old = await (await getPage(h, xa4, `/console/directory?q=${encodeURIComponent("xã Tân Lập huyện Đan Phượng")}`)).text();
    expect(old).toMatch(/trước đây/);
    expect((await postForm(h, xa4, "/console/directory/staff", { username: "x.y", displayName: "X", role: "commune_worker", communeCodes: "00004" })).status).toBe(403);

    const admin = await login(h, "admin");
    const bad = await postForm(h, admin, "/console/directory/staff", { username: "canbo.badinh", displayName: "Chị Lan", role: "commune_worker", escalationLevel: "province", communeCodes: "99999", notifyChannels: "fax:1" });
    expect(bad.status).toBe(400);
    const badText = await bad.text();
    expect(badText).toContain("Mã xã 99999");
    expect(badText).toContain("Cấp nhận báo phải khớp vai trò");
    expect(badText).toContain("fax:1");
    const created = await postForm(h, admin, "/console/directory/staff", { username: "canbo.badinh", displayName: "Chị Lan", role: "commune_worker", escalationLevel: "commune", communeCodes: "00004", provinceCodes: "01", notifyChannels: "telegram:123456789\nzalo:998877", active: "on" });
    expect(created.status).toBe(303);
    const loc = created.headers.get("location")!;
    const staffId = /\/staff\/([0-9a-f-]{36})/.exec(loc)![1]!;
    const row = await db.prisma.staff.findUniqueOrThrow({ where: { id: staffId } });
    expect(row).toMatchObject({ role: "commune_worker", escalationLevel: "commune", communeCodes: ["00004"], active: true, passwordHash: "!" });
    expect(row.notifyChannels).toEqual([{ channel: "telegram", userId: "123456789" }, { channel: "zalo", userId: "998877" }]);
    const commune = await (await getPage(h, xa4, "/console/directory/communes/00004")).text();
    expect(commune).toContain("Chị Lan");
    expect(commune).toContain("telegram ••••6789"); // masked for non-editors
    expect(commune).not.toContain("123456789");

    // edit: deactivate, drop a channel
    const upd = await postForm(h, admin, `/console/directory/staff/${staffId}`, { displayName: "Chị Lan", role: "commune_worker", escalationLevel: "commune", communeCodes: "00004", provinceCodes: "01", notifyChannels: "telegram:123456789", activePresent: "1" });
    expect(upd.status).toBe(303);
    expect(await db.prisma.staff.findUniqueOrThrow({ where: { id: staffId } })).toMatchObject({ active: false, notifyChannels: [{ channel: "telegram", userId: "123456789" }] });
    const audits = await db.prisma.auditLog.findMany({ where: { entityId: staffId, action: { startsWith: "directory." } }, orderBy: { id: "asc" } });
    expect(audits.map((a) => a.action)).toEqual(["directory.recipient_create", "directory.recipient_update"]);
    expect(audits[1]!.details).toMatchObject({ changed: ["notifyChannels", "active"] });
    for (const a of audits) expect(JSON.stringify(a.details)).not.toMatch(/Chị Lan|123456789/);
    // An admin account is not edited through the directory.
    expect((await postForm(h, admin, `/console/directory/staff/${ids.admin}`, { displayName: "x", role: "hotline" })).status).toBe(403);
  });

  it("generates a one-time link code for oneself, or for anyone as admin, showing the /start link- command", async () => {
    const xa4 = await login(h, "xa4");
    const own = await postForm(h, xa4, `/console/directory/staff/${ids.xa4}/link-code`);
    expect(own.status).toBe(200);
    const text = await own.text();
    const cmd = /<code id="link-command">(\/start link-[A-Za-z0-9]{12})<\/code>/.exec(text);
    expect(cmd).not.toBeNull();
    const code = cmd![1]!.slice("/start link-".length);
    const stored = await db.prisma.staffLinkCode.findUniqueOrThrow({ where: { code } });
    expect(stored.staffId).toBe(ids.xa4);
    expect(stored.expiresAt.getTime()).toBe(h.clock.ms + 30 * 60_000);
    expect((await postForm(h, xa4, `/console/directory/staff/${ids.xa8}/link-code`)).status).toBe(403);
    expect((await postForm(h, await login(h, "admin"), `/console/directory/staff/${ids.xa8}/link-code`)).status).toBe(200);
    expect(await db.prisma.auditLog.count({ where: { action: "staff.link_code_created" } })).toBe(2);
  });

  it("runs retention from the admin's 'Chạy ngay' button (retention.run only) and audits it", async () => {
    const admin = await login(h, "admin");
    const page = await (await getPage(h, admin, "/console/reports/retention")).text();
    expect(page).toContain("Chạy ngay");
    expect(page).toContain("365");
    expect((await getPage(h, await login(h, "donor"), "/console/reports/retention")).status).toBe(403);
    expect((await postForm(h, await login(h, "donor"), "/console/reports/retention/run")).status).toBe(403);
    const ran = await postForm(h, admin, "/console/reports/retention/run");
    expect(ran.status).toBe(200);
    expect(await ran.text()).toContain("Đã chạy");
    const row = await db.prisma.auditLog.findFirstOrThrow({ where: { action: "retention.run" }, orderBy: { id: "desc" } });
    expect(row.actor).toBe(`staff:${ids.admin}`);
    expect(row.details).toMatchObject({ transcriptDays: 365, closedCaseDays: 1825, messagesRedacted: expect.any(Number) });
  });
});
