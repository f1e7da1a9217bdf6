/** Every flow by id. A flow missing here is a bug caught by tests (tests/flows/registry.test.ts). */
import { comingSoonFlow } from "./coming-soon.js";
import { menuFlow } from "./menu.js";
import type { AnyFlow, FlowId } from "./types.js";

export type FlowRegistry = Record<FlowId, AnyFlow>;

/** The default registry; the app overrides entries as capabilities are wired in. */
export function defaultRegistry(overrides: Partial<FlowRegistry> = {}): FlowRegistry {
  return {
    menu: menuFlow,
    guidance: comingSoonFlow("guidance", "Hỏi đáp nuôi dạy con", "Parenting questions"),
    report: comingSoonFlow("report", "Báo tin trẻ em cần giúp đỡ", "Reporting"),
    pledge: comingSoonFlow("pledge", "Ủng hộ / quyên góp", "Donating"),
    need: comingSoonFlow("need", "Báo nhu cầu hỗ trợ", "Reporting a need"),
    status: comingSoonFlow("status", "Tra cứu hồ sơ", "Case lookup"),
    handoff: comingSoonFlow("handoff", "Gặp nhân viên", "Talking to a person"),
    tips: comingSoonFlow("tips", "Mẹo nuôi con theo tuổi", "Age-based tips"),
    settings: comingSoonFlow("settings", "Cài đặt", "Settings"),
    transparency: comingSoonFlow("transparency", "Minh bạch ủng hộ", "Donation transparency"),
    ...overrides,
  };
}
