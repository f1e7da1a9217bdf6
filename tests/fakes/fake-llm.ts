/**
 * A tiny OpenAI-compatible chat-completions server on 127.0.0.1:0 (what Ollama's /v1 and OpenAI both speak), for
 * the optional rephraser's tests. It records every request and answers with `reply` (or fails, stalls, says nothing).
 */
import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";

export interface FakeLlmRequest {
  authorization: string | undefined;
  body: { model?: unknown; messages?: { role: string; content: unknown }[]; [k: string]: unknown };
}

export type FakeLlmMode = "ok" | "error" | "slow" | "empty";

export interface FakeLlm {
  /** Base URL to use as LLM_BASE_URL (ends with /v1). */
  baseUrl: string;
  requests: FakeLlmRequest[];
  mode: FakeLlmMode;
  /** The completion text for a request (default: a fixed Vietnamese sentence with a wrong source line). */
  reply: (req: FakeLlmRequest) => string;
  close(): Promise<void>;
}

export const FAKE_LLM_SENTENCE = "Bạn có thể bắt đầu cho bé ăn dặm từ từ, vẫn cho bú mẹ và kiên nhẫn cho bé thử món mới.";

/** Starts the fake server; `slowMs` is how long the "slow" mode waits before answering. */
export async function startFakeLlm(opts: { slowMs?: number } = {}): Promise<FakeLlm> {
  const app = express();
  app.use(express.json({ limit: "1mb" }));
  const state: Omit<FakeLlm, "baseUrl" | "close"> = {
    requests: [],
    mode: "ok",
    reply: () => `${FAKE_LLM_SENTENCE}\nNguồn: một trang web không rõ`,
  };
  app.post("/v1/chat/completions", async (req, res) => {
    const r: FakeLlmRequest = { authorization: req.get("authorization"), body: req.body as FakeLlmRequest["body"] };
    state.requests.push(r);
    if (state.mode === "error") {
      res.status(500).json({ error: { message: "boom", type: "server_error" } });
      return;
    }
    if (state.mode === "slow") await new Promise((ok) => setTimeout(ok, opts.slowMs ?? 2_000));
    const content = state.mode === "empty" ? "" : state.reply(r);
    if (res.destroyed || res.writableEnded) return;
    res.json({
      id: "chatcmpl-fake",
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: r.body.model,
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    });
  });
  const server: Server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  });
}
