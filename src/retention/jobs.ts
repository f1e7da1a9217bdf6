/**
 * The daily "retention.run" job. Each run schedules the next one (dedupeKey "retention:<YYYY-MM-DD>", Vietnam date),
 * so exactly one job exists per day however many instances start; `ensureRetentionScheduled` plants the first one at
 * start-up (a no-op when today's or tomorrow's already exists).
 */
import type { Config } from "../config.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log.js";
import { scheduleJob, type JobHandler } from "../runtime/scheduler.js";
import { runRetention, type RetentionSettings } from "./run-retention.js";

export const JOB_RETENTION_RUN = "retention.run";
/** Local hour (Vietnam time) the daily run starts: the quietest hour of the hotline. */
export const RETENTION_HOUR_VN = 2;
const VN_OFFSET_MS = 7 * 3_600_000;

/** Retention settings from the configuration. */
export function retentionSettings(config: Pick<Config, "RETENTION_TRANSCRIPT_DAYS" | "RETENTION_CLOSED_CASE_DAYS">): RetentionSettings {
  return { transcriptDays: config.RETENTION_TRANSCRIPT_DAYS, closedCaseDays: config.RETENTION_CLOSED_CASE_DAYS };
}

/** The next 02:00 Vietnam time strictly after `now`, and its dedupe key. */
export function nextRetentionRun(now: Date): { runAt: Date; dedupeKey: string } {
  const local = new Date(now.getTime() + VN_OFFSET_MS);
  let runLocal = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), RETENTION_HOUR_VN);
  if (runLocal <= local.getTime()) runLocal += 86_400_000;
  const runAt = new Date(runLocal - VN_OFFSET_MS);
  return { runAt, dedupeKey: `retention:${new Date(runLocal).toISOString().slice(0, 10)}` };
}

/** Schedules the next daily run (idempotent per day). */
export async function ensureRetentionScheduled(db: PrismaClient | Prisma.TransactionClient, now: Date): Promise<void> {
  const next = nextRetentionRun(now);
  await scheduleJob(db, { kind: JOB_RETENTION_RUN, runAt: next.runAt, dedupeKey: next.dedupeKey });
}

/** Job handlers of the retention module: run the rules, then plant tomorrow's run. */
export function retentionJobs(deps: { settings: RetentionSettings; logger: Logger }): Record<string, JobHandler> {
  return {
    [JOB_RETENTION_RUN]: async (_payload, ctx) => {
      const r = await runRetention(ctx.prisma, deps.settings, { now: ctx.now, actor: "system" });
      deps.logger.info({ jobId: ctx.jobId, messagesRedacted: r.messagesRedacted, casesAnonymised: r.casesAnonymised }, "retention run done");
      await ensureRetentionScheduled(ctx.prisma, ctx.now);
    },
  };
}
