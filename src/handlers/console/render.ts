/**
 * Sending console pages: wraps a body in the layout with the navigation the signed-in staff member may use,
 * and maps errors to a page or a JSON body once (architecture.md principle 11).
 */
import type { Request, Response } from "express";
import { AppError, ERROR_STATUS } from "../../errors.js";
import { hasPermission, roleLabel } from "../../staff/permissions.js";
import { consoleContext, isApiRequest, type RegisteredSection } from "./context.js";
import { html, layout, type NavItem, type SafeHtml } from "./views/layout.js";

export interface PageOptions {
  title: string;
  body: SafeHtml;
  status?: number;
  /** id of the nav section this page belongs to */
  current?: string;
}

/** The sections the signed-in staff member may open, in navigation order. */
export function visibleSections(req: Request): RegisteredSection[] {
  const ctx = consoleContext(req);
  const staff = req.staffSession?.staff;
  if (!staff) return [];
  return [...ctx.sections.values()].filter((s) => hasPermission(staff, s.permission)).sort((a, b) => a.order - b.order);
}

/** Renders a full console page (layout + navigation for the signed-in staff member) and sends it. */
export function renderPage(req: Request, res: Response, page: PageOptions): void {
  const session = req.staffSession;
  const nav: NavItem[] = visibleSections(req).map((s) => ({ id: s.id, title: s.title, href: `/console/${s.id}` }));
  const doc = layout({
    title: page.title,
    body: page.body,
    staff: session ? { displayName: session.staff.displayName, roleLabel: roleLabel(session.staff.role) } : null,
    nav,
    current: page.current,
    csrfToken: session?.csrfToken,
  });
  res.status(page.status ?? 200).type("html").send(doc.value);
}

/** Sends an AppError as JSON (for /console/api) or as a page. */
export function sendConsoleError(req: Request, res: Response, err: AppError): void {
  const status = ERROR_STATUS[err.code];
  if (isApiRequest(req) || !req.accepts("html")) {
    res.status(status).json({ error: { code: err.code, message: err.publicMessage } });
    return;
  }
  renderPage(req, res, {
    status,
    title: status === 404 ? "Không tìm thấy" : "Không thực hiện được",
    body: html`<h1>${status === 404 ? "Không tìm thấy" : "Không thực hiện được"}</h1>
<p class="notice" role="alert">${err.publicMessage}</p>
<p><a href="/console">Về trang chính</a></p>`,
  });
}

/** Converts anything thrown into the AppError shown to the caller (unknown errors become a generic 500-class answer). */
export function toAppError(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  // body-parser errors carry a status and are the client's fault (bad JSON, body too large).
  if (typeof err === "object" && err !== null && "status" in err && typeof err.status === "number") {
    if (err.status === 404) return new AppError("not_found", "Không tìm thấy");
    if (err.status === 413) return new AppError("payload_too_large", "Dữ liệu gửi lên quá lớn.");
    if (err.status === 415) return new AppError("unsupported_media_type", "Định dạng dữ liệu không được hỗ trợ.");
    if (err.status >= 400 && err.status < 500) return new AppError("bad_request", "Yêu cầu không hợp lệ.");
  }
  return null;
}
