/**
 * Creating a staff account (used by scripts/staff-create.ts now, by the staff-management pages later): validates
 * the role/geography combination and the password policy, hashes, stores, and audits — in one transaction.
 */
import { randomInt } from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.js";
import { auditData } from "./audit.js";
import { checkPasswordPolicy, hashPassword } from "./passwords.js";
import { ROLES, type Role } from "./permissions.js";
import { isValidUsername, normaliseUsername } from "./sign-in.js";

export const NewStaffInput = z
  .object({
    username: z.string().transform(normaliseUsername).refine(isValidUsername, "Tên đăng nhập chỉ gồm a-z, 0-9, dấu chấm, gạch ngang, gạch dưới (3–64 ký tự)."),
    displayName: z.string().transform((s) => s.normalize("NFC").trim()).pipe(z.string().min(1, "Cần họ tên.").max(120, "Họ tên quá dài.")),
    role: z.enum(ROLES, { error: `Vai trò phải là một trong: ${ROLES.join(", ")}.` }),
    provinceCodes: z.array(z.string().regex(/^\d{2}$/, "Mã tỉnh gồm 2 chữ số (ví dụ 01).")).default([]),
    communeCodes: z.array(z.string().regex(/^\d{5}$/, "Mã xã gồm 5 chữ số (ví dụ 00004).")).default([]),
    password: z.string(),
  })
  .superRefine((v, ctx) => {
    // A province/commune role without codes would see nothing; a code on a national role would look meaningful but is ignored.
    if (v.role === "province_officer" && v.provinceCodes.length === 0) ctx.addIssue({ code: "custom", message: "Cán bộ cấp tỉnh cần ít nhất một mã tỉnh (--province).", path: ["provinceCodes"] });
    if (v.role === "commune_worker" && v.communeCodes.length === 0) ctx.addIssue({ code: "custom", message: "Cán bộ cấp xã cần ít nhất một mã xã (--commune).", path: ["communeCodes"] });
    const policy = checkPasswordPolicy(v.password, { username: v.username, displayName: v.displayName });
    if (!policy.ok) for (const p of policy.problems) ctx.addIssue({ code: "custom", message: p, path: ["password"] });
  });
/** Untrusted fields of a new account (from a CLI or a form); everything is validated by NewStaffInput. */
export interface NewStaffFields {
  username: string;
  displayName: string;
  role: string;
  provinceCodes?: string[];
  communeCodes?: string[];
  password: string;
}

export type CreateStaffResult =
  | { ok: true; staff: { id: string; username: string; role: Role } }
  | { ok: false; code: "invalid"; problems: string[] }
  | { ok: false; code: "duplicate"; problems: string[] };

/** Creates a staff account (hash + row + audit in one transaction); validation problems come back in Vietnamese. */
export async function createStaff(prisma: PrismaClient, input: NewStaffFields, meta: { actor: string; ip?: string | null; via: string }): Promise<CreateStaffResult> {
  const parsed = NewStaffInput.safeParse(input);
  if (!parsed.success) return { ok: false, code: "invalid", problems: parsed.error.issues.map((i) => i.message) };
  const v = parsed.data;
  const duplicate: CreateStaffResult = { ok: false, code: "duplicate", problems: [`Tên đăng nhập "${v.username}" đã tồn tại.`] };
  if (await prisma.staff.findUnique({ where: { username: v.username }, select: { id: true } })) return duplicate;
  const passwordHash = await hashPassword(v.password);
  const provinceCodes = [...new Set(v.provinceCodes)];
  const communeCodes = [...new Set(v.communeCodes)];
  try {
    const staff = await prisma.$transaction(async (tx) => {
      const s = await tx.staff.create({ data: { username: v.username, displayName: v.displayName, role: v.role, provinceCodes, communeCodes, passwordHash }, select: { id: true, username: true, role: true } });
      await tx.auditLog.create({ data: auditData({ actor: meta.actor, action: "staff.create", entity: "staff", entityId: s.id, details: { username: s.username, role: s.role, provinceCodes, communeCodes, via: meta.via }, ip: meta.ip ?? null }) });
      return s;
    });
    return { ok: true, staff };
  } catch (err) {
    // Two creators racing for one name: the unique index decides, and the loser gets the same clear message.
    if (typeof err === "object" && err !== null && "code" in err && err.code === "P2002") return duplicate;
    throw err;
  }
}

const PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/** A strong random password (20 characters, ~115 bits) without look-alike characters, for reading off a screen. */
export function generatePassword(length = 20): string {
  let out = "";
  for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}
