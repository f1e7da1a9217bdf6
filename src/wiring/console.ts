/**
 * The staff console as the app wires it: the console router (sign-in, sessions, audit page) with the cases,
 * hand-off and guidance (content gaps, answer feedback) sections. Other modules register their sections on the returned router (registerConsoleSection).
 */
import type { Router } from "express";
import { casesSection } from "../handlers/console/cases.js";
import { guidanceSection } from "../handlers/console/guidance.js";
import { guidanceLibrary } from "../guidance/guidance-port.js";
import { handoffSection } from "../handlers/console/handoff.js";
import { createConsoleRouter, registerConsoleSection } from "../handlers/console/router.js";
import type { Modules, WiringDeps } from "../wiring.js";

/** Mounts /console (with the cases, hand-off and guidance sections) on the app's routers; returns the console router. */
export function wireConsole(d: WiringDeps, m: Modules): Router {
  const router = createConsoleRouter({ prisma: d.db.prisma, config: d.config, logger: d.logger, now: () => d.clock.now() });
  registerConsoleSection(router, casesSection());
  registerConsoleSection(router, handoffSection({ prisma: d.db.prisma, bus: d.bus, idleMin: d.config.HANDOFF_IDLE_MIN }));
  const titles = new Map(guidanceLibrary().articles.map((a) => [a.id, a.title]));
  registerConsoleSection(router, guidanceSection({ titleOf: (id) => titles.get(id) ?? null }));
  m.routers.push(router);
  return router;
}
