/**
 * Which capability modules are switched on, and how: flows, ports, effect handlers, channel senders, webhook and
 * console routes, timers. Channels switch on when their settings are complete (config.channels).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Express, Router } from "express";
import type { Config } from "./config.js";
import type { Database } from "./db/open.js";
import type { FlowPorts } from "./flows/ports.js";
import type { FlowRegistry } from "./flows/registry.js";
import type { Logger } from "./log.js";
import type { ChannelSender } from "./messaging/outbound.js";
import type { Clock } from "./runtime/clock.js";
import type { EffectHandlers } from "./runtime/effects.js";
import type { Ingest } from "./runtime/inbox.js";
import type { LocalBus } from "./runtime/local-bus.js";
import type { JobHandler } from "./runtime/scheduler.js";
import { wireChannels } from "./channels.js";
import { wireCaseModule } from "./cases/module.js";
import { zaloVerificationMeta } from "./bots/zalo/verification.js";
import { guidanceFlow } from "./flows/guidance.js";
import { handoffFlow } from "./flows/handoff.js";
import { tipsFlow } from "./flows/tips.js";
import { createGuidancePort, guidanceLibrary } from "./guidance/guidance-port.js";
import { createRephraser } from "./guidance/rephrase.js";
import { tipsJobs } from "./guidance/tips.js";
import { handoffJobs } from "./handoff/handoff-jobs.js";
import { wireDonations } from "./wiring/donations.js";
import { wireConsole } from "./wiring/console.js";
import { wireConsoleAdmin } from "./wiring/console-admin.js";

const here = path.dirname(fileURLToPath(import.meta.url));

export interface WiringDeps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  ingest: Ingest;
  bus: LocalBus;
  app: Express;
}

export interface Poller {
  start(): void;
  stop(): Promise<void>;
}

export interface Modules {
  flows: Partial<FlowRegistry>;
  ports: FlowPorts;
  effects: Partial<EffectHandlers>;
  senders: Map<string, ChannelSender>;
  routers: Router[];
  jobs: Record<string, JobHandler>;
  pollers: Poller[];
  indexHtml: string;
}

/** A port for a capability that is not wired: answers "nothing found", never fake data. */
const emptyPorts: FlowPorts = {
  directory: { findProvince: () => [], findCommune: () => [], unitName: () => null },
  guidance: { answer: () => ({ kind: "no_match" }), article: () => null },
  cases: { statusByCode: async () => null },
  needs: { listPublished: async () => [], byCode: async () => null, vietqrEnabled: () => false },
};

/** Builds every module that is available and configured. */
export async function wireModules(d: WiringDeps): Promise<Modules> {
  const m: Modules = {
    flows: {},
    ports: { ...emptyPorts },
    effects: {},
    senders: new Map(),
    routers: [],
    jobs: {},
    pollers: [],
    indexHtml: readFileSync(path.join(here, "bots/webchat/public/index.html"), "utf8"),
  };
  for (const problem of d.config.channelProblems) d.logger.warn(problem);
  const channels = wireChannels(d.config, d.db, d.ingest, d.logger);
  for (const [k, v] of channels.senders) m.senders.set(k, v);
  m.routers.push(...channels.routers);
  m.pollers.push(...channels.pollers);
  // Guidance, tips and hand-off: the article index is built once per process (a bad article stops start-up).
  const library = guidanceLibrary();
  // Optional language model (off by default; LLM_BASE_URL + LLM_MODEL): it only rephrases the retrieved article.
  const rephraser = createRephraser(d.config, { logger: d.logger });
  if (rephraser) d.logger.info({ model: d.config.LLM_MODEL }, "guidance answers are rephrased by a language model (cross-border transfer: see src/guidance/rephrase.ts)");
  m.ports.guidance = createGuidancePort(library.retriever, rephraser);
  Object.assign(m.flows, { guidance: guidanceFlow, tips: tipsFlow, handoff: handoffFlow });
  Object.assign(m.jobs, tipsJobs({ articles: library.articles, bus: d.bus }), handoffJobs({ idleMin: d.config.HANDOFF_IDLE_MIN, bus: d.bus }));
  // Reports, case lookup, escalation to commune workers and 111, and the directory they use.
  const cases = await wireCaseModule({ config: d.config, db: d.db, logger: d.logger });
  Object.assign(m.flows, cases.flows);
  Object.assign(m.ports, cases.ports);
  Object.assign(m.effects, cases.effects);
  Object.assign(m.jobs, cases.jobs);
  await wireDonations(d, m); // needs, pledges, transparency: flows, effects, timers, public pages (src/wiring/donations.ts)
  const consoleRouter = wireConsole(d, m); // staff console: sign-in, cases, hand-off (src/wiring/console.ts)
  await wireConsoleAdmin(d, m, consoleRouter); // needs & pledges, directory, reports, retention (src/wiring/console-admin.ts)
  if (d.config.ZALO_SITE_VERIFICATION) m.indexHtml = m.indexHtml.replace("<!--zalo-verification-->", zaloVerificationMeta(d.config.ZALO_SITE_VERIFICATION));
  return m;
}
