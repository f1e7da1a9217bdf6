import type { Server } from "node:http";
import express from "express";
import { baseUrl } from "./helpers.js";

export interface FakeCall {
  method: string;
  token: string;
  body: Record<string, unknown>;
}
export type FakeReply = { status: number; json: unknown };
export type FakeHandler = (body: Record<string, unknown>, call: number) => FakeReply | Promise<FakeReply>;

/** Telegram's success envelope. */
export const ok = (result: unknown): FakeReply => ({ status: 200, json: { ok: true, result } });
/** Telegram's error envelope. */
export const fail = (code: number, description: string, parameters?: Record<string, unknown>): FakeReply => ({
  status: code,
  json: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) },
});

/**
 * A tiny local Bot API for what telegram-test-api cannot do: error replies (429/403/5xx), sendPhoto, and
 * getUpdates that honours `offset` like the real server (telegram-test-api marks updates read on fetch).
 */
export async function startFakeBotApi(handlers: Record<string, FakeHandler>) {
  const calls: FakeCall[] = [];
  const counts = new Map<string, number>();
  const app = express();
  app.use(express.json());
  app.post("/bot:token/:method", async (req, res) => {
    const method = String(req.params.method);
    const body: Record<string, unknown> = typeof req.body === "object" && req.body !== null ? req.body : {};
    calls.push({ method, token: String(req.params.token), body });
    const n = (counts.get(method) ?? 0) + 1;
    counts.set(method, n);
    const handler = handlers[method];
    const reply = handler ? await handler(body, n) : fail(404, "Not Found: method not found");
    res.status(reply.status).json(reply.json);
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return {
    apiRoot: baseUrl(server),
    calls,
    callsOf: (method: string) => calls.filter((c) => c.method === method),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A sendMessage/sendPhoto result with an increasing message id. */
export function sentMessage(id: number, body: Record<string, unknown>) {
  return { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: Number(body.chat_id), type: "private", first_name: "T" }, text: body.text };
}
