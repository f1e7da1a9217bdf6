/**
 * Server-rendered HTML for the staff console. `html` escapes EVERY interpolation unless it is a SafeHtml made by
 * `html` itself or by an explicit `raw()`, so a child's name or a reporter's message can never become markup:
 * XSS-safe by construction. Rules for templates: quote every attribute with double quotes, and pass URLs that
 * come from data through `safeHref()`. No inline scripts or styles (the CSP forbids them): use /console/static/.
 */

const BRAND = Symbol("SafeHtml");

/** A fragment of trusted HTML. Only `html` and `raw` create it (the private brand stops look-alike objects). */
export class SafeHtml {
  readonly [BRAND] = true;
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Interpolation = SafeHtml | string | number | bigint | boolean | null | undefined | Date | readonly Interpolation[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml && value[BRAND] === true) return value.value;
  if (Array.isArray(value)) return value.map((v: Interpolation) => render(v)).join("");
  if (value instanceof Date) return escapeHtml(value.toISOString());
  return escapeHtml(String(value));
}

/** Tagged template: literal parts are trusted, every `${value}` is escaped (arrays are rendered item by item). */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}

/** Marks a string as trusted HTML. Never pass data that came from a user, a chat or the database. */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}

/** A URL safe for href/action: same-site paths ("/…", not "//…") and http(s) links; anything else becomes "#". */
export function safeHref(url: string): string {
  if (url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\")) return url;
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : "#";
  } catch {
    return "#";
  }
}

export interface NavItem {
  id: string;
  title: string;
  href: string;
}

export interface LayoutOptions {
  title: string;
  body: SafeHtml;
  /** null on the sign-in page: no navigation, no sign-out. */
  staff?: { displayName: string; roleLabel: string } | null;
  nav?: readonly NavItem[];
  /** id of the nav item to mark as the current page */
  current?: string;
  /** the session's CSRF token, for the sign-out form */
  csrfToken?: string;
}

const dateFmt = new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", dateStyle: "short", timeStyle: "medium" });
/** Formats a time in Vietnam's time zone for display. */
export function formatTime(d: Date): string {
  return dateFmt.format(d);
}

/** A hidden `_csrf` field for POST forms (the server refuses state-changing requests without it). */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** The whole page: skip link, header with navigation and sign-out, main content, emergency footer. */
export function layout(o: LayoutOptions): SafeHtml {
  const nav = o.staff
    ? html`<nav class="nav" aria-label="Điều hướng chính"><ul>
${(o.nav ?? []).map((item) => html`<li><a href="${safeHref(item.href)}"${item.id === o.current ? raw(' aria-current="page"') : ""}>${item.title}</a></li>`)}
<li><form method="post" action="/console/logout" class="nav-logout">${csrfField(o.csrfToken ?? "")}<button type="submit" class="link-button">Đăng xuất</button></form></li>
</ul></nav>`
    : "";
  return html`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${o.title} · Cầu Nối</title>
<link rel="stylesheet" href="/console/static/console.css">
<script src="/console/static/console.js" defer></script>
</head>
<body>
<a class="skip-link" href="#main">Bỏ qua, đến nội dung chính</a>
<header class="site-header">
<div class="bar"><a class="brand" href="/console">Cầu Nối</a>${o.staff ? html`<span class="who">${o.staff.displayName} · ${o.staff.roleLabel}</span>` : ""}</div>
${nav}
</header>
<main id="main" tabindex="-1">
${o.body}
</main>
<footer class="site-footer"><p>Trẻ em gặp nguy hiểm: gọi <a href="tel:111">111</a> (miễn phí, 24/7) hoặc 113.</p></footer>
</body>
</html>`;
}
