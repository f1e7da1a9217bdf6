/**
 * A worker process for the crash test: runs the real runtime (processor, outbox, timers) against the database
 * named in the environment, until it is killed. Prints "ready" once its loops run.
 */
import { createApp } from "../../src/app.js";
import { openDatabase } from "../../src/db/open.js";
import { installTestKeys } from "./test-db.js";
import { testConfig } from "./test-app.js";

installTestKeys();
const db = await openDatabase({ url: process.env.WORKER_DATABASE_URL, dataDir: process.env.WORKER_DATA_DIR });
const app = await createApp({ config: testConfig({ ROLE: "worker" }), db, runtime: { inboxLeaseMs: Number(process.env.WORKER_LEASE_MS ?? 1500), processorBatch: Number(process.env.WORKER_BATCH ?? 20) } });
app.startWorkers();
process.stdout.write("ready\n");
setInterval(async () => {
  // PGlite is single-process, so the test reads progress from here rather than from the database.
  const pending = await db.prisma.inboxEvent.count({ where: { status: { in: ["pending", "processing"] } } }).catch(() => -1);
  process.stdout.write(`processed ${app.metrics.processed} pending ${pending}\n`);
}, 150);
