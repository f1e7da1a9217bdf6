import { describe, expect, it } from "vitest";
import { pledgeFlow, type PledgeFlowState } from "../../src/flows/pledge.js";
import type { FlowPorts, NeedSummary } from "../../src/flows/ports.js";
import type { FlowContext, FlowInput, StepResult } from "../../src/flows/types.js";
import { OutboundMessage } from "../../src/messaging/outbound.js";
import { NewPledgeSchema } from "../../src/pledges/types.js";
import { matchKey } from "../../src/text/index.js";

const NOW = new Date("2026-11-23T03:00:00Z");

const NEEDS: NeedSummary[] = [
  { code: "NC-2026-000001", facility: "Trường MN Bản Xèo", communeName: "Xã Bản Xèo", provinceCode: "P1", category: "warm_clothes", childrenCount: 120, quantity: 120, unit: "áo ấm", amountVnd: 12_000_000, pledgedVnd: 4_000_000, neededBy: "2026-12-15", status: "partly_pledged" },
  { code: "NC-2026-000002", facility: "Điểm trường Sín Thầu", communeName: "Xã Sín Thầu", provinceCode: "P2", category: "nutrition_meals", childrenCount: 40, quantity: 800, unit: "suất ăn", amountVnd: null, pledgedVnd: 0, neededBy: null, status: "published" },
  { code: "NC-2026-000003", facility: "Trường TH Cũ", communeName: "Xã Bản Xèo", provinceCode: "P1", category: "school_supplies", childrenCount: 10, quantity: 10, unit: "bộ", amountVnd: 1_000_000, pledgedVnd: 1_000_000, neededBy: null, status: "closed" },
];

function ports(vietqr: boolean, needs: NeedSummary[] = NEEDS): FlowPorts {
  return {
    directory: {
      findProvince: (t) => (matchKey(t).includes("dien bien") ? [{ code: "P2", name: "Tỉnh Điện Biên", score: 1 }] : matchKey(t).includes("ha noi") ? [{ code: "P9", name: "Thành phố Hà Nội", score: 1 }] : []),
      findCommune: () => [],
      unitName: (c) => ({ P1: "Tỉnh Lào Cai", P2: "Tỉnh Điện Biên", P9: "Thành phố Hà Nội" })[c] ?? null,
    },
    guidance: { answer: () => ({ kind: "no_match" }), article: () => null },
    cases: { statusByCode: async () => null },
    needs: {
      listPublished: async (f) => needs.filter((n) => ["published", "partly_pledged"].includes(n.status) && (!f.provinceCode || n.provinceCode === f.provinceCode)).slice(0, f.limit),
      byCode: async (c) => needs.find((n) => n.code === c) ?? null,
      vietqrEnabled: () => vietqr,
    },
  };
}

const ctxWith = (vietqr: boolean, needs?: NeedSummary[]): FlowContext => ({ now: NOW, channel: "zalo", locale: "vi", contactId: "c1", ports: ports(vietqr, needs) });
const input = (text: string, payload?: string): FlowInput => ({ text, key: matchKey(text), attachments: [], triage: { level: "none", category: null, rules: [], guidanceHint: false }, ...(payload ? { payload } : {}) });
const textOf = (r: StepResult<unknown>) => r.replies.map((m) => ("text" in m ? m.text : m.alt)).join("\n");

async function run(answers: (string | [string, string])[], ctx = ctxWith(true), data?: Record<string, unknown>): Promise<StepResult<PledgeFlowState>[]> {
  const out: StepResult<PledgeFlowState>[] = [await pledgeFlow.start(ctx, data)];
  for (const a of answers) {
    const state = out.at(-1)?.state;
    if (!state) throw new Error("flow already ended");
    const saved = pledgeFlow.state.parse(JSON.parse(JSON.stringify(state)));
    out.push(await pledgeFlow.step(saved, Array.isArray(a) ? input(a[0], a[1]) : input(a), ctx));
  }
  for (const r of out) for (const m of r.replies) expect(OutboundMessage.safeParse(m).success).toBe(true);
  return out;
}

const pledgeEffect = (r: StepResult<unknown> | undefined) => {
  const e = r?.effects?.find((x) => x.type === "create_pledge");
  return e?.type === "create_pledge" ? e : null;
};

describe("pledge flow", () => {
  it("lists open needs only, then takes a money pledge with VietQR", async () => {
    const rs = await run([["Trường MN Bản Xèo – Áo ấm", "need:NC-2026-000001"], ["Tiền", "kind:money"], "1tr2", "Gia đình bé Na", "0912345678", ["Xác nhận ủng hộ", "confirm:yes"]]);
    const list = rs[0]!;
    expect(list.replies[0]).toMatchObject({ kind: "choices" });
    expect(textOf(list)).toContain("NC-2026-000001");
    expect(textOf(list)).toContain("NC-2026-000002");
    expect(textOf(list)).not.toContain("NC-2026-000003"); // closed
    expect(textOf(rs[2]!)).toMatch(/còn thiếu khoảng 8\.000\.000 đ/);
    expect(textOf(rs[5]!)).toMatch(/1\.200\.000 đ[\s\S]*Gia đình bé Na[\s\S]*0912345678/);
    const last = rs.at(-1)!;
    expect(last.state).toBeNull();
    const eff = pledgeEffect(last);
    expect(eff).toEqual({ type: "create_pledge", ref: "pledge", input: { kind: "money", needCode: "NC-2026-000001", amountVnd: 1_200_000, items: null, quantity: null, publicName: "Gia đình bé Na", contact: "0912345678" } });
    expect(NewPledgeSchema.safeParse(eff?.input).success).toBe(true);
    expect(textOf(last)).toMatch(/\{\{pledge\}\}[\s\S]*UH \{\{pledge\}\}/);
    expect(last.replies.find((m) => m.kind === "image")).toMatchObject({ url: "/qr/pledges/{{pledge}}.png" });
  });

  it("has no QR image when no receiving account is configured", async () => {
    const rs = await run(["1", "tiền", "500k", ["Ẩn danh", "anon"], ["Bỏ qua", "skip"], "ok"], ctxWith(false));
    const last = rs.at(-1)!;
    expect(pledgeEffect(last)?.input).toMatchObject({ amountVnd: 500_000, publicName: null, contact: null });
    expect(last.replies.some((m) => m.kind === "image")).toBe(false);
    expect(textOf(last)).toMatch(/thông tin tài khoản/);
    expect(last.effects?.some((e) => e.type === "set_consent")).toBe(false);
  });

  it("re-asks politely for amounts it cannot read", async () => {
    const rs = await run(["1", "tiền", "nhiều", "-5k", "20 tỷ", "0,5"]);
    expect(rs.slice(3).map((r) => r.state?.step)).toEqual(["amount", "amount", "amount", "amount"]);
    expect(textOf(rs[3]!)).toMatch(/chưa hiểu số tiền/);
    expect(textOf(rs[4]!)).toMatch(/lớn hơn 0/);
    expect(textOf(rs[5]!)).toMatch(/10 tỷ/);
    expect(textOf(rs[6]!)).toMatch(/đồng chẵn|chưa hiểu/);
  });

  it("takes goods for a need in the need's unit, and goods for the general fund as free text", async () => {
    const forNeed = await run([["x", "need:NC-2026-000001"], ["Hiện vật", "kind:goods"], "khoảng 30 cái", "Nhóm Ánh Dương", "ban@example.com", "đồng ý"]);
    expect(pledgeEffect(forNeed.at(-1))?.input).toEqual({ kind: "goods", needCode: "NC-2026-000001", amountVnd: null, items: "áo ấm", quantity: 30, publicName: "Nhóm Ánh Dương", contact: "ban@example.com" });
    expect(textOf(forNeed.at(-1)!)).toMatch(/hẹn cách gửi hiện vật/);
    const general = await run([["Quỹ chung", "general"], "hiện vật", "5 thùng sữa", "Chị Mai", "bỏ qua", "1"]);
    expect(pledgeEffect(general.at(-1))?.input).toMatchObject({ kind: "goods", needCode: null, items: "5 thùng sữa", quantity: 5, publicName: "Chị Mai" });
  });

  it("keeps phone numbers out of the public name", async () => {
    const rs = await run(["1", "tiền", "200k", "Lan 0912345678"]);
    expect(rs.at(-1)?.state?.step).toBe("public_name");
    expect(textOf(rs.at(-1)!)).toMatch(/công khai/);
  });

  it("filters by province, accepts a typed need code, and refuses closed needs", async () => {
    const rs = await run(["Điện Biên"]);
    expect(textOf(rs[1]!)).toContain("NC-2026-000002");
    expect(textOf(rs[1]!)).not.toContain("NC-2026-000001");
    const typed = await run(["nc 2026 000002"]);
    expect(typed[1]?.state).toMatchObject({ step: "kind", needCode: "NC-2026-000002" });
    const closed = await run(["NC-2026-000003"]);
    expect(textOf(closed[1]!)).toMatch(/đã đủ hoặc đã kết thúc/);
    expect(closed[1]?.state?.step).toBe("browse");
    const unknown = await run(["NC-2026-999999"]);
    expect(textOf(unknown[1]!)).toMatch(/không tìm thấy mã/);
  });

  it("offers the general fund and donor alerts when nothing is open", async () => {
    const rs = await run([["Báo tôi khi có nhu cầu mới", "alerts"]], ctxWith(true, []));
    expect(textOf(rs[0]!)).toMatch(/chưa có nhu cầu nào/);
    expect(rs[1]?.state).toBeNull();
    expect(rs[1]?.effects).toEqual([{ type: "donor_alerts", subscribe: true, category: null, provinceCode: null }]);
  });

  it("starts on a need handed over by a donor alert", async () => {
    const rs = await run([], ctxWith(true), { needCode: "NC-2026-000002" });
    expect(rs[0]?.state).toMatchObject({ step: "kind", needCode: "NC-2026-000002" });
  });

  it("cancels at the summary without effects", async () => {
    const rs = await run(["1", "tiền", "100k", "anon", "bỏ qua", ["Huỷ", "confirm:no"]]);
    expect(rs.at(-1)?.state).toBeNull();
    expect(rs.at(-1)?.effects ?? []).toEqual([]);
  });

  it("treats an amount given instead of a kind as money", async () => {
    const rs = await run(["1", "300k"]);
    expect(rs[2]?.state).toMatchObject({ step: "public_name", kind: "money", amountVnd: 300_000 });
  });
});
