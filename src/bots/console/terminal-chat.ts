/**
 * `npm run chat`: chat with Cầu Nối in the terminal, through the same API and runtime as the web chat.
 * Connects to a running server (PORT, default 3000); if none answers, starts the whole service in this process
 * (same database as `npm start`) and talks to it. Buttons are shown as numbered options: type the number.
 */
import { randomBytes } from "node:crypto";
import readline from "node:readline/promises";
import { createApp } from "../../app.js";
import { loadConfig } from "../../config.js";
import { openDatabase } from "../../db/open.js";
import { logger } from "../../log.js";
import { loadKeys } from "../../crypto/load-keys.js";
import { renderTerminal, type TerminalView } from "./render.js";

async function reachable(base: string): Promise<boolean> {
  try {
    const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1500) });
    return r.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  let base = `http://127.0.0.1:${config.PORT}`;
  let stop: (() => Promise<void>) | null = null;
  if (!(await reachable(base))) {
    logger.level = "warn";
    loadKeys(config);
    const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
    const app = await createApp({ config, db });
    app.startWorkers();
    const port = await app.listen(0, "127.0.0.1");
    base = `http://127.0.0.1:${port}`;
    stop = async () => {
      await app.stop();
      await db.close();
    };
  }
  const sessionId = randomBytes(18).toString("base64url");
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  // Start buffering lines now: anything typed (or piped) while the greeting is still arriving must not be lost.
  const lines = rl[Symbol.asyncIterator]();
  let cursor = 0;
  let choices: TerminalView["choices"] = [];
  const post = (body: Record<string, unknown>) =>
    fetch(`${base}/api/chat/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sessionId, channel: "terminal", clientMessageId: randomBytes(9).toString("base64url"), ...body }) });
  const poll = async (waitMs: number) => {
    const until = Date.now() + waitMs;
    let got = false;
    while (Date.now() < until) {
      const r = (await (await fetch(`${base}/api/chat/messages?channel=terminal&sessionId=${sessionId}&after=${cursor}`)).json()) as { messages: { id: string; direction: string; message: unknown }[] };
      for (const m of r.messages) {
        cursor = Number(m.id);
        if (m.direction !== "out") continue;
        const view = renderTerminal(m.message);
        console.log(`\n${view.text}`);
        if (view.choices.length) choices = view.choices;
        got = true;
      }
      if (got) {
        await new Promise((res) => setTimeout(res, 150));
        if (Date.now() > until - waitMs + 600) break;
      } else await new Promise((res) => setTimeout(res, 100));
    }
  };
  console.log("Cầu Nối — trò chuyện trong terminal. Gõ tin nhắn rồi Enter; gõ số để chọn; Ctrl+D để thoát.\nKhẩn cấp: 113 (công an) · 115 (cấp cứu) · 111 (bảo vệ trẻ em).");
  await post({ text: "Xin chào" });
  await poll(3000);
  // Lines are read as a stream, so input typed (or piped) while a reply is still arriving is never lost.
  rl.setPrompt("\n> ");
  rl.prompt();
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    const raw = next.value;
    const line = raw.trim();
    if (!line) {
      rl.prompt();
      continue;
    }
    const n = Number(line);
    const choice = Number.isInteger(n) ? choices[n - 1] : undefined;
    await post(choice ? { payload: choice.id, text: choice.label } : { text: line });
    choices = [];
    await poll(3000);
    rl.prompt();
  }
  rl.close();
  if (stop) await stop();
  process.exit(0);
}

main().catch((err) => {
  console.error(`Chat failed: ${(err as Error).message}`);
  process.exit(1);
});
