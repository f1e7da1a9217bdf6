/** Directory pages: provinces and communes (2025), their escalation recipients, the escalation settings, the recipient form. */
import type { CommuneHit, ProvinceHit } from "../../../flows/ports.js";
import { CHANNELS } from "../../../messaging/channels.js";
import { roleLabel } from "../../../staff/permissions.js";
import { csrfField, formatTime, html, raw, type SafeHtml } from "./layout.js";

export interface UnitRow {
  code: string;
  name: string;
  fullName: string;
  type: string;
  recipients: number;
}

export interface RecipientRow {
  id: string;
  username: string;
  displayName: string;
  role: string;
  escalationLevel: string | null;
  provinceCodes: string[];
  communeCodes: string[];
  active: boolean;
  channels: { channel: string; userId: string }[];
}

export const LEVEL_LABELS: Record<string, string> = { commune: "Cấp xã", province: "Cấp tỉnh", hotline: "Tổng đài 111" };
export const RECIPIENT_ROLES = ["commune_worker", "province_officer", "hotline"] as const;

/** "telegram ••••6789" for people who may not see the full chat id. */
function channelText(c: { channel: string; userId: string }, full: boolean): string {
  return full ? `${c.channel}: ${c.userId}` : `${c.channel} ••••${c.userId.slice(-4)}`;
}

function recipientsTable(rows: readonly RecipientRow[], canEdit: boolean): SafeHtml {
  if (rows.length === 0) return html`<p class="notice">Chưa có cán bộ nhận thông báo.</p>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Cán bộ nhận thông báo"><table>
<thead><tr><th scope="col">Họ tên</th><th scope="col">Vai trò</th><th scope="col">Cấp nhận báo</th><th scope="col">Kênh thông báo</th><th scope="col">Hoạt động</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><th scope="row"><a href="${`/console/directory/staff/${r.id}`}">${r.displayName}</a></th><td>${roleLabel(r.role)}</td><td>${r.escalationLevel ? (LEVEL_LABELS[r.escalationLevel] ?? r.escalationLevel) : "—"}</td><td>${r.channels.length === 0 ? html`<span class="danger-text">Chưa có (không nhận được báo)</span>` : r.channels.map((c, i) => html`${i > 0 ? ", " : ""}${channelText(c, canEdit)}`)}</td><td>${r.active ? "Có" : "Không"}</td></tr>`)}</tbody>
</table></div>`;
}

/** The directory home: search, provinces, escalation settings. */
export function directoryHome(o: {
  q: string;
  provinceHits: readonly ProvinceHit[];
  communeHits: readonly CommuneHit[];
  provinces: readonly UnitRow[];
  timeouts: { immediate: number; high: number; other: number };
  canEdit: boolean;
  selfId: string;
  csrf: string;
}): SafeHtml {
  return html`<h1>Danh bạ</h1>
<form method="get" action="/console/directory" class="form inline" role="search" aria-label="Tìm tỉnh, xã">
<div class="field"><label for="d-q">Tìm tỉnh/thành, xã/phường (tên mới hoặc tên trước sáp nhập)</label><input id="d-q" name="q" type="text" maxlength="120" value="${o.q}"></div>
<button type="submit" class="button">Tìm</button>
</form>
${o.q
    ? html`<section class="card" aria-labelledby="res-h"><h2 id="res-h">Kết quả tìm "${o.q}"</h2>
${o.provinceHits.length + o.communeHits.length === 0 ? html`<p class="notice">Không tìm thấy.</p>` : ""}
<ul>${o.provinceHits.map((p) => html`<li><a href="${`/console/directory/provinces/${p.code}`}">${p.name}</a> (${p.code})</li>`)}
${o.communeHits.map((c) => html`<li><a href="${`/console/directory/communes/${c.code}`}">${c.fullName}</a>, ${c.provinceName} (${c.code})${c.via === "old_name" && c.oldName ? html` <span class="muted small">— trước đây: ${c.oldName}${c.partial ? " (một phần)" : ""}</span>` : ""}</li>`)}</ul></section>`
    : ""}
<section class="card" aria-labelledby="esc-h"><h2 id="esc-h">Chuyển tin và thời hạn xác nhận</h2>
<p>Tin báo mới được gửi tới cán bộ cấp xã và Tổng đài 111; nếu chưa ai xác nhận sau thời hạn, tin được chuyển lên cấp tỉnh rồi Tổng đài 111.</p>
<div class="table-wrap" tabindex="0" role="region" aria-label="Thời hạn xác nhận"><table><thead><tr><th scope="col">Mức rủi ro</th><th scope="col">Thời hạn xác nhận trước khi chuyển cấp</th></tr></thead>
<tbody><tr><th scope="row">Khẩn cấp</th><td>${o.timeouts.immediate} phút</td></tr><tr><th scope="row">Cao</th><td>${o.timeouts.high} phút</td></tr><tr><th scope="row">Trung bình, thấp</th><td>${o.timeouts.other} phút</td></tr></tbody></table></div>
<p class="muted small">Cấu hình bằng biến môi trường ESCALATION_TIMEOUT_*_MIN (chỉ xem).</p></section>
<section class="card"><h2>Tài khoản chat của bạn</h2><p>Để nhận thông báo qua Telegram, Zalo hoặc Messenger, tạo mã liên kết rồi gửi cho chatbot.</p>
<form method="post" action="${`/console/directory/staff/${o.selfId}/link-code`}" class="form inline">${csrfField(o.csrf)}<button type="submit" class="button">Tạo mã liên kết</button></form></section>
${o.canEdit ? html`<p><a class="button" href="/console/directory/staff/new">Thêm cán bộ nhận thông báo</a></p>` : ""}
<section class="card" aria-labelledby="prov-h"><h2 id="prov-h">Tỉnh, thành phố (${o.provinces.length})</h2>
<div class="table-wrap" tabindex="0" role="region" aria-label="Tỉnh, thành phố"><table><thead><tr><th scope="col">Tỉnh/thành phố</th><th scope="col">Mã</th><th scope="col">Cán bộ cấp tỉnh nhận báo</th></tr></thead>
<tbody>${o.provinces.map((p) => html`<tr><th scope="row"><a href="${`/console/directory/provinces/${p.code}`}">${p.fullName}</a></th><td>${p.code}</td><td>${p.recipients}</td></tr>`)}</tbody></table></div></section>`;
}

/** One province: its communes (with how many commune workers receive alerts) and its provincial officers. */
export function provincePage(o: { province: UnitRow; communes: readonly UnitRow[]; officers: readonly RecipientRow[]; canEdit: boolean }): SafeHtml {
  const uncovered = o.communes.filter((c) => c.recipients === 0).length;
  return html`<h1>${o.province.fullName}</h1>
<p><a href="/console/directory">« Danh bạ</a></p>
<section class="card"><h2>Cán bộ cấp tỉnh</h2>${recipientsTable(o.officers, o.canEdit)}</section>
<section class="card"><h2>Xã, phường, đặc khu (${o.communes.length})</h2>
${uncovered > 0 ? html`<p class="notice">${uncovered} xã/phường chưa có cán bộ cấp xã nhận thông báo: tin báo ở đó sẽ chuyển thẳng lên cấp tỉnh.</p>` : ""}
<div class="table-wrap" tabindex="0" role="region" aria-label="Xã, phường"><table><thead><tr><th scope="col">Tên</th><th scope="col">Mã</th><th scope="col">Cán bộ cấp xã nhận báo</th></tr></thead>
<tbody>${o.communes.map((c) => html`<tr><th scope="row"><a href="${`/console/directory/communes/${c.code}`}">${c.name}</a></th><td>${c.code}</td><td>${c.recipients}</td></tr>`)}</tbody></table></div></section>`;
}

/** One commune: its workers, then who is next (provincial officers). */
export function communePage(o: { commune: UnitRow; provinceName: string; provinceCode: string; formedFrom: string; workers: readonly RecipientRow[]; officers: readonly RecipientRow[]; canEdit: boolean }): SafeHtml {
  return html`<h1>${o.commune.fullName}</h1>
<p><a href="${`/console/directory/provinces/${o.provinceCode}`}">« ${o.provinceName}</a></p>
${o.formedFrom ? html`<p class="muted">Hình thành từ: ${o.formedFrom}</p>` : ""}
<section class="card"><h2>Cán bộ bảo vệ trẻ em cấp xã</h2>${recipientsTable(o.workers, o.canEdit)}</section>
<section class="card"><h2>Cấp tỉnh (nhận khi cấp xã chưa xác nhận)</h2>${recipientsTable(o.officers, o.canEdit)}</section>`;
}

/** A staff member's directory entry, the edit form (directory.edit) and the link-code button. */
export function staffPage(o: {
  staff: RecipientRow | null;
  canEdit: boolean;
  editable: boolean;
  canLink: boolean;
  csrf: string;
  problems?: readonly string[];
  values?: Partial<Record<string, string>>;
  linkCode?: { command: string; expiresAt: Date };
  saved?: boolean;
}): SafeHtml {
  const s = o.staff;
  const v = o.values ?? {};
  const val = (k: string, d: string) => v[k] ?? d;
  const channelsText = s ? s.channels.map((c) => `${c.channel}:${c.userId}`).join("\n") : "";
  const level = val("escalationLevel", s?.escalationLevel ?? "");
  const role = val("role", s?.role ?? "commune_worker");
  const active = v.active !== undefined ? v.active === "on" : (s?.active ?? true);
  return html`<h1>${s ? s.displayName : "Thêm cán bộ nhận thông báo"}</h1>
<p><a href="/console/directory">« Danh bạ</a></p>
${o.saved ? html`<p class="notice ok" role="status">Đã lưu.</p>` : ""}
${o.problems && o.problems.length > 0 ? html`<div class="notice error" role="alert"><p>Chưa lưu được:</p><ul>${o.problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ""}
${o.linkCode
    ? html`<section class="card" aria-labelledby="lc-h"><h2 id="lc-h">Mã liên kết tài khoản chat</h2>
<p>Mở chatbot Cầu Nối trên Telegram, Zalo hoặc Messenger bằng tài khoản của cán bộ và gửi đúng dòng sau:</p>
<p><code id="link-command">${o.linkCode.command}</code></p>
<p class="muted small">Mã dùng một lần, hết hạn lúc ${formatTime(o.linkCode.expiresAt)}. Không gửi mã cho người khác.</p></section>`
    : ""}
${s
    ? html`<dl class="facts"><dt>Tên đăng nhập</dt><dd>${s.username}</dd><dt>Vai trò</dt><dd>${roleLabel(s.role)}</dd><dt>Cấp nhận báo</dt><dd>${s.escalationLevel ? (LEVEL_LABELS[s.escalationLevel] ?? s.escalationLevel) : "—"}</dd><dt>Mã tỉnh</dt><dd>${s.provinceCodes.join(", ") || "—"}</dd><dt>Mã xã</dt><dd>${s.communeCodes.join(", ") || "—"}</dd><dt>Kênh thông báo</dt><dd>${s.channels.length === 0 ? "Chưa có" : s.channels.map((c, i) => html`${i > 0 ? ", " : ""}${o.canEdit ? `${c.channel}: ${c.userId}` : `${c.channel} ••••${c.userId.slice(-4)}`}`)}</dd><dt>Hoạt động</dt><dd>${s.active ? "Có" : "Không"}</dd></dl>`
    : ""}
${s && o.canLink ? html`<form method="post" action="${`/console/directory/staff/${s.id}/link-code`}" class="form inline">${csrfField(o.csrf)}<button type="submit" class="button">Tạo mã liên kết tài khoản chat</button></form>` : ""}
${o.canEdit && o.editable
    ? html`<section class="card" aria-labelledby="edit-h"><h2 id="edit-h">${s ? "Sửa thông tin nhận thông báo" : "Thông tin cán bộ"}</h2>
<form method="post" action="${s ? `/console/directory/staff/${s.id}` : "/console/directory/staff"}" class="form">${csrfField(o.csrf)}
${s ? "" : html`<div class="field"><label for="s-username">Tên đăng nhập</label><input id="s-username" name="username" type="text" required maxlength="64" autocapitalize="none" value="${val("username", "")}"></div>`}
<div class="field"><label for="s-name">Họ tên</label><input id="s-name" name="displayName" type="text" required maxlength="120" value="${val("displayName", s?.displayName ?? "")}"></div>
<div class="field"><label for="s-role">Vai trò</label><select id="s-role" name="role">${RECIPIENT_ROLES.map((r) => html`<option value="${r}"${role === r ? raw(" selected") : ""}>${roleLabel(r)}</option>`)}</select></div>
<div class="field"><label for="s-level">Cấp nhận báo</label><select id="s-level" name="escalationLevel"><option value="">Không nhận báo</option>${Object.entries(LEVEL_LABELS).map(([k, l]) => html`<option value="${k}"${level === k ? raw(" selected") : ""}>${l}</option>`)}</select></div>
<div class="field"><label for="s-prov">Mã tỉnh (cách nhau bằng dấu phẩy)</label><input id="s-prov" name="provinceCodes" type="text" maxlength="400" value="${val("provinceCodes", s?.provinceCodes.join(", ") ?? "")}"></div>
<div class="field"><label for="s-comm">Mã xã (cách nhau bằng dấu phẩy)</label><input id="s-comm" name="communeCodes" type="text" maxlength="2000" value="${val("communeCodes", s?.communeCodes.join(", ") ?? "")}"></div>
<div class="field"><label for="s-ch">Kênh thông báo, mỗi dòng một kênh: kênh:mã người dùng (kênh: ${CHANNELS.join(", ")})</label><textarea id="s-ch" name="notifyChannels" rows="3">${val("notifyChannels", channelsText)}</textarea></div>
<div class="radio"><input id="s-active" name="active" type="checkbox"${active ? raw(" checked") : ""}><label for="s-active">Đang hoạt động</label></div>
<input type="hidden" name="activePresent" value="1">
<button type="submit" class="button">Lưu</button>
</form>${s ? "" : html`<p class="muted small">Tài khoản mới chưa đăng nhập được cho tới khi quản trị viên đặt mật khẩu.</p>`}</section>`
    : s && o.canEdit ? html`<p class="muted">Vai trò này không quản lý ở danh bạ.</p>` : ""}`;
}
