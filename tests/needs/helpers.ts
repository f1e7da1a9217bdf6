/** Shared fixtures for the needs and pledges suites (not a test file itself). */
import type { NewNeedInput, NewPledgeInput } from "../../src/flows/effects.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { createNeed } from "../../src/needs/create-need.js";
import { publishNeed } from "../../src/needs/publish-need.js";
import type { StaffScope } from "../../src/needs/types.js";
import { verifyNeed } from "../../src/needs/verify-need.js";
import { recordPledge } from "../../src/pledges/record-pledge.js";

export const NOW = new Date("2026-11-23T03:00:00Z");

export const ADMIN: StaffScope = { id: "admin-1", role: "admin", provinceCodes: [], communeCodes: [] };

/** A staff scope for tests. */
export function staff(role: StaffScope["role"], scope: { provinceCodes?: string[]; communeCodes?: string[] } = {}, id = `${role}-1`): StaffScope {
  return { id, role, provinceCodes: scope.provinceCodes ?? [], communeCodes: scope.communeCodes ?? [] };
}

/** Two provinces, three communes. */
export async function seedUnits(prisma: PrismaClient): Promise<void> {
  await prisma.administrativeUnit.createMany({
    data: [
      { code: "P1", level: "province", name: "Tỉnh Lào Cai", fullName: "Tỉnh Lào Cai", nameEn: "Lao Cai", type: "tinh", provinceCode: "P1" },
      { code: "P2", level: "province", name: "Tỉnh Điện Biên", fullName: "Tỉnh Điện Biên", nameEn: "Dien Bien", type: "tinh", provinceCode: "P2" },
      { code: "C11", level: "commune", name: "Xã Bản Xèo", fullName: "Xã Bản Xèo, Tỉnh Lào Cai", nameEn: "Ban Xeo", type: "xa", provinceCode: "P1" },
      { code: "C12", level: "commune", name: "Xã Mường Hum", fullName: "Xã Mường Hum, Tỉnh Lào Cai", nameEn: "Muong Hum", type: "xa", provinceCode: "P1" },
      { code: "C21", level: "commune", name: "Xã Sín Thầu", fullName: "Xã Sín Thầu, Tỉnh Điện Biên", nameEn: "Sin Thau", type: "xa", provinceCode: "P2" },
    ],
    skipDuplicates: true,
  });
}

/** A valid need input. */
export function needInput(over: Partial<NewNeedInput> = {}): NewNeedInput {
  return {
    facility: "Trường Mầm non Bản Xèo",
    provinceCode: "P1",
    communeCode: "C11",
    category: "warm_clothes",
    childrenCount: 120,
    quantity: 120,
    unit: "áo ấm",
    amountVnd: 12_000_000,
    neededBy: "2026-12-15",
    description: "Áo ấm cho các cháu mẫu giáo",
    contactName: "Cô Lò Thị Hoa",
    contactPhone: "0912345678",
    ...over,
  };
}

/** A valid money pledge input. */
export function moneyPledge(needCode: string | null, amountVnd: number, over: Partial<NewPledgeInput> = {}): NewPledgeInput {
  return { kind: "money", needCode, amountVnd, items: null, quantity: null, publicName: "Cty ABC", contact: "0987654321", ...over };
}

/** Creates, verifies and publishes a need; returns its code. */
export async function publishedNeed(prisma: PrismaClient, over: Partial<NewNeedInput> = {}, now = NOW): Promise<string> {
  return prisma.$transaction(async (tx) => {
    const { code } = await createNeed(tx, needInput(over), { actor: "bot", now });
    await verifyNeed(tx, { needCode: code, staff: ADMIN, now });
    await publishNeed(tx, { needCode: code, staff: ADMIN, now });
    return code;
  });
}

/** Records a pledge in its own transaction. */
export async function pledge(prisma: PrismaClient, input: NewPledgeInput, now = NOW, donorContactId: string | null = null) {
  return prisma.$transaction((tx) => recordPledge(tx, input, { actor: "bot", now, donorContactId }));
}
