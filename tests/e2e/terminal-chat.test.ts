/**
 * `npm run chat` end to end: the terminal client talks to a running server through the same API and runtime as
 * the web chat; its conversation lands in the case database with every message, on the "terminal" channel.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptJson } from "../../src/crypto/index.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

describe("terminal chat", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ kind: "pglite" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("chats through the runtime: menu by number, a question, and every message is logged", async () => {
    const port = new URL(t.baseUrl).port;
    const child = spawn(process.execPath, ["--import", "tsx", "src/bots/console/terminal-chat.ts"], {
      env: { ...process.env, PORT: port, LOG_LEVEL: "silent", NODE_ENV: "test" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const waitFor = async (re: RegExp, ms = 20_000) => {
      const until = Date.now() + ms;
      while (!re.test(out) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(re);
    };
    await waitFor(/1\. Hỏi đáp nuôi dạy con/);
    child.stdin.write("1\n"); // the first numbered option: guidance
    await waitFor(/Bạn muốn hỏi gì/);
    child.stdin.write("be 6 thang an dam the nao\n");
    await waitFor(/Nguồn:/);
    child.stdin.end();
    await new Promise((r) => child.once("exit", r));

    const contacts = await t.db.prisma.contact.findMany({ where: { channel: "terminal" }, include: { conversation: true } });
    expect(contacts).toHaveLength(1);
    const msgs = await t.db.prisma.message.findMany({ where: { conversationId: contacts[0]!.conversation!.id }, orderBy: { id: "asc" } });
    const inbound = msgs.filter((m) => m.direction === "in").map((m) => (decryptJson(m.bodyEnc) as { text?: string }).text);
    expect(inbound).toEqual(["Xin chào", "Hỏi đáp nuôi dạy con", "be 6 thang an dam the nao"]);
    expect(msgs.filter((m) => m.direction === "out").length).toBeGreaterThanOrEqual(3);
    expect(msgs.every((m) => m.channel === "terminal")).toBe(true);
  });
});
