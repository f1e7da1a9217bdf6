/** Shared harness of the console admin suites (not a test file): a console with the admin sections on a real port. */
import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createConsoleRouter } from "../../src/handlers/console/router.js";
import { logger } from "../../src/log.js";
import { hashPassword } from "../../src/staff/passwords.js";
import { registerAdminSections } from "../../src/wiring/console-admin.js";
import type { TestDb } from "../support/test-db.js";
import { parseCsv } from "../support/csv.js";

export { parseCsv };

export const PASSWORD = "Bao-ve-tre-em-2026";
export const CONFIG = {
  publicBaseUrl: "http://localhost:3000",
  ESCALATION_TIMEOUT_IMMEDIATE_MIN: 15,
  ESCALATION_TIMEOUT_HIGH_MIN: 60,
  ESCALATION_TIMEOUT_OTHER_MIN: 720,
  RETENTION_TRANSCRIPT_DAYS: 365,
  RETENTION_CLOSED_CASE_DAYS: 1825,
};

export interface Harness {
  base: string;
  server: Server;
  clock: { ms: number };
  close(): void;
}

/** Starts express on 127.0.0.1:0 with the console router and the admin sections. */
export async function startConsole(db: TestDb, startIso = "2026-11-23T08:00:00Z"): Promise<Harness> {
  const clock = { ms: Date.parse(startIso) };
  const router = createConsoleRouter({ prisma: db.prisma, config: CONFIG, logger, now: () => new Date(clock.ms), loginRateLimit: { limit: 10_000, windowMs: 60_000 } });
  registerAdminSections(router, { config: CONFIG });
  const app = express();
  app.use(router);
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, server, clock, close: () => void server.close() };
}

export type Role = "admin" | "hotline" | "province_officer" | "commune_worker" | "donations_officer";

/** Creates a staff account that can sign in with PASSWORD; returns its id. */
export async function makeStaff(db: TestDb, username: string, role: Role, scope: { provinceCodes?: string[]; communeCodes?: string[] } = {}): Promise<string> {
  const s = await db.prisma.staff.create({ data: { username, displayName: username, role, passwordHash: await hashPassword(PASSWORD), provinceCodes: scope.provinceCodes ?? [], communeCodes: scope.communeCodes ?? [] } });
  return s.id;
}

export interface Session {
  cookie: string;
  csrf: string;
}

/** Signs in over the JSON login route. */
export async function login(h: Harness, username: string): Promise<Session> {
  const res = await fetch(`${h.base}/console/login`, { method: "POST", redirect: "manual", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  const body = (await res.json()) as { csrfToken: string };
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("cn_session="))!.split(";")[0]!;
  return { cookie, csrf: body.csrfToken };
}

/** GET a console page as HTML. */
export async function getPage(h: Harness, s: Session, path: string): Promise<Response> {
  return fetch(`${h.base}${path}`, { headers: { cookie: s.cookie, accept: "text/html" }, redirect: "manual" });
}

/** POST a console form (urlencoded, with the CSRF field unless told otherwise). */
export async function postForm(h: Harness, s: Session, path: string, fields: Record<string, string> = {}, opts: { csrf?: boolean } = {}): Promise<Response> {
  const body = new URLSearchParams({ ...(opts.csrf === false ? {} : { _csrf: s.csrf }), ...fields });
  return fetch(`${h.base}${path}`, { method: "POST", redirect: "manual", headers: { cookie: s.cookie, accept: "text/html", "content-type": "application/x-www-form-urlencoded" }, body });
}

/** Adds the 2025 units the suites use (names for pages and reports). */
export async function seedSomeUnits(db: TestDb): Promise<void> {
  await db.prisma.administrativeUnit.createMany({
    data: [
      { code: "01", level: "province", name: "Hà Nội", fullName: "Thành phố Hà Nội", nameEn: "Ha Noi", type: "thành phố trực thuộc trung ương", provinceCode: "01" },
      { code: "79", level: "province", name: "Hồ Chí Minh", fullName: "Thành phố Hồ Chí Minh", nameEn: "Ho Chi Minh", type: "thành phố trực thuộc trung ương", provinceCode: "79" },
      { code: "00004", level: "commune", name: "Phường Ba Đình", fullName: "Phường Ba Đình", nameEn: "Ba Dinh", type: "phường", provinceCode: "01" },
      { code: "00008", level: "commune", name: "Phường Ngọc Hà", fullName: "Phường Ngọc Hà", nameEn: "Ngoc Ha", type: "phường", provinceCode: "01" },
      { code: "00025", level: "commune", name: "Phường Giảng Võ", fullName: "Phường Giảng Võ", nameEn: "Giang Vo", type: "phường", provinceCode: "01" },
      { code: "25747", level: "commune", name: "Phường Thủ Dầu Một", fullName: "Phường Thủ Dầu Một", nameEn: "Thu Dau Mot", type: "phường", provinceCode: "79" },
    ],
    skipDuplicates: true,
  });
}

