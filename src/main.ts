/**
 * `npm start`: loads configuration, opens (and migrates) the database, starts the HTTP server and the runtime
 * loops. With no configuration at all it runs on PGlite in ./data with the web chat and console on localhost.
 */
import { createApp } from "./app.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { loadKeys } from "./crypto/load-keys.js";
import { openDatabase } from "./db/open.js";
import { logger } from "./log.js";

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  logger.level = config.LOG_LEVEL;
  try {
    loadKeys(config);
  } catch (err) {
    console.error(`Invalid configuration — ${(err as Error).message}`);
    process.exit(1);
  }
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
  const app = await createApp({ config, db });
  app.startWorkers();
  const port = config.ROLE === "worker" ? null : await app.listen();
  logger.info({ database: db.kind, port, role: config.ROLE }, port ? `Cầu Nối is running: web chat ${config.publicBaseUrl}/ · console ${config.publicBaseUrl}/console` : "Cầu Nối worker is running");
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const t = setTimeout(() => process.exit(1), 10_000);
    t.unref();
    await app.stop();
    await db.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err) => {
  console.error(`Cầu Nối failed to start: ${(err as Error).message}`);
  process.exit(1);
});
