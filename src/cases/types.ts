/**
 * Case statuses and their allowed transitions, as data (Nghị định 56/2017/NĐ-CP Arts. 25–32): receipt, verification,
 * emergency protection when needed (≤ 12 h), needs assessment, plan (≤ 5 working days), approval (≤ 2 working days),
 * implementation, review, closure. Every service that changes a status checks this table.
 */
import type { NewCaseInput } from "../flows/effects.js";
import { isCategory, type Category } from "../safety/index.js";

export const CASE_STATUSES = [
  "received",
  "verifying",
  "emergency_protection",
  "needs_assessment",
  "plan_drafted",
  "plan_approved",
  "in_progress",
  "monitoring",
  "closed",
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const RISK_LEVELS = ["immediate", "high", "medium", "low"] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/**
 * Allowed moves. Emergency protection (Art. 26 k.3, Art. 31) may be needed as soon as a report arrives and again
 * whenever the child's situation worsens, so it is reachable from every open status before closure. A report found
 * untrue during verification is closed (with the reason). A rejected plan goes back to assessment; a review that
 * finds the child still at risk goes back to a new plan (Art. 30).
 */
export const CASE_TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  received: ["verifying", "emergency_protection"],
  verifying: ["emergency_protection", "needs_assessment", "closed"],
  emergency_protection: ["needs_assessment"],
  needs_assessment: ["emergency_protection", "plan_drafted"],
  plan_drafted: ["plan_approved", "needs_assessment"],
  plan_approved: ["in_progress"],
  in_progress: ["emergency_protection", "monitoring"],
  monitoring: ["emergency_protection", "plan_drafted", "closed"],
  closed: [],
};

/** Whether a status change is allowed by the transition table. */
export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return CASE_TRANSITIONS[from].includes(to);
}

/** Categories whose harm is grave enough to be high risk even when nobody says it is happening now. */
export const HIGH_RISK_CATEGORIES: readonly Category[] = ["xam_hai_tinh_duc", "mua_ban", "bat_coc", "tu_tu", "tre_so_sinh_bi_bo_roi"];

/**
 * Risk at intake: immediate when the child is in danger now (or triage said so); high for sexual abuse, trafficking,
 * abduction, suicide risk and abandoned newborns; low when the report is about a risk not yet realised ("nguy cơ");
 * medium otherwise.
 */
export function intakeRisk(opts: { category: string; immediate: boolean; inDangerNow: NewCaseInput["inDangerNow"]; riskOnly: boolean }): RiskLevel {
  if (opts.immediate || opts.inDangerNow === "yes") return "immediate";
  if (isCategory(opts.category) && HIGH_RISK_CATEGORIES.includes(opts.category)) return "high";
  if (opts.riskOnly) return "low";
  return "medium";
}

/** Urgent cases are those the 12-hour protection rule (Art. 26 k.3) applies to: immediate and high risk. */
export function isUrgentRisk(risk: RiskLevel): boolean {
  return risk === "immediate" || risk === "high";
}

/** Canonical case code from what a person typed ("bv2026000123", "BV 2026-123" → "BV-2026-000123"), or null. */
export function normalizeCaseCode(text: string): string | null {
  const m = /^\s*b\s*v\s*[-_. ]?\s*(\d{4})\s*[-_. ]?\s*(\d{1,6})\s*$/i.exec(text.normalize("NFKC"));
  if (!m) return null;
  return `BV-${m[1]}-${m[2]!.padStart(6, "0")}`;
}
