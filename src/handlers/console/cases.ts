/**
 * The "cases" console section: /console/cases (scoped queue), /console/cases/<id> (the case page notifications link
 * to) and its POST actions. Out of scope and missing look the same (404 "Không tìm thấy") and both are audited;
 * private fields are decrypted only for case.view_private within scope, and each such view is audited by field
 * name. Every change is one transaction through the src/cases use cases, then a 303 back to the page.
 */
import type { Request, Response } from "express";
import { z } from "zod";
import { addNote } from "../../cases/add-note.js";
import { assignCase } from "../../cases/assign-case.js";
import { changeRisk } from "../../cases/change-risk.js";
import { changeStatus } from "../../cases/change-status.js";
import { CASE_STATUSES, RISK_LEVELS } from "../../cases/types.js";
import { AppError } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { assertPermission, canViewPrivate, hasPermission, notFound, type Permission } from "../../staff/permissions.js";
import { ATTACHMENT_TYPES, acknowledgeFromConsole, addAttachmentNote } from "./cases-actions.js";
import {
  caseExists,
  listQueue,
  loadEscalations,
  loadEvents,
  loadPrivateFields,
  loadReporterMessages,
  loadScopedCase,
  shownFieldNames,
  staffNames,
  unitNames,
  type CaseSummary,
} from "./cases-data.js";
import { consoleContext, currentSession, currentStaff } from "./context.js";
import { staffIdsOf } from "./handoff-data.js";
import { audit } from "./middleware.js";
import { renderPage } from "./render.js";
import type { ConsoleSectionSpec } from "./router.js";
import { casePageBody, CASE_FLASH_ERROR, CASE_FLASH_OK, queueBody } from "./views/cases.js";

const empty = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const QueueQuery = z.object({
  status: z.preprocess(empty, z.enum(CASE_STATUSES).optional()),
  risk: z.preprocess(empty, z.enum(RISK_LEVELS).optional()),
});
const FlashQuery = z.object({ ok: z.string().max(32).optional(), loi: z.string().max(32).optional() });

const StatusForm = z.object({ to: z.enum(CASE_STATUSES), reason: z.string().max(2000) });
const RiskForm = z.object({ to: z.enum(RISK_LEVELS), reason: z.string().max(2000) });
const AssignForm = z.object({ staffId: z.string().uuid() });
const NoteForm = z.object({ text: z.string().max(4000) });
const AttachmentForm = z.object({ type: z.enum(ATTACHMENT_TYPES).default("file"), note: z.string().max(300) });

/** Loads the case for the signed-in staff member, or answers 404 and audits the refused access (missing or out of scope). */
async function caseOr404(req: Request): Promise<CaseSummary> {
  const ctx = consoleContext(req);
  const staff = currentStaff(req);
  const id = String(req.params.id ?? "");
  const c = await loadScopedCase(ctx.prisma, staff, id);
  if (c) return c;
  const exists = await caseExists(ctx.prisma, id);
  // Probing for cases elsewhere is worth knowing about; the answer to the caller is the same either way.
  await audit(req, "case.access_refused", "Case", exists ? id : null, { exists, method: req.method, idValid: /^[0-9a-f-]{36}$/i.test(id) });
  ctx.logger.info({ staffId: staff.id, exists }, "console case access refused");
  throw notFound();
}

function back(res: Response, c: { id: string }, q: { ok?: string; loi?: string }): void {
  const params = new URLSearchParams();
  if (q.ok) params.set("ok", q.ok);
  if (q.loi) params.set("loi", q.loi);
  const s = params.toString();
  res.redirect(303, `/console/cases/${c.id}${s ? `?${s}` : ""}`);
}

function formOr400<T>(schema: z.ZodType<T>, body: unknown): T {
  const p = schema.safeParse(body);
  if (!p.success) throw new AppError("bad_request", CASE_FLASH_ERROR.invalid ?? "Dữ liệu gửi lên không hợp lệ.");
  return p.data;
}

async function showQueue(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const staff = currentStaff(req);
  const q = QueueQuery.safeParse(req.query);
  if (!q.success) throw new AppError("bad_request", "Bộ lọc không hợp lệ.");
  const { rows, truncated } = await listQueue(ctx.prisma, staff, q.data);
  const [units, names] = await Promise.all([unitNames(ctx.prisma, rows.flatMap((r) => [r.communeCode, r.provinceCode])), staffNames(ctx.prisma, rows.map((r) => r.assignedStaffId))]);
  await audit(req, "case.list", "Case", null, { status: q.data.status ?? null, risk: q.data.risk ?? null, count: rows.length });
  renderPage(req, res, { title: "Hồ sơ", current: "cases", body: queueBody({ rows, truncated, now: ctx.now(), units, staffNames: names, filter: q.data, meId: staff.id }) });
}

async function assigneesFor(req: Request, c: CaseSummary): Promise<{ id: string; label: string }[]> {
  const ctx = consoleContext(req);
  // Each role by the scope it works in (permissions.ts ROLE_SCOPES): a commune worker by commune, a province
  // officer by province — a commune worker who also carries the province code must not be offered other communes.
  const or: Prisma.StaffWhereInput[] = [{ role: "hotline" }];
  if (c.communeCode) or.push({ role: "commune_worker", communeCodes: { has: c.communeCode } });
  if (c.provinceCode) or.push({ role: "province_officer", provinceCodes: { has: c.provinceCode } });
  const rows = await ctx.prisma.staff.findMany({
    where: { active: true, OR: or },
    orderBy: [{ role: "asc" }, { displayName: "asc" }],
    take: 200,
    select: { id: true, displayName: true, role: true },
  });
  const roleWord: Record<string, string> = { hotline: "Tổng đài 111", province_officer: "cấp tỉnh", commune_worker: "cấp xã" };
  return rows.map((s) => ({ id: s.id, label: `${s.displayName} (${roleWord[s.role] ?? s.role})` }));
}

async function showCase(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const staff = currentStaff(req);
  const c = await caseOr404(req);
  const now = ctx.now();
  const mayPrivate = canViewPrivate(staff, c);
  const [escalations, events, priv, messages] = await Promise.all([
    loadEscalations(ctx.prisma, c.id),
    loadEvents(ctx.prisma, c.id, mayPrivate),
    mayPrivate ? loadPrivateFields(ctx.prisma, c.id) : Promise.resolve(null),
    mayPrivate ? loadReporterMessages(ctx.prisma, c) : Promise.resolve([]),
  ]);
  const ids = [c.assignedStaffId, ...escalations.map((e) => e.recipientStaffId), ...staffIdsOf([...events.map((e) => e.actor), ...messages.map((m) => m.author)])];
  for (const e of events) if (e.type === "assigned" && typeof e.data.to === "string") ids.push(e.data.to);
  const [units, names] = await Promise.all([unitNames(ctx.prisma, [c.communeCode, c.provinceCode]), staffNames(ctx.prisma, ids)]);
  const canUpdate = hasPermission(staff, "case.update_status");
  const hasOpenForMe = escalations.some((e) => e.status === "sent" && e.recipientStaffId === staff.id);
  const canAcknowledge = canUpdate && c.status !== "closed" && (!c.acknowledgedAt || hasOpenForMe);
  const assignees = hasPermission(staff, "case.assign") ? await assigneesFor(req, c) : [];

  // The audit rows are written before the page is sent: a view that cannot be recorded is not shown.
  await audit(req, "case.view", "Case", c.id, { code: c.code, status: c.status, private: mayPrivate });
  if (priv) {
    const fields = shownFieldNames(priv, { timelineTexts: events.filter((e) => e.text !== null).length, messages: messages.length });
    await audit(req, "case.view_private", "Case", c.id, { fields, messages: messages.length });
  }
  const flash = FlashQuery.safeParse(req.query);
  const ok = flash.success && flash.data.ok && CASE_FLASH_OK[flash.data.ok] ? flash.data.ok : undefined;
  const err = flash.success && flash.data.loi && CASE_FLASH_ERROR[flash.data.loi] ? flash.data.loi : undefined;
  renderPage(req, res, {
    title: `Hồ sơ ${c.code}`,
    current: "cases",
    body: casePageBody({
      c,
      now,
      units,
      names,
      priv,
      escalations,
      events,
      messages,
      viewer: {
        canUpdateStatus: canUpdate,
        canChangeRisk: hasPermission(staff, "case.change_risk"),
        canAssign: hasPermission(staff, "case.assign"),
        canNote: hasPermission(staff, "case.note"),
        canViewPrivate: mayPrivate,
        csrfToken: currentSession(req).csrfToken,
        staffId: staff.id,
      },
      assignees,
      canAcknowledge,
      flash: { ok, err },
    }),
  });
}

/** Wraps an action: scope (404, audited), permission (403), then the handler inside one transaction. */
function action(permission: Permission, run: (req: Request, c: CaseSummary) => Promise<{ ok?: string; loi?: string }>) {
  return async (req: Request, res: Response): Promise<void> => {
    const c = await caseOr404(req);
    assertPermission(currentStaff(req), permission);
    back(res, c, await run(req, c));
  };
}

/** The cases section spec for registerConsoleSection. */
export function casesSection(): ConsoleSectionSpec {
  return {
    id: "cases",
    routes: ({ pages, prisma }) => {
      pages.get("/", showQueue);
      pages.get("/:id", showCase);

      pages.post(
        "/:id/status",
        action("case.update_status", async (req, c) => {
          const f = formOr400(StatusForm, req.body);
          const staff = currentStaff(req);
          const r = await prisma.$transaction((tx) => changeStatus(tx, { caseId: c.id, to: f.to, reason: f.reason, staffId: staff.id, now: consoleContext(req).now() }));
          return r.ok ? { ok: "status" } : { loi: r.reason === "not_found" ? "invalid" : r.reason };
        }),
      );

      pages.post(
        "/:id/risk",
        action("case.change_risk", async (req, c) => {
          const f = formOr400(RiskForm, req.body);
          const r = await prisma.$transaction((tx) => changeRisk(tx, { caseId: c.id, to: f.to, reason: f.reason, staffId: currentStaff(req).id, now: consoleContext(req).now() }));
          return r.ok ? { ok: "risk" } : { loi: r.reason === "not_found" ? "invalid" : r.reason };
        }),
      );

      pages.post(
        "/:id/assign",
        action("case.assign", async (req, c) => {
          const f = formOr400(AssignForm, req.body);
          const r = await prisma.$transaction((tx) => assignCase(tx, { caseId: c.id, assigneeId: f.staffId, byStaffId: currentStaff(req).id, now: consoleContext(req).now() }));
          return r.ok ? { ok: "assign" } : { loi: r.reason === "not_found" ? "invalid" : r.reason };
        }),
      );

      pages.post(
        "/:id/note",
        action("case.note", async (req, c) => {
          const f = formOr400(NoteForm, req.body);
          const done = await prisma.$transaction((tx) => addNote(tx, { caseId: c.id, text: f.text.normalize("NFC"), staffId: currentStaff(req).id, now: consoleContext(req).now() }));
          return done ? { ok: "note" } : { loi: "empty" };
        }),
      );

      pages.post(
        "/:id/attachment",
        action("case.note", async (req, c) => {
          const f = formOr400(AttachmentForm, req.body);
          const done = await prisma.$transaction((tx) => addAttachmentNote(tx, { caseId: c.id, staffId: currentStaff(req).id, type: f.type, note: f.note, now: consoleContext(req).now() }));
          return done ? { ok: "attachment" } : { loi: "empty" };
        }),
      );

      pages.post(
        "/:id/acknowledge",
        action("case.update_status", async (req, c) => {
          const staff = currentStaff(req);
          const r = await prisma.$transaction((tx) => acknowledgeFromConsole(tx, { caseId: c.id, staffId: staff.id, role: staff.role, now: consoleContext(req).now() }));
          return r.ok ? { ok: "ack" } : { loi: r.reason === "not_found" ? "invalid" : r.reason };
        }),
      );
    },
  };
}
