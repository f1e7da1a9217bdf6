/**
 * /console/needs: needs and pledges in the staff member's scope (scopeFilter), the need workflow (verify, publish,
 * reject, close), the pledge workflow (confirm receipt, mark delivered, thank — with a thank-you message to the
 * donor through the outbox when they left a chat contact) and the bank statement import. Every change goes through
 * the need/pledge services, which write their AuditLog rows in the same transaction; outside scope = 404.
 */
import express, { type Request, type Response } from "express";
import { z } from "zod";
import { AppError } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { closeNeed } from "../../needs/close-need.js";
import { publishNeed } from "../../needs/publish-need.js";
import { REJECT_REASONS, rejectNeed } from "../../needs/reject-need.js";
import { NEED_STATUSES, type StaffScope as NeedStaff } from "../../needs/types.js";
import { verifyNeed } from "../../needs/verify-need.js";
import { confirmPledgeReceipt } from "../../pledges/confirm-pledge-receipt.js";
import { markPledgeDelivered } from "../../pledges/mark-pledge-delivered.js";
import { importStatement, MAX_STATEMENT_BYTES, type ImportResult } from "../../pledges/statement-import.js";
import { thankPledge } from "../../pledges/thank-pledge.js";
import { PLEDGE_STATUSES } from "../../pledges/types.js";
import { queueReply } from "../../runtime/queue-reply.js";
import { assertPermission, hasPermission, notFound, scopeFilter, withinScope } from "../../staff/permissions.js";
import type { StaffPrincipal } from "../../staff/sessions.js";
import { consoleContext, currentSession, currentStaff } from "./context.js";
import { audit } from "./middleware.js";
import { renderPage } from "./render.js";
import type { ConsoleSectionSpec } from "./router.js";
import { needsBody, statementResultBody, type PledgeListRow } from "./views/needs.js";

const LIST_LIMIT = 200;
const empty = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const ListQuery = z.object({
  needStatus: z.preprocess(empty, z.enum(NEED_STATUSES).optional()),
  pledgeStatus: z.preprocess(empty, z.enum(PLEDGE_STATUSES).optional()),
  ok: z.preprocess(empty, z.string().regex(/^[a-z_]{1,20}$/).optional()),
  code: z.preprocess(empty, z.string().regex(/^[A-Z]{2}-\d{4}-\d{4,9}$/).optional()),
});
const CodeParam = z.string().regex(/^[A-Z]{2}-\d{4}-\d{4,9}$/);
const RejectBody = z.object({ reason: z.enum(REJECT_REASONS) });
const ConfirmBody = z.object({
  receivedAmountVnd: z.preprocess((v) => (typeof v === "string" ? (v.replace(/[.\s,đ]/g, "") === "" ? undefined : Number(v.replace(/[.\s,đ]/g, ""))) : v), z.number().int().positive().optional()),
});
const StatementBody = z.object({ csv: z.string().min(1).max(MAX_STATEMENT_BYTES) });

/** A console staff member as the need services want it. */
function needStaff(s: StaffPrincipal): NeedStaff {
  return { id: s.id, role: s.role, provinceCodes: s.provinceCodes, communeCodes: s.communeCodes };
}

function codeOf(req: Request): string {
  const p = CodeParam.safeParse(String(req.params.code ?? "").toUpperCase());
  if (!p.success) throw notFound();
  return p.data;
}

async function showList(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const staff = currentStaff(req);
  const q = ListQuery.safeParse(req.query);
  if (!q.success) throw new AppError("bad_request", "Bộ lọc không hợp lệ.");
  const needWhere: Prisma.NeedWhereInput = { AND: [scopeFilter(staff, "need"), q.data.needStatus ? { status: q.data.needStatus } : {}] };
  const needs = await ctx.prisma.need.findMany({
    where: needWhere,
    orderBy: [{ createdAt: "desc" }],
    take: LIST_LIMIT,
    // public and operational columns only: the contact name/phone stay encrypted and unread here
    select: { code: true, facility: true, communeCode: true, provinceCode: true, category: true, childrenCount: true, quantity: true, unit: true, amountVnd: true, status: true, createdAt: true },
  });
  const names = new Map(
    (await ctx.prisma.administrativeUnit.findMany({ where: { code: { in: [...new Set(needs.map((n) => n.communeCode))] } }, select: { code: true, name: true } })).map((u) => [u.code, u.name]),
  );
  let pledges: PledgeListRow[] | null = null;
  if (hasPermission(staff, "pledge.view")) {
    const rows = await ctx.prisma.pledge.findMany({
      where: { AND: [scopeFilter(staff, "pledge"), q.data.pledgeStatus ? { status: q.data.pledgeStatus } : {}] },
      orderBy: [{ createdAt: "desc" }],
      take: LIST_LIMIT,
      select: { code: true, kind: true, amountVnd: true, receivedAmountVnd: true, items: true, quantity: true, publicName: true, status: true, createdAt: true, donorContactId: true, need: { select: { code: true } } },
    });
    pledges = rows.map((p) => ({ ...p, needCode: p.need?.code ?? null, hasDonorContact: p.donorContactId !== null }));
  }
  renderPage(req, res, {
    title: "Nhu cầu & ủng hộ",
    current: "needs",
    body: needsBody({
      csrf: currentSession(req).csrfToken,
      needs: needs.map((n) => ({ ...n, communeName: names.get(n.communeCode) ?? n.communeCode })),
      pledges,
      needStatus: q.data.needStatus ?? null,
      pledgeStatus: q.data.pledgeStatus ?? null,
      canVerify: hasPermission(staff, "need.verify"),
      canConfirm: hasPermission(staff, "pledge.confirm"),
      canImport: hasPermission(staff, "statement.import"),
      flash: q.data.ok && q.data.code ? { ok: q.data.ok, code: q.data.code } : null,
    }),
  });
}

type NeedAction = "verify" | "publish" | "reject" | "close";

function needAction(action: NeedAction) {
  return async (req: Request, res: Response): Promise<void> => {
    const ctx = consoleContext(req);
    const staff = currentStaff(req);
    assertPermission(staff, "need.verify");
    const needCode = codeOf(req);
    const now = ctx.now();
    const args = { needCode, staff: needStaff(staff), now };
    await ctx.prisma.$transaction(async (tx) => {
      // The services check scope too (404 outside it) and write the audit row in this transaction.
      if (action === "verify") await verifyNeed(tx, args);
      else if (action === "publish") await publishNeed(tx, args);
      else if (action === "close") await closeNeed(tx, args);
      else {
        const b = RejectBody.safeParse(req.body);
        if (!b.success) throw new AppError("bad_request", "Cần chọn lý do từ chối.");
        await rejectNeed(tx, { ...args, reason: b.data.reason });
      }
    });
    res.redirect(303, `/console/needs?ok=${action}&code=${encodeURIComponent(needCode)}`);
  };
}

/** The pledge by code if it is in the staff member's scope (else 404, the same answer as for a missing code). */
async function scopedPledge(req: Request, code: string) {
  const p = await consoleContext(req).prisma.pledge.findFirst({ where: withinScope(currentStaff(req), "pledge", { code }), select: { id: true, code: true, donorContactId: true } });
  if (!p) throw notFound();
  return p;
}

const THANK_YOU = (code: string) => `Cầu Nối xin chân thành cảm ơn bạn! Khoản ủng hộ mã ${code} đã được trao tới các em. Sự giúp đỡ của bạn thật ý nghĩa.`;

function pledgeAction(action: "confirm" | "deliver" | "thank") {
  return async (req: Request, res: Response): Promise<void> => {
    const ctx = consoleContext(req);
    const staff = currentStaff(req);
    assertPermission(staff, "pledge.confirm");
    const pledge = await scopedPledge(req, codeOf(req));
    const now = ctx.now();
    const actor = `staff:${staff.id}`;
    let ok: string = action;
    await ctx.prisma.$transaction(async (tx) => {
      if (action === "confirm") {
        const b = ConfirmBody.safeParse(req.body);
        if (!b.success) throw new AppError("bad_request", "Số tiền nhận không hợp lệ.");
        await confirmPledgeReceipt(tx, { pledgeCode: pledge.code, actor, now, via: "staff", ...(b.data.receivedAmountVnd !== undefined ? { receivedAmountVnd: b.data.receivedAmountVnd } : {}) });
      } else if (action === "deliver") {
        await markPledgeDelivered(tx, { pledgeCode: pledge.code, actor, now });
      } else {
        await thankPledge(tx, { pledgeCode: pledge.code, actor, now });
        // The message is written to the outbox in this transaction: it goes out only if "thanked" commits.
        const contact = pledge.donorContactId
          ? await tx.contact.findUnique({ where: { id: pledge.donorContactId }, select: { id: true, channel: true, channelUserId: true, blocked: true, conversation: { select: { id: true } } } })
          : null;
        if (contact && !contact.blocked && contact.conversation) {
          await queueReply(tx, { conversationId: contact.conversation.id, contactId: contact.id, channel: contact.channel, channelUserId: contact.channelUserId }, [{ kind: "text", text: THANK_YOU(pledge.code) }], { author: actor, purpose: "notification", now });
          await tx.auditLog.create({ data: { actor, action: "pledge.thank_message_queued", entity: "pledge", entityId: pledge.id, details: { code: pledge.code, channel: contact.channel }, at: now } });
          ok = "thank_sent";
        }
      }
    });
    res.redirect(303, `/console/needs?ok=${ok}&code=${encodeURIComponent(pledge.code)}`);
  };
}

async function auditImport(req: Request, r: ImportResult, via: string): Promise<void> {
  await audit(req, "statement.import", "statement", null, { via, matched: r.matched.length, unmatched: r.unmatched.length, duplicates: r.duplicates.length, errors: r.errors.length });
}

async function importFromForm(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const staff = currentStaff(req);
  assertPermission(staff, "statement.import");
  const b = StatementBody.safeParse(req.body);
  if (!b.success) throw new AppError("bad_request", "Cần dán nội dung CSV sao kê.");
  const result = await importStatement(ctx.prisma, b.data.csv, staff.id, { now: ctx.now() });
  await auditImport(req, result, "form");
  renderPage(req, res, { title: "Kết quả nhập sao kê", current: "needs", body: statementResultBody(result, currentSession(req).csrfToken) });
}

async function importFromApi(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const staff = currentStaff(req);
  assertPermission(staff, "statement.import");
  if (typeof req.body !== "string" || req.body.trim() === "") throw new AppError("unsupported_media_type", "Gửi nội dung CSV với Content-Type: text/csv.");
  const result = await importStatement(ctx.prisma, req.body, staff.id, { now: ctx.now() });
  await auditImport(req, result, "api");
  // Transfer notes (sender names) are left out of the JSON: the reconciliation page shows them to the person.
  res.json({
    matched: result.matched,
    unmatched: result.unmatched.map(({ note: _note, ...u }) => u),
    duplicates: result.duplicates,
    errors: result.errors,
  });
}

/** The needs & pledges section (id "needs", permission need.view; actions need need.verify / pledge.confirm / statement.import). */
export function needsSection(): ConsoleSectionSpec {
  return {
    id: "needs",
    routes: ({ pages, api }) => {
      pages.get("/", showList);
      for (const a of ["verify", "publish", "reject", "close"] as const) pages.post(`/needs/:code/${a}`, needAction(a));
      for (const a of ["confirm", "deliver", "thank"] as const) pages.post(`/pledges/:code/${a}`, pledgeAction(a));
      pages.post("/statements", importFromForm);
      // Larger statements: raw CSV body (the console's form parser stops at 64 KB), CSRF token in x-csrf-token.
      api.post("/statements", express.text({ type: ["text/csv", "text/plain"], limit: MAX_STATEMENT_BYTES }), importFromApi);
    },
  };
}
