/**
 * Case pages of the console: the queue (risk, then deadline; overdue marked in words, not only colour) and one
 * case (summary, deadlines, private fields or the "hidden" notice, escalations, action forms, timeline).
 * Pure functions of their inputs; `html` escapes every value.
 */
import { CASE_STATUSES, CASE_TRANSITIONS, RISK_LEVELS, type CaseStatus, type RiskLevel } from "../../../cases/types.js";
import {
  CHANNEL_LABELS,
  categoryLabel,
  currentDeadline,
  DEADLINE_LABELS,
  ESCALATION_STATUS_LABELS,
  LEVEL_LABELS,
  riskLabel,
  STATUS_HINTS,
  STATUS_LABELS,
  statusLabel,
  type DeadlineKind,
} from "../cases-labels.js";
import type { CaseSummary, EscalationView, PrivateFields, QueueRow, TimelineEvent } from "../cases-data.js";
import { authorLabel, type TranscriptLine } from "../handoff-data.js";
import { csrfField, formatTime, html, raw, type SafeHtml } from "./layout.js";

export const HIDDEN_TEXT = "Ẩn — chỉ cán bộ có thẩm quyền được xem";

/** Messages shown after an action (by code from the redirect; unknown codes show nothing). */
export const CASE_FLASH_OK: Readonly<Record<string, string>> = {
  status: "Đã chuyển trạng thái hồ sơ.",
  risk: "Đã cập nhật mức độ nguy hiểm.",
  assign: "Đã giao hồ sơ.",
  note: "Đã thêm ghi chú.",
  attachment: "Đã ghi nhận tệp đính kèm.",
  ack: "Đã xác nhận nhận hồ sơ.",
};
export const CASE_FLASH_ERROR: Readonly<Record<string, string>> = {
  reason_required: "Cần ghi lý do.",
  not_allowed: "Bước chuyển này không được phép theo quy trình (Nghị định 56/2017).",
  unchanged: "Mức độ không thay đổi.",
  staff_not_found: "Không tìm thấy cán bộ được chọn, hoặc tài khoản không còn hoạt động.",
  out_of_scope: "Cán bộ được chọn không phụ trách địa bàn của hồ sơ.",
  empty: "Nội dung trống.",
  invalid: "Dữ liệu gửi lên không hợp lệ.",
  already: "Hồ sơ đã được xác nhận trước đó.",
  closed: "Hồ sơ đã đóng.",
};

export interface Viewer {
  canUpdateStatus: boolean;
  canChangeRisk: boolean;
  canAssign: boolean;
  canNote: boolean;
  canViewPrivate: boolean;
  csrfToken: string;
  staffId: string;
}

function deadlineCell(at: Date | null, now: Date, kind?: DeadlineKind): SafeHtml {
  if (!at) return html`<span class="muted">—</span>`;
  const overdue = at.getTime() < now.getTime();
  return html`<span class="${overdue ? "deadline overdue" : "deadline"}">${kind ? html`${DEADLINE_LABELS[kind]}: ` : ""}<time datetime="${at.toISOString()}">${formatTime(at)}</time>${overdue ? html` <strong class="badge danger">Quá hạn</strong>` : ""}</span>`;
}

function riskBadge(risk: string): SafeHtml {
  return html`<span class="badge risk-${risk}">${riskLabel(risk)}</span>`;
}

function placeText(names: ReadonlyMap<string, string>, communeCode: string | null, provinceCode: string | null): string {
  const commune = communeCode ? names.get(communeCode) ?? communeCode : null;
  const province = provinceCode ? names.get(provinceCode) ?? provinceCode : null;
  if (commune && province && !commune.includes(province)) return `${commune}, ${province}`;
  return commune ?? province ?? "Chưa rõ địa bàn";
}

/** The queue page: filters, then one row per case (code, category, place, risk, status, current deadline). */
export function queueBody(o: {
  rows: readonly QueueRow[];
  truncated: boolean;
  now: Date;
  units: ReadonlyMap<string, string>;
  staffNames: ReadonlyMap<string, string>;
  filter: { status?: CaseStatus; risk?: RiskLevel };
  meId: string;
}): SafeHtml {
  const overdue = o.rows.filter((r) => {
    const d = currentDeadline(r);
    return d !== null && d.at.getTime() < o.now.getTime();
  }).length;
  return html`<h1>Hồ sơ</h1>
<form method="get" action="/console/cases" class="form inline" role="search" aria-label="Lọc hồ sơ">
<div class="field"><label for="f-status">Trạng thái</label><select id="f-status" name="status">
<option value="">Đang mở (chưa đóng)</option>
${CASE_STATUSES.map((s) => html`<option value="${s}"${o.filter.status === s ? raw(" selected") : ""}>${STATUS_LABELS[s]}</option>`)}
</select></div>
<div class="field"><label for="f-risk">Mức độ</label><select id="f-risk" name="risk">
<option value="">Tất cả</option>
${RISK_LEVELS.map((r) => html`<option value="${r}"${o.filter.risk === r ? raw(" selected") : ""}>${riskLabel(r)}</option>`)}
</select></div>
<button type="submit" class="button">Lọc</button> <a href="/console/cases">Bỏ lọc</a>
</form>
<p>${o.rows.length} hồ sơ${overdue > 0 ? html` · <strong class="danger-text">${overdue} quá hạn</strong>` : ""}. Sắp xếp theo mức độ, rồi thời hạn gần nhất.</p>
${o.truncated ? html`<p class="notice">Chỉ hiện ${o.rows.length} hồ sơ đầu tiên; dùng bộ lọc để thu hẹp.</p>` : ""}
${o.rows.length === 0
    ? html`<p class="notice">Không có hồ sơ nào.</p>`
    : html`<ul class="case-list">
${o.rows.map((r) => {
      const d = currentDeadline(r);
      const late = d !== null && d.at.getTime() < o.now.getTime();
      return html`<li class="${late ? "case-item overdue" : "case-item"}">
<div class="case-head"><a class="case-code" href="/console/cases/${r.id}">${r.code}</a> ${riskBadge(r.riskLevel)}${r.acknowledgedAt ? "" : html` <span class="badge warn">Chưa xác nhận</span>`}</div>
<div>${categoryLabel(r.category)} · ${placeText(o.units, r.communeCode, r.provinceCode)}</div>
<div>Trạng thái: <strong>${statusLabel(r.status)}</strong>${r.assignedStaffId ? html` · Phụ trách: ${r.assignedStaffId === o.meId ? "bạn" : o.staffNames.get(r.assignedStaffId) ?? "—"}` : html` · <span class="muted">Chưa giao</span>`}</div>
<div>${d ? deadlineCell(d.at, o.now, d.kind) : html`<span class="muted">Không có thời hạn đang chạy</span>`}</div>
<div class="muted small">Tiếp nhận: ${formatTime(r.receivedAt)}</div>
</li>`;
    })}
</ul>`}`;
}

function flash(ok: string | undefined, err: string | undefined): SafeHtml {
  const okText = ok ? CASE_FLASH_OK[ok] : undefined;
  const errText = err ? CASE_FLASH_ERROR[err] : undefined;
  return html`${okText ? html`<p class="notice ok" role="status">${okText}</p>` : ""}${errText ? html`<p class="notice error" role="alert">${errText}</p>` : ""}`;
}

function privateSection(p: PrivateFields | null): SafeHtml {
  if (!p) {
    return html`<section aria-labelledby="private-title" class="card"><h2 id="private-title">Thông tin bảo mật</h2>
<p class="notice" id="private-hidden">${HIDDEN_TEXT}</p></section>`;
  }
  const row = (label: string, value: string | null) => html`<dt>${label}</dt><dd>${value ?? html`<span class="muted">Không có</span>`}</dd>`;
  return html`<section aria-labelledby="private-title" class="card private"><h2 id="private-title">Thông tin bảo mật</h2>
<p class="muted small">Lần xem này đã được ghi vào nhật ký truy cập. Không chụp, chép hay chia sẻ ra ngoài hệ thống.</p>
<dl class="facts">
${row("Họ tên trẻ", p.childName)}
${row("Người báo tin", p.reporterName)}
${row("Số điện thoại người báo tin", p.reporterPhone)}
${row("Địa chỉ, nơi xảy ra", p.address)}
${row("Vị trí chia sẻ", p.location ? `${p.location.lat.toFixed(5)}, ${p.location.lng.toFixed(5)}` : null)}
</dl>
<h3>Nội dung tin báo</h3>
<p class="prewrap" id="case-description">${p.description ?? html`<span class="muted">Không có</span>`}</p>
<h3>Tệp đính kèm</h3>
${p.attachments.length === 0 ? html`<p class="muted">Không có.</p>` : html`<ul>${p.attachments.map((a) => html`<li>${a.label} <span class="muted small">(${a.addedBy === "reporter" ? "người báo tin" : "cán bộ"}, ${formatTime(a.at)})</span></li>`)}</ul>`}
</section>`;
}

function eventLine(e: TimelineEvent, names: ReadonlyMap<string, string>): SafeHtml {
  const d = e.data;
  const s = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : "");
  const n = (k: string) => (typeof d[k] === "number" ? (d[k] as number) : 0);
  const who = authorLabel(e.actor, names);
  let what: SafeHtml;
  switch (e.type) {
    case "received":
      what = html`Tiếp nhận tin báo qua ${CHANNEL_LABELS[s("channel")] ?? s("channel")}${s("riskLevel") ? html`, mức độ ${riskLabel(s("riskLevel"))}` : ""}${d.anonymous === true ? " (ẩn danh)" : ""}`;
      break;
    case "escalation_sent":
      what = html`Đã gửi thông báo tới ${LEVEL_LABELS[s("level")] ?? s("level")} (${n("recipients")} người nhận, lần ${n("attempt")})${s("dueAt") ? html`, hạn xác nhận ${formatTime(new Date(s("dueAt")))}` : ""}`;
      break;
    case "escalation_skipped":
      what = html`Không có người nhận liên lạc được ở ${LEVEL_LABELS[s("level")] ?? s("level")}`;
      break;
    case "escalation_timeout":
      what = html`Quá hạn xác nhận ở ${LEVEL_LABELS[s("level")] ?? s("level")}: chuyển lên cấp trên`;
      break;
    case "escalation_unrouted":
      what = html`<strong>Không liên lạc được với ai để báo hồ sơ này</strong> (sẽ thử lại)`;
      break;
    case "escalation_exhausted":
      what = html`<strong>Tổng đài 111 chưa xác nhận sau nhiều lần nhắc</strong>`;
      break;
    case "acknowledged":
      what = html`${who} xác nhận đã nhận hồ sơ (${LEVEL_LABELS[s("level")] ?? "trên hệ thống"}${s("channel") ? html`, qua ${CHANNEL_LABELS[s("channel")] ?? s("channel")}` : ""})`;
      break;
    case "status_changed":
      what = html`${who} chuyển trạng thái: ${statusLabel(s("from"))} → <strong>${statusLabel(s("to"))}</strong>`;
      break;
    case "risk_changed":
      what = html`${who} đổi mức độ: ${riskLabel(s("from"))} → <strong>${riskLabel(s("to"))}</strong>`;
      break;
    case "assigned":
      what = html`${who} giao hồ sơ cho ${names.get(s("to")) ?? "cán bộ"}`;
      break;
    case "note":
      what = html`${who} ghi chú`;
      break;
    case "reporter_added":
      what = html`Người báo tin bổ sung thông tin${s("channel") ? html` (qua ${CHANNEL_LABELS[s("channel")] ?? s("channel")})` : ""}`;
      break;
    case "attachment":
      what = html`${who} thêm ${n("count") || 1} tệp đính kèm`;
      break;
    default:
      what = html`${e.type} (${who})`;
  }
  const text = e.hasText ? (e.text !== null ? html`<div class="prewrap event-text">${e.text}</div>` : html`<div class="muted small">${HIDDEN_TEXT}</div>`) : "";
  return html`<li class="event event-${e.type}"><time datetime="${e.at.toISOString()}">${formatTime(e.at)}</time> <span class="event-what">${what}</span>${text}</li>`;
}

function messageLine(m: TranscriptLine, names: ReadonlyMap<string, string>): SafeHtml {
  return html`<li class="event event-message ${m.direction === "in" ? "msg-in" : "msg-out"}"><time datetime="${m.at.toISOString()}">${formatTime(m.at)}</time> <span class="event-what">Tin nhắn · ${authorLabel(m.author, names)}</span><div class="prewrap event-text">${m.text}</div></li>`;
}

function actionForms(c: CaseSummary, v: Viewer, assignees: readonly { id: string; label: string }[]): SafeHtml {
  const next = CASE_TRANSITIONS[c.status];
  const base = `/console/cases/${c.id}`;
  // Closing is irreversible (no step leaves "closed"), so it has its own form that asks for confirmation.
  const steps = next.filter((s) => s !== "closed");
  const statusForm = v.canUpdateStatus
    ? next.length === 0
      ? html`<p class="muted">Hồ sơ đã đóng: không còn bước tiếp theo.</p>`
      : html`${steps.length === 0
          ? ""
          : html`<form method="post" action="${base}/status" class="form card" id="status-form">${csrfField(v.csrfToken)}
<h3>Chuyển bước xử lý</h3>
<fieldset><legend>Bước tiếp theo</legend>
${steps.map((s, i) => html`<div class="radio"><input type="radio" id="to-${s}" name="to" value="${s}" required${i === 0 ? raw(" checked") : ""}><label for="to-${s}">${STATUS_LABELS[s]}</label></div>`)}
</fieldset>
<div class="field"><label for="status-reason">Lý do, căn cứ (bắt buộc)</label><textarea id="status-reason" name="reason" required maxlength="2000" rows="3"></textarea></div>
<button type="submit" class="button">Chuyển bước</button>
</form>`}${next.includes("closed")
          ? html`<form method="post" action="${base}/status" class="form card" id="close-form" data-confirm="Đóng hồ sơ? Sau khi đóng, hồ sơ không thể mở lại.">${csrfField(v.csrfToken)}
<h3>Đóng hồ sơ</h3>
<input type="hidden" name="to" value="closed">
<p class="muted small">${c.status === "verifying" ? "Khi xác minh cho thấy tin báo không đúng sự thật, hoặc trẻ không cần hỗ trợ." : "Khi trẻ đã an toàn, ổn định (Điều 32 NĐ 56/2017)."}</p>
<div class="field"><label for="close-reason">Lý do đóng hồ sơ (bắt buộc)</label><textarea id="close-reason" name="reason" required maxlength="2000" rows="3"></textarea></div>
<button type="submit" class="button">Đóng hồ sơ</button>
</form>`
          : ""}`
    : "";
  const riskForm = v.canChangeRisk
    ? html`<form method="post" action="${base}/risk" class="form card" id="risk-form">${csrfField(v.csrfToken)}
<h3>Đổi mức độ nguy hiểm</h3>
<div class="field"><label for="risk-to">Mức độ mới</label><select id="risk-to" name="to">${RISK_LEVELS.map((r) => html`<option value="${r}"${r === c.riskLevel ? raw(" selected") : ""}>${riskLabel(r)}</option>`)}</select></div>
<div class="field"><label for="risk-reason">Lý do (bắt buộc)</label><textarea id="risk-reason" name="reason" required maxlength="2000" rows="2"></textarea></div>
<button type="submit" class="button">Cập nhật mức độ</button>
</form>`
    : "";
  const assignForm = v.canAssign
    ? html`<form method="post" action="${base}/assign" class="form card" id="assign-form">${csrfField(v.csrfToken)}
<h3>Giao hồ sơ</h3>
${assignees.length === 0
        ? html`<p class="muted">Không có cán bộ nào phụ trách địa bàn này.</p>`
        : html`<div class="field"><label for="assignee">Cán bộ phụ trách</label><select id="assignee" name="staffId">${assignees.map((a) => html`<option value="${a.id}"${a.id === c.assignedStaffId ? raw(" selected") : ""}>${a.label}</option>`)}</select></div>
<button type="submit" class="button">Giao hồ sơ</button>`}
</form>`
    : "";
  const noteForm = v.canNote
    ? html`<form method="post" action="${base}/note" class="form card" id="note-form">${csrfField(v.csrfToken)}
<h3>Thêm ghi chú</h3>
<div class="field"><label for="note-text">Ghi chú (được mã hoá, chỉ cán bộ có thẩm quyền xem)</label><textarea id="note-text" name="text" required maxlength="4000" rows="3"></textarea></div>
<button type="submit" class="button">Lưu ghi chú</button>
</form>
<form method="post" action="${base}/attachment" class="form card" id="attachment-form">${csrfField(v.csrfToken)}
<h3>Ghi nhận tệp đính kèm</h3>
<p class="muted small">Ghi lại tệp, biên bản hay ảnh đang lưu ở đâu (số biên bản, nơi lưu hồ sơ giấy…). Không dán nội dung nhạy cảm vào đây nếu không cần.</p>
<div class="field"><label for="att-kind">Loại</label><select id="att-kind" name="type"><option value="file">Tệp, biên bản</option><option value="image">Ảnh</option><option value="audio">Ghi âm</option><option value="video">Video</option><option value="other">Khác</option></select></div>
<div class="field"><label for="att-note">Mô tả, nơi lưu (bắt buộc)</label><input type="text" id="att-note" name="note" required maxlength="300"></div>
<button type="submit" class="button">Ghi nhận</button>
</form>`
    : "";
  if (!statusForm && !riskForm && !assignForm && !noteForm) return html``;
  return html`<section aria-labelledby="actions-title"><h2 id="actions-title">Xử lý hồ sơ</h2><div class="actions-grid">${statusForm}${riskForm}${assignForm}${noteForm}</div></section>`;
}

/** The case page. `priv` is null when the viewer may not see private fields (the page then says they are hidden). */
export function casePageBody(o: {
  c: CaseSummary;
  now: Date;
  units: ReadonlyMap<string, string>;
  names: ReadonlyMap<string, string>;
  priv: PrivateFields | null;
  escalations: readonly EscalationView[];
  events: readonly TimelineEvent[];
  messages: readonly TranscriptLine[];
  viewer: Viewer;
  assignees: readonly { id: string; label: string }[];
  canAcknowledge: boolean;
  flash: { ok?: string; err?: string };
}): SafeHtml {
  const { c, now, viewer: v } = o;
  const d = currentDeadline(c);
  const timeline: { at: Date; line: SafeHtml }[] = [
    ...o.events.map((e) => ({ at: e.at, line: eventLine(e, o.names) })),
    ...o.messages.map((m) => ({ at: m.at, line: messageLine(m, o.names) })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  return html`<p><a href="/console/cases">« Danh sách hồ sơ</a></p>
<h1>Hồ sơ <span id="case-code">${c.code}</span></h1>
${flash(o.flash.ok, o.flash.err)}
${c.acknowledgedAt ? "" : html`<p class="notice error" role="status">Chưa ai xác nhận đã nhận hồ sơ này.</p>`}
<section class="card" aria-labelledby="summary-title"><h2 id="summary-title" class="visually-hidden">Tóm tắt</h2>
<dl class="facts">
<dt>Loại</dt><dd>${categoryLabel(c.category)}</dd>
<dt>Địa bàn</dt><dd>${c.communeCode ? o.units.get(c.communeCode) ?? c.communeCode : "Chưa rõ xã/phường"}${c.provinceCode ? html`<br><span class="muted">${o.units.get(c.provinceCode) ?? c.provinceCode}</span>` : ""}</dd>
<dt>Mức độ</dt><dd>${riskBadge(c.riskLevel)}${c.urgent ? " · Khẩn (áp dụng thời hạn 12 giờ)" : ""}</dd>
<dt>Trạng thái</dt><dd><strong id="case-status">${statusLabel(c.status)}</strong><br><span class="muted small">${STATUS_HINTS[c.status]}</span></dd>
<dt>Thời hạn hiện tại</dt><dd id="case-deadline">${d ? deadlineCell(d.at, now, d.kind) : html`<span class="muted">Không có</span>`}</dd>
<dt>Các thời hạn</dt><dd><ul class="plain">
<li>${DEADLINE_LABELS.protection}: ${c.protectionDueAt ? html`${formatTime(c.protectionDueAt)}${c.protectedAt ? html` <span class="muted">(đã bảo vệ lúc ${formatTime(c.protectedAt)})</span>` : ""}` : "không áp dụng"}</li>
<li>${DEADLINE_LABELS.plan}: ${c.planDueAt ? formatTime(c.planDueAt) : "—"}</li>
<li>${DEADLINE_LABELS.approval}: ${c.approvalDueAt ? formatTime(c.approvalDueAt) : "—"}</li>
</ul></dd>
<dt>Tiếp nhận</dt><dd>${formatTime(c.receivedAt)}${c.reporterChannel ? html` qua ${CHANNEL_LABELS[c.reporterChannel] ?? c.reporterChannel}` : ""}${c.anonymous ? " · ẩn danh" : ""}${c.reporterIsChild ? " · trẻ tự báo" : ""}</dd>
<dt>Trẻ</dt><dd>${c.childAge !== null ? `${c.childAge} tuổi` : "Chưa rõ tuổi"}${c.childSex ? html` · ${({ male: "nam", female: "nữ" } as Record<string, string>)[c.childSex] ?? c.childSex}` : ""}</dd>
<dt>Người phụ trách</dt><dd>${c.assignedStaffId ? (c.assignedStaffId === v.staffId ? "Bạn" : o.names.get(c.assignedStaffId) ?? "—") : html`<span class="muted">Chưa giao</span>`}</dd>
${c.closedAt ? html`<dt>Đóng hồ sơ</dt><dd>${formatTime(c.closedAt)}</dd>` : ""}
</dl></section>
${privateSection(o.priv)}
<section aria-labelledby="esc-title"><h2 id="esc-title">Thông báo, xác nhận</h2>
${o.canAcknowledge
    ? html`<form method="post" action="/console/cases/${c.id}/acknowledge" class="form" id="ack-form">${csrfField(v.csrfToken)}<button type="submit" class="button">Xác nhận đã nhận hồ sơ</button></form>`
    : ""}
${o.escalations.length === 0
    ? html`<p class="muted">Chưa có thông báo nào.</p>`
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Bảng thông báo"><table>
<thead><tr><th scope="col">Cấp</th><th scope="col">Người nhận</th><th scope="col">Kênh</th><th scope="col">Trạng thái</th><th scope="col">Hạn xác nhận</th></tr></thead>
<tbody>${o.escalations.map((e) => html`<tr><td>${LEVEL_LABELS[e.level] ?? e.level}${e.attempt > 1 ? ` (lần ${e.attempt})` : ""}</td><td>${e.recipientStaffId ? o.names.get(e.recipientStaffId) ?? "—" : "—"}</td><td>${CHANNEL_LABELS[e.channel] ?? e.channel}</td><td>${ESCALATION_STATUS_LABELS[e.status] ?? e.status}${e.acknowledgedAt ? html`<br><span class="muted small">${formatTime(e.acknowledgedAt)}</span>` : ""}</td><td>${formatTime(e.dueAt)}</td></tr>`)}</tbody>
</table></div>`}
</section>
${actionForms(c, v, o.assignees)}
<section aria-labelledby="timeline-title"><h2 id="timeline-title">Diễn biến</h2>
${v.canViewPrivate ? "" : html`<p class="muted small">Nội dung lý do, ghi chú và tin nhắn: ${HIDDEN_TEXT.toLowerCase()}.</p>`}
<ol class="timeline" id="timeline">${timeline.map((t) => t.line)}</ol>
</section>`;
}
