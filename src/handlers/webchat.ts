/**
 * The web chat API (JSON + Server-Sent Events), also used by the terminal chat:
 *   POST /api/chat/sessions                       → 201 { sessionId }
 *   POST /api/chat/messages  { sessionId, clientMessageId, text?, payload?, location?, channel? }
 *                                                 → 202 { accepted, duplicate } once durably stored
 *   GET  /api/chat/messages?sessionId=&after=     → { messages: [...], cursor }
 *   GET  /api/chat/stream?sessionId=&after=       → text/event-stream of new messages ("message" events)
 * A session id is a random secret the browser keeps; it is the person's id on the web chat channel.
 */
import { randomBytes } from "node:crypto";
import express, { Router } from "express";
import { z } from "zod";
import { decryptJson } from "../crypto/index.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { webchatToEvent } from "../bots/webchat/inbound.js";
import type { Ingest } from "../runtime/inbox.js";
import type { LocalBus } from "../runtime/local-bus.js";
import { parseOr400 } from "./http-errors.js";

const SessionId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, "must be the id returned by POST /api/chat/sessions");

export const ChatMessageBody = z
  .object({
    sessionId: SessionId,
    clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "8–64 letters, digits, _ or -"),
    text: z.string().max(4000, "at most 4000 characters").optional(),
    payload: z.string().max(64).optional(),
    location: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).optional(),
    channel: z.enum(["webchat", "terminal"]).default("webchat"),
  })
  .strict()
  .refine((b) => (b.text?.trim() ?? "") !== "" || b.payload || b.location, { message: "text, payload or location is required" });

const ListQuery = z.object({ sessionId: SessionId, after: z.coerce.number().int().min(0).default(0), channel: z.enum(["webchat", "terminal"]).default("webchat") });

interface ViewMessage {
  id: string;
  direction: "in" | "out";
  author: string;
  createdAt: string;
  message: unknown;
}

async function conversationOf(prisma: PrismaClient, channel: string, sessionId: string): Promise<string | null> {
  const c = await prisma.contact.findUnique({ where: { channel_channelUserId: { channel, channelUserId: sessionId } }, select: { conversation: { select: { id: true } } } });
  return c?.conversation?.id ?? null;
}

async function messagesAfter(prisma: PrismaClient, conversationId: string, after: number): Promise<ViewMessage[]> {
  const rows = await prisma.message.findMany({
    where: { conversationId, id: { gt: BigInt(after) } },
    orderBy: { id: "asc" },
    take: 200,
    select: { id: true, direction: true, author: true, createdAt: true, bodyEnc: true },
  });
  return rows.map((r) => ({ id: r.id.toString(), direction: r.direction as "in" | "out", author: r.author, createdAt: r.createdAt.toISOString(), message: decryptJson(r.bodyEnc) }));
}

/** The web chat router. */
export function webchatRouter(deps: { prisma: PrismaClient; ingest: Ingest; bus: LocalBus }): Router {
  const r = Router();
  r.use("/api/chat", express.json({ limit: "16kb" }));

  r.post("/api/chat/sessions", (_req, res) => {
    res.status(201).json({ sessionId: randomBytes(18).toString("base64url") });
  });

  r.post("/api/chat/messages", async (req, res) => {
    const body = parseOr400(ChatMessageBody, req.body, "message");
    const result = await deps.ingest([webchatToEvent(body, new Date())]);
    res.status(202).json({ accepted: result.accepted === 1, duplicate: result.duplicates === 1 });
  });

  r.get("/api/chat/messages", async (req, res) => {
    const q = parseOr400(ListQuery, req.query, "query");
    const conv = await conversationOf(deps.prisma, q.channel, q.sessionId);
    const messages = conv ? await messagesAfter(deps.prisma, conv, q.after) : [];
    res.set("Cache-Control", "no-store").json({ messages, cursor: messages.at(-1)?.id ?? String(q.after) });
  });

  r.get("/api/chat/stream", async (req, res) => {
    const q = parseOr400(ListQuery, req.query, "query");
    res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", Connection: "keep-alive", "X-Accel-Buffering": "no" });
    res.write(": connected\n\n");
    let cursor = q.after;
    let open = true;
    req.on("close", () => {
      open = false;
    });
    let conv: string | null = null;
    let idle = 0;
    while (open) {
      conv ??= await conversationOf(deps.prisma, q.channel, q.sessionId).catch(() => null);
      if (conv) {
        const msgs = await messagesAfter(deps.prisma, conv, cursor).catch(() => []);
        for (const m of msgs) {
          res.write(`id: ${m.id}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`);
          cursor = Number(m.id);
        }
        if (msgs.length > 0) idle = 0;
      }
      // Woken at once by this instance's processor; the timeout also catches replies written by other instances.
      await deps.bus.waitFor(conv ? `conv:${conv}` : "inbox", 1_000);
      if (++idle % 15 === 0) res.write(": keep-alive\n\n");
    }
  });

  return r;
}
