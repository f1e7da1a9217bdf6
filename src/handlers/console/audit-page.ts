/**
 * /console/audit: the append-only AuditLog, newest first, filtered by entity and/or actor, paginated by id
 * (keyset: stays fast on a table that only grows). Admin only (audit.view); reading the log is itself audited.
 */
import type { Request, Response } from "express";
import { z } from "zod";
import { AppError } from "../../errors.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { consoleContext } from "./context.js";
import { audit } from "./middleware.js";
import { renderPage } from "./render.js";
import type { ConsoleSectionSpec } from "./router.js";
import { formatTime, html, type SafeHtml } from "./views/layout.js";

export const AUDIT_PAGE_SIZE = 50;

const empty = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const AuditQuery = z.object({
  entity: z.preprocess(empty, z.string().trim().max(64).regex(/^[A-Za-z0-9_.:-]+$/).optional()),
  actor: z.preprocess(empty, z.string().trim().max(100).regex(/^[A-Za-z0-9_.:@-]+$/).optional()),
  before: z.preprocess(empty, z.string().regex(/^\d{1,19}$/).optional()),
});
type AuditQuery = z.infer<typeof AuditQuery>;

interface AuditRow {
  id: bigint;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  details: unknown;
  ip: string | null;
}

function link(q: Partial<AuditQuery>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `/console/audit?${s}` : "/console/audit";
}

/** The audit page body: filter form, table, and "older" / "newest" links. */
export function auditBody(rows: readonly AuditRow[], q: AuditQuery, hasMore: boolean): SafeHtml {
  const last = rows[rows.length - 1];
  return html`<h1>Nhật ký truy cập</h1>
<form method="get" action="/console/audit" class="form inline" role="search" aria-label="Lọc nhật ký">
<div class="field"><label for="f-entity">Đối tượng</label><input id="f-entity" name="entity" type="text" value="${q.entity ?? ""}" placeholder="case, staff…"></div>
<div class="field"><label for="f-actor">Người thực hiện</label><input id="f-actor" name="actor" type="text" value="${q.actor ?? ""}" placeholder="staff:…"></div>
<button type="submit" class="button">Lọc</button> <a href="/console/audit">Bỏ lọc</a>
</form>
${rows.length === 0
    ? html`<p class="notice">Không có bản ghi nào.</p>`
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Bảng nhật ký"><table>
<thead><tr><th scope="col">Thời gian</th><th scope="col">Người thực hiện</th><th scope="col">Hành động</th><th scope="col">Đối tượng</th><th scope="col">Mã</th><th scope="col">IP</th><th scope="col">Chi tiết</th></tr></thead>
<tbody>
${rows.map((r) => html`<tr><td>${formatTime(r.at)}</td><td><a href="${link({ ...q, actor: r.actor, before: undefined })}">${r.actor}</a></td><td>${r.action}</td><td><a href="${link({ ...q, entity: r.entity, before: undefined })}">${r.entity}</a></td><td>${r.entityId ?? ""}</td><td>${r.ip ?? ""}</td><td><code>${JSON.stringify(r.details)}</code></td></tr>`)}
</tbody></table></div>`}
<nav class="pager" aria-label="Phân trang">
${q.before ? html`<a href="${link({ entity: q.entity, actor: q.actor })}">« Mới nhất</a>` : ""}
${hasMore && last ? html`<a href="${link({ entity: q.entity, actor: q.actor, before: String(last.id) })}">Cũ hơn »</a>` : ""}
</nav>`;
}

async function showAuditLog(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const parsed = AuditQuery.safeParse(req.query);
  if (!parsed.success) throw new AppError("bad_request", "Bộ lọc không hợp lệ.");
  const q = parsed.data;
  const where: Prisma.AuditLogWhereInput = {
    ...(q.entity ? { entity: q.entity } : {}),
    ...(q.actor ? { actor: q.actor } : {}),
    ...(q.before ? { id: { lt: BigInt(q.before) } } : {}),
  };
  const rows = await ctx.prisma.auditLog.findMany({ where, orderBy: { id: "desc" }, take: AUDIT_PAGE_SIZE + 1 });
  const hasMore = rows.length > AUDIT_PAGE_SIZE;
  // Who looked at the log, and with which filters, is itself part of the record.
  await audit(req, "audit.view", "audit_log", null, { entity: q.entity ?? null, actor: q.actor ?? null, before: q.before ?? null });
  renderPage(req, res, { title: "Nhật ký truy cập", current: "audit", body: auditBody(rows.slice(0, AUDIT_PAGE_SIZE), q, hasMore) });
}

/** The audit section, registered by createConsoleRouter through the same extension point other modules use. */
export function auditSection(): ConsoleSectionSpec {
  return {
    id: "audit",
    routes: ({ pages }) => {
      pages.get("/", showAuditLog);
    },
  };
}
