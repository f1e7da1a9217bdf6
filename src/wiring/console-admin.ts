/**
 * The console's administration sections as the app wires them: needs & pledges, directory, reports (with the
 * retention page), plus the daily retention job. Mount after wireConsole (src/wiring/console.ts), which builds the
 * console router:
 *
 *   const consoleRouter = wireConsole(d, m);
 *   await wireConsoleAdmin(d, m, consoleRouter);
 */
import type { Router } from "express";
import type { Config } from "../config.js";
import { directorySection } from "../handlers/console/directory.js";
import { needsSection } from "../handlers/console/needs.js";
import { reportsSection } from "../handlers/console/reports.js";
import { registerConsoleSection } from "../handlers/console/router.js";
import { ensureRetentionScheduled, retentionJobs, retentionSettings } from "../retention/jobs.js";
import type { Modules, WiringDeps } from "../wiring.js";

export type AdminSectionsConfig = Pick<Config, "ESCALATION_TIMEOUT_IMMEDIATE_MIN" | "ESCALATION_TIMEOUT_HIGH_MIN" | "ESCALATION_TIMEOUT_OTHER_MIN" | "RETENTION_TRANSCRIPT_DAYS" | "RETENTION_CLOSED_CASE_DAYS">;

/** Registers the needs, directory and reports sections on a router made by createConsoleRouter. */
export function registerAdminSections(router: Router, deps: { config: AdminSectionsConfig }): void {
  const c = deps.config;
  registerConsoleSection(router, needsSection());
  registerConsoleSection(router, directorySection({ timeoutsMin: { immediate: c.ESCALATION_TIMEOUT_IMMEDIATE_MIN, high: c.ESCALATION_TIMEOUT_HIGH_MIN, other: c.ESCALATION_TIMEOUT_OTHER_MIN } }));
  registerConsoleSection(router, reportsSection({ retention: retentionSettings(c) }));
}

/** Registers the admin sections, adds the retention job handler and plants the first daily run. */
export async function wireConsoleAdmin(d: WiringDeps, m: Modules, consoleRouter: Router): Promise<void> {
  registerAdminSections(consoleRouter, { config: d.config });
  Object.assign(m.jobs, retentionJobs({ settings: retentionSettings(d.config), logger: d.logger }));
  if (d.config.ROLE !== "web") await ensureRetentionScheduled(d.db.prisma, d.clock.now());
}
