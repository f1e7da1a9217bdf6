/**
 * The escalation recipient directory: who is told about a case at commune, province and hotline level.
 * Recipients are Staff rows; a seed file (content/directory/recipients.seed.json) creates or updates them by username
 * so an install can be provisioned from a file. Passwords are never taken from or written by the seed.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Staff } from "../generated/prisma/client.js";
import { CHANNELS } from "../messaging/channels.js";
import { loadDirectory } from "./load-units.js";

/** Default seed file: <repo>/content/directory/recipients.seed.json. */
export const DEFAULT_RECIPIENTS_FILE = fileURLToPath(new URL("../../content/directory/recipients.seed.json", import.meta.url));

/** A password hash no verifier accepts: seed-only accounts cannot sign in until an administrator sets a password. */
export const UNUSABLE_PASSWORD_HASH = "!";

export type EscalationLevel = "commune" | "province" | "hotline";

const ROLE_LEVEL = { hotline: "hotline", province_officer: "province", commune_worker: "commune" } as const;

const notifyChannelSchema = z.object({ channel: z.enum(CHANNELS), userId: z.string().min(1).max(200) });

const recipientSchema = z
  .object({
    username: z.string().regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, "lower-case letters, digits, . _ - (3–64)"),
    displayName: z.string().min(1).max(200),
    role: z.enum(["hotline", "province_officer", "commune_worker"]),
    escalationLevel: z.enum(["commune", "province", "hotline"]),
    provinceCodes: z.array(z.string().regex(/^\d{2}$/)).default([]),
    communeCodes: z.array(z.string().regex(/^\d{5}$/)).default([]),
    notifyChannels: z.array(notifyChannelSchema).default([]),
    active: z.boolean().default(true),
    /** Marks the shipped example; only informative. */
    example: z.boolean().optional(),
  })
  .superRefine((r, ctx) => {
    if (ROLE_LEVEL[r.role] !== r.escalationLevel) {
      ctx.addIssue({ code: "custom", message: `role ${r.role} must have escalationLevel ${ROLE_LEVEL[r.role]}` });
    }
    if (r.role === "commune_worker" && r.communeCodes.length === 0) ctx.addIssue({ code: "custom", message: "a commune worker needs communeCodes" });
    if (r.role === "province_officer" && r.provinceCodes.length === 0) ctx.addIssue({ code: "custom", message: "a province officer needs provinceCodes" });
  });

const seedFileSchema = z.object({ about: z.string().optional(), recipients: z.array(recipientSchema) });

export type RecipientSeed = z.infer<typeof recipientSchema>;

/** Reads and validates a recipients seed file (codes must exist in the 2025 directory; usernames unique). */
export function readRecipientsSeed(file: string = DEFAULT_RECIPIENTS_FILE): RecipientSeed[] {
  const parsed = seedFileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  const dir = loadDirectory();
  const seen = new Set<string>();
  for (const r of parsed.data.recipients) {
    if (seen.has(r.username)) throw new Error(`${file}: username ${r.username} appears twice`);
    seen.add(r.username);
    for (const p of r.provinceCodes) if (!dir.provinceByCode.has(p)) throw new Error(`${file}: ${r.username}: unknown province code ${p}`);
    for (const c of r.communeCodes) if (!dir.communeByCode.has(c)) throw new Error(`${file}: ${r.username}: unknown commune code ${c}`);
  }
  return parsed.data.recipients;
}

export interface SeedRecipientsResult {
  created: number;
  updated: number;
  total: number;
}

/** Upserts the seed's recipients into Staff by username (scope, level, channels, active); never touches passwords. */
export async function seedRecipients(prisma: PrismaClient, file: string = DEFAULT_RECIPIENTS_FILE): Promise<SeedRecipientsResult> {
  const recipients = readRecipientsSeed(file);
  let created = 0;
  let updated = 0;
  for (const r of recipients) {
    const fields = {
      displayName: r.displayName,
      role: r.role,
      escalationLevel: r.escalationLevel,
      provinceCodes: r.provinceCodes,
      communeCodes: r.communeCodes,
      notifyChannels: r.notifyChannels,
      active: r.active,
    };
    // Looked up only to report created vs updated; the upsert is what writes.
    const before = await prisma.staff.findUnique({ where: { username: r.username }, select: { id: true } });
    await prisma.staff.upsert({
      where: { username: r.username },
      create: { username: r.username, passwordHash: UNUSABLE_PASSWORD_HASH, ...fields },
      update: fields,
    });
    if (before) updated++;
    else created++;
  }
  return { created, updated, total: recipients.length };
}

/** Active recipients at one escalation level whose scope covers the commune (hotline: everyone at that level). */
export async function recipientsFor(prisma: PrismaClient, communeCode: string, level: EscalationLevel): Promise<Staff[]> {
  const base = { active: true, escalationLevel: level };
  if (level === "hotline") return prisma.staff.findMany({ where: base, orderBy: { username: "asc" } });
  if (level === "commune") return prisma.staff.findMany({ where: { ...base, communeCodes: { has: communeCode } }, orderBy: { username: "asc" } });
  const commune = loadDirectory().communeByCode.get(communeCode);
  if (!commune) return [];
  return prisma.staff.findMany({ where: { ...base, provinceCodes: { has: commune.provinceCode } }, orderBy: { username: "asc" } });
}
