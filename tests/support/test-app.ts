/** Starts the real application on a test database and a free loopback port. */
import { createApp, type App, type AppOptions } from "../../src/app.js";
import { loadConfig, type Config } from "../../src/config.js";
import type { ChannelSender } from "../../src/messaging/outbound.js";
import type { Clock } from "../../src/runtime/clock.js";
import { createTestDb, type TestDb } from "./test-db.js";
import type { DbKind } from "../../src/db/open.js";

export interface TestApp {
  app: App;
  db: TestDb;
  config: Config;
  baseUrl: string;
  close(): Promise<void>;
}

/** Builds config from defaults plus overrides (never from the developer's environment). */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", PORT: "0", DATA_DIR: "./tmp/test-data", ...env });
}

/** Starts the app with its loops running (unless workers: false). */
export async function startTestApp(opts: {
  kind?: DbKind;
  env?: Record<string, string>;
  clock?: Clock;
  senders?: Map<string, ChannelSender>;
  workers?: boolean;
  runtime?: AppOptions["runtime"];
  db?: TestDb;
} = {}): Promise<TestApp> {
  const db = opts.db ?? (await createTestDb(opts.kind ?? "pglite"));
  const config = testConfig(opts.env);
  const app = await createApp({ config, db, clock: opts.clock, senders: opts.senders, runtime: { inboxLeaseMs: 5_000, outboxBackoffMs: 50, ...opts.runtime } });
  if (opts.workers !== false) app.startWorkers();
  const port = await app.listen(0, "127.0.0.1");
  return {
    app,
    db,
    config,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await app.stop();
      if (!opts.db) await db.close();
    },
  };
}

/** A minimal web chat client for tests: sends like the browser, reads replies from the API. */
export class ChatClient {
  cursor = 0;
  seq = 0;
  constructor(readonly baseUrl: string, readonly sessionId: string, readonly channel: "webchat" | "terminal" = "webchat") {}

  static async open(baseUrl: string, channel: "webchat" | "terminal" = "webchat"): Promise<ChatClient> {
    const r = await fetch(`${baseUrl}/api/chat/sessions`, { method: "POST" });
    const j = (await r.json()) as { sessionId: string };
    return new ChatClient(baseUrl, j.sessionId, channel);
  }

  async send(text: string, payload?: string): Promise<Response> {
    return fetch(`${this.baseUrl}/api/chat/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sessionId: this.sessionId, channel: this.channel, clientMessageId: `m-${this.sessionId.slice(0, 8)}-${++this.seq}`, text, ...(payload ? { payload } : {}) }),
    });
  }

  /** Waits until at least `min` new outbound messages arrived (or timeout); returns them. */
  async replies(min = 1, timeoutMs = 10_000): Promise<{ id: string; message: { kind: string; text?: string; choices?: { id: string; label: string }[]; numbers?: { phone: string }[] } }[]> {
    const out: Awaited<ReturnType<ChatClient["replies"]>> = [];
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const r = await fetch(`${this.baseUrl}/api/chat/messages?channel=${this.channel}&sessionId=${this.sessionId}&after=${this.cursor}`);
      const j = (await r.json()) as { messages: { id: string; direction: string; message: never }[] };
      for (const m of j.messages) {
        this.cursor = Math.max(this.cursor, Number(m.id));
        if (m.direction === "out") out.push(m);
      }
      if (out.length >= min) {
        // let the rest of the same turn arrive
        await new Promise((res) => setTimeout(res, 150));
        const more = (await (await fetch(`${this.baseUrl}/api/chat/messages?channel=${this.channel}&sessionId=${this.sessionId}&after=${this.cursor}`)).json()) as { messages: { id: string; direction: string; message: never }[] };
        for (const m of more.messages) {
          this.cursor = Math.max(this.cursor, Number(m.id));
          if (m.direction === "out") out.push(m);
        }
        return out;
      }
      await new Promise((res) => setTimeout(res, 50));
    }
    return out;
  }

  /** Sends and waits for the reply turn. */
  async say(text: string, payload?: string, min = 1) {
    const r = await this.send(text, payload);
    if (r.status !== 202) throw new Error(`send failed: ${r.status} ${await r.text()}`);
    return this.replies(min);
  }
}
