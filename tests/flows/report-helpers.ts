/** Drives the report/status flows through the real conversation step (triage included) with fake ports. */
import type { Effect } from "../../src/flows/effects.js";
import type { CaseLookupPort, CommuneHit, DirectoryPort, FlowPorts, ProvinceHit } from "../../src/flows/ports.js";
import { defaultRegistry } from "../../src/flows/registry.js";
import { reportFlow } from "../../src/flows/report.js";
import { statusFlow } from "../../src/flows/status.js";
import type { FlowContext } from "../../src/flows/types.js";
import type { Attachment } from "../../src/messaging/inbound.js";
import type { OutboundMessage } from "../../src/messaging/outbound.js";
import { stepConversation } from "../../src/runtime/conversation-step.js";
import { triage } from "../../src/safety/index.js";
import { matchKey } from "../../src/text/index.js";

const P = (code: string, name: string, score = 1): ProvinceHit => ({ code, name, score });
const C = (code: string, name: string, provinceCode: string, provinceName: string, over: Partial<CommuneHit> = {}): CommuneHit => ({
  code, name, fullName: name, provinceCode, provinceName, via: "name", score: 1, ...over,
});

/** A small fake directory: Hà Nội (01) with Ô Chợ Dừa and Đan Phượng; old "Tân Lập" split between two new communes. */
export const fakeDirectory: DirectoryPort = {
  findProvince(text) {
    const k = matchKey(text);
    if (k === "ha noi" || k === "hn") return [P("01", "Thành phố Hà Nội")];
    if (k === "nghe an") return [P("40", "Tỉnh Nghệ An")];
    if (k === "ha") return [P("01", "Thành phố Hà Nội", 0.7), P("17", "Tỉnh Hà Tĩnh", 0.7)];
    return [];
  },
  findCommune(provinceCode, text) {
    const k = matchKey(text);
    if (k.includes("o cho dua")) return [C("00235", "Phường Ô Chợ Dừa", "01", "Thành phố Hà Nội")];
    if (k.includes("tan lap")) {
      return [
        C("09700", "Xã Đan Phượng", "01", "Thành phố Hà Nội", { via: "old_name", oldName: "Xã Tân Lập (huyện Đan Phượng)", partial: true, score: 0.86 }),
        C("09720", "Xã Ô Diên", "01", "Thành phố Hà Nội", { via: "old_name", oldName: "Xã Tân Lập (huyện Đan Phượng)", partial: true, score: 0.86 }),
      ];
    }
    void provinceCode;
    return [];
  },
  unitName(code) {
    return ({ "01": "Thành phố Hà Nội", "40": "Tỉnh Nghệ An", "00235": "Phường Ô Chợ Dừa, Thành phố Hà Nội" } as Record<string, string>)[code] ?? null;
  },
};

export function fakePorts(cases: CaseLookupPort = { statusByCode: async () => null }): FlowPorts {
  return {
    directory: fakeDirectory,
    guidance: { answer: () => ({ kind: "no_match" }), article: () => null },
    cases,
    needs: { listPublished: async () => [], byCode: async () => null, vietqrEnabled: () => false },
  };
}

export interface Turn {
  replies: OutboundMessage[];
  effects: Effect[];
  flow: string;
}

/** One simulated chat: keeps the saved conversation between turns, like the processor does. */
export class FlowChat {
  flow = "menu";
  state: unknown = { v: 1, s: { greeted: true } };
  isNew = false;
  readonly registry = defaultRegistry({ report: reportFlow, status: statusFlow });
  constructor(readonly ports: FlowPorts = fakePorts()) {}

  async send(text: string, opts: { payload?: string; attachments?: Attachment[]; location?: { lat: number; lng: number } } = {}): Promise<Turn> {
    const ctx: FlowContext = { now: new Date("2026-11-23T08:00:00Z"), channel: "webchat", locale: "vi", contactId: "contact-1", ports: this.ports };
    const out = await stepConversation(
      { flow: this.flow, state: this.state, handoff: false, isNew: this.isNew },
      { text, key: matchKey(text), payload: opts.payload, location: opts.location, attachments: opts.attachments ?? [], triage: text ? triage(text) : { level: "none", category: null, rules: [], guidanceHint: false } },
      ctx,
      this.registry,
    );
    this.flow = out.flow;
    this.state = out.state;
    return { replies: out.replies, effects: out.effects, flow: out.flow };
  }

  /** Taps a button. */
  tap(payload: string): Promise<Turn> {
    return this.send("", { payload });
  }

  /** The saved report state (for assertions on the step). */
  get step(): string | undefined {
    return (this.state as { s?: { step?: string } }).s?.step;
  }
}

/** All texts of a turn joined (for substring assertions). */
export function allText(t: Turn): string {
  return t.replies.map((r) => ("text" in r ? r.text : "alt" in r ? r.alt : "")).join("\n");
}

/** The payload ids of the last choices message of a turn. */
export function choiceIds(t: Turn): string[] {
  const last = [...t.replies].reverse().find((r) => r.kind === "choices");
  return last && last.kind === "choices" ? last.choices.map((c) => c.id) : [];
}

/** The create_case input of a turn (throws when absent). */
export function createdCase(t: Turn) {
  const e = t.effects.find((x) => x.type === "create_case");
  if (!e || e.type !== "create_case") throw new Error(`no create_case effect; replies: ${allText(t)}`);
  return e.input;
}
