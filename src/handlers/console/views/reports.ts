/**
 * Report pages: the period form (dates + presets), each table with a server-rendered SVG bar chart (no script, no
 * inline style: the CSP forbids both; SVG presentation attributes are allowed) and a CSV link per table.
 */
import { PERIOD_PRESETS, PRESET_LABELS, type PeriodPreset } from "../../../reports/period.js";
import type { ReportTable, StaffReport } from "../../../reports/staff-reports.js";
import type { RetentionResult } from "../../../retention/run-retention.js";
import { csrfField, formatTime, html, raw, type SafeHtml } from "./layout.js";

const numberFmt = new Intl.NumberFormat("vi-VN");
/** A cell for display: integers with Vietnamese grouping, text as is. */
function cellText(v: string | number | null): string {
  if (v === null) return "";
  return typeof v === "number" ? numberFmt.format(v) : v;
}

/** A horizontal bar chart as inline SVG (decorative copy of the table next to it, so hidden from screen readers' table flow but labelled). */
export function barChart(title: string, bars: readonly { label: string; value: number }[]): SafeHtml {
  const shown = bars.filter((b) => b.value > 0).slice(0, 40);
  if (shown.length === 0) return html``;
  const max = Math.max(...shown.map((b) => b.value));
  const rowH = 22;
  const labelW = 220;
  const barW = 360;
  const height = shown.length * rowH + 4;
  return html`<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${`Biểu đồ: ${title}`}" width="${labelW + barW + 90}" height="${height}" viewBox="0 0 ${labelW + barW + 90} ${height}" font-family="sans-serif" font-size="12">
${shown.map((b, i) => {
    const w = Math.max(1, Math.round((b.value / max) * barW));
    const y = i * rowH + 2;
    const label = b.label.length > 34 ? `${b.label.slice(0, 33)}…` : b.label;
    return html`<text x="${labelW - 6}" y="${y + 14}" text-anchor="end" fill="#222">${label}</text><rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" fill="#2b6cb0"></rect><text x="${labelW + w + 4}" y="${y + 14}" fill="#222">${cellText(b.value)}</text>`;
  })}
</svg></figure>`;
}

function tableHtml(t: ReportTable, exportHref: string | null): SafeHtml {
  return html`<section class="card report-table" id="${`t-${t.id}`}" aria-labelledby="${`h-${t.id}`}">
<h2 id="${`h-${t.id}`}">${t.title}</h2>
${barChart(t.title, t.chart)}
<div class="table-wrap" tabindex="0" role="region" aria-label="${t.title}"><table>
<thead><tr>${t.header.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${t.rows.map((r) => html`<tr>${r.map((c, i) => (i === 0 ? html`<th scope="row">${cellText(c)}</th>` : html`<td>${cellText(c)}</td>`))}</tr>`)}</tbody>
</table></div>
${t.note ? html`<p class="muted small">${t.note}</p>` : ""}
${exportHref ? html`<p><a class="button" href="${exportHref}" download data-table="${t.id}">Tải CSV</a></p>` : ""}
</section>`;
}

/** The reports page body. */
export function reportsBody(o: { report: StaffReport | null; from: string; to: string; preset: PeriodPreset | null; problem?: string; canExport: boolean; canRunRetention: boolean }): SafeHtml {
  const q = (extra: Record<string, string>) => new URLSearchParams({ from: o.from, to: o.to, ...extra }).toString();
  return html`<h1>Báo cáo</h1>
<p class="muted">Số liệu tổng hợp, không chứa thông tin cá nhân. Dùng cho báo cáo định kỳ 6 tháng và hằng năm.</p>
<form method="get" action="/console/reports" class="form inline" aria-label="Chọn kỳ báo cáo">
<div class="field"><label for="r-from">Từ ngày</label><input id="r-from" name="from" type="date" required value="${o.from}"></div>
<div class="field"><label for="r-to">Đến ngày</label><input id="r-to" name="to" type="date" required value="${o.to}"></div>
<button type="submit" class="button" id="r-submit">Xem báo cáo</button>
</form>
<p>Chọn nhanh: ${PERIOD_PRESETS.map((p, i) => html`${i > 0 ? " · " : ""}<a href="${`/console/reports?preset=${p}`}"${o.preset === p ? raw(' aria-current="true"') : ""}>${PRESET_LABELS[p]}</a>`)}</p>
${o.problem ? html`<p class="notice error" role="alert">${o.problem}</p>` : ""}
${o.report
    ? html`<p>Kỳ báo cáo: <strong>${o.report.period.from}</strong> đến <strong>${o.report.period.to}</strong>. Phạm vi: <strong>${o.report.scopeLabel}</strong>.</p>
<nav aria-label="Các bảng"><ul>${o.report.tables.map((t) => html`<li><a href="${`#t-${t.id}`}">${t.title}</a></li>`)}</ul></nav>
${o.report.tables.map((t) => tableHtml(t, o.canExport ? `/console/reports/export.csv?${q({ table: t.id })}` : null))}
${o.report.omitted.length > 0 ? html`<section class="card"><h2>Không thuộc phạm vi của bạn</h2><ul>${o.report.omitted.map((x) => html`<li>${x.title}: ${x.reason}</li>`)}</ul></section>` : ""}`
    : ""}
${o.canRunRetention ? html`<p><a href="/console/reports/retention">Thời hạn lưu trữ dữ liệu</a></p>` : ""}`;
}

export interface RetentionRunRow {
  at: Date;
  actor: string;
  details: unknown;
}

/** The retention page: settings, the "Chạy ngay" button, the last runs (from the audit log) and, after a run, its counts. */
export function retentionBody(o: { csrfToken: string; transcriptDays: number; closedCaseDays: number; runs: readonly RetentionRunRow[]; result?: RetentionResult }): SafeHtml {
  return html`<h1>Thời hạn lưu trữ dữ liệu</h1>
<ul>
<li>Nội dung tin nhắn được xoá sau <strong>${o.transcriptDays}</strong> ngày (trừ cuộc trò chuyện của người báo tin có hồ sơ chưa kết thúc).</li>
<li>Hồ sơ đã kết thúc được ẩn danh sau <strong>${o.closedCaseDays}</strong> ngày (xoá tên, số điện thoại, địa chỉ, mô tả; giữ số liệu tổng hợp).</li>
<li>Việc này chạy tự động hằng ngày lúc 02:00.</li>
</ul>
${o.result
    ? html`<p class="notice" role="status">Đã chạy: xoá nội dung ${o.result.messagesRedacted} tin nhắn, ${o.result.inboxEventsRedacted} bản ghi nhận tin, ${o.result.outboxItemsRedacted} bản ghi gửi tin; ẩn danh ${o.result.casesAnonymised} hồ sơ; giữ ${o.result.conversationsKept} cuộc trò chuyện có hồ sơ đang mở.</p>`
    : ""}
<form method="post" action="/console/reports/retention/run" class="form" data-confirm="Chạy xoá dữ liệu quá hạn ngay bây giờ? Dữ liệu đã xoá không khôi phục được.">
${csrfField(o.csrfToken)}<button type="submit" class="button">Chạy ngay</button>
</form>
<h2>Các lần chạy gần đây</h2>
${o.runs.length === 0
    ? html`<p class="muted">Chưa có lần chạy nào.</p>`
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Các lần chạy"><table><thead><tr><th scope="col">Thời gian</th><th scope="col">Người chạy</th><th scope="col">Kết quả</th></tr></thead>
<tbody>${o.runs.map((r) => html`<tr><td>${formatTime(r.at)}</td><td>${r.actor}</td><td><code>${JSON.stringify(r.details)}</code></td></tr>`)}</tbody></table></div>`}`;
}
