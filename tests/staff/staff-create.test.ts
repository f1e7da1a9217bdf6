/** Creating staff: the service's rules, and scripts/staff-create.ts run as a real child process against a real database. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open.js";
import { createStaff, generatePassword } from "../../src/staff/create-staff.js";
import { checkPasswordPolicy, verifyPassword } from "../../src/staff/passwords.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";

const META = { actor: "system", via: "test" };

describe("createStaff", () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb("pglite");
  });
  afterAll(async () => {
    await db?.close();
  });

  it("creates an account with a hashed password, normalised username, and an audit row", async () => {
    const r = await createStaff(db.prisma, { username: "  Xa.Phuc-Xa ", displayName: " Trần Thị B ", role: "commune_worker", communeCodes: ["00004", "00004"], provinceCodes: ["01"], password: "Ngựa-vàng-chạy-qua-cầu" }, META);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const row = await db.prisma.staff.findUniqueOrThrow({ where: { id: r.staff.id } });
    expect(row).toMatchObject({ username: "xa.phuc-xa", displayName: "Trần Thị B", role: "commune_worker", communeCodes: ["00004"], provinceCodes: ["01"] });
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword("Ngựa-vàng-chạy-qua-cầu", row.passwordHash)).toBe(true);
    const a = await db.prisma.auditLog.findFirstOrThrow({ where: { action: "staff.create", entityId: r.staff.id } });
    expect(a.details).toMatchObject({ username: "xa.phuc-xa", role: "commune_worker", via: "test" });
    expect(JSON.stringify(a.details)).not.toContain("Ngựa");
  });

  it("refuses duplicates, weak passwords, unknown roles, and geographic roles without codes", async () => {
    const dup = await createStaff(db.prisma, { username: "xa.phuc-xa", displayName: "X", role: "hotline", password: "Ngựa-vàng-chạy-qua-cầu" }, META);
    expect(dup).toMatchObject({ ok: false, code: "duplicate" });
    const weak = await createStaff(db.prisma, { username: "weak", displayName: "X", role: "hotline", password: "123" }, META);
    expect(weak).toMatchObject({ ok: false, code: "invalid" });
    expect(!weak.ok && weak.problems.join(" ")).toContain("ít nhất 10 ký tự");
    const role = await createStaff(db.prisma, { username: "root", displayName: "X", role: "superuser", password: "Ngựa-vàng-chạy-qua-cầu" }, META);
    expect(role).toMatchObject({ ok: false, code: "invalid" });
    const noCommune = await createStaff(db.prisma, { username: "xa2", displayName: "X", role: "commune_worker", password: "Ngựa-vàng-chạy-qua-cầu" }, META);
    expect(!noCommune.ok && noCommune.problems.join(" ")).toContain("mã xã");
    const noProvince = await createStaff(db.prisma, { username: "tinh", displayName: "X", role: "province_officer", provinceCodes: ["1"], password: "Ngựa-vàng-chạy-qua-cầu" }, META);
    expect(noProvince.ok).toBe(false);
    const badName = await createStaff(db.prisma, { username: "a b", displayName: "X", role: "hotline", password: "Ngựa-vàng-chạy-qua-cầu" }, META);
    expect(badName.ok).toBe(false);
    expect(await db.prisma.staff.count()).toBe(1);
  });

  it("generates strong passwords", () => {
    const seen = new Set(Array.from({ length: 50 }, () => generatePassword()));
    expect(seen.size).toBe(50);
    for (const p of seen) {
      expect(p).toHaveLength(20);
      expect(checkPasswordPolicy(p).ok).toBe(true);
    }
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
function runScript(args: string[], env: Record<string, string>, stdin = ""): Promise<Run> {
  return new Promise((resolve, reject) => {
    const base: Record<string, string | undefined> = { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent" };
    delete base.DATABASE_URL;
    delete base.DATA_DIR;
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/staff-create.ts", ...args], { env: { ...base, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const kinds = await availableKinds();
describe.each(kinds)("scripts/staff-create.ts on %s", (kind) => {
  let env: Record<string, string>;
  let dataDir: string | null = null;
  let pgDb: TestDb | null = null;
  const open = async () => (kind === "postgres" ? openDatabase({ url: env.DATABASE_URL!, migrate: false }) : openDatabase({ dataDir: dataDir!, migrate: false }));

  beforeAll(async () => {
    if (kind === "postgres") {
      pgDb = await createTestDb("postgres");
      env = { DATABASE_URL: pgDb.url! };
    } else {
      dataDir = mkdtempSync(path.join(tmpdir(), "cn-staff-create-"));
      env = { DATA_DIR: dataDir };
    }
  });
  afterAll(async () => {
    await pgDb?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates the first administrator with a generated password printed once on stdout", async () => {
    const r = await runScript(["--username", "admin", "--name", "Quản trị viên", "--role", "admin"], env);
    expect(r.stderr).toContain('Đã tạo tài khoản "admin"');
    expect(r.code).toBe(0);
    const password = r.stdout.trim();
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(r.stderr).not.toContain(password);
    const db = await open();
    try {
      const staff = await db.prisma.staff.findUniqueOrThrow({ where: { username: "admin" } });
      expect(staff.role).toBe("admin");
      expect(await verifyPassword(password, staff.passwordHash)).toBe(true);
      expect(await db.prisma.auditLog.count({ where: { action: "staff.create", entityId: staff.id } })).toBe(1);
    } finally {
      await db.close();
    }
  });

  it("reads --password-stdin, takes comma-separated codes, and prints no password", async () => {
    const r = await runScript(["--username", "xa4", "--name", "Trần B", "--role", "commune_worker", "--commune", "00004,00008", "--province", "01", "--password-stdin"], env, "Ngựa-vàng-chạy-qua-cầu\n");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const db = await open();
    try {
      const staff = await db.prisma.staff.findUniqueOrThrow({ where: { username: "xa4" } });
      expect(staff.communeCodes).toEqual(["00004", "00008"]);
      expect(await verifyPassword("Ngựa-vàng-chạy-qua-cầu", staff.passwordHash)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it("exits non-zero with a clear message on errors", async () => {
    const dup = await runScript(["--username", "admin", "--name", "X", "--role", "hotline", "--password-stdin"], env, "Ngựa-vàng-chạy-qua-cầu\n");
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("đã tồn tại");
    const weak = await runScript(["--username", "weak", "--name", "X", "--role", "hotline", "--password-stdin"], env, "12345\n");
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain("ít nhất 10 ký tự");
    const geo = await runScript(["--username", "xa9", "--name", "X", "--role", "commune_worker", "--password-stdin"], env, "Ngựa-vàng-chạy-qua-cầu\n");
    expect(geo.code).toBe(1);
    expect(geo.stderr).toContain("--commune");
    const argvPw = await runScript(["--username", "x1", "--name", "X", "--role", "hotline", "--password", "Ngựa-vàng-chạy-qua-cầu"], env);
    expect(argvPw.code).toBe(2);
    expect(argvPw.stderr).toContain("--password-stdin");
    const missing = await runScript(["--username", "x2"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Cách dùng");
    const badRole = await runScript(["--username", "x3", "--name", "X", "--role", "root", "--password-stdin"], env, "Ngựa-vàng-chạy-qua-cầu\n");
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain("Vai trò");
  });
});
