import { describe, expect, it } from "vitest";
import { checkPasswordPolicy, DEFAULT_SCRYPT_PARAMS, hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "../../src/staff/passwords.js";

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe("password hashing", () => {
  it("stores scrypt$N$r$p$salt$hash with the default parameters and verifies", async () => {
    const h = await hashPassword("Bao-ve-tre-em-2026");
    const parts = h.split("$");
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 4)).toEqual(["scrypt", String(DEFAULT_SCRYPT_PARAMS.N), String(DEFAULT_SCRYPT_PARAMS.r), String(DEFAULT_SCRYPT_PARAMS.p)]);
    expect(Buffer.from(parts[4]!, "base64url")).toHaveLength(16);
    expect(Buffer.from(parts[5]!, "base64url")).toHaveLength(32);
    expect(await verifyPassword("Bao-ve-tre-em-2026", h)).toBe(true);
    expect(await verifyPassword("Bao-ve-tre-em-2027", h)).toBe(false);
    expect(await verifyPassword("", h)).toBe(false);
    expect(h).not.toContain("Bao-ve");
  });

  it("salts every hash differently", async () => {
    const [a, b] = await Promise.all([hashPassword("cùng-một-mật-khẩu", FAST), hashPassword("cùng-một-mật-khẩu", FAST)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("cùng-một-mật-khẩu", a)).toBe(true);
    expect(await verifyPassword("cùng-một-mật-khẩu", b)).toBe(true);
  });

  it("treats composed and decomposed Vietnamese diacritics as the same password", async () => {
    const nfc = "Mật khẩu của tôi".normalize("NFC");
    const nfd = nfc.normalize("NFD");
    expect(nfc).not.toBe(nfd);
    const h = await hashPassword(nfd, FAST);
    expect(await verifyPassword(nfc, h)).toBe(true);
  });

  it("reads its parameters from the stored string and refuses malformed or dangerous ones", async () => {
    const h = await hashPassword("mot-hai-ba-bon-nam", FAST);
    expect(h.startsWith("scrypt$1024$8$1$")).toBe(true);
    expect(await verifyPassword("mot-hai-ba-bon-nam", h)).toBe(true);
    const [, , , , salt, key] = h.split("$");
    for (const bad of [
      "", "plain", `bcrypt$1024$8$1$${salt}$${key}`, `scrypt$1000$8$1$${salt}$${key}`, `scrypt$${2 ** 24}$8$1$${salt}$${key}`,
      `scrypt$1024$999$1$${salt}$${key}`, `scrypt$1024$8$1$${salt}`, `scrypt$1024$8$1$$${key}`, `scrypt$1024$8$2$${salt}$${key}`,
    ]) {
      expect(await verifyPassword("mot-hai-ba-bon-nam", bad), bad).toBe(false);
    }
  });

  it("flags weaker hashes for re-hashing", async () => {
    expect(needsRehash(await hashPassword("mot-hai-ba-bon-nam", FAST))).toBe(true);
    expect(needsRehash(await hashPassword("mot-hai-ba-bon-nam"))).toBe(false);
    expect(needsRehash("garbage")).toBe(true);
  });

  it("spends hashing work on unknown users too", async () => {
    await expect(verifyAgainstDummy("anything")).resolves.toBe(false);
  });
});

describe("password policy", () => {
  it("requires at least 10 characters, in Vietnamese", () => {
    const r = checkPasswordPolicy("ngan-qua");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toContain("Mật khẩu phải có ít nhất 10 ký tự.");
  });

  it("counts characters, not bytes or code units", () => {
    expect(checkPasswordPolicy("Đường-ĐiTới").ok).toBe(true); // 11 characters
    expect(checkPasswordPolicy("ĐườngĐiTớ").ok).toBe(false); // 9 characters, more bytes
  });

  it("refuses common, repetitive and username-based passwords", () => {
    for (const pw of ["1234567890", "matkhau123", "Password123", "aaaaaaaaaaaa", "ababababab", "nguyenvana-2026"]) {
      const r = checkPasswordPolicy(pw, { username: "nguyenvana" });
      expect(r.ok, pw).toBe(false);
      if (!r.ok) for (const p of r.problems) expect(p).toMatch(/Mật khẩu/);
    }
    expect(checkPasswordPolicy(" co-dau-cach-2026").ok).toBe(false);
  });

  it("accepts a reasonable passphrase", () => {
    expect(checkPasswordPolicy("Ngựa-vàng-chạy-qua-cầu", { username: "admin", displayName: "Nguyễn Văn A" })).toEqual({ ok: true });
  });
});
