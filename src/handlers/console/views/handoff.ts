/**
 * Hand-off pages: the queue (requests oldest first, conversations held now) and one conversation (transcript,
 * take over, reply, hand back). The transcript refreshes itself through /console/static/handoff.js when scripts run;
 * without it the page still works (reload, or any form post re-renders it).
 */
import type { ActiveHandoff, WaitingHandoff } from "../../../handoff/index.js";
import { CHANNEL_LABELS } from "../cases-labels.js";
import { authorLabel, type TranscriptLine } from "../handoff-data.js";
import { csrfField, formatTime, html, type SafeHtml } from "./layout.js";

export const HANDOFF_FLASH_OK: Readonly<Record<string, string>> = {
  take: "Bạn đã nhận hỗ trợ cuộc trò chuyện này. Trợ lý tự động sẽ im lặng cho tới khi bạn trả lại.",
  reply: "Đã gửi tin nhắn.",
  back: "Đã trả cuộc trò chuyện cho trợ lý tự động.",
};

const FLOW_WORDS: Readonly<Record<string, string>> = { handoff: "đang chờ", menu: "đã quay lại menu", report: "đang báo tin", guidance: "đang hỏi đáp" };

/** The hand-off queue page body. */
export function handoffQueueBody(o: { waiting: readonly WaitingHandoff[]; active: readonly ActiveHandoff[]; names: ReadonlyMap<string, string>; meId: string; flash?: string }): SafeHtml {
  const okText = o.flash ? HANDOFF_FLASH_OK[o.flash] : undefined;
  return html`<h1>Hàng đợi hỗ trợ</h1>
${okText ? html`<p class="notice ok" role="status">${okText}</p>` : ""}
<section aria-labelledby="waiting-title"><h2 id="waiting-title">Đang chờ nhân viên (${o.waiting.length})</h2>
${o.waiting.length === 0
    ? html`<p class="muted">Không có yêu cầu nào đang chờ.</p>`
    : html`<ol class="case-list" id="waiting-list">${o.waiting.map(
        (w) => html`<li class="${w.waitingMinutes >= 10 ? "case-item overdue" : "case-item"}">
<div class="case-head"><a href="/console/handoff/${w.conversationId}">Cuộc trò chuyện qua ${CHANNEL_LABELS[w.channel] ?? w.channel}</a></div>
<div>Chờ ${w.waitingMinutes} phút (từ ${formatTime(w.requestedAt)})${w.waitingMinutes >= 10 ? html` <strong class="badge danger">Chờ lâu</strong>` : ""}</div>
<div class="muted small">${w.messagesSinceRequest} tin nhắn từ khi yêu cầu · ${FLOW_WORDS[w.flow] ?? w.flow} · ngôn ngữ: ${w.locale}</div>
</li>`,
      )}</ol>`}
</section>
<section aria-labelledby="active-title"><h2 id="active-title">Đang được nhân viên hỗ trợ (${o.active.length})</h2>
${o.active.length === 0
    ? html`<p class="muted">Không có cuộc trò chuyện nào.</p>`
    : html`<ul class="case-list">${o.active.map(
        (a) => html`<li class="case-item"><div class="case-head"><a href="/console/handoff/${a.conversationId}">Cuộc trò chuyện qua ${CHANNEL_LABELS[a.channel] ?? a.channel}</a></div>
<div>Người hỗ trợ: ${a.staffId === o.meId ? "bạn" : a.staffId ? authorLabel(a.staffId.startsWith("platform:") ? a.staffId : `staff:${a.staffId}`, o.names) : "—"}${a.since ? html` · từ ${formatTime(a.since)}` : ""}</div>
${a.lastInboundAt ? html`<div class="muted small">Tin cuối của người dùng: ${formatTime(a.lastInboundAt)}</div>` : ""}</li>`,
      )}</ul>`}
</section>`;
}

/** One transcript line (also rendered by handoff.js from the JSON API, with the same classes). */
export function transcriptLine(m: TranscriptLine, names: ReadonlyMap<string, string>): SafeHtml {
  return html`<li class="${m.direction === "in" ? "msg msg-in" : "msg msg-out"}" data-id="${m.id}"><div class="msg-meta">${authorLabel(m.author, names)} · <time datetime="${m.at.toISOString()}">${formatTime(m.at)}</time>${m.status === "failed" ? html` · <strong class="danger-text">gửi lỗi</strong>` : ""}</div><div class="prewrap">${m.text}</div></li>`;
}

export interface ConversationView {
  id: string;
  channel: string;
  handoff: boolean;
  handoffStaffId: string | null;
  handoffRequestedAt: Date | null;
  handoffSince: Date | null;
  lastInboundAt: Date | null;
  locale: string;
}

/** The conversation page body. */
export function conversationBody(o: {
  conv: ConversationView;
  lines: readonly TranscriptLine[];
  names: ReadonlyMap<string, string>;
  meId: string;
  csrfToken: string;
  maxChars: number;
  flash?: string;
  error?: string;
  now: Date;
}): SafeHtml {
  const { conv } = o;
  const mine = conv.handoff && conv.handoffStaffId === o.meId;
  const other = conv.handoff && !mine;
  const okText = o.flash ? HANDOFF_FLASH_OK[o.flash] : undefined;
  const last = o.lines[o.lines.length - 1];
  const windowNote =
    conv.channel === "messenger" || conv.channel === "zalo"
      ? html`<p class="muted small">Lưu ý: ${conv.channel === "messenger" ? "Messenger chỉ cho nhân viên trả lời trong 7 ngày kể từ tin nhắn cuối của người dùng" : "Zalo chỉ cho trả lời trong khung thời gian sau tin nhắn cuối của người dùng"}; ngoài khung đó tin nhắn sẽ không gửi được.</p>`
      : "";
  const state = mine
    ? html`<strong>Bạn đang hỗ trợ</strong>${conv.handoffSince ? html` từ ${formatTime(conv.handoffSince)}` : ""}. Trợ lý tự động đang im lặng.`
    : other
      ? html`<strong>Đang do ${conv.handoffStaffId ? authorLabel(conv.handoffStaffId.startsWith("platform:") ? conv.handoffStaffId : `staff:${conv.handoffStaffId}`, o.names) : "người khác"} hỗ trợ.</strong>`
      : conv.handoffRequestedAt
        ? html`<strong>Đang chờ nhân viên</strong> từ ${formatTime(conv.handoffRequestedAt)} (${Math.max(0, Math.floor((o.now.getTime() - conv.handoffRequestedAt.getTime()) / 60_000))} phút).`
        : html`Trợ lý tự động đang trả lời.`;
  return html`<p><a href="/console/handoff">« Hàng đợi hỗ trợ</a></p>
<h1>Cuộc trò chuyện qua ${CHANNEL_LABELS[conv.channel] ?? conv.channel}</h1>
${okText ? html`<p class="notice ok" role="status">${okText}</p>` : ""}
${o.error ? html`<p class="notice error" role="alert">${o.error}</p>` : ""}
<p id="conv-state">${state}</p>
<p class="muted small">Việc xem nội dung cuộc trò chuyện được ghi vào nhật ký truy cập.</p>
<div class="transcript-wrap" role="region" aria-label="Nội dung cuộc trò chuyện" tabindex="0">
<ol class="transcript" id="transcript" aria-live="polite" data-poll="/console/api/handoff/${conv.id}/messages" data-after="${last?.id ?? "0"}">
${o.lines.map((m) => transcriptLine(m, o.names))}
</ol></div>
${o.lines.length === 0 ? html`<p class="muted" id="transcript-empty">Chưa có tin nhắn.</p>` : ""}
<div class="actions-row">
${!conv.handoff
    ? html`<form method="post" action="/console/handoff/${conv.id}/take" class="form" id="take-form">${csrfField(o.csrfToken)}<button type="submit" class="button">Nhận hỗ trợ</button></form>`
    : ""}
${mine
    ? html`<form method="post" action="/console/handoff/${conv.id}/reply" class="form card" id="reply-form">${csrfField(o.csrfToken)}
<div class="field"><label for="reply-text">Tin nhắn gửi người dùng</label><textarea id="reply-text" name="text" required maxlength="${o.maxChars}" rows="3"></textarea></div>
${windowNote}
<button type="submit" class="button">Gửi</button>
</form>
<form method="post" action="/console/handoff/${conv.id}/hand-back" class="form" id="handback-form" data-confirm="Trả cuộc trò chuyện cho trợ lý tự động?">${csrfField(o.csrfToken)}<button type="submit" class="button secondary">Trả lại cho bot</button></form>`
    : ""}
</div>
<script src="/console/static/handoff.js" defer></script>`;
}
