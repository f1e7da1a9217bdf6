import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("configuration", () => {
  it("runs with no configuration at all: PGlite in ./data on port 3000, only the web chat on", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: "./data", ROLE: "all", publicBaseUrl: "http://localhost:3000" });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.channels).toEqual({ telegram: null, messenger: null, zalo: null });
    expect(c.channelProblems).toEqual([]);
  });

  it("refuses bad values with one message naming each variable", () => {
    expect(() => loadConfig({ PORT: "abc", DATABASE_URL: "mysql://x" })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: "abc", DATABASE_URL: "mysql://x" });
    } catch (e) {
      expect((e as Error).message).toMatch(/^Invalid configuration — /);
      expect((e as Error).message).toMatch(/PORT/);
      expect((e as Error).message).toMatch(/DATABASE_URL: must start with postgres:\/\//);
      expect((e as Error).message).not.toMatch(/\n/);
    }
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/ENCRYPTION_KEYS is required in production/);
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_SECRET: "has spaces!" })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
  });

  it("switches a channel on only when all its settings are present, and says what is missing", () => {
    const partial = loadConfig({ MESSENGER_APP_SECRET: "s", ZALO_APP_ID: "1" });
    expect(partial.channels.messenger).toBeNull();
    expect(partial.channelProblems).toEqual([
      "Messenger is off: missing MESSENGER_PAGE_ACCESS_TOKEN, MESSENGER_VERIFY_TOKEN",
      "Zalo is off: missing ZALO_APP_SECRET, ZALO_OA_SECRET_KEY, ZALO_ACCESS_TOKEN, ZALO_REFRESH_TOKEN",
    ]);
    const polling = loadConfig({ TELEGRAM_BOT_TOKEN: "1:x", TELEGRAM_MODE: "polling" });
    expect(polling.channels.telegram).toMatchObject({ mode: "polling", apiRoot: "https://api.telegram.org" });
    const webhookMissingSecret = loadConfig({ TELEGRAM_BOT_TOKEN: "1:x" });
    expect(webhookMissingSecret.channels.telegram).toBeNull();
    expect(webhookMissingSecret.channelProblems).toEqual(["Telegram is off: missing TELEGRAM_WEBHOOK_SECRET"]);
  });

  it("npm start stops with one clear line on a bad value", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], { env: { ...process.env, PORT: "70000", DATA_DIR: "./tmp/never" }, encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(1);
    const lines = r.stderr.split("\n").filter((l) => l.trim() && !/npm warn/i.test(l));
    expect(lines).toEqual([expect.stringMatching(/^Invalid configuration — PORT: /)]);
  });
});
