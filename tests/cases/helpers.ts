/** Shared fixtures for the cases and escalation suites (not a test file itself). */
import pino from "pino";
import type { EscalationDeps } from "../../src/escalation/types.js";
import type { NewCaseInput } from "../../src/flows/effects.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { createCase } from "../../src/cases/create-case.js";

export const silentLogger = pino({ level: "silent" });

/** Escalation settings for tests: 15 min / 60 min / 720 min, a tiny name table. */
export function testEscalationDeps(over: Partial<EscalationDeps> = {}): EscalationDeps {
  return {
    publicBaseUrl: "https://caunoi.test",
    timeoutsMin: { immediate: 15, high: 60, other: 720 },
    maxHotlineAttempts: 4,
    maxUnroutedRetries: 3,
    unitName: (code) => ({ "00235": "Phường Ô Chợ Dừa, Thành phố Hà Nội", "01": "Thành phố Hà Nội", "09700": "Xã Đan Phượng, Thành phố Hà Nội" } as Record<string, string>)[code] ?? null,
    logger: silentLogger,
    ...over,
  };
}

/** A full case input with private fields that must never appear in plaintext at rest or in notifications. */
export function caseInput(over: Partial<NewCaseInput> = {}): NewCaseInput {
  return {
    category: "bao_luc",
    riskLevel: "medium",
    urgent: false,
    inDangerNow: "no",
    provinceCode: "01",
    communeCode: "00235",
    description: "Bé Nguyễn Thị Hoa bị bố dượng đánh bầm tím ở số 12 ngõ Văn Chương",
    whenText: "hôm qua",
    childAge: 8,
    childSex: "nu",
    suspectRelation: "bo_me",
    reporterIsChild: false,
    anonymous: false,
    reporterName: "Trần Văn Bình",
    reporterPhone: "0912345678",
    placeText: "ngõ Văn Chương, Ô Chợ Dừa",
    location: { lat: 21.0195, lng: 105.8291 },
    attachments: [{ type: "image", ref: "telegram-file-AgADBQAD" }],
    matchedRules: ["rpt.bao_luc.hanh_vi"],
    ...over,
  };
}

/** Private strings of caseInput() that must never leave the database in clear. */
export const PRIVATE_STRINGS = ["Nguyễn Thị Hoa", "Văn Chương", "Trần Văn Bình", "0912345678", "telegram-file-AgADBQAD", "bố dượng", "21.0195"];

/** Creates a case in its own transaction (like the processor would). */
export async function makeCase(prisma: PrismaClient, deps: EscalationDeps, now: Date, over: Partial<NewCaseInput> = {}, contactId: string | null = null): Promise<{ id: string; code: string }> {
  return prisma.$transaction((tx) => createCase(tx, deps, caseInput(over), { contactId, channel: "telegram", now }));
}

/** Creates an escalation recipient. */
export async function makeStaff(
  prisma: PrismaClient,
  username: string,
  level: "commune" | "province" | "hotline",
  scope: { communeCodes?: string[]; provinceCodes?: string[] },
  channels: { channel: string; userId: string }[],
): Promise<string> {
  const role = level === "commune" ? "commune_worker" : level === "province" ? "province_officer" : "hotline";
  const s = await prisma.staff.create({
    data: { username, displayName: username, passwordHash: "!", role, escalationLevel: level, communeCodes: scope.communeCodes ?? [], provinceCodes: scope.provinceCodes ?? [], notifyChannels: channels },
  });
  return s.id;
}
