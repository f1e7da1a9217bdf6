import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAdministrativeUnits } from "../../src/directory/seed-units.js";
import { readRecipientsSeed, recipientsFor, seedRecipients, UNUSABLE_PASSWORD_HASH } from "../../src/directory/seed-recipients.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";

const kinds = await availableKinds();
const tmp = mkdtempSync(path.join(tmpdir(), "cau-noi-recipients-"));

function seedFile(name: string, recipients: unknown[]): string {
  const file = path.join(tmp, name);
  writeFileSync(file, JSON.stringify({ recipients }));
  return file;
}

describe.each(kinds)("directory seeding on %s", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("loads the administrative units once, and again only what is missing", async () => {
    const first = await seedAdministrativeUnits(db.prisma);
    expect(first).toEqual({ provinces: 34, communes: 3321, inserted: 3355 });
    const again = await seedAdministrativeUnits(db.prisma);
    expect(again).toEqual({ provinces: 34, communes: 3321, inserted: 0 });

    const ba = await db.prisma.administrativeUnit.findUnique({ where: { code: "00004" } });
    expect(ba).toMatchObject({ level: "commune", provinceCode: "01", fullName: "Phường Ba Đình", type: "phường" });
    expect(ba!.formedFrom).toContain("Trúc Bạch");

    // A half-loaded table (an interrupted first start) is completed without duplicates.
    await db.prisma.administrativeUnit.deleteMany({ where: { provinceCode: "79" } });
    const repaired = await seedAdministrativeUnits(db.prisma);
    expect(repaired).toEqual({ provinces: 34, communes: 3321, inserted: 169 });
  });

  it("ships only the example hotline group, and never overwrites passwords", async () => {
    const shipped = readRecipientsSeed();
    expect(shipped).toHaveLength(1);
    expect(shipped[0]).toMatchObject({ role: "hotline", escalationLevel: "hotline", notifyChannels: [], example: true });

    expect(await seedRecipients(db.prisma)).toEqual({ created: 1, updated: 0, total: 1 });
    const row = await db.prisma.staff.findUniqueOrThrow({ where: { username: shipped[0]!.username } });
    expect(row.passwordHash).toBe(UNUSABLE_PASSWORD_HASH);

    await db.prisma.staff.update({ where: { id: row.id }, data: { passwordHash: "scrypt$set-by-admin" } });
    expect(await seedRecipients(db.prisma)).toEqual({ created: 0, updated: 1, total: 1 });
    const after = await db.prisma.staff.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.passwordHash).toBe("scrypt$set-by-admin");
  });

  it("recipientsFor follows the commune, province and hotline scopes", async () => {
    const file = seedFile(`scope-${kind}.json`, [
      { username: "cw-ba-dinh", displayName: "CW Ba Đình", role: "commune_worker", escalationLevel: "commune", communeCodes: ["00004"], notifyChannels: [{ channel: "telegram", userId: "1" }] },
      { username: "cw-other", displayName: "CW other", role: "commune_worker", escalationLevel: "commune", communeCodes: ["09817"] },
      { username: "cw-inactive", displayName: "CW off", role: "commune_worker", escalationLevel: "commune", communeCodes: ["00004"], active: false },
      { username: "po-ha-noi", displayName: "PO Hà Nội", role: "province_officer", escalationLevel: "province", provinceCodes: ["01"] },
      { username: "po-hcm", displayName: "PO HCM", role: "province_officer", escalationLevel: "province", provinceCodes: ["79"] },
      { username: "hotline-b", displayName: "111 B", role: "hotline", escalationLevel: "hotline" },
    ]);
    expect(await seedRecipients(db.prisma, file)).toEqual({ created: 6, updated: 0, total: 6 });
    const users = async (code: string, level: "commune" | "province" | "hotline") =>
      (await recipientsFor(db.prisma, code, level)).map((s) => s.username);

    expect(await users("00004", "commune")).toEqual(["cw-ba-dinh"]);
    expect(await users("09817", "commune")).toEqual(["cw-other"]);
    expect(await users("27163", "commune")).toEqual([]);
    expect(await users("00004", "province")).toEqual(["po-ha-noi"]);
    expect(await users("27163", "province")).toEqual(["po-hcm"]);
    expect(await users("99999", "province")).toEqual([]);
    expect(await users("27163", "hotline")).toEqual(["example-111-operators", "hotline-b"]);

    const cw = (await recipientsFor(db.prisma, "00004", "commune"))[0]!;
    expect(cw.notifyChannels).toEqual([{ channel: "telegram", userId: "1" }]);
  });

  it("rejects a seed with unknown codes or a role that does not fit its level", () => {
    const badCode = seedFile("bad-code.json", [
      { username: "cw-x", displayName: "x", role: "commune_worker", escalationLevel: "commune", communeCodes: ["00001"] },
    ]);
    expect(() => readRecipientsSeed(badCode)).toThrow(/unknown commune code 00001/);
    const badLevel = seedFile("bad-level.json", [{ username: "po-x", displayName: "x", role: "province_officer", escalationLevel: "commune", provinceCodes: ["01"] }]);
    expect(() => readRecipientsSeed(badLevel)).toThrow(/escalationLevel province/);
  });
});
