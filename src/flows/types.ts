/**
 * Conversation flows are data plus small step functions. A step gets the saved state, the person's input and
 * a context (clock, ids, read-only lookups) and returns the next state, the replies and the effects to apply.
 * Steps never write: the runtime applies replies and effects in ONE transaction with the new state
 * (architecture.md, principles 4–5). Lookups in `ctx.ports` are read-only and injected, so tests use fakes.
 */
import type { z } from "zod";
import type { Channel } from "../messaging/channels.js";
import type { Attachment } from "../messaging/inbound.js";
import type { OutboundMessage } from "../messaging/outbound.js";
import type { Effect } from "./effects.js";
import type { FlowPorts } from "./ports.js";

export const FLOW_IDS = ["menu", "guidance", "report", "pledge", "need", "status", "handoff", "tips", "settings", "transparency"] as const;
export type FlowId = (typeof FLOW_IDS)[number];

/** Safety triage of the input (src/safety), computed by the runtime before any flow sees the message. */
export interface TriageView {
  level: "immediate" | "report" | "none";
  category: string | null;
  rules: string[];
  guidanceHint: boolean;
}

export interface FlowInput {
  /** What the person typed, as typed (may be empty). */
  text: string;
  /** Canonical matching form of text (src/text matchKey): folded, chat spellings expanded. */
  key: string;
  /** Payload of a tapped button / quick reply, if any. */
  payload?: string;
  location?: { lat: number; lng: number };
  attachments: Attachment[];
  triage: TriageView;
}

export interface FlowContext {
  now: Date;
  channel: Channel;
  locale: "vi" | "en";
  /** Contact id of the person (for effects that link records to them). */
  contactId: string;
  ports: FlowPorts;
}

/** Outcome of a step. `state: null` ends the flow (the runtime returns to the menu). */
export interface StepResult<S> {
  state: S | null;
  replies: OutboundMessage[];
  effects?: Effect[];
  /** Hand over to another flow, started with `start` (optionally with data). */
  goto?: { flow: FlowId; data?: Record<string, unknown> };
}

export interface FlowDefinition<S> {
  id: FlowId;
  /** Bumped when the saved state's shape changes; older states go through `migrate`. */
  version: number;
  state: z.ZodType<S>;
  /**
   * Danger the flow handles itself instead of being handed to the report flow: "all" (the report flow),
   * "reports" (reports of abuse but not immediate danger: a reporter adding details to their own case).
   */
  handlesDanger?: "all" | "reports";
  /** Start the flow (optionally with data from the flow that handed over). */
  start(ctx: FlowContext, data?: Record<string, unknown>): StepResult<S> | Promise<StepResult<S>>;
  step(state: S, input: FlowInput, ctx: FlowContext): StepResult<S> | Promise<StepResult<S>>;
  /** Turn a state saved by an older version into the current shape (return null to restart the flow). */
  migrate?(saved: unknown, fromVersion: number): S | null;
}

/** Any flow, for registries. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFlow = FlowDefinition<any>;
