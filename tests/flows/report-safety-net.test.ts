/** The report flow arms the safety net of urgent reports (src/cases/report-safety-net.ts) and finishes into its case. */
import { describe, expect, it } from "vitest";
import type { Effect } from "../../src/flows/effects.js";
import { ReportState } from "../../src/flows/report.js";
import { allText, createdCase, FlowChat, type Turn } from "./report-helpers.js";

const SKIP = "r:skip";
const NOW = "2026-11-23T08:00:00.000Z"; // FlowChat's clock

const arms = (t: Turn) => t.effects.filter((e): e is Extract<Effect, { type: "arm_report_safety_net" }> => e.type === "arm_report_safety_net");

async function finishAnonymously(c: FlowChat): Promise<Turn> {
  let t = await c.tap(SKIP);
  for (let i = 0; i < 20 && c.flow === "report"; i++) {
    t = c.step === "danger" ? await c.tap("danger:no") : c.step === "contact" ? await c.tap("contact:anon") : c.step === "confirm" ? await c.tap("r:yes") : await c.tap(SKIP);
  }
  return t;
}

describe("report safety net (flow)", () => {
  it("immediate danger from triage arms the net once, and the completion names it on create_case", async () => {
    const c = new FlowChat();
    const first = await c.send("Cứu với, bố đang đánh em gái tôi rất dã man");
    expect(first.replies[0]!.kind).toBe("call_buttons");
    expect(arms(first)).toEqual([{ type: "arm_report_safety_net", urgentAt: NOW }]);
    expect((c.state as { s: ReportState }).s.urgentAt).toBe(NOW);
    const yes = await c.tap("r:yes");
    expect(arms(yes)).toEqual([]); // already armed
    await c.send("Hà Nội");
    await c.send("Ô Chợ Dừa");
    const again = await c.send("Ông ấy vẫn đang đánh cháu ngay bây giờ"); // more danger: not re-armed
    expect(arms(again)).toEqual([]);
    const done = await c.tap("contact:anon");
    const e = done.effects.find((x) => x.type === "create_case");
    expect(e).toMatchObject({ type: "create_case", urgentAt: NOW });
    expect(createdCase(done)).toMatchObject({ riskLevel: "immediate", urgent: true });
    expect(arms(done)).toEqual([]);
  });

  it("'Có' to 'đang gặp nguy hiểm' arms it mid-flow", async () => {
    const c = new FlowChat();
    await c.tap("menu:report");
    await c.send("Em bé nhà bên bị bỏ đói nhiều ngày");
    await c.send("Hà Nội");
    await c.send("Ô Chợ Dừa");
    await c.tap(SKIP);
    await c.tap(SKIP);
    await c.tap(SKIP);
    expect(c.step).toBe("danger");
    const yes = await c.tap("danger:yes");
    expect(arms(yes)).toHaveLength(1);
    const done = await c.tap("contact:anon");
    expect(done.effects.find((x) => x.type === "create_case")).toMatchObject({ urgentAt: NOW });
  });

  it("immediate danger typed mid-flow arms it", async () => {
    const c = new FlowChat();
    await c.tap("menu:report");
    await c.send("Cháu bé nhà bên hay bị bố mẹ chửi mắng, bỏ đói");
    await c.send("Hà Nội");
    await c.send("Ô Chợ Dừa");
    await c.tap(SKIP);
    const t = await c.send("Ông ấy đang đánh cháu ngay bây giờ");
    expect(allText(t)).toContain("KHẨN CẤP");
    expect(arms(t)).toHaveLength(1);
  });

  it("a report that is not urgent never arms it", async () => {
    const c = new FlowChat();
    const turns: Turn[] = [await c.send("Hàng xóm nhà tôi đánh con rất dã man")];
    turns.push(await c.tap("r:yes"));
    let t = await finishAnonymously(c);
    turns.push(t);
    expect(turns.flatMap(arms)).toEqual([]);
    const e = t.effects.find((x) => x.type === "create_case");
    expect(e && "urgentAt" in e ? e.urgentAt : undefined).toBeUndefined();
    t = await c.tap("menu:report");
    expect(arms(t)).toEqual([]);
  });

  it("after the net made the case, finishing adds the answers to it instead of creating a second one", async () => {
    const c = new FlowChat();
    await c.send("Cứu với, bố đang đánh em gái tôi rất dã man");
    // what src/cases/report-safety-net.ts writes when it fires
    const saved = c.state as { v: number; s: ReportState };
    c.state = { v: saved.v, s: { ...saved.s, caseCode: "BV-2026-000042" } };
    await c.tap("r:yes");
    await c.send("Hà Nội");
    await c.send("Ô Chợ Dừa");
    await c.tap("contact:leave");
    await c.send("0912345678");
    const done = await c.send("Chị Lan");
    expect(done.effects.map((e) => e.type)).toEqual(["set_consent", "add_case_info"]);
    const add = done.effects.find((e) => e.type === "add_case_info");
    if (!add || add.type !== "add_case_info") throw new Error("no add_case_info");
    expect(add.caseCode).toBe("BV-2026-000042");
    expect(add.text).toContain("bố đang đánh em gái");
    expect(add.text).toContain("Phường Ô Chợ Dừa");
    expect(add.text).toContain("0912345678");
    expect(allText(done)).toContain("BV-2026-000042");
    expect(c.flow).toBe("menu");
  });

  it("a report state saved before the net existed still parses (no timer, no case code)", () => {
    const old = ReportState.parse(minimal());
    expect(old.urgentAt).toBeNull();
    expect(old.caseCode).toBeNull();
  });
});

function minimal() {
  return {
    step: "contact", childMode: false, fromTriage: true, urgent: true, category: null, rules: [], riskOnly: false, description: "x", extra: [],
    provinceCode: null, provinceName: null, communeCode: null, communeName: null, placeText: null, location: null, options: [], whenText: null,
    childAge: null, childSex: null, inDangerNow: "yes", suspect: null, attachments: [], anonymous: true, reporterPhone: null, reporterName: null, misses: 0,
  };
}
