/**
 * Key rotation on PGlite and PostgreSQL: rows written with key "a" are re-encrypted by ring "b,a" (PGlite: the
 * library function; PostgreSQL: scripts/rotate-keys.ts as an operator runs it), a second run changes nothing, and
 * ring "b" alone then reads every value.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENCRYPTED_COLUMNS } from "../../src/crypto/encrypted-columns.js";
import { ciphertextKeyId, decryptText, encryptJson, encryptText, parseKeyRing, setKeyRing } from "../../src/crypto/index.js";
import { rotateKeys, type RotationResult } from "../../src/crypto/rotate-keys.js";
import { availableKinds, createTestDb, type TestDb } from "../support/test-db.js";

const run = promisify(execFile);
const A = `a:${Buffer.alloc(32, 1).toString("base64")}`;
const B = `b:${Buffer.alloc(32, 2).toString("base64")}`;
const C = `c:${Buffer.alloc(32, 3).toString("base64")}`;
const ring = (spec: string) => setKeyRing(parseKeyRing(spec));

type Snapshot = Map<string, Buffer>;

/** Every ciphertext in the database, by "Table.column#key" (bytes as stored, decoded from JSON/text wrappers). */
async function snapshot(db: TestDb): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const c of ENCRYPTED_COLUMNS) {
    const read = c.format === "bytes" ? `"${c.column}"` : c.format === "json-enc" ? `"${c.column}"->>'enc'` : `substr("${c.column}", 5)`;
    const where = c.format === "bytes" ? `"${c.column}" IS NOT NULL` : c.format === "json-enc" ? `"${c.column}" ? 'enc'` : `"${c.column}" LIKE 'enc:%'`;
    const rows = await db.prisma.$queryRawUnsafe<{ k: unknown; v: unknown }[]>(`SELECT "${c.key}"::text AS k, ${read} AS v FROM "${c.table}" WHERE ${where}`);
    for (const r of rows) out.set(`${c.table}.${c.column}#${String(r.k)}`, c.format === "bytes" ? Buffer.from(r.v as Uint8Array) : Buffer.from(String(r.v), "base64"));
  }
  return out;
}

/** Writes one or more rows into every encrypted column with the ring's current key; returns the plaintexts by snapshot key. */
async function seed(db: TestDb): Promise<void> {
  const p = db.prisma;
  for (let i = 0; i < 7; i++) {
    await p.message.create({ data: { conversationId: "conv-1", channel: "webchat", direction: "in", kind: "message", bodyEnc: encryptJson({ text: `tin nhắn ${i}` }), status: "received" } });
  }
  await p.outboxItem.create({ data: { channel: "webchat", recipient: "u1", payloadEnc: encryptJson({ kind: "text", text: "Trả lời riêng" }) } });
  await p.channelToken.create({ data: { channel: "zalo", accessTokenEnc: encryptText("access-secret"), refreshTokenEnc: encryptText("refresh-secret") } });
  const k = await p.case.create({
    data: {
      code: "BV-2026-000001", category: "bao_luc", riskLevel: "high", descriptionEnc: encryptText("Mô tả riêng tư"), reporterNameEnc: encryptText("Nguyễn Văn A"),
      reporterPhoneEnc: encryptText("0912345678"), childNameEnc: encryptText("Bé B"), addressEnc: encryptText("Số 1 ngõ 2"), locationEnc: encryptJson({ lat: 21, lng: 105 }),
    },
  });
  await p.caseEvent.create({ data: { caseId: k.id, type: "note", actor: "system", textEnc: encryptText("Ghi chú") } });
  await p.caseEvent.create({ data: { caseId: k.id, type: "received", actor: "system" } }); // no private text
  await p.caseAttachment.create({ data: { caseId: k.id, channel: "telegram", refEnc: encryptText("file-ref-1"), addedBy: "reporter" } });
  await p.contentGap.create({ data: { textEnc: encryptText("câu hỏi chưa có trả lời"), channel: "webchat" } });
  const n = await p.need.create({
    data: { code: "NC-0001", facility: "Trường A", provinceCode: "01", communeCode: "00004", category: "warm_clothes", childrenCount: 3, quantity: 3, unit: "bộ", contactNameEnc: encryptText("Cô C"), contactPhoneEnc: encryptText("0987654321") },
  });
  await p.pledge.create({ data: { code: "UH-0001", needId: n.id, kind: "goods", contactEnc: encryptText("donor@example.org") } });
  await p.statementLine.create({ data: { lineKey: "l1", amountVnd: 100000n, note: `enc:${encryptText("CHUYEN TIEN UH-0001 NGUYEN VAN D").toString("base64")}`, bookedAt: new Date(), importedBy: "staff:x" } });
  await p.statementLine.create({ data: { lineKey: "l2", amountVnd: 5000n, note: "plain note", bookedAt: new Date(), importedBy: "staff:x" } });
  await p.inboxEvent.create({ data: { channel: "webchat", externalId: "e1", conversationKey: "webchat:u1", kind: "message", payload: { enc: encryptJson({ text: "xin chào" }).toString("base64") }, status: "done" } });
  await p.inboxEvent.create({ data: { channel: "webchat", externalId: "e2", conversationKey: "webchat:u1", kind: "message", payload: { redacted: true }, status: "done" } });
}

function decryptAll(s: Snapshot): Map<string, string> {
  return new Map([...s].map(([k, v]) => [k, decryptText(v)]));
}

const totals = (r: RotationResult) => r.columns.reduce((t, c) => ({ rotated: t.rotated + c.rotated, current: t.current + c.current, unreadable: t.unreadable + c.unreadable }), { rotated: 0, current: 0, unreadable: 0 });

describe.each(await availableKinds())("key rotation on %s", (kind) => {
  let db: TestDb;
  let plain: Map<string, string>;
  let before: Snapshot;

  /** Rotates with the ring set in this process: the library function on PGlite, the operator's script on PostgreSQL. */
  async function rotate(spec: string, extra: string[] = []): Promise<{ result?: RotationResult; stdout: string; code: number }> {
    ring(spec);
    if (kind === "pglite" || !db.url) {
      const result = await rotateKeys(db.prisma, { batchSize: 3, dryRun: extra.includes("--dry-run") });
      return { result, stdout: "", code: 0 };
    }
    try {
      const { stdout } = await run("npx", ["tsx", "scripts/rotate-keys.ts", "--batch", "3", ...extra], {
        env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", DATABASE_URL: db.url, ENCRYPTION_KEYS: spec },
      });
      return { stdout, code: 0 };
    } catch (err) {
      const e = err as { stdout?: string; code?: number };
      return { stdout: e.stdout ?? "", code: e.code ?? 1 };
    }
  }

  beforeAll(async () => {
    db = await createTestDb(kind);
    ring(A);
    await seed(db);
    before = await snapshot(db);
    plain = decryptAll(before);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("seeds a value in every listed column, all with key a", () => {
    for (const c of ENCRYPTED_COLUMNS) expect([...before.keys()].some((k) => k.startsWith(`${c.table}.${c.column}#`)), `${c.table}.${c.column}`).toBe(true);
    expect(before.size).toBe(7 + 1 + 2 + 6 + 1 + 1 + 1 + 2 + 1 + 1 + 1);
    for (const v of before.values()) expect(ciphertextKeyId(v)).toBe("a");
  });

  it("a dry run counts and changes nothing", async () => {
    const r = await rotate(`${B},${A}`, ["--dry-run"]);
    expect(r.code).toBe(0);
    if (r.result) expect(totals(r.result)).toEqual({ rotated: before.size, current: 0, unreadable: 0 });
    else expect(r.stdout).toContain(`would re-encrypt ${before.size} value(s)`);
    expect(await snapshot(db)).toEqual(before);
    expect(await db.prisma.auditLog.count({ where: { action: "crypto.keys_rotated" } })).toBe(0);
  });

  it("ring b,a re-encrypts every value with b; plaintexts are unchanged; the audit row has counts only", async () => {
    const r = await rotate(`${B},${A}`);
    expect(r.code).toBe(0);
    if (r.result) {
      expect(totals(r.result)).toEqual({ rotated: before.size, current: 0, unreadable: 0 });
      expect(r.result.columns.find((c) => c.table === "Message")).toMatchObject({ scanned: 7, rotated: 7 });
    } else {
      expect(r.stdout).toMatch(/Message\.bodyEnc\s+scanned 7\s+current 0\s+rotated 7\s+unreadable 0/);
      expect(r.stdout).toContain(`Re-encrypted ${before.size} value(s) with key "b"`);
      for (const p of plain.values()) expect(r.stdout).not.toContain(p);
    }
    const after = await snapshot(db);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const v of after.values()) expect(ciphertextKeyId(v)).toBe("b");
    expect(decryptAll(after)).toEqual(plain);
    expect((await db.prisma.statementLine.findUniqueOrThrow({ where: { lineKey: "l2" } })).note).toBe("plain note");
    expect((await db.prisma.inboxEvent.findFirstOrThrow({ where: { externalId: "e2" } })).payload).toEqual({ redacted: true });
    const audit = await db.prisma.auditLog.findMany({ where: { action: "crypto.keys_rotated" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.entityId).toBe("b");
    const details = JSON.stringify(audit[0]!.details);
    expect(details).toContain('"bodyEnc"');
    for (const p of plain.values()) expect(details).not.toContain(p);
  });

  it("running again changes nothing", async () => {
    const once = await snapshot(db);
    const r = await rotate(`${B},${A}`);
    expect(r.code).toBe(0);
    if (r.result) expect(totals(r.result)).toEqual({ rotated: 0, current: before.size, unreadable: 0 });
    else expect(r.stdout).toContain("Re-encrypted 0 value(s)");
    expect(await snapshot(db)).toEqual(once);
  });

  it("ring b alone reads everything (the old key can go)", async () => {
    ring(B);
    expect(decryptAll(await snapshot(db))).toEqual(plain);
    expect(() => decryptText(before.values().next().value!)).toThrow(/key "a" is not in ENCRYPTION_KEYS/);
  });

  it("a value under a key that is not in the ring is counted as unreadable and left alone (exit code 2)", async () => {
    ring(C);
    const stray = await db.prisma.contentGap.create({ data: { textEnc: encryptText("khóa lạ"), channel: "webchat" } });
    const r = await rotate(B);
    expect(r.code).toBe(kind === "pglite" || !db.url ? 0 : 2);
    if (r.result) {
      expect(totals(r.result)).toEqual({ rotated: 0, current: before.size, unreadable: 1 });
      expect(r.result.unknownKeyIds).toEqual(["c"]);
    } else expect(r.stdout).toMatch(/ContentGap\.textEnc\s+scanned 2\s+current 1\s+rotated 0\s+unreadable 1/);
    const row = await db.prisma.contentGap.findUniqueOrThrow({ where: { id: stray.id } });
    expect(ciphertextKeyId(row.textEnc)).toBe("c");
  });
});

describe("scripts/rotate-keys.ts on PGlite in DATA_DIR", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "cn-rotate-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("opens the database like the app and prints per-column counts", async () => {
    const { stdout } = await run("npx", ["tsx", "scripts/rotate-keys.ts", "--dry-run"], {
      env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: dir, DATABASE_URL: "", ENCRYPTION_KEYS: `${B},${A}` },
    });
    expect(stdout).toMatch(/Case\.descriptionEnc\s+scanned 0/);
    expect(stdout).toContain("Dry run: would re-encrypt 0 value(s)");
  });

  it("refuses a bad --batch", async () => {
    await expect(run("npx", ["tsx", "scripts/rotate-keys.ts", "--batch", "0"], { env: { ...process.env, DATA_DIR: dir, ENCRYPTION_KEYS: B } })).rejects.toMatchObject({ code: 1 });
  });
});
