/**
 * `npm run bench`: drives the web chat API over HTTP with many concurrent conversations and prints
 * messages/s and p50/p99 latency from receipt (inbox write) to reply queued (committed with the message log),
 * on PGlite and on PostgreSQL (when it answers), beside a bare express endpoint measured the same way.
 * Every message is logged: the run checks the Message table at the end. Options (env):
 *   BENCH_CONVERSATIONS (200), BENCH_MESSAGES (15 per conversation), BENCH_KINDS ("pglite,postgres").
 */
import { Worker } from "node:worker_threads";
import { spawn, type ChildProcess } from "node:child_process";
import express from "express";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createApp } from "../src/app.js";
import { openDatabase, type Database } from "../src/db/open.js";
import { installTestKeys, postgresAvailable, createTestDb } from "../tests/support/test-db.js";
import { testConfig } from "../tests/support/test-app.js";

const CONV = Number(process.env.BENCH_CONVERSATIONS ?? 200);
const PER = Number(process.env.BENCH_MESSAGES ?? 15);
const KINDS = (process.env.BENCH_KINDS ?? "pglite,postgres").split(",");
const TEXTS = ["xin chào", "menu", "1", "huỷ", "ung ho", "menu", "bao tin", "huy", "5", "menu"];

/** Runs the load generator in a worker thread (its own event loop, the machine's other core). */
function drive(port: number, p: string, label: string): Promise<{ seconds: number; count: number; bad: number; ackP50: number; ackP99: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./load-client.mjs", import.meta.url), { workerData: { port, path: p, label, conv: CONV, per: PER, texts: TEXTS } });
    w.once("message", (m) => {
      if (m.bad > 0) reject(new Error(`${m.bad} requests were not accepted`));
      else resolve(m);
    });
    w.once("error", reject);
  });
}

async function bare(): Promise<number> {
  const app = express();
  app.post("/bare", express.json(), (_req, res) => void res.status(202).json({ accepted: true, duplicate: false }));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const port = (server.address() as { port: number }).port;
  await drive(port, "/bare", "warm");
  const r = await drive(port, "/bare", "bare");
  server.close();
  return r.count / r.seconds;
}

/** Receipt → first reply queued, per inbound message, from the message log (works across processes). */
async function latencies(db: Database): Promise<{ p50: number; p99: number; n: number }> {
  const rows = await db.prisma.$queryRawUnsafe<{ ms: number }[]>(
    `SELECT EXTRACT(EPOCH FROM (o."createdAt" - i."createdAt")) * 1000 AS ms
     FROM "Message" i
     CROSS JOIN LATERAL (SELECT m."createdAt" FROM "Message" m WHERE m."conversationId" = i."conversationId" AND m.direction = 'out' AND m.id > i.id ORDER BY m.id LIMIT 1) o
     WHERE i.direction = 'in'`,
  );
  const v = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
  return { p50: v[Math.floor(v.length * 0.5)] ?? NaN, p99: v[Math.floor(v.length * 0.99)] ?? NaN, n: v.length };
}

async function runOn(kind: string, split = false): Promise<void> {
  let db: Database;
  let cleanup: () => Promise<void>;
  if (kind === "postgres") {
    const t = await createTestDb("postgres");
    db = t;
    cleanup = () => t.close();
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), "cn-bench-"));
    db = await openDatabase({ dataDir: dir });
    cleanup = async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const app = await createApp({ config: testConfig({ DATA_DIR: os.tmpdir(), ROLE: split ? "web" : "all" }), db, runtime: { processorBatch: 500 } });
  app.startWorkers();
  let worker: ChildProcess | null = null;
  if (split) {
    worker = spawn(process.execPath, ["--import", "tsx", "tests/support/worker-main.ts"], {
      env: { ...process.env, WORKER_DATABASE_URL: (db as { url?: string }).url, WORKER_BATCH: "500", WORKER_LEASE_MS: "30000", LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve) => worker!.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve()));
  }
  const port = await app.listen(0, "127.0.0.1");
  const t0 = performance.now();
  const intake = await drive(port, "/api/chat/messages", kind);
  // wait until every message has been processed (replies queued)
  for (;;) {
    const pending = await db.prisma.inboxEvent.count({ where: { status: { in: ["pending", "processing"] } } });
    if (pending === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  const logged = await db.prisma.message.count({ where: { direction: "in" } });
  const out = await db.prisma.message.count({ where: { direction: "out" } });
  const lat = await latencies(db);
  const label = `${kind}${split ? " (web + worker process)" : " (one process)"}`;
  console.log(
    `${label}: ${intake.count} messages from ${CONV} conversations: ${(intake.count / seconds).toFixed(0)} messages/s processed end to end ` +
      `(intake ${(intake.count / intake.seconds).toFixed(0)}/s, ack p50 ${intake.ackP50.toFixed(1)} ms p99 ${intake.ackP99.toFixed(1)} ms); ` +
      `receipt→reply queued p50 ${lat.p50.toFixed(1)} ms p99 ${lat.p99.toFixed(1)} ms; logged ${logged} in / ${out} out`,
  );
  worker?.kill("SIGTERM");
  if (logged !== intake.count) throw new Error(`only ${logged} of ${intake.count} inbound messages were logged`);
  (globalThis as { __last?: number }).__last = intake.count / seconds;
  await app.stop();
  await cleanup();
}

installTestKeys();
const bareRate = await bare();
console.log(`bare express endpoint (JSON in, 202 out, nothing stored): ${bareRate.toFixed(0)} requests/s`);
for (const kind of KINDS) {
  if (kind === "postgres" && !(await postgresAvailable())) {
    console.log("postgres skipped: no PostgreSQL at 127.0.0.1:5432");
    continue;
  }
  for (const split of kind === "postgres" ? [false, true] : [false]) {
    await runOn(kind, split);
    const rate = (globalThis as { __last?: number }).__last ?? 0;
    console.log(`   ratio to the bare endpoint: ${(rate / bareRate).toFixed(2)}`);
  }
}
process.exit(0);
