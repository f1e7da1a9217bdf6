/**
 * /console/reports: aggregate figures for any period (HTML tables + SVG bars), a CSV per table
 * (/console/reports/export.csv?table=…&from=…&to=…), and the retention page with its "Chạy ngay" button.
 * Viewing is audited as report.view, downloading as report.export (with the table and period, never figures).
 */
import type { Request, Response } from "express";
import { z } from "zod";
import { AppError } from "../../errors.js";
import { toCsvDocument } from "../../reports/csv.js";
import { parsePeriod } from "../../reports/period.js";
import { buildStaffReport, REPORT_TABLES } from "../../reports/staff-reports.js";
import { runRetention, type RetentionSettings } from "../../retention/run-retention.js";
import { assertPermission, hasPermission, notFound } from "../../staff/permissions.js";
import { consoleContext, currentSession, currentStaff } from "./context.js";
import { audit } from "./middleware.js";
import { renderPage } from "./render.js";
import type { ConsoleSectionSpec } from "./router.js";
import { reportsBody, retentionBody } from "./views/reports.js";

export interface ReportsSectionDeps {
  retention: RetentionSettings;
}

const ExportQuery = z.object({ table: z.enum(REPORT_TABLES) });

async function showReports(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const staff = currentStaff(req);
  const parsed = parsePeriod(req.query, ctx.now());
  const canExport = hasPermission(staff, "report.export");
  const canRunRetention = hasPermission(staff, "retention.run");
  if (!parsed.ok) {
    const from = typeof req.query.from === "string" ? req.query.from.slice(0, 10) : "";
    const to = typeof req.query.to === "string" ? req.query.to.slice(0, 10) : "";
    renderPage(req, res, { status: 400, title: "Báo cáo", current: "reports", body: reportsBody({ report: null, from, to, preset: null, problem: parsed.problem, canExport, canRunRetention }) });
    return;
  }
  const report = await buildStaffReport(ctx.prisma, staff, parsed.period, { now: ctx.now() });
  await audit(req, "report.view", "report", null, { from: parsed.period.from, to: parsed.period.to, tables: report.tables.map((t) => t.id) });
  renderPage(req, res, { title: "Báo cáo", current: "reports", body: reportsBody({ report, from: parsed.period.from, to: parsed.period.to, preset: parsed.preset, canExport, canRunRetention }) });
}

async function exportCsv(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const staff = currentStaff(req);
  assertPermission(staff, "report.export");
  const q = ExportQuery.safeParse(req.query);
  if (!q.success) throw new AppError("bad_request", "Bảng báo cáo không hợp lệ.");
  const parsed = parsePeriod(req.query, ctx.now());
  if (!parsed.ok) throw new AppError("bad_request", parsed.problem);
  const report = await buildStaffReport(ctx.prisma, staff, parsed.period, { now: ctx.now() });
  const table = report.tables.find((t) => t.id === q.data.table);
  // A table outside the role's scope is answered like an unknown one.
  if (!table) throw notFound();
  await audit(req, "report.export", "report", table.id, { table: table.id, from: parsed.period.from, to: parsed.period.to, rows: table.rows.length });
  const filename = `bao-cao-${table.id}-${parsed.period.from}-${parsed.period.to}.csv`;
  res.set({ "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${filename}"` });
  res.send(toCsvDocument(table.header, table.rows));
}

async function recentRuns(req: Request) {
  return consoleContext(req).prisma.auditLog.findMany({ where: { action: "retention.run" }, orderBy: { id: "desc" }, take: 10, select: { at: true, actor: true, details: true } });
}

/** The reports section (id "reports", permission report.view; export needs report.export, retention needs retention.run). */
export function reportsSection(deps: ReportsSectionDeps): ConsoleSectionSpec {
  return {
    id: "reports",
    routes: ({ pages }) => {
      pages.get("/", showReports);
      pages.get("/export.csv", exportCsv);
      pages.get("/retention", async (req, res) => {
        assertPermission(currentStaff(req), "retention.run");
        renderPage(req, res, { title: "Lưu trữ dữ liệu", current: "reports", body: retentionBody({ csrfToken: currentSession(req).csrfToken, transcriptDays: deps.retention.transcriptDays, closedCaseDays: deps.retention.closedCaseDays, runs: await recentRuns(req) }) });
      });
      pages.post("/retention/run", async (req, res) => {
        const staff = currentStaff(req);
        assertPermission(staff, "retention.run");
        const ctx = consoleContext(req);
        const result = await runRetention(ctx.prisma, deps.retention, { now: ctx.now(), actor: `staff:${staff.id}`, ip: req.ip ?? null });
        ctx.logger.info({ staffId: staff.id, messagesRedacted: result.messagesRedacted, casesAnonymised: result.casesAnonymised }, "retention run from console");
        renderPage(req, res, { title: "Lưu trữ dữ liệu", current: "reports", body: retentionBody({ csrfToken: currentSession(req).csrfToken, transcriptDays: deps.retention.transcriptDays, closedCaseDays: deps.retention.closedCaseDays, runs: await recentRuns(req), result }) });
      });
    },
  };
}
