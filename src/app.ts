/**
 * Composition root: wires configuration, database, flows, channels, runtime loops and HTTP routes.
 * Nothing else constructs these pieces, so tests build the same application with a test database and clock.
 */
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import type { Config } from "./config.js";
import type { Database } from "./db/open.js";
import { defaultRegistry, type FlowRegistry } from "./flows/registry.js";
import type { FlowPorts } from "./flows/ports.js";
import { errorHandler, notFound } from "./handlers/http-errors.js";
import { healthRouter } from "./handlers/health.js";
import { webchatRouter } from "./handlers/webchat.js";
import { logger as rootLogger, type Logger } from "./log.js";
import type { ChannelSender } from "./messaging/outbound.js";
import { basicBatchEffects, basicEffectHandlers } from "./runtime/basic-effects.js";
import { systemClock, type Clock } from "./runtime/clock.js";
import type { EffectHandlers } from "./runtime/effects.js";
import type { EffectType } from "./flows/effects.js";
import { createInbox, type Ingest } from "./runtime/inbox.js";
import { LocalBus } from "./runtime/local-bus.js";
import { createMetrics, type RuntimeMetrics } from "./runtime/metrics.js";
import { createOutbox, type Outbox } from "./runtime/outbox.js";
import { createProcessor, type Processor } from "./runtime/processor.js";
import { DB_DELIVERED_CHANNELS } from "./runtime/queue-reply.js";
import { createScheduler, type JobHandler, type Scheduler } from "./runtime/scheduler.js";
import { wireModules } from "./wiring.js";
import { warmDirectory } from "./directory/match-units.js";
import { triage } from "./safety/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));

export interface AppOptions {
  config: Config;
  db: Database;
  clock?: Clock;
  logger?: Logger;
  /** Replace or add channel senders (tests point them at fake platform servers). */
  senders?: Map<string, ChannelSender>;
  /** Runtime tuning (tests shorten leases and backoff). */
  runtime?: { inboxLeaseMs?: number; outboxBackoffMs?: number; processorBatch?: number; processorConcurrency?: number };
}

export interface App {
  express: express.Express;
  db: Database;
  ingest: Ingest;
  processor: Processor;
  outbox: Outbox;
  scheduler: Scheduler;
  metrics: RuntimeMetrics;
  bus: LocalBus;
  registry: FlowRegistry;
  ports: FlowPorts;
  /** Starts the background loops this process's ROLE asks for (and channel pollers). */
  startWorkers(): void;
  /** Listens on HOST:PORT (port 0 = any); resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  stop(): Promise<void>;
}

const ALL_EFFECTS: EffectType[] = ["cancel_handoff", "set_locale", "create_case", "add_case_info", "create_need", "create_pledge", "set_consent", "subscribe_tips", "unsubscribe_tips", "donor_alerts", "request_handoff", "answer_logged", "answer_feedback", "content_gap", "acknowledge_escalation", "link_staff_account", "arm_report_safety_net"];

/** Fills in effects whose module is not wired with a handler that tells the person plainly (never a silent drop). */
function completeHandlers(partial: Partial<EffectHandlers>, log: Logger): EffectHandlers {
  const out: Record<string, unknown> = { ...partial };
  for (const t of ALL_EFFECTS) {
    if (out[t]) continue;
    log.warn({ effect: t }, "no handler wired for effect; it will be answered as unavailable");
    out[t] = async () => ({ replies: [{ kind: "text", text: "Xin lỗi, chức năng này chưa sẵn sàng. Nếu trẻ cần giúp đỡ, hãy gọi 111 (miễn phí, 24/7)." }] });
  }
  return out as EffectHandlers;
}

/** Builds the application (does not start loops or listen). */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config, db } = opts;
  const clock = opts.clock ?? systemClock;
  const log = opts.logger ?? rootLogger;
  const bus = new LocalBus();
  const metrics = createMetrics();
  const ingest = createInbox(db.prisma, bus);
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");

  const modules = await wireModules({ config, db, clock, logger: log, ingest, bus, app });
  // Build the commune index and the safety lexicon now, not on the first report: a person in danger must not wait.
  warmDirectory();
  triage("");
  const registry = defaultRegistry(modules.flows);
  const effects = completeHandlers({ ...basicEffectHandlers({ handoffPickupMin: config.HANDOFF_PICKUP_MIN }), ...modules.effects }, log);
  const senders = new Map<string, ChannelSender>([...modules.senders, ...(opts.senders ?? new Map())]);
  const jobHandlers: Record<string, JobHandler> = { ...modules.jobs };

  const processor = createProcessor({
    prisma: db.prisma,
    bus,
    registry,
    ports: modules.ports,
    effects,
    batchEffects: basicBatchEffects,
    metrics,
    clock,
    logger: log,
    dbDeliveredChannels: DB_DELIVERED_CHANNELS,
    leaseMs: opts.runtime?.inboxLeaseMs,
    batchSize: opts.runtime?.processorBatch,
    concurrency: opts.runtime?.processorConcurrency ?? (db.kind === "postgres" ? 2 : 1),
  });
  const outbox = createOutbox({ prisma: db.prisma, senders, bus, clock, logger: log, metrics, backoffMs: opts.runtime?.outboxBackoffMs });
  const scheduler = createScheduler({ prisma: db.prisma, clock, handlers: jobHandlers, bus, logger: log });

  // Routes: health, web chat (page + API), then each module's routes (webhooks, console, public pages).
  app.use(healthRouter(db, metrics, ["webchat", "terminal", ...senders.keys()]));
  app.use(webchatRouter({ prisma: db.prisma, ingest, bus }));
  for (const r of modules.routers) app.use(r);
  app.get("/", (_req, res) => {
    res.type("html").send(modules.indexHtml);
  });
  app.use(express.static(path.join(here, "bots/webchat/public"), { index: false, maxAge: "1h" }));
  app.use("/api", notFound);
  app.use("/webhooks", notFound);
  app.use(errorHandler(log));

  let server: http.Server | null = null;
  let workersStarted = false;
  const pollers = modules.pollers;

  return {
    express: app,
    db,
    ingest,
    processor,
    outbox,
    scheduler,
    metrics,
    bus,
    registry,
    ports: modules.ports,
    startWorkers() {
      if (workersStarted) return;
      workersStarted = true;
      if (config.ROLE !== "web") {
        processor.start();
        outbox.start();
        scheduler.start();
      }
      for (const p of pollers) p.start();
    },
    listen(port = config.PORT, host = config.HOST) {
      return new Promise((resolve, reject) => {
        server = http.createServer(app);
        server.keepAliveTimeout = 65_000;
        server.once("error", reject);
        server.listen(port, host, () => {
          const addr = server!.address();
          resolve(typeof addr === "object" && addr ? addr.port : port);
        });
      });
    },
    async stop() {
      for (const p of pollers) await p.stop();
      await Promise.all([processor.stop(), outbox.stop(), scheduler.stop()]);
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((r) => server!.close(() => r()));
      }
    },
  };
}
