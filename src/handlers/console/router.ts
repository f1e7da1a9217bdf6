/**
 * The staff console router: security headers and no-store on everything under /console, the public sign-in
 * routes and static files, then `requireStaff` (session + CSRF) in front of everything else. Later modules add
 * their pages with `registerConsoleSection`, which also gates them by the section's permission — deny by default.
 *
 *   const consoleRouter = createConsoleRouter({ prisma, config, logger });
 *   registerConsoleSection(consoleRouter, { id: "cases", routes: ({ pages, api }) => { pages.get("/", listCases); } });
 *   app.use(consoleRouter);
 */
import { fileURLToPath } from "node:url";
import express, { type Request, type Response, type Router } from "express";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../../log.js";
import { isPermission, notFound, roleLabel, scopeKind, type Permission } from "../../staff/permissions.js";
import type { StaffPrincipal } from "../../staff/sessions.js";
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from "../../staff/sessions.js";
import { auditSection } from "./audit-page.js";
import { createLoginRateLimiter, DEFAULT_LOGIN_RATE_LIMIT, registerLoginRoutes, registerSessionRoutes, type LoginRateLimit } from "./auth.js";
import { consoleContext, currentStaff, type ConsoleConfig, type ConsoleContext } from "./context.js";
import { consoleErrorHandler, consoleSecurityHeaders, noStore, requirePermission, requireStaff } from "./middleware.js";
import { renderPage, visibleSections } from "./render.js";
import { DEFAULT_SECTIONS, defaultSection } from "./sections.js";
import { homeBody, placeholderBody } from "./views/pages.js";

export interface ConsoleRouterOptions {
  prisma: PrismaClient;
  config: ConsoleConfig;
  logger: Logger;
  /** injectable clock (tests of session expiry) */
  now?: () => Date;
  sessionPolicy?: SessionPolicy;
  loginRateLimit?: LoginRateLimit;
}

export interface SectionRouters {
  /** mounted at /console/<id>: HTML pages */
  pages: Router;
  /** mounted at /console/api/<id>: JSON (401 instead of redirects) */
  api: Router;
  prisma: PrismaClient;
  logger: Logger;
  config: ConsoleConfig;
}

export interface ConsoleSectionSpec {
  /** URL segment, e.g. "cases"; the planned ids (cases, handoff, needs, directory, reports, audit) bring their own title and permission */
  id: string;
  title?: string;
  /** needed for every route of the section, checked before its handlers; finer checks are up to the section */
  permission?: Permission;
  description?: string;
  order?: number;
  /** adds the section's routes; they are already signed-in-only, CSRF-checked and permission-gated */
  routes: (routers: SectionRouters) => void;
}

interface Registry {
  ctx: ConsoleContext;
  protectedRouter: Router;
}
const registries = new WeakMap<Router, Registry>();
const RESERVED = new Set(["login", "logout", "static", "api"]);
const STATIC_DIR = fileURLToPath(new URL("./static/", import.meta.url));

/** Builds the console router (mount it on the app at the root: its routes start with /console). */
export function createConsoleRouter(options: ConsoleRouterOptions): Router {
  const ctx: ConsoleContext = {
    prisma: options.prisma,
    config: options.config,
    logger: options.logger.child({ module: "console" }),
    now: options.now ?? (() => new Date()),
    sessionPolicy: options.sessionPolicy ?? DEFAULT_SESSION_POLICY,
    secureCookies: options.config.publicBaseUrl.startsWith("https://"),
    allowedOrigins: new Set([new URL(options.config.publicBaseUrl).origin]),
    sections: new Map(DEFAULT_SECTIONS.map((s) => [s.id, { ...s, ready: false }])),
  };
  const top = express.Router();
  const con = express.Router();
  const priv = express.Router();
  top.use("/console", (req, _res, next) => {
    req.cauNoiConsole = ctx;
    next();
  }, consoleSecurityHeaders(options.config), con);

  // Static files come before no-store (they may be cached briefly) and before requireStaff (the sign-in page needs the CSS).
  con.use("/static", express.static(STATIC_DIR, { index: false, redirect: false, dotfiles: "ignore", fallthrough: false, maxAge: "5m" }));
  con.use(noStore, express.urlencoded({ extended: false, limit: "64kb" }), express.json({ limit: "64kb" }));
  registerLoginRoutes(con, createLoginRateLimiter(options.loginRateLimit ?? DEFAULT_LOGIN_RATE_LIMIT, ctx.logger));
  con.use(requireStaff, priv);
  con.use((_req, _res, next) => next(notFound()));
  con.use(consoleErrorHandler);

  priv.get("/", showHome);
  registerSessionRoutes(priv);
  // Planned sections nobody has registered yet answer with an "in preparation" page (still permission-checked).
  priv.get("/:section", (req, res, next) => {
    const section = ctx.sections.get(String(req.params.section));
    if (!section || section.ready) return next();
    requirePermission(section.permission)(req, res, (err?: unknown) => {
      if (err) return next(err);
      renderPage(req, res, { title: section.title, current: section.id, body: placeholderBody(section.title) });
    });
  });

  registries.set(top, { ctx, protectedRouter: priv });
  registerConsoleSection(top, auditSection());
  return top;
}

/**
 * The extension point: adds a section (nav entry + routes under /console/<id> and /console/api/<id>) to a router
 * made by createConsoleRouter. Its routes run after requireStaff and requirePermission(section.permission).
 */
export function registerConsoleSection(router: Router, spec: ConsoleSectionSpec): void {
  const reg = registries.get(router);
  if (!reg) throw new Error("registerConsoleSection: not a router made by createConsoleRouter");
  if (!/^[a-z][a-z0-9-]{1,40}$/.test(spec.id) || RESERVED.has(spec.id)) throw new Error(`registerConsoleSection: invalid section id "${spec.id}"`);
  if (reg.ctx.sections.get(spec.id)?.ready) throw new Error(`registerConsoleSection: section "${spec.id}" is already registered`);
  const base = defaultSection(spec.id);
  const title = spec.title ?? base?.title;
  const permission = spec.permission ?? base?.permission;
  if (!title || !permission || !isPermission(permission)) throw new Error(`registerConsoleSection: section "${spec.id}" needs a title and a known permission`);
  reg.ctx.sections.set(spec.id, { id: spec.id, title, permission, description: spec.description ?? base?.description ?? "", order: spec.order ?? base?.order ?? 100, ready: true });
  const pages = express.Router();
  const api = express.Router();
  reg.protectedRouter.use(`/${spec.id}`, requirePermission(permission), pages);
  reg.protectedRouter.use(`/api/${spec.id}`, requirePermission(permission), api);
  spec.routes({ pages, api, prisma: reg.ctx.prisma, logger: reg.ctx.logger, config: reg.ctx.config });
}

/** "toàn quốc", or the names of the staff member's provinces/communes. */
async function scopeText(req: Request, staff: StaffPrincipal): Promise<string> {
  const kind = scopeKind(staff.role, "case") !== "none" ? scopeKind(staff.role, "case") : scopeKind(staff.role, "need");
  if (kind === "all") return "toàn quốc";
  if (kind === "none") return "không có";
  const codes = kind === "province" ? staff.provinceCodes : staff.communeCodes;
  if (codes.length === 0) return "chưa được gán địa bàn";
  const units = await consoleContext(req).prisma.administrativeUnit.findMany({ where: { code: { in: codes } }, select: { code: true, fullName: true } });
  const names = new Map(units.map((u) => [u.code, u.fullName]));
  return codes.map((c) => (names.get(c) ? `${names.get(c)} (${c})` : c)).join(", ");
}

async function showHome(req: Request, res: Response): Promise<void> {
  const staff = currentStaff(req);
  const body = homeBody({
    displayName: staff.displayName,
    roleLabel: roleLabel(staff.role),
    scope: await scopeText(req, staff),
    sections: visibleSections(req).map((s) => ({ id: s.id, title: s.title, description: s.description, ready: s.ready })),
  });
  renderPage(req, res, { title: "Trang chính", body });
}
