/** GET /healthz: the process is up. GET /readyz: the database answers and every migration is applied. */
import { Router } from "express";
import { pendingMigrations } from "../db/migrate.js";
import type { Database } from "../db/open.js";
import type { RuntimeMetrics } from "../runtime/metrics.js";

/** Health routes. */
export function healthRouter(db: Database, metrics: RuntimeMetrics, channels: string[]): Router {
  const r = Router();
  r.get("/healthz", (_req, res) => {
    res.json({ status: "ok", uptimeSec: Math.round(process.uptime()) });
  });
  r.get("/readyz", async (_req, res) => {
    try {
      const pending = await pendingMigrations(db.session);
      const ready = pending.length === 0;
      res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not_ready", database: db.kind, pendingMigrations: pending, channels, processed: metrics.processed });
    } catch {
      res.status(503).json({ status: "not_ready", database: db.kind, error: "database unreachable" });
    }
  });
  return r;
}
