/**
 * Page bodies of the console's own screens (sign-in, home, sign-out, sections in preparation). Pure functions of
 * their inputs; `html` escapes every value.
 */
import { csrfField, html, layout, type SafeHtml } from "./layout.js";

/** The complete sign-in page (no navigation: nobody is signed in). */
export function loginPage(o: { error?: string; username?: string; next?: string | null }): SafeHtml {
  const body = html`<section class="card narrow" aria-labelledby="login-title">
<h1 id="login-title">Đăng nhập</h1>
<p class="muted">Trang dành cho cán bộ bảo vệ trẻ em và tổng đài 111.</p>
${o.error ? html`<p class="notice error" role="alert" id="login-error">${o.error}</p>` : ""}
<form method="post" action="/console/login" class="form" novalidate${o.error ? html` aria-describedby="login-error"` : ""}>
${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : ""}
<div class="field"><label for="username">Tên đăng nhập</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" value="${o.username ?? ""}"${o.username ? "" : html` autofocus`}></div>
<div class="field"><label for="password">Mật khẩu</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256"${o.username ? html` autofocus` : ""}></div>
<button type="submit" class="button">Đăng nhập</button>
</form>
<p class="muted small">Sau 5 lần nhập sai, tài khoản tạm khoá 15 phút. Quên mật khẩu: liên hệ quản trị viên.</p>
</section>`;
  return layout({ title: "Đăng nhập", body, staff: null });
}

export interface HomeSection {
  id: string;
  title: string;
  description: string;
  ready: boolean;
}

/** Home page body: who you are, your area, and the sections you can open. */
export function homeBody(o: { displayName: string; roleLabel: string; scope: string; sections: readonly HomeSection[] }): SafeHtml {
  return html`<h1>Xin chào, ${o.displayName}</h1>
<p>Vai trò: <strong>${o.roleLabel}</strong>. Phạm vi: ${o.scope}.</p>
<h2>Bạn có thể truy cập</h2>
${o.sections.length === 0
    ? html`<p class="notice">Tài khoản của bạn chưa được cấp quyền nào. Vui lòng liên hệ quản trị viên.</p>`
    : html`<ul class="cards">
${o.sections.map((s) => html`<li class="card"><h3><a href="/console/${s.id}">${s.title}</a></h3><p>${s.description}</p>${s.ready ? "" : html`<p class="muted small">Đang được xây dựng.</p>`}</li>`)}
</ul>`}
<p class="muted small">Mọi lần xem và thay đổi thông tin trẻ em đều được ghi nhật ký (Luật Bảo vệ dữ liệu cá nhân; Nghị định 56/2017).</p>`;
}

/** Body of a planned section that no module has registered yet. */
export function placeholderBody(title: string): SafeHtml {
  return html`<h1>${title}</h1><p class="notice">Mục này đang được xây dựng.</p><p><a href="/console">Về trang chính</a></p>`;
}

/** Sign-out confirmation (GET /console/logout): signing out is a POST, so a link or prefetch cannot do it. */
export function logoutBody(csrfToken: string): SafeHtml {
  return html`<h1>Đăng xuất</h1>
<form method="post" action="/console/logout" class="form">${csrfField(csrfToken)}
<p>Bạn muốn kết thúc phiên làm việc?</p>
<button type="submit" class="button">Đăng xuất</button> <a href="/console">Huỷ</a>
</form>`;
}
