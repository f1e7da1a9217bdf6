import { describe, expect, it } from "vitest";
import { menuFlow } from "../../src/flows/menu.js";
import type { FlowPorts, TransparencySummary } from "../../src/flows/ports.js";
import { transparencyFlow } from "../../src/flows/transparency.js";
import type { FlowContext, FlowInput } from "../../src/flows/types.js";
import { OutboundMessage } from "../../src/messaging/outbound.js";
import { matchKey } from "../../src/text/index.js";

const SUMMARY: TransparencySummary = {
  categories: [
    { label: "Áo ấm, chăn ấm", neededVnd: 12_000_000, pledgedVnd: 1_500_000, receivedVnd: 500_000, deliveredVnd: 0 },
    { label: "Quỹ chung", neededVnd: 0, pledgedVnd: 200_000, receivedVnd: 200_000, deliveredVnd: 200_000 },
  ],
  total: { label: "Tổng cộng", neededVnd: 12_000_000, pledgedVnd: 1_700_000, receivedVnd: 700_000, deliveredVnd: 200_000 },
  pageUrl: "https://caunoi.example/minh-bach",
};

const ports = (totals?: () => Promise<TransparencySummary>): FlowPorts => ({
  directory: { findProvince: () => [], findCommune: () => [], unitName: () => null },
  guidance: { answer: () => ({ kind: "no_match" }), article: () => null },
  cases: { statusByCode: async () => null },
  needs: { listPublished: async () => [], byCode: async () => null, vietqrEnabled: () => false, ...(totals ? { totals } : {}) },
});
const ctx = (p: FlowPorts): FlowContext => ({ now: new Date("2026-11-23T03:00:00Z"), channel: "webchat", locale: "vi", contactId: "c1", ports: p });
const input = (text: string, payload?: string): FlowInput => ({ text, key: matchKey(text), attachments: [], triage: { level: "none", category: null, rules: [], guidanceHint: false }, ...(payload ? { payload } : {}) });

describe("transparency flow", () => {
  it("shows totals per category and in all, links the public page, and ends", async () => {
    const r = await transparencyFlow.start(ctx(ports(async () => SUMMARY)));
    expect(r.state).toBeNull();
    for (const m of r.replies) expect(OutboundMessage.safeParse(m).success).toBe(true);
    const text = r.replies.map((m) => ("text" in m ? m.text : "")).join("\n");
    expect(text).toContain("Áo ấm, chăn ấm: cần 12.000.000 đ; đã cam kết 1.500.000 đ; đã nhận 500.000 đ; đã trao 0 đ");
    expect(text).toContain("Tổng cộng: cần 12.000.000 đ; đã cam kết 1.700.000 đ; đã nhận 700.000 đ; đã trao 200.000 đ.");
    expect(r.replies.at(-1)).toMatchObject({ kind: "link", url: "https://caunoi.example/minh-bach" });
  });

  it("says so plainly when nothing is public yet, or when the module is not wired", async () => {
    const empty = await transparencyFlow.start(ctx(ports(async () => ({ ...SUMMARY, categories: [] }))));
    expect(empty.replies[0]).toMatchObject({ kind: "text", text: expect.stringContaining("chưa có nhu cầu nào") });
    const none = await transparencyFlow.start(ctx(ports()));
    expect(none.replies).toEqual([{ kind: "text", text: expect.stringContaining("chưa sẵn sàng") }]);
  });

  it.each(["minh bạch", "minh bach", "Tổng kết", "tong ket"])("is reached from the menu by '%s'", async (text) => {
    const r = await menuFlow.step({ greeted: true }, input(text), ctx(ports()));
    expect(r.goto).toEqual({ flow: "transparency" });
  });

  it("opens the pledge flow for the need of a donor alert's button", async () => {
    const r = await menuFlow.step({ greeted: true }, input("Ủng hộ nhu cầu này", "pledge:need:NC-2026-000042"), ctx(ports()));
    expect(r.goto).toEqual({ flow: "pledge", data: { needCode: "NC-2026-000042" } });
  });
});
