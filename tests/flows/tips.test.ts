import { describe, expect, it } from "vitest";
import type { FlowPorts } from "../../src/flows/ports.js";
import { ageInMonths, ageLabel, parseBirthMonth, tipsFlow } from "../../src/flows/tips.js";
import type { FlowContext, FlowInput } from "../../src/flows/types.js";
import type { OutboundMessage } from "../../src/messaging/outbound.js";
import { matchKey } from "../../src/text/index.js";

const ports: FlowPorts = {
  directory: { findProvince: () => [], findCommune: () => [], unitName: () => null },
  guidance: { answer: () => ({ kind: "no_match" }), article: () => null },
  cases: { statusByCode: async () => null },
  needs: { listPublished: async () => [], byCode: async () => null, vietqrEnabled: () => false },
};
// 23 Nov 2026, 08:00 in Vietnam.
const ctx = (over: Partial<FlowContext> = {}): FlowContext => ({ now: new Date("2026-11-23T01:00:00Z"), channel: "webchat", locale: "vi", contactId: "c1", ports, ...over });
const input = (text: string, payload?: string): FlowInput => ({ text, key: matchKey(text), payload, attachments: [], triage: { level: "none", category: null, rules: [], guidanceHint: false } });
const text = (m: OutboundMessage | undefined) => (m && "text" in m ? m.text : "");
const month = { step: "month" as const, birthMonth: null };
const consent = { step: "consent" as const, birthMonth: "2025-03" };

describe("birth month parsing", () => {
  it.each([
    ["3/2025", "2025-03"],
    ["tháng 3 năm 2025", "2025-03"],
    ["thang 3 nam 2025", "2025-03"],
    ["03-2025", "2025-03"],
    ["2025-03", "2025-03"],
    ["T3/2025", "2025-03"],
    ["bé sinh 15/3/2025", "2025-03"],
    ["2025-03-15", "2025-03"],
    ["12.2026", "2026-12"],
  ])("reads %j as %s", (typed, expected) => {
    expect(parseBirthMonth(matchKey(typed))).toBe(expected);
  });

  it.each(["2025", "tháng 13 năm 2025", "3/25", "bé 2 tuổi", ""])("does not guess from %j", (typed) => {
    expect(parseBirthMonth(matchKey(typed))).toBeNull();
  });

  it("computes the age in Vietnam time (UTC+7), negative before birth", () => {
    expect(ageInMonths("2025-03", new Date("2026-11-23T01:00:00Z"))).toBe(20);
    expect(ageInMonths("2026-12", new Date("2026-11-30T16:59:00Z"))).toBe(-1);
    expect(ageInMonths("2026-12", new Date("2026-11-30T17:00:00Z"))).toBe(0); // already 1 Dec in Hà Nội
    expect(ageLabel(20, "vi")).toBe("20 tháng tuổi");
    expect(ageLabel(40, "vi")).toBe("3 tuổi");
    expect(ageLabel(-2, "vi")).toBe("chưa chào đời");
  });
});

describe("tips flow", () => {
  it("asks for the birth or due month", async () => {
    const r = await tipsFlow.start(ctx());
    expect(r.state).toEqual(month);
    expect(text(r.replies[0])).toMatch(/^Bé sinh tháng nào\? .*tháng dự sinh/);
  });

  it("explains what will be sent and asks for consent; nothing is stored yet", async () => {
    const r = await tipsFlow.step(month, input("3/2025"), ctx());
    expect(r.state).toEqual(consent);
    expect(r.effects ?? []).toEqual([]);
    const m = r.replies[0]!;
    expect(m.kind).toBe("choices");
    expect(text(m)).toContain("Bé sinh tháng 3/2025 (20 tháng tuổi)");
    expect(text(m)).toContain("mỗi tuần Cầu Nối sẽ gửi 1 mẹo");
    expect(text(m)).toContain('gõ "huỷ"');
    // Neither option is pre-selected: two plain buttons, the person must tap or type one.
    expect(m.kind === "choices" && m.choices.map((c) => c.id)).toEqual(["tips:yes", "tips:no"]);
  });

  it("accepts a due month up to 10 months ahead and refuses one further away", async () => {
    const due = await tipsFlow.step(month, input("tháng 5 năm 2027"), ctx());
    expect(due.state).toEqual({ step: "consent", birthMonth: "2027-05" });
    expect(text(due.replies[0])).toContain("chưa chào đời");
    const far = await tipsFlow.step(month, input("12/2027"), ctx());
    expect(far.state).toEqual(month);
    expect(text(far.replies[0])).toMatch(/hơn 10 tháng nữa/);
  });

  it("politely declines a child over 6 years old and offers questions instead", async () => {
    const r = await tipsFlow.step(month, input("3/2019"), ctx());
    expect(r.state).toBeNull();
    expect(text(r.replies[0])).toMatch(/đến 6 tuổi/);
    expect(r.goto).toEqual({ flow: "guidance" });
    expect(r.effects ?? []).toEqual([]);
    const six = await tipsFlow.step(month, input("11/2020"), ctx());
    expect(six.state).toEqual({ step: "consent", birthMonth: "2020-11" });
  });

  it("re-asks an unreadable month, and answers a question typed instead", async () => {
    const r = await tipsFlow.step(month, input("hôm qua"), ctx());
    expect(r.state).toEqual(month);
    expect(text(r.replies[0])).toMatch(/^Mình chưa đọc được tháng và năm\./);
    const q = await tipsFlow.step(month, input("con toi hay khoc dem phai lam sao"), ctx());
    expect(q.goto).toEqual({ flow: "guidance", data: { question: "con toi hay khoc dem phai lam sao" } });
  });

  it("subscribes only on an explicit yes, recording the consent first", async () => {
    for (const yes of [input("Đồng ý nhận mẹo", "tips:yes"), input("dong y"), input("Có")]) {
      const r = await tipsFlow.step(consent, yes, ctx());
      expect(r.state).toBeNull();
      expect(r.effects).toEqual([
        { type: "set_consent", purpose: "tips", given: true },
        { type: "subscribe_tips", birthMonth: "2025-03" },
      ]);
      expect(text(r.replies[0])).toMatch(/^Đã đăng ký nhận mẹo theo tuổi\./);
    }
  });

  it("stores nothing on no, on an unrelated reply, or on a tap of something else", async () => {
    const no = await tipsFlow.step(consent, input("Không, cảm ơn", "tips:no"), ctx());
    expect(no.effects ?? []).toEqual([]);
    expect(no.state).toBeNull();
    const other = await tipsFlow.step(consent, input("con toi bi sot cao"), ctx());
    expect(other.effects ?? []).toEqual([]);
    expect(text(other.replies[0])).toMatch(/chưa đăng ký/);
    expect(other.goto).toEqual({ flow: "guidance", data: { question: "con toi bi sot cao" } });
    const vague = await tipsFlow.step(consent, input("hmm"), ctx());
    expect(vague.effects ?? []).toEqual([]);
    expect(vague.state).toEqual(consent);
    const menu = await tipsFlow.step(consent, input("Báo tin", "menu:report"), ctx());
    expect(menu).toMatchObject({ state: null, goto: { flow: "report" } });
    expect(menu.effects ?? []).toEqual([]);
  });

  it("speaks English to an English-speaking contact", async () => {
    const r = await tipsFlow.step(month, input("3/2025"), ctx({ locale: "en" }));
    expect(text(r.replies[0])).toMatch(/^Born 3\/2025 \(20 months old\)/);
  });
});
