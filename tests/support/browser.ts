/**
 * Real headless Chromium for browser tests (playwright-core + Debian's /usr/bin/chromium; never `npx playwright
 * install`). One browser per test file, fresh contexts per test. When Chromium is missing the suites are skipped
 * with a message; with REQUIRE_ALL_SUITES=1 (CI) a missing browser is an error, like a missing PostgreSQL.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { describe } from "vitest";
import { hashPassword } from "../../src/staff/passwords.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { REQUIRE_ALL } from "./test-db.js";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];
/** Short default timeouts: pages are small and served from loopback. */
export const PAGE_TIMEOUT_MS = 10_000;

/** Whether the Chromium binary is installed; with REQUIRE_ALL_SUITES=1 its absence throws instead. */
export function chromiumAvailable(): boolean {
  const ok = existsSync(CHROMIUM_PATH);
  if (!ok && REQUIRE_ALL) throw new Error(`Chromium is required (REQUIRE_ALL_SUITES=1) but ${CHROMIUM_PATH} does not exist (apt-get install -y chromium)`);
  return ok;
}

/** `describe`, or `describe.skip` with a visible reason when Chromium is absent (throws under REQUIRE_ALL_SUITES=1). */
export function describeBrowser(name: string, fn: () => void): void {
  if (chromiumAvailable()) {
    describe(name, fn);
    return;
  }
  console.warn(`[browser tests] skipped "${name}": Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  describe.skip(`${name} (skipped: no Chromium at ${CHROMIUM_PATH})`, fn);
}

/** Launches headless Chromium with the offline-safe flags. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** A fresh context (own cookies) and page, phone-sized by default: commune workers use phones. */
export async function newPage(browser: Browser, opts: { phone?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
    viewport: opts.phone === false ? { width: 1280, height: 900 } : { width: 390, height: 844 },
    isMobile: opts.phone !== false,
    hasTouch: opts.phone !== false,
  });
  context.setDefaultTimeout(PAGE_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
  const page = await context.newPage();
  // <form data-confirm> asks with window.confirm: accept, as a worker would.
  page.on("dialog", (d) => void d.accept());
  return { context, page };
}

/** Signs in through the real form; resolves once the browser has left the sign-in page. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string, path = "/console/login"): Promise<void> {
  if (!page.url().includes("/console/login")) await page.goto(`${baseUrl}${path}`);
  await page.fill("#username", username);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/console/login")), page.click("button[type=submit]")]);
}

export const TEST_PASSWORD = "Bao-ve-tre-em-2026!";
let cachedHash: Promise<string> | null = null;

/** Creates a staff account that can sign in with TEST_PASSWORD. */
export async function createStaffAccount(
  prisma: PrismaClient,
  s: { username: string; displayName: string; role: "admin" | "hotline" | "province_officer" | "commune_worker" | "donations_officer"; provinceCodes?: string[]; communeCodes?: string[]; escalationLevel?: string; notifyChannels?: { channel: string; userId: string }[] },
): Promise<{ id: string; username: string }> {
  cachedHash ??= hashPassword(TEST_PASSWORD);
  return prisma.staff.create({
    data: {
      username: s.username,
      displayName: s.displayName,
      role: s.role,
      passwordHash: await cachedHash,
      provinceCodes: s.provinceCodes ?? [],
      communeCodes: s.communeCodes ?? [],
      escalationLevel: s.escalationLevel ?? null,
      notifyChannels: s.notifyChannels ?? [],
    },
    select: { id: true, username: true },
  });
}

/** The audit rows written since `sinceId` (exclusive), oldest first, as "actor action entity entityId" facts. */
export async function auditSince(prisma: PrismaClient, sinceId: bigint): Promise<{ actor: string; action: string; entity: string; entityId: string | null; details: unknown }[]> {
  return prisma.auditLog.findMany({ where: { id: { gt: sinceId } }, orderBy: { id: "asc" }, select: { actor: true, action: true, entity: true, entityId: true, details: true } });
}

/** The id of the newest audit row (0 when empty): take it before a test, then read `auditSince`. */
export async function auditMark(prisma: PrismaClient): Promise<bigint> {
  const last = await prisma.auditLog.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return last?.id ?? 0n;
}
