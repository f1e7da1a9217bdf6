/**
 * Per-router state of the staff console (database, config, clock, section registry), attached to every console
 * request so the exported middleware (`requireStaff`, `audit`, `renderPage`…) works in any module without
 * threading dependencies through each call.
 */
import type { Request } from "express";
import { AppError } from "../../errors.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Logger } from "../../log.js";
import type { ActiveSession, SessionPolicy, StaffPrincipal } from "../../staff/sessions.js";
import type { ConsoleSectionInfo } from "./sections.js";

/** The configuration the console reads (a full `Config` fits). */
export interface ConsoleConfig {
  publicBaseUrl: string;
  NODE_ENV?: string;
}

export interface RegisteredSection extends ConsoleSectionInfo {
  /** false: planned but no module has registered routes yet (the console shows an "in preparation" page). */
  ready: boolean;
}

export interface ConsoleContext {
  prisma: PrismaClient;
  config: ConsoleConfig;
  logger: Logger;
  now: () => Date;
  sessionPolicy: SessionPolicy;
  /** cookies carry Secure when the public URL is https */
  secureCookies: boolean;
  /** origins allowed to POST to the console (besides the request's own host) */
  allowedOrigins: ReadonlySet<string>;
  sections: Map<string, RegisteredSection>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** set by the console router on every /console request */
      cauNoiConsole?: ConsoleContext;
      /** set by requireStaff */
      staffSession?: ActiveSession;
    }
  }
}

/** The console context of a request; throws when the console router did not handle it (a wiring bug). */
export function consoleContext(req: Request): ConsoleContext {
  if (!req.cauNoiConsole) throw new Error("console middleware used outside createConsoleRouter");
  return req.cauNoiConsole;
}

/** The session loaded by requireStaff; 401 when the route was mounted without it. */
export function currentSession(req: Request): ActiveSession {
  if (!req.staffSession) throw new AppError("unauthorized", "Vui lòng đăng nhập.");
  return req.staffSession;
}

/** The signed-in staff member (see currentSession). */
export function currentStaff(req: Request): StaffPrincipal {
  return currentSession(req).staff;
}

/** JSON endpoints live under /console/api: they get 401/JSON errors instead of redirects and HTML pages. */
export function isApiRequest(req: Request): boolean {
  const path = req.originalUrl.split("?")[0] ?? "";
  return path === "/console/api" || path.startsWith("/console/api/");
}
