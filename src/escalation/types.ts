/**
 * Escalation settings and shared types. A new case is sent to the commune's child-protection worker(s) and, in
 * parallel, to the 111 hotline; an unacknowledged notification goes up a level after a timeout that depends on the
 * case's risk (commune → province → hotline; the hotline is re-notified every period, up to a cap).
 */
import { z } from "zod";
import type { Config } from "../config.js";
import { CHANNELS } from "../messaging/channels.js";
import type { Logger } from "../log.js";

export const ESCALATION_LEVELS = ["commune", "province", "hotline"] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** Job kinds owned by this module. */
export const JOB_ESCALATION_TIMEOUT = "escalation.timeout";
export const JOB_ESCALATION_UNROUTED = "escalation.unrouted_retry";

export interface EscalationDeps {
  /** Base of the console links sent to staff. */
  publicBaseUrl: string;
  /** Acknowledgement timeouts by risk level, in minutes (ESCALATION_TIMEOUT_*_MIN). */
  timeoutsMin: { immediate: number; high: number; other: number };
  /** How many times the hotline is notified about one case before we stop (and log an error). */
  maxHotlineAttempts: number;
  /** How many times a case with no reachable recipient is retried (every timeout period). */
  maxUnroutedRetries: number;
  /** Display name of a commune or province code ("Xã …, Tỉnh …"). */
  unitName: (code: string) => string | null;
  logger: Logger;
}

/** Escalation settings from the configuration. */
export function escalationDepsFromConfig(config: Config, logger: Logger, unitName: (code: string) => string | null): EscalationDeps {
  return {
    publicBaseUrl: config.publicBaseUrl,
    timeoutsMin: { immediate: config.ESCALATION_TIMEOUT_IMMEDIATE_MIN, high: config.ESCALATION_TIMEOUT_HIGH_MIN, other: config.ESCALATION_TIMEOUT_OTHER_MIN },
    maxHotlineAttempts: 12,
    maxUnroutedRetries: 96,
    unitName,
    logger,
  };
}

/** The acknowledgement timeout for a risk level, in ms. */
export function timeoutMs(deps: Pick<EscalationDeps, "timeoutsMin">, risk: string): number {
  const min = risk === "immediate" ? deps.timeoutsMin.immediate : risk === "high" ? deps.timeoutsMin.high : deps.timeoutsMin.other;
  return min * 60_000;
}

/** One chat account a staff member is notified on (an entry of Staff.notifyChannels). */
export const NotifyChannel = z.object({ channel: z.enum(CHANNELS), userId: z.string().min(1).max(200) });
export type NotifyChannel = z.infer<typeof NotifyChannel>;

/** Reads a Staff.notifyChannels JSON value, dropping malformed entries rather than failing a whole escalation. */
export function parseNotifyChannels(value: unknown): NotifyChannel[] {
  if (!Array.isArray(value)) return [];
  const out: NotifyChannel[] = [];
  for (const v of value) {
    const p = NotifyChannel.safeParse(v);
    if (p.success && !out.some((o) => o.channel === p.data.channel && o.userId === p.data.userId)) out.push(p.data);
  }
  return out;
}
