/**
 * Staff passwords: scrypt (node:crypto) with a per-password salt and the cost parameters inside the stored string
 * (`scrypt$N$r$p$salt$hash`, base64url), so the cost can be raised later and old hashes still verify (see
 * `needsRehash`). Passwords are NFC-normalised first: Vietnamese keyboards (Telex, VNI, phone IMEs) may send the
 * same diacritics composed or decomposed, and a staff member must not be locked out by their keyboard.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's equal-cost alternative to N=2^17,p=1 that needs 32 MiB instead of 128 MiB per hash: a burst of sign-ins
 * (4 libuv threads at once) then costs ~128 MiB of RAM, not half a gigabyte.
 */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 3 };
export const PASSWORD_MIN_LENGTH = 10;
/** A cap so a megabyte "password" cannot be used to burn CPU; no real passphrase is this long. */
export const PASSWORD_MAX_LENGTH = 256;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds for parameters read back from the database: a tampered row must not make verify allocate gigabytes.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

function derive(password: string, salt: Buffer, params: ScryptParams, keyLen: number): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, keyLen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function validParams(p: ScryptParams): boolean {
  return (
    Number.isInteger(p.N) && p.N >= 2 && p.N <= MAX_N && (p.N & (p.N - 1)) === 0 &&
    Number.isInteger(p.r) && p.r >= 1 && p.r <= MAX_R &&
    Number.isInteger(p.p) && p.p >= 1 && p.p <= MAX_P
  );
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [, n, r, p, salt, key] = parts;
  if (!n || !r || !p || !salt || !key || ![n, r, p].every((x) => /^\d{1,8}$/.test(x))) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (!validParams(params)) return null;
  const saltBuf = Buffer.from(salt, "base64url");
  const keyBuf = Buffer.from(key, "base64url");
  if (saltBuf.length < 8 || keyBuf.length < 16 || keyBuf.length > 128) return null;
  return { params, salt: saltBuf, key: keyBuf };
}

/** Hashes a password into `scrypt$N$r$p$salt$hash` with a fresh random salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  if (!validParams(params)) throw new Error("invalid scrypt parameters");
  if (password.length > PASSWORD_MAX_LENGTH * 4) throw new Error("password too long");
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params, KEY_BYTES);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** Checks a password against a stored hash in constant time; a malformed hash or over-long input is simply false. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || password.length > PASSWORD_MAX_LENGTH * 4) return false;
  const key = await derive(password, parsed.salt, parsed.params, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/** True when a stored hash uses weaker parameters than the current ones (re-hash it after a successful sign-in). */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const cost = (x: ScryptParams) => x.N * x.r * x.p;
  return cost(parsed.params) < cost(params) || parsed.key.length < KEY_BYTES;
}

let dummyHash: Promise<string> | null = null;
/**
 * Burns the same scrypt work as a real check, for sign-ins with an unknown username: answering faster for
 * unknown names would let anyone enumerate staff accounts by timing.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(18).toString("base64url"));
  await verifyPassword(password, await dummyHash);
  return false;
}

// Passwords people pick first; the list is short on purpose (a length rule does most of the work).
const COMMON = new Set([
  "1234567890", "12345678910", "0123456789", "0987654321", "1111111111", "matkhau123", "matkhau1234", "matkhaumoi",
  "password12", "password123", "password1234", "qwertyuiop", "qwerty1234", "abc1234567", "abcd123456", "iloveyou12",
  "admin12345", "admin123456", "administrator", "caunoi2026", "caunoi123", "vietnam123", "vietnam1234", "hanoi12345",
  "anhyeuem123", "emyeuanh123", "baove111", "tongdai111",
]);

export type PolicyResult = { ok: true } | { ok: false; problems: string[] };

/** Minimum password policy (≥ 10 characters, not trivially guessable); problems are Vietnamese, for the UI/CLI. */
export function checkPasswordPolicy(password: string, context: { username?: string; displayName?: string } = {}): PolicyResult {
  const pw = password.normalize("NFC");
  const chars = [...pw];
  const problems: string[] = [];
  if (chars.length < PASSWORD_MIN_LENGTH) problems.push(`Mật khẩu phải có ít nhất ${PASSWORD_MIN_LENGTH} ký tự.`);
  if (chars.length > PASSWORD_MAX_LENGTH) problems.push(`Mật khẩu không được dài quá ${PASSWORD_MAX_LENGTH} ký tự.`);
  if (pw.trim() !== pw) problems.push("Mật khẩu không được bắt đầu hoặc kết thúc bằng dấu cách.");
  if (chars.length > 0 && new Set(chars).size < 4) problems.push("Mật khẩu quá đơn giản: cần ít nhất 4 ký tự khác nhau.");
  const folded = pw.toLowerCase().replace(/[\s._-]/g, "");
  if (COMMON.has(folded)) problems.push("Mật khẩu này quá phổ biến, vui lòng chọn mật khẩu khác.");
  const username = context.username?.toLowerCase().trim();
  if (username && username.length >= 3 && folded.includes(username.replace(/[\s._-]/g, ""))) {
    problems.push("Mật khẩu không được chứa tên đăng nhập.");
  }
  const name = context.displayName?.normalize("NFC").toLowerCase().replace(/\s+/g, "");
  if (name && name.length >= 4 && folded === name) problems.push("Mật khẩu không được trùng với họ tên.");
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
