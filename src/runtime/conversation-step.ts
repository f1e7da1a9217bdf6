/**
 * One inbound message through safety triage and the current flow. Pure apart from the read-only ports:
 * (saved conversation, input, context) → (next flow and state, replies, effects). The processor applies the result.
 *
 * Order of precedence, whatever flow the person is in:
 *   1. safety triage — immediate danger gets the emergency numbers FIRST, then the report flow takes over;
 *      a report of abuse or risk outside the report flow starts it;
 *   2. a person holds the conversation (hand-off) — the bot stays silent (only step 1 may speak);
 *   3. global words: "huỷ", "menu";
 *   4. the current flow's step, following `goto` hand-overs.
 */
import { z } from "zod";
import { emergencyMessage } from "../flows/emergency.js";
import type { Effect } from "../flows/effects.js";
import { greeting, isGreeting, menuMessage } from "../flows/menu.js";
import type { FlowRegistry } from "../flows/registry.js";
import type { AnyFlow, FlowContext, FlowId, FlowInput, StepResult } from "../flows/types.js";
import { FLOW_IDS } from "../flows/types.js";
import type { OutboundMessage } from "../messaging/outbound.js";

/** Saved conversation state: the flow's own state with the flow version it was saved by. */
export const SavedState = z.object({ v: z.number().int(), s: z.unknown() });

export interface ConversationView {
  flow: string;
  state: unknown;
  handoff: boolean;
  isNew: boolean;
}

export interface StepOutcome {
  flow: FlowId;
  state: { v: number; s: unknown };
  replies: OutboundMessage[];
  effects: Effect[];
}

const CANCEL_WORDS = ["huy", "huy bo", "thoat", "dung lai", "cancel", "stop", "khong lam nua"];
const LANGUAGE_WORDS: Record<string, "vi" | "en"> = { english: "en", "tieng anh": "en", "in english": "en", "tieng viet": "vi", vietnamese: "vi" };
const MENU_WORDS = ["menu", "/menu", "/start", "start", "bat dau", "quay lai menu", "ve menu", "trang chu"];

function restore(flow: AnyFlow, saved: unknown): unknown | null {
  const parsed = SavedState.safeParse(saved);
  if (!parsed.success) return null;
  let s = parsed.data.s;
  if (parsed.data.v !== flow.version) {
    if (!flow.migrate) return null;
    s = flow.migrate(s, parsed.data.v);
    if (s === null) return null;
  }
  const ok = flow.state.safeParse(s);
  return ok.success ? ok.data : null;
}

async function run(
  registry: FlowRegistry,
  flowId: FlowId,
  result: StepResult<unknown> | Promise<StepResult<unknown>>,
  ctx: FlowContext,
  replies: OutboundMessage[],
  effects: Effect[],
): Promise<{ flow: FlowId; state: unknown }> {
  let current = flowId;
  let r = await result;
  for (let hops = 0; ; hops++) {
    replies.push(...r.replies);
    effects.push(...(r.effects ?? []));
    if (r.goto && hops < 4) {
      current = r.goto.flow;
      r = await registry[current].start(ctx, r.goto.data);
      continue;
    }
    if (r.state === null) {
      // The flow ended: back to the menu, silently unless nothing was said.
      if (replies.length === 0) replies.push(menuMessage(ctx.locale));
      return { flow: "menu", state: { greeted: true } };
    }
    return { flow: current, state: r.state };
  }
}

/** Runs one message through triage, hand-off, global words and the flow. */
export async function stepConversation(conv: ConversationView, input: FlowInput, ctx: FlowContext, registry: FlowRegistry): Promise<StepOutcome> {
  const replies: OutboundMessage[] = [];
  const effects: Effect[] = [];
  const currentId: FlowId = (FLOW_IDS as readonly string[]).includes(conv.flow) ? (conv.flow as FlowId) : "menu";
  const current = registry[currentId];
  const saved = restore(current, conv.state);
  const keep = (): StepOutcome => ({ flow: currentId, state: conv.state as { v: number; s: unknown }, replies, effects });
  const done = (r: { flow: FlowId; state: unknown }): StepOutcome => ({ flow: r.flow, state: { v: registry[r.flow].version, s: r.state }, replies, effects });

  // 0. Staff commands arriving on a chat app: escalation acknowledgements and account linking.
  const ack = /^ack:([0-9a-f-]{36})$/.exec(input.payload ?? "");
  if (ack) {
    effects.push({ type: "acknowledge_escalation", escalationId: ack[1]! });
    return keep();
  }
  const link = /^\/?start\s+link-([A-Za-z0-9]{6,32})$/.exec(input.text.trim());
  if (link) {
    effects.push({ type: "link_staff_account", code: link[1]! });
    return keep();
  }
  // 1. Safety first.
  if (input.triage.level === "immediate") replies.push(emergencyMessage(ctx.locale));
  // 2. A person holds the conversation: the bot says nothing else.
  if (conv.handoff) return keep();
  const danger = input.triage.level !== "none";
  // Flows may handle danger themselves (FlowDefinition.handlesDanger): the report flow all of it; a reporter adding
  // details to their own case only reports — immediate danger always starts a report.
  const ownsDanger = current.handlesDanger === "all" || (current.handlesDanger === "reports" && input.triage.level === "report");
  if (danger && !ownsDanger) {
    return done(
      await run(registry, "report", registry.report.start(ctx, { trigger: "triage", level: input.triage.level, category: input.triage.category, rules: input.triage.rules, text: input.text }), ctx, replies, effects),
    );
  }
  // 3. Global words (not while a flow expects free text that happens to be one of them: the flow can't, these are reserved).
  const key = input.key.trim();
  if (!input.payload && CANCEL_WORDS.includes(key)) {
    // "huỷ" cancels what is open and, as promised wherever we offer them, stops every recurring message
    // (tips, donor alerts) — one word, at any time. A waiting hand-off request is withdrawn too.
    effects.push({ type: "unsubscribe_tips" }, { type: "donor_alerts", subscribe: false, category: null, provinceCode: null });
    if (currentId === "handoff") effects.push({ type: "cancel_handoff" });
    const inFlow = currentId !== "menu" && saved !== null;
    const text =
      ctx.locale === "en"
        ? `${inFlow ? "Cancelled. " : ""}You will not get tips or donation alerts any more.`
        : `${inFlow ? "Đã huỷ. " : ""}Bạn sẽ không nhận mẹo nuôi con hay thông báo nhu cầu mới nữa (nếu đã đăng ký).`;
    replies.push({ kind: "text", text }, menuMessage(ctx.locale));
    return done({ flow: "menu", state: { greeted: true } });
  }
  const lang = LANGUAGE_WORDS[key];
  if (!input.payload && lang) {
    effects.push({ type: "set_locale", locale: lang });
    const l10n = { ...ctx, locale: lang };
    replies.push({ kind: "text", text: lang === "en" ? "OK, I will answer in English. Type \"tiếng việt\" to switch back." : "Được, mình sẽ trả lời bằng tiếng Việt. Gõ \"english\" để chuyển sang tiếng Anh." });
    replies.push(menuMessage(l10n.locale));
    return done({ flow: "menu", state: { greeted: true } });
  }
  if (!input.payload && MENU_WORDS.includes(key)) {
    replies.push(greeting(ctx.locale));
    return done({ flow: "menu", state: { greeted: true } });
  }
  if (conv.isNew && currentId === "menu") {
    replies.push(greeting(ctx.locale));
    // A first message that already is a question or a menu choice is answered right away too.
    if (input.payload || (key.length > 0 && !isGreeting(key))) {
      return done(await run(registry, "menu", registry.menu.step({ greeted: true }, input, ctx), ctx, replies, effects));
    }
    return done({ flow: "menu", state: { greeted: true } });
  }
  // 4. The flow.
  if (saved === null) {
    // Unreadable or outdated state: restart the flow rather than guess.
    return done(await run(registry, currentId, registry[currentId].start(ctx), ctx, replies, effects));
  }
  return done(await run(registry, currentId, current.step(saved, input, ctx), ctx, replies, effects));
}
