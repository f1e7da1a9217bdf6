/** The rotation list (src/crypto/encrypted-columns.ts) must name every encrypted column of prisma/schema.prisma. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENCRYPTED_COLUMNS } from "../../src/crypto/encrypted-columns.js";

/** Every "Model.field" of the schema whose field name ends in "Enc", with its type. */
function schemaEncColumns(): { name: string; type: string }[] {
  const schema = readFileSync(new URL("../../prisma/schema.prisma", import.meta.url), "utf8");
  const out: { name: string; type: string }[] = [];
  for (const m of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    for (const line of m[2]!.split("\n")) {
      const f = /^\s*(\w+Enc)\s+(\w+)(\??)/.exec(line);
      if (f) out.push({ name: `${m[1]}.${f[1]}`, type: f[2]! });
    }
  }
  return out;
}

describe("encrypted columns", () => {
  const listed = new Set(ENCRYPTED_COLUMNS.map((c) => `${c.table}.${c.column}`));

  it("the schema parser finds the known columns (guards the parser itself)", () => {
    const names = schemaEncColumns().map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["Message.bodyEnc", "OutboxItem.payloadEnc", "Case.descriptionEnc", "ChannelToken.refreshTokenEnc"]));
    expect(names.length).toBeGreaterThanOrEqual(16);
  });

  it("every *Enc column is a Bytes column and is in ENCRYPTED_COLUMNS (so key rotation re-encrypts it)", () => {
    for (const c of schemaEncColumns()) {
      expect(c.type, c.name).toBe("Bytes");
      expect(listed.has(c.name), `${c.name} is missing from src/crypto/encrypted-columns.ts`).toBe(true);
    }
  });

  it("every listed column exists in the schema (no stale entries)", () => {
    const schema = readFileSync(new URL("../../prisma/schema.prisma", import.meta.url), "utf8");
    for (const c of ENCRYPTED_COLUMNS) {
      const model = new RegExp(`^model\\s+${c.table}\\s*\\{([\\s\\S]*?)^\\}`, "m").exec(schema);
      expect(model, c.table).not.toBeNull();
      expect(new RegExp(`^\\s*${c.column}\\s`, "m").test(model![1]!), `${c.table}.${c.column}`).toBe(true);
      expect(new RegExp(`^\\s*${c.key}\\s.*@id`, "m").test(model![1]!), `${c.table}.${c.key} is the primary key`).toBe(true);
    }
    expect(listed.size).toBe(ENCRYPTED_COLUMNS.length);
  });
});
