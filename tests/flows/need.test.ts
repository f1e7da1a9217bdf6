import { describe, expect, it } from "vitest";
import { needFlow, type NeedFlowState, parseNeededBy } from "../../src/flows/need.js";
import type { FlowPorts, NeedsPort } from "../../src/flows/ports.js";
import type { FlowContext, FlowInput, StepResult } from "../../src/flows/types.js";
import { NewNeedSchema } from "../../src/needs/types.js";
import { matchKey } from "../../src/text/index.js";

const NOW = new Date("2026-11-23T03:00:00Z");

/** Small fake ports: two provinces, a commune split from an old one. */
function ports(needs?: Partial<NeedsPort>): FlowPorts {
  return {
    directory: {
      findProvince: (t) => {
        const k = matchKey(t);
        if (k.includes("lao cai")) return [{ code: "P1", name: "Tỉnh Lào Cai", score: 1 }];
        if (k.includes("dien bien")) return [{ code: "P2", name: "Tỉnh Điện Biên", score: 0.95 }];
        if (k === "bien") return [{ code: "P2", name: "Tỉnh Điện Biên", score: 0.6 }, { code: "P3", name: "Tỉnh Biên Hòa", score: 0.58 }];
        return [];
      },
      findCommune: (p, t) => {
        const k = matchKey(t);
        const base = { provinceCode: "P1", provinceName: "Tỉnh Lào Cai", via: "name" as const };
        if (p === "P1" && k.includes("ban xeo")) return [{ ...base, code: "C11", name: "Xã Bản Xèo", fullName: "Xã Bản Xèo, Tỉnh Lào Cai", score: 1 }];
        if (p === "P1" && k.includes("tan lap"))
          return [
            { ...base, code: "C12", name: "Xã Mường Hum", fullName: "Xã Mường Hum", via: "old_name", oldName: "Xã Tân Lập", partial: true, score: 0.9 },
            { ...base, code: "C13", name: "Xã Dền Sáng", fullName: "Xã Dền Sáng", via: "old_name", oldName: "Xã Tân Lập", partial: true, score: 0.9 },
          ];
        return [];
      },
      unitName: (c) => ({ P1: "Tỉnh Lào Cai", P2: "Tỉnh Điện Biên", C11: "Xã Bản Xèo", C12: "Xã Mường Hum", C13: "Xã Dền Sáng" })[c] ?? null,
    },
    guidance: { answer: () => ({ kind: "no_match" }), article: () => null },
    cases: { statusByCode: async () => null },
    needs: { listPublished: async () => [], byCode: async () => null, vietqrEnabled: () => false, ...needs },
  };
}

const ctx: FlowContext = { now: NOW, channel: "telegram", locale: "vi", contactId: "c1", ports: ports() };
const say = (text: string, payload?: string): FlowInput => ({ text, key: matchKey(text), attachments: [], triage: { level: "none", category: null, rules: [], guidanceHint: false }, ...(payload ? { payload } : {}) });
const textOf = (r: StepResult<unknown>) => r.replies.map((m) => ("text" in m ? m.text : m.alt)).join("\n");

/** Feeds answers one by one; returns every result. */
async function run(answers: (string | [string, string])[]): Promise<StepResult<NeedFlowState>[]> {
  const out: StepResult<NeedFlowState>[] = [await needFlow.start(ctx)];
  for (const a of answers) {
    const state = out.at(-1)?.state;
    if (!state) throw new Error("flow already ended");
    // the runtime saves and reloads state as JSON through the zod schema
    const saved = needFlow.state.parse(JSON.parse(JSON.stringify(state)));
    out.push(await needFlow.step(saved, Array.isArray(a) ? say(a[0], a[1]) : say(a), ctx));
  }
  return out;
}

describe("need flow", () => {
  it("collects a full need and ends with create_need and the {{need}} placeholder", async () => {
    const rs = await run(["Trường Mầm non Bản Xèo", "lao cai", "ban xeo", ["Áo ấm, chăn ấm", "cat:warm_clothes"], "khoảng 120 em", "120 áo ấm", "12 triệu", "15/12/2026", "Các cháu 3-5 tuổi", "Cô Hoa", "0912 345 678", ["Gửi", "confirm:yes"]]);
    expect(textOf(rs[0]!)).toMatch(/xác minh/);
    expect(rs[1]?.state?.step).toBe("province");
    expect(textOf(rs.at(-2)!)).toMatch(/Bản Xèo[\s\S]*120 áo ấm[\s\S]*12\.000\.000 đ[\s\S]*15\/12\/2026/);
    const last = rs.at(-1)!;
    expect(last.state).toBeNull();
    const eff = last.effects?.find((e) => e.type === "create_need");
    expect(eff).toEqual({
      type: "create_need",
      ref: "need",
      input: { facility: "Trường Mầm non Bản Xèo", provinceCode: "P1", communeCode: "C11", category: "warm_clothes", childrenCount: 120, quantity: 120, unit: "áo ấm", amountVnd: 12_000_000, neededBy: "2026-12-15", description: "Các cháu 3-5 tuổi", contactName: "Cô Hoa", contactPhone: "0912345678" },
    });
    // what the flow emits passes the service's own validation
    expect(NewNeedSchema.safeParse(eff?.type === "create_need" ? eff.input : null).success).toBe(true);
    expect(last.effects?.some((e) => e.type === "set_consent")).toBe(true);
    expect(textOf(last)).toContain("{{need}}");
  });

  it("lets optional questions be skipped and fills sensible defaults", async () => {
    const rs = await run(["Điểm trường Nậm Chạy", "Lào Cai", "Bản Xèo", "2", "45", "bỏ qua", ["Bỏ qua", "skip"], "bo qua", "không", "bỏ qua", "bỏ qua", "gửi"]);
    const eff = rs.at(-1)?.effects?.find((e) => e.type === "create_need");
    expect(eff?.type === "create_need" && eff.input).toMatchObject({ category: "nutrition_meals", childrenCount: 45, quantity: 45, unit: "suất ăn", amountVnd: null, neededBy: null, description: "", contactName: null, contactPhone: null });
    expect(rs.at(-1)?.effects?.some((e) => e.type === "set_consent")).toBe(false);
  });

  it("re-asks politely on answers it cannot use, without moving on", async () => {
    const rs = await run(["Trường X", "abc xyz", "Lào Cai", "Hà Nội", "Bản Xèo", "gì cũng được", "đồ dùng học tập", "nhiều lắm", "50", "rất nhiều", "50 bộ", "mười triệu", "500k", "hôm qua", "20/11/2026", "31/02/2027", "01/01/2027"]);
    const steps = rs.map((r) => r.state?.step);
    expect(steps).toEqual(["facility", "province", "province", "commune", "commune", "category", "category", "children", "children", "quantity", "quantity", "amount", "amount", "needed_by", "needed_by", "needed_by", "needed_by", "description"]);
    expect(textOf(rs[2]!)).toMatch(/chưa tìm thấy tỉnh/);
    expect(textOf(rs[4]!)).toMatch(/chưa tìm thấy xã/);
    expect(rs[6]?.replies[0]?.kind).toBe("choices");
    expect(rs[7]?.state?.category).toBe("school_supplies");
    expect(textOf(rs[12]!)).toMatch(/chưa hiểu số tiền/);
    expect(textOf(rs[15]!)).toMatch(/đã qua/);
    expect(textOf(rs[16]!)).toMatch(/không có trên lịch/);
    expect(rs.every((r) => r.replies.length > 0 && !(r.effects ?? []).length)).toBe(true);
  });

  it("offers choices when a place is ambiguous or an old commune was split", async () => {
    const rs = await run(["Trường Y", "bien", ["Tỉnh Lào Cai", "prov:P1"], "Tân Lập", "2"]);
    expect(rs[2]?.replies[0]).toMatchObject({ kind: "choices", choices: [{ id: "prov:P2" }, { id: "prov:P3" }] });
    expect(rs[4]?.replies[0]).toMatchObject({ kind: "choices", text: expect.stringMatching(/nhiều xã mới/) });
    expect(rs[4]?.replies[0]?.kind === "choices" && rs[4].replies[0].choices[0]?.label).toMatch(/Mường Hum \(trước đây: Xã Tân Lập\)/);
    expect(rs[5]?.state).toMatchObject({ step: "category", communeCode: "C13", communeName: "Xã Dền Sáng" });
  });

  it("can start over or cancel at the summary", async () => {
    const base = ["Trường Z", "Lào Cai", "Bản Xèo", "1", "10", "bỏ qua", "bỏ qua", "bỏ qua", "bỏ qua", "bỏ qua", "bỏ qua"];
    const again = await run([...base, ["Làm lại từ đầu", "confirm:restart"]]);
    expect(again.at(-1)?.state).toMatchObject({ step: "facility", facility: null });
    const cancel = await run([...base, ["Huỷ", "confirm:no"]]);
    expect(cancel.at(-1)?.state).toBeNull();
    expect(cancel.at(-1)?.effects ?? []).toEqual([]);
    const unclear = await run([...base, "để mình nghĩ đã"]);
    expect(unclear.at(-1)?.state?.step).toBe("confirm");
  });

  it("reads needed-by dates in Vietnam time", () => {
    expect(parseNeededBy("15/12", NOW)).toEqual({ ok: true, date: "2026-12-15" });
    expect(parseNeededBy("15/01", NOW)).toEqual({ ok: true, date: "2027-01-15" });
    expect(parseNeededBy("2026-11-23", NOW)).toEqual({ ok: true, date: "2026-11-23" });
    expect(parseNeededBy("22/11/2026", NOW).ok).toBe(false);
    expect(parseNeededBy("01/01/2030", NOW).ok).toBe(false);
  });

  it("its replies are valid outbound messages", async () => {
    const { OutboundMessage } = await import("../../src/messaging/outbound.js");
    const rs = await run(["Trường Y", "bien", ["x", "prov:P1"], "Tân Lập", "2", "2", "10", "10 lượt khám", "1tr", "bỏ qua", "bỏ qua", "bỏ qua", "bỏ qua"]);
    for (const r of rs) for (const m of r.replies) expect(OutboundMessage.safeParse(m).success).toBe(true);
  });
});
