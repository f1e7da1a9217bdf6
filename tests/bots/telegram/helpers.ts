import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import type { Server as HttpServer } from "node:http";
import type { Update } from "grammy/types";
import pino from "pino";
import { isTelegramUpdate } from "../../../src/bots/telegram/inbound.js";

/** Loads a Bot API payload fixture from tests/fixtures/telegram. */
export function fixture(name: string): Update {
  const value: unknown = JSON.parse(readFileSync(new URL(`../../fixtures/telegram/${name}.json`, import.meta.url), "utf8"));
  if (!isTelegramUpdate(value)) throw new Error(`fixture ${name} is not an update`);
  return value;
}

/** A silent logger for tests (same type as the app logger). */
export const testLogger = pino({ level: "silent" });

/** A free TCP port on 127.0.0.1 (telegram-test-api turns port 0 into 9000, so it needs a real number). */
export async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  const port = address.port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Base URL of a listening http server. */
export function baseUrl(server: HttpServer): string {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server not listening on TCP");
  return `http://127.0.0.1:${address.port}`;
}

/** Polls `check` until it returns true (or fails after `ms`). */
export async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
