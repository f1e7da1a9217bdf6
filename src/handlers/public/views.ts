/**
 * Server-rendered public pages (Vietnamese, no client script): the needs board and the transparency report.
 * Every value goes through the escaping `html` template of the console views; facility names and donor names come
 * from the public and must never become markup.
 */
import type { NeedSummary } from "../../flows/ports.js";
import { NEED_CATEGORIES, NEED_CATEGORY_LABELS } from "../../needs/types.js";
import type { GoodsFigures, GroupTotals, MoneyFigures, TransparencyReport } from "../../needs/transparency.js";
import { formatVnd } from "../../pledges/money.js";
import { html, type SafeHtml, safeHref } from "../console/views/layout.js";

export interface Province {
  code: string;
  name: string;
}

export interface Filter {
  provinceCode?: string;
  category?: string;
}

const STATUS_LABELS: Record<string, string> = {
  published: "Đang cần ủng hộ",
  partly_pledged: "Đã có một phần",
  fulfilled: "Đã đủ cam kết",
  closed: "Đã kết thúc",
};

/** Vietnamese label of a need category (unknown ids shown as they are). */
export function categoryLabel(c: string | null): string {
  if (c === null) return "Quỹ chung";
  const known = NEED_CATEGORIES.find((x) => x === c);
  return known ? NEED_CATEGORY_LABELS[known] : c;
}

const viDate = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const vnTime = new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", dateStyle: "short", timeStyle: "short" });

/** Query string for links that keep the current filter. */
export function filterQuery(f: Filter, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  if (f.provinceCode) q.set("tinh", f.provinceCode);
  if (f.category) q.set("loai", f.category);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The page frame: skip link, header with the two public pages, main, emergency footer. */
export function publicLayout(o: { title: string; current: "board" | "transparency" | null; body: SafeHtml }): SafeHtml {
  const link = (href: string, id: "board" | "transparency", label: string) =>
    html`<li><a href="${href}"${o.current === id ? html` aria-current="page"` : ""}>${label}</a></li>`;
  return html`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${o.title} · Cầu Nối</title>
<link rel="stylesheet" href="/cong-khai.css">
</head>
<body>
<a class="skip-link" href="#main">Bỏ qua, đến nội dung chính</a>
<header class="site">
<a class="brand" href="/">Cầu Nối</a>
<nav aria-label="Trang công khai"><ul>
${link("/nhu-cau", "board", "Nhu cầu cần hỗ trợ")}
${link("/minh-bach", "transparency", "Minh bạch ủng hộ")}
<li><a href="/">Trò chuyện với Cầu Nối</a></li>
</ul></nav>
</header>
<main id="main" tabindex="-1">
${o.body}
</main>
<footer class="site"><p>Trẻ em đang gặp nguy hiểm: gọi <a href="tel:113">113</a> (công an), <a href="tel:115">115</a> (cấp cứu) hoặc <a href="tel:111">111</a> (bảo vệ trẻ em, miễn phí, 24/7).</p></footer>
</body>
</html>`;
}

function filterForm(action: string, provinces: readonly Province[], f: Filter): SafeHtml {
  return html`<form class="filter" method="get" action="${action}" role="search" aria-label="Lọc theo tỉnh và loại hỗ trợ">
<label for="tinh">Tỉnh/thành phố</label>
<select id="tinh" name="tinh"><option value="">Tất cả</option>${provinces.map((p) => html`<option value="${p.code}"${p.code === f.provinceCode ? html` selected` : ""}>${p.name}</option>`)}</select>
<label for="loai">Loại hỗ trợ</label>
<select id="loai" name="loai"><option value="">Tất cả</option>${NEED_CATEGORIES.map((c) => html`<option value="${c}"${c === f.category ? html` selected` : ""}>${NEED_CATEGORY_LABELS[c]}</option>`)}</select>
<button type="submit">Lọc</button>
</form>`;
}

function needCard(n: NeedSummary, provinceName: string): SafeHtml {
  const id = `nc-${n.code}`;
  const pct = n.amountVnd && n.amountVnd > 0 ? Math.min(100, Math.floor((n.pledgedVnd * 100) / n.amountVnd)) : null;
  return html`<li><article aria-labelledby="${id}">
<h2 id="${id}">${n.facility}</h2>
<p>${n.communeName}, ${provinceName}</p>
<dl class="facts">
<dt>Loại hỗ trợ</dt><dd>${categoryLabel(n.category)}</dd>
<dt>Cần</dt><dd>${n.quantity} ${n.unit} cho ${n.childrenCount} em</dd>
${n.amountVnd !== null ? html`<dt>Ước tính</dt><dd>${formatVnd(n.amountVnd)}</dd><dt>Đã cam kết</dt><dd>${formatVnd(n.pledgedVnd)}</dd>` : ""}
${n.neededBy ? html`<dt>Cần trước</dt><dd>${viDate(n.neededBy)}</dd>` : ""}
<dt>Trạng thái</dt><dd>${STATUS_LABELS[n.status] ?? n.status}</dd>
<dt>Mã nhu cầu</dt><dd class="code">${n.code}</dd>
</dl>
${pct !== null ? html`<label for="${id}-p">Đã cam kết ${pct}%</label> <progress id="${id}-p" max="100" value="${pct}">${pct}%</progress>` : ""}
<p><a href="/">Ủng hộ qua trò chuyện</a>: chọn “Ủng hộ / quyên góp” rồi gõ mã <span class="code">${n.code}</span>.</p>
</article></li>`;
}

/** The needs board: verified, published needs still open for donors, filtered by province and category. */
export function needsBoardPage(o: { needs: readonly NeedSummary[]; provinces: readonly Province[]; filter: Filter; limit: number }): SafeHtml {
  const names = new Map(o.provinces.map((p) => [p.code, p.name]));
  const list =
    o.needs.length === 0
      ? html`<p>Hiện chưa có nhu cầu nào đang cần ủng hộ${o.filter.provinceCode || o.filter.category ? " với bộ lọc này" : ""}. Bạn có thể ủng hộ Quỹ chung qua trò chuyện, hoặc nhận thông báo khi có nhu cầu mới.</p>`
      : html`<ul class="needs">${o.needs.map((n) => needCard(n, names.get(n.provinceCode) ?? n.provinceCode))}</ul>`;
  const more = o.needs.length >= o.limit ? html`<p>Đang hiện ${o.limit} nhu cầu gần hạn nhất; hãy lọc theo tỉnh hoặc loại hỗ trợ để xem thêm.</p>` : "";
  return publicLayout({
    title: "Nhu cầu cần hỗ trợ",
    current: "board",
    body: html`<h1>Nhu cầu cần hỗ trợ</h1>
<p class="lead">Các nhu cầu của trẻ em ở xã đặc biệt khó khăn (Đề án 588: khám sức khỏe, bữa ăn dinh dưỡng, áo ấm, vui chơi, đồ dùng học tập) do trường, thôn hoặc xã báo và đã được cán bộ xác minh. Mọi khoản ủng hộ đều được công khai ở trang <a href="/minh-bach">Minh bạch ủng hộ</a>.</p>
${filterForm("/nhu-cau", o.provinces, o.filter)}
<p role="status">${o.needs.length} nhu cầu đang cần ủng hộ.</p>
${list}
${more}`,
  });
}

const moneyCells = (m: MoneyFigures): SafeHtml =>
  html`<td class="num">${formatVnd(m.neededVnd)}</td><td class="num">${formatVnd(m.pledgedVnd)}</td><td class="num">${formatVnd(m.receivedVnd)}</td><td class="num">${formatVnd(m.deliveredVnd)}</td>`;
const moneyHeads = html`<th scope="col" class="num">Cần</th><th scope="col" class="num">Đã cam kết</th><th scope="col" class="num">Đã nhận</th><th scope="col" class="num">Đã trao</th>`;
const goodsText = (g: readonly GoodsFigures[]): string =>
  g
    .filter((x) => x.needed + x.pledged + x.received + x.delivered > 0)
    .map((x) => `${x.unit}: cần ${x.needed}, cam kết ${x.pledged}, nhận ${x.received}, trao ${x.delivered}`)
    .join("; ");

function table(id: string, caption: string, head: SafeHtml, rows: SafeHtml[], foot: SafeHtml | null): SafeHtml {
  return html`<div class="table-wrap" role="region" aria-labelledby="${id}" tabindex="0"><table>
<caption id="${id}">${caption}</caption>
<thead><tr>${head}</tr></thead>
<tbody>${rows}</tbody>
${foot ? html`<tfoot>${foot}</tfoot>` : ""}
</table></div>`;
}

function groupTable(id: string, caption: string, firstHead: string, groups: readonly GroupTotals[], report: TransparencyReport): SafeHtml {
  return table(
    id,
    caption,
    html`<th scope="col">${firstHead}</th>${moneyHeads}<th scope="col">Hiện vật</th>`,
    groups.map((g) => html`<tr><th scope="row">${g.label}</th>${moneyCells(g)}<td>${goodsText(g.goods)}</td></tr>`),
    html`<tr><th scope="row">Tổng cộng</th>${moneyCells(report.total)}<td>${goodsText(report.total.goods)}</td></tr>`,
  );
}

/** The transparency report: totals, then tables per category, commune, need, and the donors whose gifts arrived. */
export function transparencyPage(o: { report: TransparencyReport; provinces: readonly Province[]; filter: Filter }): SafeHtml {
  const r = o.report;
  const csv = (view: string) => safeHref(`/minh-bach.csv${filterQuery(o.filter, { view })}`);
  const needsRows = r.needs.map(
    (n) =>
      html`<tr><th scope="row"><span class="code">${n.needCode ?? "—"}</span></th><td>${n.facility}</td><td>${n.communeName}</td><td>${categoryLabel(n.category)}</td><td>${n.status ? (STATUS_LABELS[n.status] ?? n.status) : "—"}</td>${moneyCells(n)}<td>${goodsText([n.goods])}</td></tr>`,
  );
  const donorRows = r.donors.map(
    (d) =>
      html`<tr><td>${d.name}</td><td class="code">${d.pledgeCode}</td><td class="code">${d.needCode ?? "Quỹ chung"}</td><td class="num">${d.amountVnd !== null ? formatVnd(d.amountVnd) : [d.quantity ?? "", " ", d.items ?? ""].join("").trim()}</td><td>${d.receivedAt ? d.receivedAt.slice(0, 10).split("-").reverse().join("/") : ""}</td></tr>`,
  );
  return publicLayout({
    title: "Minh bạch ủng hộ",
    current: "transparency",
    body: html`<h1>Minh bạch ủng hộ</h1>
<p class="lead">Số liệu tính bằng đồng, cập nhật lúc ${vnTime.format(new Date(r.generatedAt))}. “Đã cam kết” là số nhà hảo tâm đã hứa (còn hiệu lực), “Đã nhận” là tiền đã về tài khoản theo sao kê ngân hàng hoặc hiện vật đã nhận, “Đã trao” là phần đã đến tay các em. Chỉ các nhu cầu đã được xác minh và công khai mới có ở đây.</p>
${filterForm("/minh-bach", o.provinces, o.filter)}
<ul class="totals" aria-label="Tổng cộng">
<li>Cần<strong>${formatVnd(r.total.neededVnd)}</strong></li>
<li>Đã cam kết<strong>${formatVnd(r.total.pledgedVnd)}</strong></li>
<li>Đã nhận<strong>${formatVnd(r.total.receivedVnd)}</strong></li>
<li>Đã trao<strong>${formatVnd(r.total.deliveredVnd)}</strong></li>
</ul>
<h2 id="h-cat">Theo loại hỗ trợ</h2>
${groupTable("t-cat", "Tổng theo loại hỗ trợ", "Loại hỗ trợ", r.categories, r)}
<p><a href="${csv("categories")}" download>Tải CSV theo loại hỗ trợ</a></p>
<h2 id="h-com">Theo xã/phường</h2>
${groupTable("t-com", "Tổng theo xã/phường", "Xã/phường", r.communes, r)}
<p><a href="${csv("communes")}" download>Tải CSV theo xã/phường</a></p>
<h2 id="h-need">Theo từng nhu cầu</h2>
${table("t-need", "Từng nhu cầu", html`<th scope="col">Mã</th><th scope="col">Cơ sở</th><th scope="col">Xã/phường</th><th scope="col">Loại</th><th scope="col">Trạng thái</th>${moneyHeads}<th scope="col">Hiện vật</th>`, needsRows, null)}
<p><a href="${csv("needs")}" download>Tải CSV từng nhu cầu</a></p>
<h2 id="h-donor">Nhà hảo tâm</h2>
<p>Các khoản đã về (tên do nhà hảo tâm chọn, hoặc “Ẩn danh”).</p>
${r.donors.length === 0 ? html`<p>Chưa có khoản ủng hộ nào được ghi nhận đã về.</p>` : table("t-donor", "Danh sách nhà hảo tâm", html`<th scope="col">Nhà hảo tâm</th><th scope="col">Mã ủng hộ</th><th scope="col">Cho nhu cầu</th><th scope="col" class="num">Số tiền / hiện vật</th><th scope="col">Ngày nhận</th>`, donorRows, null)}
<p><a href="${csv("donors")}" download>Tải CSV nhà hảo tâm</a></p>`,
  });
}

/** A 400/404 page with the reason, in Vietnamese. */
export function errorPage(o: { title: string; reason: string; back: string }): SafeHtml {
  return publicLayout({
    title: o.title,
    current: null,
    body: html`<h1>${o.title}</h1><p class="error" role="alert">${o.reason}</p><p><a href="${safeHref(o.back)}">Quay lại</a></p>`,
  });
}
