/**
 * Reading conversations for the console: the decrypted message log of one conversation as plain lines (what the
 * person wrote, what the bot or staff answered). Callers audit every read; nothing here logs message content.
 */
import { decryptJson } from "../../crypto/index.js";
import type { PrismaClient } from "../../generated/prisma/client.js";

export interface TranscriptLine {
  id: string;
  direction: "in" | "out";
  /** "person", "bot", "system", "staff:<id>", "platform:<channel>" */
  author: string;
  at: Date;
  status: string;
  text: string;
}

const ATTACHMENT_WORDS: Readonly<Record<string, string>> = { image: "ảnh", audio: "ghi âm", video: "video", file: "tệp", sticker: "nhãn dán", other: "tệp" };

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** One stored message (inbound {text, payload, location, attachments} or an OutboundMessage) as readable text. */
export function messageText(bodyEnc: Uint8Array): string {
  let body: unknown;
  try {
    body = decryptJson(bodyEnc);
  } catch {
    return "(không giải mã được tin nhắn)";
  }
  if (typeof body !== "object" || body === null) return "";
  const b = body as Record<string, unknown>;
  const parts: string[] = [];
  const text = str(b.text) || str(b.caption) || str(b.alt);
  if (text) parts.push(text);
  if (Array.isArray(b.choices)) {
    const labels = b.choices.map((c: unknown) => (typeof c === "object" && c !== null && "label" in c ? str(c.label) : "")).filter(Boolean);
    if (labels.length) parts.push(`[Lựa chọn: ${labels.join(" | ")}]`);
  }
  if (Array.isArray(b.numbers)) {
    const nums = b.numbers.map((n: unknown) => (typeof n === "object" && n !== null && "phone" in n ? str(n.phone) : "")).filter(Boolean);
    if (nums.length) parts.push(`[Nút gọi: ${nums.join(", ")}]`);
  }
  if (b.kind === "link" && str(b.url)) parts.push(`[Liên kết: ${str(b.label) || str(b.url)}]`);
  if (!text && str(b.payload)) parts.push(`[Bấm nút: ${str(b.payload)}]`);
  if (typeof b.location === "object" && b.location !== null) parts.push("[Đã chia sẻ vị trí]");
  if (Array.isArray(b.attachments) && b.attachments.length > 0) {
    const words = b.attachments.map((a: unknown) => (typeof a === "object" && a !== null && "type" in a ? ATTACHMENT_WORDS[str(a.type)] ?? "tệp" : "tệp"));
    parts.push(`[Gửi kèm: ${words.join(", ")}]`);
  }
  return parts.join(" ");
}

/** The newest `limit` messages of a conversation after message id `after` (0: from the start), oldest first. */
export async function loadTranscript(prisma: PrismaClient, conversationId: string, opts: { after?: bigint; limit?: number } = {}): Promise<TranscriptLine[]> {
  const rows = await prisma.message.findMany({
    where: { conversationId, ...(opts.after !== undefined && opts.after > 0n ? { id: { gt: opts.after } } : {}) },
    orderBy: { id: "desc" },
    take: Math.min(Math.max(opts.limit ?? 200, 1), 500),
    select: { id: true, direction: true, author: true, createdAt: true, bodyEnc: true, status: true },
  });
  return rows.reverse().map((r) => ({ id: r.id.toString(), direction: r.direction === "in" ? "in" : "out", author: r.author, at: r.createdAt, status: r.status, text: messageText(r.bodyEnc) }));
}

/** "Người dùng", "Trợ lý tự động", a staff member's name… for an author string. */
export function authorLabel(author: string, names: ReadonlyMap<string, string>): string {
  if (author === "person") return "Người dùng";
  if (author === "bot") return "Trợ lý tự động";
  if (author === "system") return "Hệ thống";
  if (author === "reporter") return "Người báo tin";
  if (author.startsWith("staff:")) return `Cán bộ ${names.get(author.slice(6)) ?? ""}`.trim();
  if (author.startsWith("platform:")) return `Nhân viên trên ${author.slice(9)}`;
  return author;
}

/** Staff ids named by author strings ("staff:<id>"). */
export function staffIdsOf(authors: readonly string[]): string[] {
  return [...new Set(authors.filter((a) => a.startsWith("staff:")).map((a) => a.slice(6)))];
}
