import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites share one PostgreSQL database and spawn servers; files run in parallel processes, each with its own schema/data dir.
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default"],
  },
});
