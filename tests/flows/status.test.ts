import { describe, expect, it } from "vitest";
import { normalizeCaseCode } from "../../src/cases/types.js";
import type { CaseLookupPort } from "../../src/flows/ports.js";
import { allText, choiceIds, FlowChat, fakePorts } from "./report-helpers.js";

const cases: CaseLookupPort = {
  async statusByCode(code) {
    if (code === "BV-2026-000123") return { code, statusText: "Cán bộ đang kiểm tra, xác minh thông tin.", updatedAt: new Date("2026-11-23T03:00:00Z"), closed: false };
    if (code === "BV-2026-000007") return { code, statusText: "Hồ sơ đã kết thúc.", updatedAt: new Date("2026-11-20T03:00:00Z"), closed: true };
    return null;
  },
};

describe("status flow (Tra cứu hồ sơ)", () => {
  it("normalises codes typed loosely", () => {
    expect(normalizeCaseCode("bv2026000123")).toBe("BV-2026-000123");
    expect(normalizeCaseCode("BV-2026-000123")).toBe("BV-2026-000123");
    expect(normalizeCaseCode(" bv 2026-123 ")).toBe("BV-2026-000123");
    expect(normalizeCaseCode("BV_2026_000123")).toBe("BV-2026-000123");
    expect(normalizeCaseCode("2026000123")).toBeNull();
    expect(normalizeCaseCode("hello")).toBeNull();
  });

  it("shows the status in plain words for a code without dashes, then adds info and photos", async () => {
    const c = new FlowChat(fakePorts(cases));
    const ask = await c.tap("menu:status");
    expect(allText(ask)).toMatch(/mã hồ sơ/);
    const shown = await c.send("bv2026000123");
    expect(allText(shown)).toContain("Hồ sơ BV-2026-000123");
    expect(allText(shown)).toContain("Tình trạng: Cán bộ đang kiểm tra, xác minh thông tin.");
    expect(allText(shown)).toContain("23/11/2026");
    expect(choiceIds(shown)).toEqual(["status:add", "status:menu"]);
    const add = await c.tap("status:add");
    expect(allText(add)).toMatch(/bổ sung cho hồ sơ BV-2026-000123/);
    await c.send("Cháu học lớp 3 trường tiểu học gần chợ");
    const more = await c.send("", { attachments: [{ type: "image", ref: "photo-9" }] });
    expect(allText(more)).toMatch(/1 tin nhắn và 1 ảnh/);
    const sent = await c.tap("status:send");
    expect(sent.effects).toEqual([{ type: "add_case_info", caseCode: "BV-2026-000123", text: "Cháu học lớp 3 trường tiểu học gần chợ", attachments: [{ type: "image", ref: "photo-9" }] }]);
    expect(c.flow).toBe("menu");
  });

  it("re-asks on a malformed or unknown code, and goes back to the menu on request", async () => {
    const c = new FlowChat(fakePorts(cases));
    await c.tap("menu:status");
    const bad = await c.send("abc");
    expect(allText(bad)).toMatch(/có dạng BV-2026-000123/);
    const unknown = await c.send("BV-2026-999999");
    expect(allText(unknown)).toMatch(/không tìm thấy hồ sơ BV-2026-999999/);
    expect(allText(unknown)).toMatch(/111/);
    expect(c.flow).toBe("status");
    await c.tap("status:menu");
    expect(c.flow).toBe("menu");
  });

  it("a closed case offers no additions; sending nothing adds nothing", async () => {
    const c = new FlowChat(fakePorts(cases));
    await c.tap("menu:status");
    const closed = await c.send("BV-2026-000007");
    expect(choiceIds(closed)).toEqual(["status:menu"]);
    const c2 = new FlowChat(fakePorts(cases));
    await c2.tap("menu:status");
    await c2.send("BV-2026-000123");
    await c2.tap("status:add");
    const empty = await c2.tap("status:send");
    expect(empty.effects).toEqual([]);
    expect(allText(empty)).toMatch(/chưa gửi nội dung/);
    const cancel = await c2.tap("status:cancel");
    expect(cancel.effects).toEqual([]);
    expect(c2.flow).toBe("menu");
  });

  it("a danger message while looking up a case starts the report flow (triage runs everywhere)", async () => {
    const c = new FlowChat(fakePorts(cases));
    await c.tap("menu:status");
    const t = await c.send("Bố đang đánh em gái tôi ngay bây giờ");
    expect(t.replies[0]!.kind).toBe("call_buttons");
    expect(c.flow).toBe("report");
  });
});
