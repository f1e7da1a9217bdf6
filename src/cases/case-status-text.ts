/** Plain Vietnamese for each case status, as a reporter sees it: what is happening, without any private detail. */
import type { CaseStatus } from "./types.js";

export const CASE_STATUS_TEXT_VI: Readonly<Record<CaseStatus, string>> = {
  received: "Tin báo đã được tiếp nhận và chuyển tới cán bộ bảo vệ trẻ em ở địa phương cùng Tổng đài 111.",
  verifying: "Cán bộ đang kiểm tra, xác minh thông tin.",
  emergency_protection: "Cơ quan chức năng đang áp dụng biện pháp bảo vệ khẩn cấp cho trẻ.",
  needs_assessment: "Cán bộ đang đánh giá tình hình và nhu cầu hỗ trợ của trẻ.",
  plan_drafted: "Kế hoạch hỗ trợ, can thiệp cho trẻ đã được lập và đang chờ phê duyệt.",
  plan_approved: "Kế hoạch hỗ trợ cho trẻ đã được phê duyệt.",
  in_progress: "Các hỗ trợ cho trẻ đang được thực hiện.",
  monitoring: "Cán bộ đang theo dõi, đánh giá sự an toàn của trẻ sau hỗ trợ.",
  closed: "Hồ sơ đã kết thúc: cán bộ đánh giá trẻ đã an toàn, ổn định.",
};

/** The reporter-facing sentence for a status. */
export function caseStatusText(status: CaseStatus): string {
  return CASE_STATUS_TEXT_VI[status];
}
