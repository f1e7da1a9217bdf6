/**
 * Sign-in and sign-out for the staff console: GET/POST /console/login (HTML form or JSON), GET/POST /console/logout,
 * GET /console/api/me. The credential rules live in src/staff/sign-in.ts; this file is the HTTP edge only.
 */
import type { Request, Response, Router } from "express";
import { rateLimit, type RateLimitRequestHandler } from "express-rate-limit";
import { z } from "zod";
import { AppError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { permissionsOf } from "../../staff/permissions.js";
import { destroySession, loadSession } from "../../staff/sessions.js";
import { signIn, SIGN_IN_FAILED_MESSAGE } from "../../staff/sign-in.js";
import { consoleContext, currentSession } from "./context.js";
import { audit, clearSessionCookie, originAllowed, readSessionToken, safeNextPath, setSessionCookie } from "./middleware.js";
import { renderPage } from "./render.js";
import { loginPage, logoutBody } from "./views/pages.js";

export interface LoginRateLimit {
  /** attempts per window per client IP */
  limit: number;
  windowMs: number;
}
export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimit = { limit: 10, windowMs: 60_000 };
export const RATE_LIMITED_MESSAGE = "Bạn đã thử đăng nhập quá nhiều lần. Vui lòng đợi một phút rồi thử lại.";

// Lengths are capped before any hashing work; the policy itself (≥ 10 characters) is for new passwords, not here.
const LoginBody = z.object({
  username: z.string().max(200),
  password: z.string().max(1024),
  next: z.string().max(512).optional(),
});

function wantsJson(req: Request): boolean {
  return Boolean(req.is("application/json")) || req.accepts(["html", "json"]) === "json";
}

/**
 * Per-IP limit on POST /console/login (in memory: one process; several web instances need a shared store).
 * Refused attempts are logged but not audited, so a flood cannot fill the append-only audit table.
 */
export function createLoginRateLimiter(limits: LoginRateLimit, logger: Logger): RateLimitRequestHandler {
  return rateLimit({
    windowMs: limits.windowMs,
    limit: limits.limit,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (req, res) => {
      logger.warn({ ip: req.ip, route: "console.login" }, "console login rate limited");
      if (wantsJson(req)) res.status(429).json({ error: { code: "too_many_requests", message: RATE_LIMITED_MESSAGE } });
      else res.status(429).type("html").send(loginPage({ error: RATE_LIMITED_MESSAGE }).value);
    },
  });
}

/** Adds the public routes (sign-in) to the console router, which is mounted at /console. */
export function registerLoginRoutes(router: Router, limiter: RateLimitRequestHandler): void {
  router.get("/login", async (req, res) => {
    const ctx = consoleContext(req);
    const token = readSessionToken(req);
    if (token && (await loadSession(ctx.prisma, token, ctx.now(), ctx.sessionPolicy))) {
      res.redirect(303, "/console");
      return;
    }
    res.type("html").send(loginPage({ next: safeNextPath(req.query.next) }).value);
  });

  router.post("/login", limiter, async (req: Request, res: Response) => {
    const ctx = consoleContext(req);
    const json = wantsJson(req);
    if (!originAllowed(req, ctx)) throw new AppError("forbidden", "Yêu cầu đăng nhập từ trang khác bị từ chối.");
    const parsed = LoginBody.safeParse(req.body);
    if (!parsed.success) throw new AppError("bad_request", "Vui lòng nhập tên đăng nhập và mật khẩu.");
    const { username, password } = parsed.data;
    const next = safeNextPath(parsed.data.next);
    const result = await signIn(ctx.prisma, { username, password, ip: req.ip ?? null, previousToken: readSessionToken(req) ?? null }, { now: ctx.now(), policy: ctx.sessionPolicy });
    if (!result.ok) {
      ctx.logger.info({ outcome: "failed", ip: req.ip }, "console sign-in");
      if (json) res.status(401).json({ error: { code: "unauthorized", message: SIGN_IN_FAILED_MESSAGE } });
      else res.status(401).type("html").send(loginPage({ error: SIGN_IN_FAILED_MESSAGE, username: username.slice(0, 64), next }).value);
      return;
    }
    ctx.logger.info({ outcome: "ok", staffId: result.staff.id }, "console sign-in");
    setSessionCookie(res, ctx, result.session.token);
    if (json) {
      const s = result.staff;
      res.status(200).json({ staff: { id: s.id, username: s.username, displayName: s.displayName, role: s.role }, csrfToken: result.session.csrfToken, expiresAt: result.session.expiresAt.toISOString() });
    } else {
      res.redirect(303, next ?? "/console");
    }
  });
}

/** Adds the signed-in routes (sign-out, /api/me) to the protected console router. */
export function registerSessionRoutes(router: Router): void {
  router.get("/logout", (req, res) => {
    renderPage(req, res, { title: "Đăng xuất", body: logoutBody(currentSession(req).csrfToken) });
  });

  router.post("/logout", async (req, res) => {
    const ctx = consoleContext(req);
    const session = currentSession(req);
    const token = readSessionToken(req);
    if (token) await destroySession(ctx.prisma, token);
    await audit(req, "auth.logout", "staff", session.staff.id, { session: session.id.slice(0, 12) });
    clearSessionCookie(res, ctx);
    // Drop anything private the browser may still hold for this origin's pages.
    res.set("Clear-Site-Data", '"cache"');
    if (wantsJson(req)) res.status(200).json({ ok: true });
    else res.redirect(303, "/console/login");
  });

  router.get("/api/me", (req, res) => {
    const s = currentSession(req);
    res.json({
      id: s.staff.id,
      username: s.staff.username,
      displayName: s.staff.displayName,
      role: s.staff.role,
      provinceCodes: s.staff.provinceCodes,
      communeCodes: s.staff.communeCodes,
      permissions: permissionsOf(s.staff),
      csrfToken: s.csrfToken,
      expiresAt: s.expiresAt.toISOString(),
    });
  });
}
