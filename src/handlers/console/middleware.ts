/**
 * Console middleware: who is signed in (requireStaff), what they may do (requirePermission), CSRF, security
 * headers, no-store caching, audit rows and error mapping. Everything mounted after `requireStaff` in the console
 * router is signed-in-only and CSRF-checked by default — a later module cannot forget either.
 */
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from "express";
import { strictPageHeaders } from "../security-headers.js";
import { AppError } from "../../errors.js";
import { staffActor, writeAudit, type AuditDetails } from "../../staff/audit.js";
import { hasPermission, type Permission } from "../../staff/permissions.js";
import { csrfTokenMatches, loadSession, SESSION_COOKIE } from "../../staff/sessions.js";
import { consoleContext, currentSession, isApiRequest, type ConsoleConfig, type ConsoleContext } from "./context.js";
import { parseCookies, serializeCookie } from "./cookies.js";
import { sendConsoleError, toAppError } from "./render.js";

export { consoleContext, currentSession, currentStaff, isApiRequest } from "./context.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
export const SESSION_EXPIRED_MESSAGE = "Phiên đăng nhập đã hết hạn hoặc chưa đăng nhập. Vui lòng đăng nhập lại.";
export const CSRF_FAILED_MESSAGE = "Yêu cầu không hợp lệ (mã bảo vệ biểu mẫu sai hoặc thiếu). Vui lòng tải lại trang và thử lại.";

/** The cn_session token from the request's cookies, if any. */
export function readSessionToken(req: Request): string | undefined {
  return parseCookies(req.headers.cookie).get(SESSION_COOKIE);
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Path=/console, Secure on https deployments. */
export function setSessionCookie(res: Response, ctx: ConsoleContext, token: string): void {
  res.append("Set-Cookie", serializeCookie(SESSION_COOKIE, token, { path: "/console", httpOnly: true, secure: ctx.secureCookies, sameSite: "Strict", maxAge: ctx.sessionPolicy.absoluteMs / 1000 }));
}

/** Deletes the session cookie in the browser. */
export function clearSessionCookie(res: Response, ctx: ConsoleContext): void {
  res.append("Set-Cookie", serializeCookie(SESSION_COOKIE, "", { path: "/console", httpOnly: true, secure: ctx.secureCookies, sameSite: "Strict", maxAge: 0 }));
}

/**
 * Refuses cross-site state-changing requests by their Origin / Sec-Fetch-Site headers. This is what protects the
 * sign-in form (there is no session, hence no CSRF token, yet) and a second layer for everything else.
 */
export function originAllowed(req: Request, ctx: ConsoleContext): boolean {
  if (req.get("sec-fetch-site") === "cross-site") return false;
  const origin = req.get("origin");
  if (origin === undefined) return true; // non-browser clients and old browsers; the CSRF token still applies
  // Our Referrer-Policy is no-referrer, so browsers send "Origin: null" on our own form posts; Sec-Fetch-Site (which
  // page scripts cannot set) tells a same-origin post from a sandboxed or cross-site one.
  if (origin === "null") return req.get("sec-fetch-site") === "same-origin";
  if (ctx.allowedOrigins.has(origin)) return true;
  const host = req.get("host");
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/** Checks the synchroniser token (`_csrf` form field or `x-csrf-token` header) on state-changing requests. */
export function csrfOk(req: Request): boolean {
  if (SAFE_METHODS.has(req.method)) return true;
  const session = req.staffSession;
  if (!session) return false;
  const body: unknown = req.body;
  const fromBody = typeof body === "object" && body !== null && "_csrf" in body ? body._csrf : undefined;
  return csrfTokenMatches(session.csrfToken, req.get("x-csrf-token") ?? fromBody) && originAllowed(req, consoleContext(req));
}

/**
 * Loads the session from the cn_session cookie (sliding the idle deadline) and enforces CSRF on unsafe methods.
 * Without a valid session: 401 JSON under /console/api, otherwise 303 to the sign-in page.
 */
export const requireStaff: RequestHandler = async (req: Request, res: Response, next: NextFunction) => {
  const ctx = consoleContext(req);
  const token = readSessionToken(req);
  const session = token ? await loadSession(ctx.prisma, token, ctx.now(), ctx.sessionPolicy) : null;
  if (!session) {
    if (token) clearSessionCookie(res, ctx);
    if (isApiRequest(req)) {
      res.status(401).json({ error: { code: "unauthorized", message: SESSION_EXPIRED_MESSAGE } });
      return;
    }
    const back = SAFE_METHODS.has(req.method) ? safeNextPath(req.originalUrl) : null;
    res.redirect(303, back && back !== "/console" ? `/console/login?next=${encodeURIComponent(back)}` : "/console/login");
    return;
  }
  req.staffSession = session;
  if (!csrfOk(req)) {
    ctx.logger.warn({ staffId: session.staff.id, method: req.method, path: req.path, hasHeader: Boolean(req.get("x-csrf-token")) }, "console csrf check failed");
    next(new AppError("forbidden", CSRF_FAILED_MESSAGE));
    return;
  }
  next();
};

/** Standalone CSRF check, for routes mounted outside the console router's requireStaff (it is already included there). */
export const requireCsrf: RequestHandler = (req, _res, next) => {
  next(csrfOk(req) ? undefined : new AppError("forbidden", CSRF_FAILED_MESSAGE));
};

/** 403 unless the signed-in staff member's role grants the permission (unknown permissions are denied). */
export function requirePermission(permission: Permission): RequestHandler {
  return (req, _res, next) => {
    const staff = req.staffSession?.staff;
    if (!staff) return next(new AppError("unauthorized", SESSION_EXPIRED_MESSAGE));
    if (!hasPermission(staff, permission)) {
      consoleContext(req).logger.info({ staffId: staff.id, permission, path: req.path }, "console permission denied");
      return next(new AppError("forbidden", "Bạn không có quyền truy cập mục này."));
    }
    next();
  };
}

/**
 * Appends an AuditLog row for the signed-in staff member ("staff:<id>", with the client IP). `details` must be
 * non-private: ids, field names, statuses — never names, phone numbers, addresses or free text.
 */
export async function audit(req: Request, action: string, entity: string, entityId: string | null, details: AuditDetails = {}): Promise<void> {
  const ctx = consoleContext(req);
  const staff = req.staffSession?.staff;
  await writeAudit(ctx.prisma, { actor: staff ? staffActor(staff.id) : "anonymous", action, entity, entityId, details, ip: req.ip ?? null });
}

/** Helmet for the console: the strict page headers shared with the public pages (src/handlers/security-headers.ts). */
export function consoleSecurityHeaders(config: ConsoleConfig): RequestHandler {
  return strictPageHeaders(config.publicBaseUrl);
}

/** Console pages show private data: never let a browser or proxy cache them; also keep them out of search engines. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set({ "Cache-Control": "no-store", Pragma: "no-cache", Expires: "0", "X-Robots-Tag": "noindex, nofollow", "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()" });
  next();
};

/**
 * A `next` target after sign-in: only console paths of this site (no "//host", no backslashes, not the sign-in
 * or sign-out pages), so the login form cannot be turned into an open redirect.
 */
export function safeNextPath(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 512) return null;
  if (!/^\/console(?:[/?][A-Za-z0-9\-._~%/?=&+]*)?$/.test(value)) return null;
  if (value.includes("//") || value.includes("\\") || /^\/console\/(login|logout)(?:[/?]|$)/.test(value)) return null;
  return value;
}

/** Maps errors to 4xx pages/JSON; anything unexpected is logged (name and code only) and answered 500. */
export const consoleErrorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) return next(err);
  const known = toAppError(err);
  if (known) return sendConsoleError(req, res, known);
  const log = req.cauNoiConsole?.logger;
  const name = err instanceof Error ? err.name : typeof err;
  const code = typeof err === "object" && err !== null && "code" in err ? String(err.code) : undefined;
  log?.error({ err: name, code, path: req.path, method: req.method }, "console request failed");
  if (isApiRequest(req) || !req.accepts("html")) {
    res.status(500).json({ error: { code: "internal", message: "Đã có lỗi xảy ra, vui lòng thử lại." } });
    return;
  }
  res.status(500).type("text/plain; charset=utf-8").send("Đã có lỗi xảy ra, vui lòng thử lại.");
};

/** The session's CSRF token for templates (forms embed it with csrfField). */
export function csrfTokenOf(req: Request): string {
  return currentSession(req).csrfToken;
}
