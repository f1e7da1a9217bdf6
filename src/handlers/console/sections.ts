/**
 * The console's sections as data: title, path, the permission that opens it, and whether a module has registered
 * its routes yet. Navigation, the home page and the permission gate are all derived from this list, so a new
 * section is one `registerConsoleSection` call (src/handlers/console/router.ts).
 */
import type { Permission } from "../../staff/permissions.js";

export interface ConsoleSectionInfo {
  /** URL segment: pages live under /console/<id>, JSON under /console/api/<id>. */
  id: string;
  title: string;
  permission: Permission;
  description: string;
  /** position in the navigation (smaller first) */
  order: number;
}

/** The sections the console is planned around; until a module registers one, it shows an "in preparation" page. */
export const DEFAULT_SECTIONS: readonly ConsoleSectionInfo[] = [
  { id: "cases", title: "Hồ sơ", permission: "case.list", order: 10, description: "Hồ sơ trẻ em cần bảo vệ trong phạm vi của bạn: tiếp nhận, xác minh, can thiệp, theo dõi." },
  { id: "handoff", title: "Hàng đợi hỗ trợ", permission: "handoff.reply", order: 20, description: "Các cuộc trò chuyện đang chờ cán bộ tiếp nhận từ chatbot." },
  { id: "needs", title: "Nhu cầu & ủng hộ", permission: "need.view", order: 30, description: "Nhu cầu của cơ sở chăm sóc trẻ em và các khoản ủng hộ." },
  { id: "directory", title: "Danh bạ", permission: "directory.view", order: 40, description: "Danh bạ cán bộ, đơn vị hành chính và đường dây nóng." },
  { id: "reports", title: "Báo cáo", permission: "report.view", order: 50, description: "Số liệu tổng hợp theo địa bàn, không chứa thông tin cá nhân." },
  { id: "audit", title: "Nhật ký truy cập", permission: "audit.view", order: 60, description: "Ai đã xem hoặc thay đổi gì, khi nào (chỉ quản trị viên)." },
];

/** Looks up a default section by id. */
export function defaultSection(id: string): ConsoleSectionInfo | undefined {
  return DEFAULT_SECTIONS.find((s) => s.id === id);
}
