/** Needs & pledges pages: lists with the actions the staff member may take, and the bank statement import. */
import { NEED_CATEGORIES, NEED_CATEGORY_LABELS, NEED_STATUSES, NEED_TRANSITIONS, type NeedStatus } from "../../../needs/types.js";
import { REJECT_REASONS, type RejectReason } from "../../../needs/reject-need.js";
import type { ImportResult, UnmatchedReason } from "../../../pledges/statement-import.js";
import { PLEDGE_STATUSES, PLEDGE_TRANSITIONS, type PledgeStatus } from "../../../pledges/types.js";
import { csrfField, formatTime, html, raw, type SafeHtml } from "./layout.js";

const vnd = new Intl.NumberFormat("vi-VN");
/** "1.200.000 đ" */
export function formatDong(n: bigint | number | null): string {
  return n === null ? "" : `${vnd.format(typeof n === "bigint" ? Number(n) : n)} đ`;
}

export const NEED_STATUS_LABELS: Record<NeedStatus, string> = {
  submitted: "Chờ xác minh",
  verified: "Đã xác minh",
  published: "Đang kêu gọi",
  partly_pledged: "Đã có một phần",
  fulfilled: "Đủ cam kết",
  closed: "Đã kết thúc",
  rejected: "Từ chối",
};
export const PLEDGE_STATUS_LABELS: Record<PledgeStatus, string> = {
  pledged: "Đã đăng ký",
  received: "Đã nhận",
  delivered: "Đã trao",
  thanked: "Đã cảm ơn",
  cancelled: "Đã huỷ",
  expired: "Quá hạn",
};
export const REJECT_REASON_LABELS: Record<RejectReason, string> = {
  duplicate: "Trùng lặp",
  not_eligible: "Không đủ điều kiện",
  unverifiable: "Không xác minh được",
  other: "Lý do khác",
};
export const UNMATCHED_REASON_LABELS: Record<UnmatchedReason, string> = {
  no_code: "Nội dung không có mã ủng hộ",
  unknown_code: "Mã ủng hộ không tồn tại",
  multiple_codes: "Nhiều mã ủng hộ trong một giao dịch",
  amount_mismatch: "Số tiền khác số đã đăng ký",
  not_money_pledge: "Mã là ủng hộ hiện vật",
  pledge_not_pending: "Ủng hộ không còn chờ chuyển khoản",
};

const label = <K extends string>(map: Record<K, string>, k: string): string => (k in map ? map[k as K] : k);

export interface NeedListRow {
  code: string;
  facility: string;
  communeName: string;
  provinceCode: string;
  category: string;
  childrenCount: number;
  quantity: number;
  unit: string;
  amountVnd: bigint | null;
  status: string;
  createdAt: Date;
}

export interface PledgeListRow {
  code: string;
  needCode: string | null;
  kind: string;
  amountVnd: bigint | null;
  receivedAmountVnd: bigint | null;
  items: string | null;
  quantity: number | null;
  publicName: string | null;
  status: string;
  createdAt: Date;
  hasDonorContact: boolean;
}

const FLASH: Record<string, string> = {
  verify: "Đã xác minh nhu cầu",
  publish: "Đã đăng nhu cầu cho nhà hảo tâm",
  reject: "Đã từ chối nhu cầu",
  close: "Đã kết thúc nhu cầu",
  confirm: "Đã xác nhận nhận ủng hộ",
  deliver: "Đã ghi nhận trao ủng hộ",
  thank: "Đã ghi nhận cảm ơn",
  thank_sent: "Đã gửi lời cảm ơn tới nhà hảo tâm và ghi nhận",
};

function needActions(n: NeedListRow, csrf: string): SafeHtml {
  const to = NEED_TRANSITIONS[n.status as NeedStatus] ?? [];
  const btn = (action: string, text: string) =>
    html`<form method="post" action="${`/console/needs/needs/${n.code}/${action}`}" class="form inline">${csrfField(csrf)}<button type="submit" class="button">${text}</button></form>`;
  return html`${to.includes("verified") ? btn("verify", "Xác minh") : ""}${to.includes("published") && n.status === "verified" ? btn("publish", "Đăng") : ""}${to.includes("closed") ? btn("close", "Kết thúc") : ""}${to.includes("rejected")
    ? html`<form method="post" action="${`/console/needs/needs/${n.code}/reject`}" class="form inline">${csrfField(csrf)}<label for="${`rr-${n.code}`}" class="visually-hidden">Lý do từ chối</label><select id="${`rr-${n.code}`}" name="reason">${REJECT_REASONS.map((r) => html`<option value="${r}">${REJECT_REASON_LABELS[r]}</option>`)}</select><button type="submit" class="button secondary">Từ chối</button></form>`
    : ""}`;
}

function pledgeActions(p: PledgeListRow, csrf: string): SafeHtml {
  const to = PLEDGE_TRANSITIONS[p.status as PledgeStatus] ?? [];
  const action = (a: string) => `/console/needs/pledges/${p.code}/${a}`;
  return html`${to.includes("received")
    ? html`<form method="post" action="${action("confirm")}" class="form inline">${csrfField(csrf)}${p.kind === "money"
        ? html`<label for="${`amt-${p.code}`}" class="visually-hidden">Số tiền đã nhận (đồng)</label><input id="${`amt-${p.code}`}" name="receivedAmountVnd" type="text" inputmode="numeric" size="12" value="${p.amountVnd === null ? "" : p.amountVnd.toString()}">`
        : ""}<button type="submit" class="button">Xác nhận đã nhận</button></form>`
    : ""}${to.includes("delivered") ? html`<form method="post" action="${action("deliver")}" class="form inline">${csrfField(csrf)}<button type="submit" class="button">Đã trao tới trẻ</button></form>` : ""}${to.includes("thanked")
    ? html`<form method="post" action="${action("thank")}" class="form inline">${csrfField(csrf)}<button type="submit" class="button">${p.hasDonorContact ? "Gửi lời cảm ơn" : "Ghi nhận đã cảm ơn"}</button></form>`
    : ""}`;
}

/** The needs & pledges page. */
export function needsBody(o: {
  csrf: string;
  needs: readonly NeedListRow[];
  pledges: readonly PledgeListRow[] | null;
  needStatus: string | null;
  pledgeStatus: string | null;
  canVerify: boolean;
  canConfirm: boolean;
  canImport: boolean;
  flash: { ok: string; code: string } | null;
}): SafeHtml {
  const flash = o.flash && FLASH[o.flash.ok] ? html`<p class="notice ok" role="status">${FLASH[o.flash.ok]}: ${o.flash.code}.</p>` : "";
  return html`<h1>Nhu cầu &amp; ủng hộ</h1>
${flash}
<section class="card" aria-labelledby="needs-h">
<h2 id="needs-h">Nhu cầu</h2>
<form method="get" action="/console/needs" class="form inline" aria-label="Lọc nhu cầu">
<div class="field"><label for="f-ns">Trạng thái</label><select id="f-ns" name="needStatus"><option value="">Tất cả</option>${NEED_STATUSES.map((s) => html`<option value="${s}"${o.needStatus === s ? raw(" selected") : ""}>${NEED_STATUS_LABELS[s]}</option>`)}</select></div>
${o.pledgeStatus ? html`<input type="hidden" name="pledgeStatus" value="${o.pledgeStatus}">` : ""}
<button type="submit" class="button">Lọc</button>
</form>
${o.needs.length === 0
    ? html`<p class="notice">Không có nhu cầu nào trong phạm vi của bạn.</p>`
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Bảng nhu cầu"><table>
<thead><tr><th scope="col">Mã</th><th scope="col">Cơ sở</th><th scope="col">Xã/phường</th><th scope="col">Loại</th><th scope="col">Số lượng</th><th scope="col">Giá trị</th><th scope="col">Trạng thái</th><th scope="col">Ngày gửi</th>${o.canVerify ? html`<th scope="col">Thao tác</th>` : ""}</tr></thead>
<tbody>${o.needs.map((n) => html`<tr><th scope="row">${n.code}</th><td>${n.facility}</td><td>${n.communeName}</td><td>${(NEED_CATEGORIES as readonly string[]).includes(n.category) ? NEED_CATEGORY_LABELS[n.category as (typeof NEED_CATEGORIES)[number]] : n.category}</td><td>${n.quantity} ${n.unit} (${n.childrenCount} em)</td><td>${formatDong(n.amountVnd)}</td><td>${label(NEED_STATUS_LABELS, n.status)}</td><td>${formatTime(n.createdAt)}</td>${o.canVerify ? html`<td>${needActions(n, o.csrf)}</td>` : ""}</tr>`)}</tbody>
</table></div>`}
</section>
${o.pledges === null
    ? ""
    : html`<section class="card" aria-labelledby="pledges-h">
<h2 id="pledges-h">Ủng hộ</h2>
<form method="get" action="/console/needs" class="form inline" aria-label="Lọc ủng hộ">
${o.needStatus ? html`<input type="hidden" name="needStatus" value="${o.needStatus}">` : ""}
<div class="field"><label for="f-ps">Trạng thái</label><select id="f-ps" name="pledgeStatus"><option value="">Tất cả</option>${PLEDGE_STATUSES.map((s) => html`<option value="${s}"${o.pledgeStatus === s ? raw(" selected") : ""}>${PLEDGE_STATUS_LABELS[s]}</option>`)}</select></div>
<button type="submit" class="button">Lọc</button>
</form>
${o.pledges.length === 0
        ? html`<p class="notice">Không có khoản ủng hộ nào.</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Bảng ủng hộ"><table>
<thead><tr><th scope="col">Mã</th><th scope="col">Nhu cầu</th><th scope="col">Hình thức</th><th scope="col">Giá trị</th><th scope="col">Tên công khai</th><th scope="col">Trạng thái</th><th scope="col">Ngày đăng ký</th>${o.canConfirm ? html`<th scope="col">Thao tác</th>` : ""}</tr></thead>
<tbody>${o.pledges.map((p) => html`<tr><th scope="row">${p.code}</th><td>${p.needCode ?? "Quỹ chung"}</td><td>${p.kind === "money" ? "Tiền" : "Hiện vật"}</td><td>${p.kind === "money" ? formatDong(p.receivedAmountVnd ?? p.amountVnd) : `${p.quantity ?? ""} ${p.items ?? ""}`}</td><td>${p.publicName ?? "Ẩn danh"}</td><td>${label(PLEDGE_STATUS_LABELS, p.status)}</td><td>${formatTime(p.createdAt)}</td>${o.canConfirm ? html`<td>${pledgeActions(p, o.csrf)}</td>` : ""}</tr>`)}</tbody>
</table></div>`}
</section>`}
${o.canImport ? statementForm(o.csrf) : ""}`;
}

/** The statement import form (a textarea: the console takes form posts up to 64 KB; larger files go to the API). */
export function statementForm(csrf: string, csv = ""): SafeHtml {
  return html`<section class="card" aria-labelledby="stmt-h">
<h2 id="stmt-h">Nhập sao kê ngân hàng</h2>
<p class="muted small">Dán nội dung tệp CSV sao kê (cột Ngày, Số tiền, Nội dung; có thể có Mã giao dịch). Giao dịch có mã ủng hộ (UH-…) và đúng số tiền sẽ được xác nhận tự động; nhập lại cùng sao kê không tạo trùng. Tối đa khoảng 60 KB mỗi lần; tệp lớn hơn hãy chia theo tuần hoặc gửi qua API <code>POST /console/api/needs/statements</code> (text/csv).</p>
<form method="post" action="/console/needs/statements" class="form">${csrfField(csrf)}
<div class="field"><label for="stmt-csv">Nội dung CSV</label><textarea id="stmt-csv" name="csv" rows="8" required>${csv}</textarea></div>
<button type="submit" class="button">Nhập sao kê</button>
</form>
</section>`;
}

/** The result of a statement import: matched, unmatched (with reasons), duplicates, errors. */
export function statementResultBody(r: ImportResult, csrf: string): SafeHtml {
  return html`<h1>Kết quả nhập sao kê</h1>
<p class="notice ok" role="status">Khớp: <strong id="n-matched">${r.matched.length}</strong> · Chưa khớp: <strong id="n-unmatched">${r.unmatched.length}</strong> · Trùng (đã nhập trước): <strong id="n-duplicates">${r.duplicates.length}</strong> · Lỗi: <strong id="n-errors">${r.errors.length}</strong></p>
${r.errors.length > 0
    ? html`<section class="card" aria-labelledby="err-h"><h2 id="err-h">Dòng lỗi</h2><ul>${r.errors.map((e) => html`<li>${e.line > 0 ? `Dòng ${e.line}: ` : ""}${e.reason}</li>`)}</ul></section>`
    : ""}
${r.matched.length > 0
    ? html`<section class="card" aria-labelledby="m-h"><h2 id="m-h">Đã khớp và xác nhận</h2><div class="table-wrap" tabindex="0" role="region" aria-label="Giao dịch đã khớp"><table><thead><tr><th scope="col">Dòng</th><th scope="col">Mã ủng hộ</th><th scope="col">Nhu cầu</th><th scope="col">Số tiền</th></tr></thead>
<tbody>${r.matched.map((m) => html`<tr><td>${m.line}</td><th scope="row">${m.pledgeCode}</th><td>${m.needCode ?? "Quỹ chung"}</td><td>${formatDong(m.amountVnd)}</td></tr>`)}</tbody></table></div></section>`
    : ""}
${r.unmatched.length > 0
    ? html`<section class="card" aria-labelledby="u-h"><h2 id="u-h">Chưa khớp (cần đối chiếu thủ công)</h2><div class="table-wrap" tabindex="0" role="region" aria-label="Giao dịch chưa khớp"><table><thead><tr><th scope="col">Dòng</th><th scope="col">Ngày</th><th scope="col">Số tiền</th><th scope="col">Lý do</th><th scope="col">Mã tìm thấy</th><th scope="col">Số đã đăng ký</th><th scope="col">Nội dung chuyển khoản</th></tr></thead>
<tbody>${r.unmatched.map((u) => html`<tr><td>${u.line}</td><td>${formatTime(u.bookedAt)}</td><td>${formatDong(u.amountVnd)}</td><td>${UNMATCHED_REASON_LABELS[u.reason]}</td><td>${u.pledgeCode ?? ""}</td><td>${u.expectedVnd === null ? "" : formatDong(u.expectedVnd)}</td><td>${u.note}</td></tr>`)}</tbody></table></div></section>`
    : ""}
${r.duplicates.length > 0 ? html`<section class="card" aria-labelledby="d-h"><h2 id="d-h">Đã nhập trước đó (bỏ qua)</h2><p>Dòng: ${r.duplicates.map((d) => d.line).join(", ")}</p></section>` : ""}
${statementForm(csrf)}
<p><a href="/console/needs">Về danh sách nhu cầu &amp; ủng hộ</a></p>`;
}
