/**
 * Key rotation: re-encrypts every stored ciphertext (src/crypto/encrypted-columns.ts) whose key is not the current
 * key of ENCRYPTION_KEYS. Column by column, in primary-key order, in batches; each batch is one transaction that
 * locks its rows, so the app may keep running. Idempotent (rows already on the current key are left alone) and
 * resumable (an interrupted run simply finds fewer stale rows next time). Only counts are reported, never values.
 */
import type { PrismaClient } from "../generated/prisma/client.js";
import { ENCRYPTED_COLUMNS, type EncryptedColumn } from "./encrypted-columns.js";
import { ciphertextKeyId, currentKeyId, decryptText, encryptText } from "./field-encryption.js";

export interface ColumnCounts {
  table: string;
  column: string;
  /** rows holding a ciphertext */
  scanned: number;
  /** already on the current key */
  current: number;
  /** re-encrypted with the current key (in a dry run: would be) */
  rotated: number;
  /** ciphertexts whose key is not in ENCRYPTION_KEYS, or that fail authentication: left as they are */
  unreadable: number;
}

export interface RotationResult {
  keyId: string;
  dryRun: boolean;
  columns: ColumnCounts[];
  /** ids of the keys still found on unreadable values (ids only) */
  unknownKeyIds: string[];
}

export interface RotateOptions {
  dryRun?: boolean;
  batchSize?: number;
  /** called after each column with its counts */
  onColumn?: (c: ColumnCounts) => void;
  columns?: readonly EncryptedColumn[];
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface Access {
  /** SQL expression reading the ciphertext (bytea or base64 text) and the WHERE condition selecting rows that have one */
  read: string;
  where: string;
  toBytes(v: unknown): Buffer;
  /** SET clause for $1 = new value */
  set: string;
  fromBytes(b: Buffer): unknown;
}

function access(c: EncryptedColumn): Access {
  const col = q(c.column);
  switch (c.format) {
    case "bytes":
      return { read: col, where: `${col} IS NOT NULL`, toBytes: (v) => Buffer.from(v as Uint8Array), set: `${col} = $1`, fromBytes: (b) => b };
    case "json-enc":
      return {
        read: `${col}->>'enc'`,
        where: `jsonb_typeof(${col}->'enc') = 'string'`,
        toBytes: (v) => Buffer.from(String(v), "base64"),
        set: `${col} = jsonb_set(${col}, '{enc}', to_jsonb($1::text))`,
        fromBytes: (b) => b.toString("base64"),
      };
    case "text-enc-prefix":
      return {
        read: `substr(${col}, 5)`,
        where: `${col} LIKE 'enc:%'`,
        toBytes: (v) => Buffer.from(String(v), "base64"),
        set: `${col} = $1`,
        fromBytes: (b) => `enc:${b.toString("base64")}`,
      };
  }
}

function keyIdOf(b: Buffer): string | null {
  return b.length >= 2 && b[0] === 1 ? ciphertextKeyId(b) : null;
}

/** Re-encrypts every ciphertext not made with the current key; returns counts per column (and writes one AuditLog row unless dryRun). */
export async function rotateKeys(prisma: PrismaClient, opts: RotateOptions = {}): Promise<RotationResult> {
  const keyId = currentKeyId();
  const batch = Math.max(1, Math.min(opts.batchSize ?? 500, 10_000));
  const dryRun = opts.dryRun ?? false;
  const unknown = new Set<string>();
  const columns: ColumnCounts[] = [];

  for (const c of opts.columns ?? ENCRYPTED_COLUMNS) {
    const a = access(c);
    const counts: ColumnCounts = { table: c.table, column: c.column, scanned: 0, current: 0, rotated: 0, unreadable: 0 };
    const table = q(c.table);
    const key = q(c.key);
    let cursor: unknown = undefined;
    for (;;) {
      const page: unknown = await prisma.$transaction(async (tx) => {
        const params: unknown[] = cursor === undefined ? [] : [cursor];
        const rows = await tx.$queryRawUnsafe<{ k: unknown; v: unknown }[]>(
          `SELECT ${key} AS k, ${a.read} AS v FROM ${table} WHERE ${a.where}${cursor === undefined ? "" : ` AND ${key} > $1`} ORDER BY ${key} LIMIT ${batch}${dryRun ? "" : " FOR UPDATE"}`,
          ...params,
        );
        for (const r of rows) {
          counts.scanned++;
          const old = a.toBytes(r.v);
          const id = keyIdOf(old);
          if (id === keyId) {
            counts.current++;
            continue;
          }
          let plain: string;
          try {
            plain = decryptText(old);
          } catch {
            counts.unreadable++;
            if (id !== null) unknown.add(id);
            continue;
          }
          counts.rotated++;
          if (!dryRun) await tx.$executeRawUnsafe(`UPDATE ${table} SET ${a.set} WHERE ${key} = $2`, a.fromBytes(encryptText(plain)), r.k);
        }
        return rows.length < batch ? undefined : rows[rows.length - 1]!.k;
      });
      if (page === undefined) break;
      cursor = page;
    }
    columns.push(counts);
    opts.onColumn?.(counts);
  }

  if (!dryRun) {
    await prisma.auditLog.create({
      data: {
        actor: "system",
        action: "crypto.keys_rotated",
        entity: "EncryptionKey",
        entityId: keyId,
        details: { columns: columns.map((c) => ({ ...c })), unknownKeyIds: [...unknown] },
      },
    });
  }
  return { keyId, dryRun, columns, unknownKeyIds: [...unknown] };
}
