import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Field-level encryption for private data at rest (names, phone numbers, addresses, descriptions, message bodies).
 * AES-256-GCM with a key ring: the first key encrypts, every key decrypts, so keys can be rotated by adding a new key
 * first and re-encrypting at leisure (scripts/rotate-keys.ts). Layout: [1: version=1][1: id length][id][12: iv][16: tag][ciphertext].
 */
export interface KeyRing {
  current: { id: string; key: Buffer };
  all: Map<string, Buffer>;
}

let ring: KeyRing | null = null;

/** Parses "id1:base64key,id2:base64key" (first = current). Throws with a clear message on a malformed value. */
export function parseKeyRing(spec: string): KeyRing {
  const all = new Map<string, Buffer>();
  let current: KeyRing["current"] | null = null;
  for (const part of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const idx = part.indexOf(":");
    if (idx <= 0) throw new Error("ENCRYPTION_KEYS: each key must be written id:base64 (32 bytes)");
    const id = part.slice(0, idx);
    const key = Buffer.from(part.slice(idx + 1), "base64");
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error(`ENCRYPTION_KEYS: key id "${id}" must be 1–32 letters, digits, _ or -`);
    if (key.length !== 32) throw new Error(`ENCRYPTION_KEYS: key "${id}" must be 32 bytes (base64 of 32 random bytes)`);
    all.set(id, key);
    current ??= { id, key };
  }
  if (!current) throw new Error("ENCRYPTION_KEYS: no key given");
  return { current, all };
}

/** Installs the key ring used by encrypt/decrypt (called once at start-up, and by tests). */
export function setKeyRing(k: KeyRing): void {
  ring = k;
}

/** Makes a fresh key spec ("id:base64") for development or for a rotation. */
export function generateKeySpec(id = `k${new Date().toISOString().slice(0, 10).replace(/-/g, "")}`): string {
  return `${id}:${randomBytes(32).toString("base64")}`;
}

function activeRing(): KeyRing {
  if (!ring) throw new Error("encryption keys are not loaded (setKeyRing was not called)");
  return ring;
}

/** The id of the key that encrypts now (the first of ENCRYPTION_KEYS). */
export function currentKeyId(): string {
  return activeRing().current.id;
}

/** Bytes as Prisma's Bytes columns want them (backed by a plain ArrayBuffer). */
export type Cipher = Buffer<ArrayBuffer>;

function toCipher(parts: Buffer[]): Cipher {
  const all = Buffer.concat(parts);
  const out = Buffer.alloc(all.length);
  all.copy(out);
  return out;
}

/** Encrypts a UTF-8 string. */
export function encryptText(plain: string): Cipher {
  const { id, key } = activeRing().current;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const idBuf = Buffer.from(id, "utf8");
  return toCipher([Buffer.from([1, idBuf.length]), idBuf, iv, cipher.getAuthTag(), body]);
}

/** Decrypts what encryptText produced; throws if the key is unknown or the data was tampered with. */
export function decryptText(data: Uint8Array): string {
  const buf = Buffer.from(data);
  if (buf[0] !== 1) throw new Error("unknown ciphertext version");
  const idLen = buf[1] ?? 0;
  const id = buf.subarray(2, 2 + idLen).toString("utf8");
  const key = activeRing().all.get(id);
  if (!key) throw new Error(`ciphertext key "${id}" is not in ENCRYPTION_KEYS`);
  const off = 2 + idLen;
  const decipher = createDecipheriv("aes-256-gcm", key, buf.subarray(off, off + 12));
  decipher.setAuthTag(buf.subarray(off + 12, off + 28));
  return Buffer.concat([decipher.update(buf.subarray(off + 28)), decipher.final()]).toString("utf8");
}

/** The key id a ciphertext was made with (for rotation). */
export function ciphertextKeyId(data: Uint8Array): string {
  const buf = Buffer.from(data);
  return buf.subarray(2, 2 + (buf[1] ?? 0)).toString("utf8");
}

/** Encrypts a value as JSON. */
export function encryptJson(value: unknown): Cipher {
  return encryptText(JSON.stringify(value));
}

/** Decrypts JSON made by encryptJson (validate the result with zod at the call site). */
export function decryptJson(data: Uint8Array): unknown {
  return JSON.parse(decryptText(data));
}

/** Encrypts when a value is present, else null (for optional columns). */
export function encryptOptional(plain: string | null | undefined): Cipher | null {
  return plain == null || plain === "" ? null : encryptText(plain);
}

/** Decrypts an optional column. */
export function decryptOptional(data: Uint8Array | null | undefined): string | null {
  return data == null ? null : decryptText(data);
}
