/**
 * Durable timers (escalation acknowledgement timeouts, hand-off timeouts, reminders, weekly tips, retention).
 * Stored in the Job table, so they survive restarts and several instances share them (SKIP LOCKED claims).
 * Time comes from a Clock, so tests move it by hand.
 */
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../log.js";
import type { Clock } from "./clock.js";
import type { LocalBus } from "./local-bus.js";

export interface JobContext {
  prisma: PrismaClient;
  now: Date;
  jobId: string;
}

/** A job handler; throwing retries the job with backoff (up to 5 attempts). */
export type JobHandler = (payload: Record<string, unknown>, ctx: JobContext) => Promise<void>;

type Db = Prisma.TransactionClient | PrismaClient;

/** Schedules a job once per dedupeKey (a second call with the same key does nothing). */
export async function scheduleJob(db: Db, job: { kind: string; runAt: Date; payload?: Record<string, unknown>; dedupeKey?: string }): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO "Job" (kind, "dedupeKey", payload, "runAt") VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT ("dedupeKey") DO NOTHING`,
    job.kind,
    job.dedupeKey ?? null,
    JSON.stringify(job.payload ?? {}),
    job.runAt,
  );
}

/** Cancels a pending job by its dedupeKey. */
export async function cancelJob(db: Db, dedupeKey: string): Promise<void> {
  await db.$executeRawUnsafe(`UPDATE "Job" SET status = 'cancelled', "finishedAt" = now() WHERE "dedupeKey" = $1 AND status = 'pending'`, dedupeKey);
}

interface Claimed {
  id: bigint;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/** Creates the scheduler; `runDue` runs every job due now (tests call it after moving the clock). */
export function createScheduler(deps: { prisma: PrismaClient; clock: Clock; handlers: Record<string, JobHandler>; bus: LocalBus; logger: Logger; pollMs?: number }) {
  const log = deps.logger.child({ component: "scheduler" });
  let running = false;
  let loop: Promise<void> | null = null;

  async function claim(): Promise<Claimed[]> {
    const now = deps.clock.now();
    return deps.prisma.$queryRawUnsafe<Claimed[]>(
      `WITH c AS (SELECT id FROM "Job" WHERE ((status = 'pending' AND "runAt" <= $1) OR (status = 'running' AND "lockedUntil" < $1))
                  ORDER BY "runAt" LIMIT 20 FOR UPDATE SKIP LOCKED)
       UPDATE "Job" j SET status = 'running', "lockedUntil" = $2, attempts = j.attempts + 1 FROM c WHERE j.id = c.id
       RETURNING j.id, j.kind, j.payload, j.attempts`,
      now,
      new Date(now.getTime() + 5 * 60_000),
    );
  }

  async function runJob(job: Claimed): Promise<void> {
    const handler = deps.handlers[job.kind];
    const id = job.id.toString();
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job.payload, { prisma: deps.prisma, now: deps.clock.now(), jobId: id });
      await deps.prisma.$executeRawUnsafe(`UPDATE "Job" SET status = 'done', "finishedAt" = $2, "lockedUntil" = NULL WHERE id = $1::bigint`, id, deps.clock.now());
    } catch (err) {
      const msg = (err as Error).message.slice(0, 500);
      const give = job.attempts >= 5 || !handler;
      log.error({ jobId: id, kind: job.kind, err: msg }, give ? "job failed for good" : "job failed; will retry");
      await deps.prisma.$executeRawUnsafe(
        `UPDATE "Job" SET status = $2, "lastError" = $3, "runAt" = $4, "lockedUntil" = NULL, "finishedAt" = CASE WHEN $2 = 'failed' THEN $5 ELSE NULL END WHERE id = $1::bigint`,
        id,
        give ? "failed" : "pending",
        msg,
        new Date(deps.clock.now().getTime() + 30_000 * 2 ** job.attempts),
        deps.clock.now(),
      );
    }
  }

  /** Runs every job that is due; returns how many ran. */
  async function runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const jobs = await claim();
      if (jobs.length === 0) return total;
      for (const j of jobs) await runJob(j); // in order: timers of one case must not race each other
      total += jobs.length;
    }
  }

  return {
    runDue,
    start(): void {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          try {
            await runDue();
          } catch (err) {
            log.error({ err: (err as Error).message }, "scheduler pass failed");
          }
          await deps.bus.waitFor("jobs", deps.pollMs ?? 1_000);
        }
      })();
    },
    async stop(): Promise<void> {
      running = false;
      deps.bus.jobsChanged();
      await loop;
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
