import { describe, expect, it } from "vitest";
import { guidanceFlow } from "../../src/flows/guidance.js";
import { handoffFlow } from "../../src/flows/handoff.js";
import type { FlowPorts } from "../../src/flows/ports.js";
import { defaultRegistry } from "../../src/flows/registry.js";
import { tipsFlow } from "../../src/flows/tips.js";
import type { FlowContext, FlowInput } from "../../src/flows/types.js";
import { stepConversation } from "../../src/runtime/conversation-step.js";
import { matchKey } from "../../src/text/index.js";

const ports: FlowPorts = {
  directory: { findProvince: () => [], findCommune: () => [], unitName: () => null },
  guidance: { answer: () => ({ kind: "no_match" }), article: () => null },
  cases: { statusByCode: async () => null },
  needs: { listPublished: async () => [], byCode: async () => null, vietqrEnabled: () => false },
};
const now = new Date("2026-11-23T08:00:00Z");
const ctx = (over: Partial<FlowContext> = {}): FlowContext => ({ now, channel: "webchat", locale: "vi", contactId: "c1", ports, ...over });
const input = (text: string, payload?: string, level: "none" | "immediate" = "none"): FlowInput => ({
  text,
  key: matchKey(text),
  payload,
  attachments: [],
  triage: { level, category: level === "none" ? null : "bao_luc", rules: [], guidanceHint: false },
});
const waiting = { requestedAt: now.toISOString(), acked: false };

describe("handoff flow", () => {
  it("requests a person, says what happens next, and gives the danger numbers first-hand", async () => {
    const r = await handoffFlow.start(ctx());
    expect(r.effects).toEqual([{ type: "request_handoff", reason: "menu" }]);
    expect(r.state).toEqual(waiting);
    expect(r.replies[0]).toMatchObject({ kind: "text" });
    expect(r.replies[0]!.kind === "text" && r.replies[0]!.text).toMatch(/nhân viên sẽ vào trò chuyện/);
    expect(r.replies[1]).toMatchObject({ kind: "call_buttons" });
    expect(r.replies[1]!.kind === "call_buttons" && r.replies[1]!.numbers.map((n) => n.phone)).toEqual(["113", "115", "111"]);
  });

  it("records only known reasons (audit details hold codes, never free text)", async () => {
    expect((await handoffFlow.start(ctx(), { reason: "guidance" })).effects).toEqual([{ type: "request_handoff", reason: "guidance" }]);
    expect((await handoffFlow.start(ctx(), { reason: "my child's name is …" })).effects).toEqual([{ type: "request_handoff", reason: "menu" }]);
  });

  it("acknowledges the first message while waiting, then stays quiet (messages are logged by the runtime)", async () => {
    const first = await handoffFlow.step(waiting, input("con toi bi bat nat o truong"), ctx());
    expect(first.state).toEqual({ ...waiting, acked: true });
    expect(first.replies).toHaveLength(1);
    const second = await handoffFlow.step(first.state!, input("em o Ha Noi"), ctx());
    expect(second.replies).toEqual([]);
    expect(second.state).toEqual(first.state);
    expect(second.effects ?? []).toEqual([]);
  });

  it("does not queue a second request when 'Gặp nhân viên' is tapped again, and follows other menu taps", async () => {
    const again = await handoffFlow.step(waiting, input("Gặp nhân viên", "menu:handoff"), ctx());
    expect(again.effects ?? []).toEqual([]);
    expect(again.state).toEqual(waiting);
    const other = await handoffFlow.step(waiting, input("Hỏi đáp", "menu:guidance"), ctx());
    expect(other).toMatchObject({ state: null, goto: { flow: "guidance" } });
  });

  it("speaks English to an English-speaking contact", async () => {
    const r = await handoffFlow.start(ctx({ locale: "en" }));
    expect(r.replies[0]!.kind === "text" && r.replies[0]!.text).toMatch(/^I've passed your request/);
  });
});

describe("hand-off in the runtime", () => {
  const registry = defaultRegistry({ guidance: guidanceFlow, tips: tipsFlow, handoff: handoffFlow });
  const saved = { v: handoffFlow.version, s: waiting };

  it("keeps the bot silent while a staff member holds the conversation", async () => {
    const out = await stepConversation({ flow: "handoff", state: saved, handoff: true, isNew: false }, input("alo co ai khong"), ctx(), registry);
    expect(out.replies).toEqual([]);
    expect(out.effects).toEqual([]);
    expect(out.flow).toBe("handoff");
  });

  it("still shows the emergency numbers first when a held conversation reports danger", async () => {
    const out = await stepConversation({ flow: "handoff", state: saved, handoff: true, isNew: false }, input("bo dang danh con toi", undefined, "immediate"), ctx(), registry);
    expect(out.replies).toHaveLength(1);
    expect(out.replies[0]!.kind).toBe("call_buttons");
  });

  it("starts the hand-off from the menu button", async () => {
    const out = await stepConversation({ flow: "menu", state: { v: 1, s: { greeted: true } }, handoff: false, isNew: false }, input("Gặp nhân viên", "menu:handoff"), ctx(), registry);
    expect(out.flow).toBe("handoff");
    expect(out.effects).toEqual([{ type: "request_handoff", reason: "menu" }]);
  });
});
