/**
 * The cases + escalation + directory capability as the app wires it: the report and status flows, the directory and
 * case-lookup ports, the effect handlers and timers. Seeds the administrative units and escalation recipients on
 * first start (an empty table), ~1 s on PGlite.
 */
import type { Config } from "../config.js";
import type { Database } from "../db/open.js";
import { createDirectory } from "../directory/match-units.js";
import { seedRecipients } from "../directory/seed-recipients.js";
import { seedAdministrativeUnits } from "../directory/seed-units.js";
import { escalationEffectHandlers, escalationJobs } from "../escalation/effects.js";
import { escalationDepsFromConfig } from "../escalation/types.js";
import type { FlowPorts } from "../flows/ports.js";
import type { FlowRegistry } from "../flows/registry.js";
import { reportFlow } from "../flows/report.js";
import { statusFlow } from "../flows/status.js";
import type { Logger } from "../log.js";
import type { EffectHandlers } from "../runtime/effects.js";
import type { JobHandler } from "../runtime/scheduler.js";
import { createCasesPort } from "./cases-port.js";
import { caseEffectHandlers } from "./effects.js";
import { safetyNetEffectHandlers, safetyNetJobs } from "./report-safety-net.js";

export interface CaseModule {
  flows: Partial<FlowRegistry>;
  ports: Pick<FlowPorts, "directory" | "cases">;
  effects: Pick<EffectHandlers, "create_case" | "add_case_info" | "acknowledge_escalation" | "link_staff_account" | "arm_report_safety_net">;
  jobs: Record<string, JobHandler>;
}

/** Seeds the directory tables when empty and builds the case/escalation module. */
export async function wireCaseModule(d: { config: Config; db: Database; logger: Logger }): Promise<CaseModule> {
  const prisma = d.db.prisma;
  if ((await prisma.administrativeUnit.count()) === 0) {
    const r = await seedAdministrativeUnits(prisma);
    d.logger.info({ provinces: r.provinces, communes: r.communes }, "administrative units seeded");
  }
  if ((await prisma.staff.count({ where: { escalationLevel: { not: null } } })) === 0) {
    const r = await seedRecipients(prisma);
    d.logger.info({ created: r.created, total: r.total }, "escalation recipients seeded");
  }
  const directory = createDirectory();
  const deps = escalationDepsFromConfig(d.config, d.logger, (code) => directory.unitName(code));
  return {
    flows: { report: reportFlow, status: statusFlow },
    ports: { directory, cases: createCasesPort(prisma) },
    effects: { ...caseEffectHandlers(deps), ...escalationEffectHandlers(deps), ...safetyNetEffectHandlers({ minutes: d.config.REPORT_SAFETY_NET_MIN }) },
    jobs: { ...escalationJobs(deps), ...safetyNetJobs(deps) },
  };
}
