/**
 * Vietnamese wording of the case console (statuses, risks, deadlines, timeline events) and the per-status deadline
 * rule shared by the queue and the case page. Pure data and functions: no I/O.
 */
import type { CaseStatus, RiskLevel } from "../../cases/types.js";
import { CATEGORY_LABELS_VI, isCategory } from "../../safety/index.js";

/** Staff-facing names of the Decree 56/2017 steps. */
export const STATUS_LABELS: Readonly<Record<CaseStatus, string>> = {
  received: "Tiếp nhận",
  verifying: "Xác minh",
  emergency_protection: "Bảo vệ khẩn cấp",
  needs_assessment: "Đánh giá nhu cầu",
  plan_drafted: "Đã lập kế hoạch, chờ phê duyệt",
  plan_approved: "Kế hoạch đã phê duyệt",
  in_progress: "Đang thực hiện kế hoạch",
  monitoring: "Theo dõi, đánh giá",
  closed: "Đã đóng hồ sơ",
};

/** What each step means for the worker (shown under the status). */
export const STATUS_HINTS: Readonly<Record<CaseStatus, string>> = {
  received: "Tin báo mới: xác nhận đã nhận và bắt đầu xác minh (Điều 25–26 NĐ 56/2017).",
  verifying: "Kiểm tra thông tin; nếu trẻ đang gặp nguy hiểm, áp dụng biện pháp bảo vệ khẩn cấp trong 12 giờ.",
  emergency_protection: "Trẻ đang được bảo vệ khẩn cấp; tiếp theo là đánh giá nhu cầu.",
  needs_assessment: "Đánh giá tình hình và nhu cầu của trẻ; lập kế hoạch trong 5 ngày làm việc.",
  plan_drafted: "Kế hoạch chờ phê duyệt trong 2 ngày làm việc.",
  plan_approved: "Triển khai kế hoạch hỗ trợ, can thiệp.",
  in_progress: "Đang thực hiện; khi xong, chuyển sang theo dõi, đánh giá.",
  monitoring: "Theo dõi sự an toàn của trẻ; đóng hồ sơ khi trẻ an toàn, ổn định (Điều 32).",
  closed: "Hồ sơ đã kết thúc.",
};

export const RISK_LABELS: Readonly<Record<RiskLevel, string>> = {
  immediate: "Khẩn cấp",
  high: "Cao",
  medium: "Trung bình",
  low: "Thấp",
};

const RISK_RANK: Readonly<Record<string, number>> = { immediate: 0, high: 1, medium: 2, low: 3 };

export const LEVEL_LABELS: Readonly<Record<string, string>> = { commune: "cấp xã", province: "cấp tỉnh", hotline: "Tổng đài 111" };

export const ESCALATION_STATUS_LABELS: Readonly<Record<string, string>> = {
  pending: "Chờ gửi",
  sent: "Đã gửi, chờ xác nhận",
  acknowledged: "Đã xác nhận",
  timed_out: "Quá hạn, đã chuyển cấp trên",
  failed: "Gửi lỗi",
};

export const CHANNEL_LABELS: Readonly<Record<string, string>> = {
  webchat: "Web chat",
  terminal: "Chat thử nghiệm",
  telegram: "Telegram",
  messenger: "Messenger",
  zalo: "Zalo",
};

/** The category's Vietnamese label ("Khác" for an unknown code). */
export function categoryLabel(code: string): string {
  return isCategory(code) ? CATEGORY_LABELS_VI[code] : "Khác";
}

/** The status's label, or the raw value for an unknown one. */
export function statusLabel(status: string): string {
  return (STATUS_LABELS as Record<string, string>)[status] ?? status;
}

/** The risk's label, or the raw value for an unknown one. */
export function riskLabel(risk: string): string {
  return (RISK_LABELS as Record<string, string>)[risk] ?? risk;
}

/** Sort key of a risk level: immediate first. */
export function riskRank(risk: string): number {
  return RISK_RANK[risk] ?? 9;
}

export type DeadlineKind = "protection" | "plan" | "approval";
export const DEADLINE_LABELS: Readonly<Record<DeadlineKind, string>> = {
  protection: "Bảo vệ khẩn cấp (12 giờ)",
  plan: "Lập kế hoạch (5 ngày làm việc)",
  approval: "Phê duyệt kế hoạch (2 ngày làm việc)",
};

export interface DeadlineFields {
  status: string;
  protectionDueAt: Date | null;
  planDueAt: Date | null;
  approvalDueAt: Date | null;
  protectedAt?: Date | null;
}

/**
 * The deadline that applies in the case's current step: the 12-hour protection deadline until the child is
 * protected (urgent cases), the 5-working-day plan deadline until a plan is drafted, then its 2-day approval.
 */
export function currentDeadline(c: DeadlineFields): { kind: DeadlineKind; at: Date } | null {
  const early = c.status === "received" || c.status === "verifying";
  if (early && c.protectionDueAt && !c.protectedAt) return { kind: "protection", at: c.protectionDueAt };
  if ((early || c.status === "emergency_protection" || c.status === "needs_assessment") && c.planDueAt) return { kind: "plan", at: c.planDueAt };
  if (c.status === "plan_drafted" && c.approvalDueAt) return { kind: "approval", at: c.approvalDueAt };
  return null;
}

/** Queue order: risk first (immediate on top), then the nearest current deadline, then the oldest report. */
export function compareQueue<T extends DeadlineFields & { riskLevel: string; receivedAt: Date }>(a: T, b: T): number {
  const r = riskRank(a.riskLevel) - riskRank(b.riskLevel);
  if (r !== 0) return r;
  const da = currentDeadline(a)?.at.getTime() ?? Number.POSITIVE_INFINITY;
  const db = currentDeadline(b)?.at.getTime() ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  return a.receivedAt.getTime() - b.receivedAt.getTime();
}
