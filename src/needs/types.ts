/**
 * Needs of children in disadvantaged communes (Đề án 588): a school, village or commune reports what is missing,
 * staff verify it, then it is published for donors. Statuses and their allowed transitions are data, checked by
 * every service that changes a need.
 */
import { z } from "zod";

export const NEED_CATEGORIES = ["health_check", "nutrition_meals", "warm_clothes", "play_equipment", "school_supplies", "other"] as const;
export type NeedCategory = (typeof NEED_CATEGORIES)[number];

/** Vietnamese labels for categories (chat buttons, public pages, CSV). */
export const NEED_CATEGORY_LABELS: Record<NeedCategory, string> = {
  health_check: "Khám sức khỏe",
  nutrition_meals: "Bữa ăn dinh dưỡng",
  warm_clothes: "Áo ấm, chăn ấm",
  play_equipment: "Đồ chơi, sân chơi",
  school_supplies: "Đồ dùng học tập",
  other: "Khác",
};

export const NEED_STATUSES = ["submitted", "verified", "published", "partly_pledged", "fulfilled", "closed", "rejected"] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

/**
 * Allowed moves. published ⇄ partly_pledged ⇄ fulfilled are automatic (refreshNeedStatus), and can go back when a
 * pledge is cancelled or expires; closed and rejected are final.
 */
export const NEED_TRANSITIONS: Record<NeedStatus, readonly NeedStatus[]> = {
  submitted: ["verified", "rejected"],
  verified: ["published", "rejected"],
  published: ["partly_pledged", "fulfilled", "closed"],
  partly_pledged: ["published", "fulfilled", "closed"],
  fulfilled: ["published", "partly_pledged", "closed"],
  closed: [],
  rejected: [],
};

/** Statuses the public (donors, transparency pages, the chat) may see: never submitted, verified-but-unpublished or rejected. */
export const PUBLIC_NEED_STATUSES: readonly NeedStatus[] = ["published", "partly_pledged", "fulfilled", "closed"];
/** Statuses that still accept pledges attached to the need (a fulfilled need may be over-pledged by a race; surplus shows in transparency). */
export const PLEDGEABLE_NEED_STATUSES: readonly NeedStatus[] = ["published", "partly_pledged", "fulfilled"];
/** Statuses shown to donors browsing what is still missing. */
export const OPEN_NEED_STATUSES: readonly NeedStatus[] = ["published", "partly_pledged"];

export const NeedStatusSchema = z.enum(NEED_STATUSES);

/** Whether a need may move from one status to another. */
export function canMoveNeed(from: string, to: NeedStatus): boolean {
  const parsed = NeedStatusSchema.safeParse(from);
  return parsed.success && NEED_TRANSITIONS[parsed.data].includes(to);
}

/** A staff member as the services need them: role plus geographic scope (roles and scopes are data). */
export interface StaffScope {
  id: string;
  role: "admin" | "hotline" | "province_officer" | "commune_worker" | "donations_officer";
  provinceCodes: readonly string[];
  communeCodes: readonly string[];
}

/** Whether a staff member may verify/publish/reject/close a need in this commune. */
export function staffCoversNeed(staff: StaffScope, need: { provinceCode: string; communeCode: string }): boolean {
  switch (staff.role) {
    case "admin":
    case "donations_officer":
      return true;
    case "province_officer":
      return staff.provinceCodes.includes(need.provinceCode);
    case "commune_worker":
      return staff.communeCodes.includes(need.communeCode);
    case "hotline":
      return false;
  }
}

/** What `createNeed` accepts: the chat effect's NewNeedInput, validated again because it crosses a boundary (saved JSON). */
export const NewNeedSchema = z.object({
  facility: z.string().trim().min(2).max(200),
  provinceCode: z.string().trim().min(1).max(20),
  communeCode: z.string().trim().min(1).max(20),
  category: z.enum(NEED_CATEGORIES),
  childrenCount: z.number().int().min(1).max(100_000),
  quantity: z.number().int().min(1).max(10_000_000),
  unit: z.string().trim().min(1).max(40),
  amountVnd: z.number().int().positive().max(10_000_000_000).nullable(),
  neededBy: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "not a calendar date")
    .nullable(),
  description: z.string().max(4000),
  contactName: z.string().trim().max(200).nullable(),
  contactPhone: z.string().trim().max(40).nullable(),
});

/** Whether a status string is one of a list (typed lists of literals are widened safely, without casts). */
export function oneOf(list: readonly string[], s: string): boolean {
  return list.includes(s);
}
