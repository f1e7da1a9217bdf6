/**
 * kill -9 a worker process mid-stream, several times, then let a fresh worker finish: every acknowledged
 * message is processed, each exactly once, and every reply exists exactly once — the same transcript as a run
 * without crashes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decryptJson } from "../../src/crypto/index.js";
import { openDatabase, type Database } from "../../src/db/open.js";
import { createInbox } from "../../src/runtime/inbox.js";
import { LocalBus } from "../../src/runtime/local-bus.js";
import type { InboundEvent } from "../../src/messaging/inbound.js";
import { createTestDb, installTestKeys, postgresAvailable, type TestDb } from "../support/test-db.js";

const SCRIPT = ["menu", "1", "huỷ", "ung ho", "menu", "5", "huy", "xin chào"];
// PGlite on disk syncs every commit to the file system, so its run is kept smaller.
const conversationsFor = (kind: string) => (kind === "pglite" ? 8 : 24);

function events(CONVERSATIONS: number): InboundEvent[][] {
  // One list per round: every conversation sends message i of the script.
  return SCRIPT.map((text, i) =>
    Array.from({ length: CONVERSATIONS }, (_, c) => ({ kind: "message" as const, channel: "webchat" as const, externalId: `c${c}-m${i}`, userId: `crash-user-${c}`, occurredAt: new Date(), text, attachments: [] })),
  );
}

function startWorker(env: Record<string, string>): { child: ChildProcess; ready: Promise<void>; processed: () => number; pending: () => number } {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/worker-main.ts"], { env: { ...process.env, ...env, LOG_LEVEL: "silent" }, stdio: ["ignore", "pipe", "pipe"] });
  let processed = 0;
  let pending = -1;
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      const s = d.toString();
      if (s.includes("ready")) resolve();
      const m = /processed (\d+) pending (-?\d+)/g;
      for (let x = m.exec(s); x; x = m.exec(s)) {
        processed = Number(x[1]);
        pending = Number(x[2]);
      }
    });
    child.once("exit", (code) => reject(new Error(`worker exited early (${code})`)));
  });
  ready.catch(() => {});
  return { child, ready, processed: () => processed, pending: () => pending };
}

async function transcript(db: Database): Promise<Map<string, string[]>> {
  const rows = await db.prisma.message.findMany({ orderBy: { id: "asc" } });
  const convs = await db.prisma.conversation.findMany({ include: { contact: true } });
  const userOf = new Map(convs.map((c) => [c.id, c.contact.channelUserId]));
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const u = userOf.get(r.conversationId)!;
    const body = decryptJson(r.bodyEnc) as { text?: string; kind?: string };
    const line = `${r.direction}:${r.direction === "in" ? body.text : (body.kind ?? "") + ":" + (body.text ?? "").slice(0, 40)}`;
    out.set(u, [...(out.get(u) ?? []), line]);
  }
  return out;
}

async function waitUntil(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("timed out waiting for the workers");
}

const pgOk = await postgresAvailable();

describe.each([
  ["postgres", pgOk],
  ["pglite", true],
] as const)("crash safety on %s (kill -9 mid-stream)", (kind, available) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => {});
  });

  it.skipIf(!available)("loses no acknowledged message and writes no reply twice", async () => {
    installTestKeys();
    const CONVERSATIONS = conversationsFor(kind);
    // Reference transcript: the same script without crashes, in-process.
    const ref = await createTestDb("pglite");
    cleanup.push(() => ref.close());
    const { startTestApp } = await import("../support/test-app.js");
    const refApp = await startTestApp({ db: ref });
    cleanup.push(() => refApp.close());
    for (const round of events(CONVERSATIONS)) {
      await refApp.app.ingest(round);
      await waitUntil(async () => (await ref.prisma.inboxEvent.count({ where: { status: { not: "done" } } })) === 0, 30_000);
    }
    const expected = await transcript(ref);

    // The crash run: all messages acknowledged (durably ingested) up front, workers killed while processing.
    let db: Database;
    let env: Record<string, string>;
    if (kind === "postgres") {
      const t: TestDb = await createTestDb("postgres");
      cleanup.push(() => t.close());
      db = t;
      env = { WORKER_DATABASE_URL: t.url! };
    } else {
      const dir = mkdtempSync(path.join(os.tmpdir(), "cn-crash-"));
      cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
      db = await openDatabase({ dataDir: dir });
      env = { WORKER_DATA_DIR: dir };
    }
    const ingest = createInbox(db.prisma, new LocalBus());
    // Rounds are ingested in order per conversation, like a person typing; the whole stream is acknowledged first.
    for (const round of events(CONVERSATIONS)) expect((await ingest(round)).accepted).toBe(CONVERSATIONS);
    if (kind === "pglite") await db.close(); // PGlite is single-process: hand the folder to the workers
    const total = SCRIPT.length * CONVERSATIONS;

    let kills = 0;
    for (let i = 0; i < 3; i++) {
      const w = startWorker(env);
      await w.ready;
      // kill after this worker has handled about a fifth of the stream (or as soon as it has anything, if less is left)
      const target = Math.max(1, Math.floor(total / 5) - Math.floor(Math.random() * 10));
      const until = Date.now() + 60_000;
      while (w.processed() < target && w.pending() !== 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, Math.random() * 40));
      w.child.kill("SIGKILL");
      kills++;
      await new Promise((r) => w.child.once("exit", r));
    }
    const last = startWorker(env);
    await last.ready;
    if (kind === "pglite") {
      // wait for the worker to drain the inbox, then stop it and reopen the folder here
      const until = Date.now() + 120_000;
      while (last.pending() !== 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      last.child.kill("SIGTERM");
      await new Promise((r) => last.child.once("exit", r));
      db = await openDatabase({ dataDir: env.WORKER_DATA_DIR });
      cleanup.push(() => db.close());
    } else {
      cleanup.push(async () => {
        last.child.kill("SIGKILL");
      });
      await waitUntil(async () => (await db.prisma.inboxEvent.count({ where: { status: "done" } })) === total, 90_000);
    }
    expect(kills).toBe(3);
    expect(await db.prisma.inboxEvent.count({ where: { status: "done" } })).toBe(total);
    const got = await transcript(db);
    expect(got.size).toBe(CONVERSATIONS);
    for (const [user, lines] of expected) expect(got.get(user), user).toEqual(lines);
  }, 420_000);
});
