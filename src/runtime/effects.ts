/**
 * Effect handlers: how each flow effect is written, inside the processor's transaction. Every effect type must
 * have a handler (the mapped type makes a missing one a compile error). Handlers write their audit rows in the
 * same transaction and may queue notifications (outbox) or timers (jobs) there too.
 */
import type { Prisma } from "../generated/prisma/client.js";
import type { Effect, EffectType } from "../flows/effects.js";
import type { OutboundMessage } from "../messaging/outbound.js";

export interface EffectContext {
  tx: Prisma.TransactionClient;
  contactId: string;
  conversationId: string;
  channel: string;
  channelUserId: string;
  now: Date;
}

export interface EffectOutcome {
  /** The code of a created record (case, need, pledge), substituted for `{{ref}}` in replies. */
  code?: string;
  /** Extra replies to send after the flow's own. */
  replies?: OutboundMessage[];
}

export type EffectHandler<E extends Effect> = (effect: E, ctx: EffectContext) => Promise<EffectOutcome | void>;
export type EffectHandlers = { [K in EffectType]: EffectHandler<Extract<Effect, { type: K }>> };

/**
 * Effects that create nothing and say nothing can be applied for a whole batch in one statement (the processor
 * groups them): the hot path must not issue one query per message for "huỷ".
 */
export type BatchEffectHandlers = { [K in EffectType]?: (items: { effect: Extract<Effect, { type: K }>; ctx: EffectContext }[]) => Promise<void> };

/** Applies effects in order; returns the ref → code map and extra replies. */
export async function applyEffects(handlers: EffectHandlers, effects: Effect[], ctx: EffectContext): Promise<{ refs: Map<string, string>; replies: OutboundMessage[] }> {
  const refs = new Map<string, string>();
  const replies: OutboundMessage[] = [];
  for (const e of effects) {
    const handler = handlers[e.type] as EffectHandler<Effect>;
    const out = await handler(e, ctx);
    if (out?.code && "ref" in e) refs.set(e.ref, out.code);
    if (out?.replies) replies.push(...out.replies);
  }
  return { refs, replies };
}

/** Replaces {{ref}} placeholders in a reply's texts and URLs. */
export function substituteRefs(msg: OutboundMessage, refs: Map<string, string>): OutboundMessage {
  if (refs.size === 0) return msg;
  const sub = (s: string) => s.replace(/\{\{([a-z0-9_]+)\}\}/gi, (m, k: string) => refs.get(k) ?? m);
  const out = { ...msg } as Record<string, unknown>;
  for (const f of ["text", "url", "caption", "alt"]) if (typeof out[f] === "string") out[f] = sub(out[f] as string);
  return out as OutboundMessage;
}
