/**
 * Public HTTP pages of the donations module, no sign-in: the needs board (/nhu-cau), the transparency report
 * (/minh-bach, /minh-bach.csv) and the VietQR image of a money pledge (/qr/pledges/<code>.png).
 * Only public data: published needs, totals, names donors chose to show. Query parameters are validated with zod;
 * a bad one is a 400 that says which and why. Strict security headers (CSP default-src 'self', no framing).
 */
import { Router, type Request, type RequestHandler, type Response } from "express";
import { strictPageHeaders } from "../security-headers.js";
import { z } from "zod";
import type { Config } from "../../config.js";
import type { NeedsPort } from "../../flows/ports.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { toCsv, transparencyReport } from "../../needs/transparency.js";
import { NEED_CATEGORIES, oneOf } from "../../needs/types.js";
import { vndToNumber } from "../../pledges/money.js";
import { findPledgeByCode } from "../../pledges/repository.js";
import { AWAITING_MONEY_STATUSES } from "../../pledges/types.js";
import { buildVietQr, renderQrPng } from "../../pledges/vietqr.js";
import type { Clock } from "../../runtime/clock.js";
import { PUBLIC_CSS } from "./style.js";
import { errorPage, type Filter, needsBoardPage, type Province, transparencyPage } from "./views.js";

export interface PublicRouterDeps {
  prisma: PrismaClient;
  config: Pick<Config, "vietqr" | "publicBaseUrl">;
  clock: Clock;
  port: NeedsPort;
}

const BOARD_LIMIT = 50;

/** "" (an untouched select) means no filter. */
const emptyToUndefined = (v: unknown) => (v === "" ? undefined : v);
const FilterQuery = z.object({
  tinh: z.preprocess(emptyToUndefined, z.string("tỉnh phải là một mã duy nhất").trim().regex(/^[0-9A-Za-z]{1,10}$/, "mã tỉnh không hợp lệ").optional()),
  loai: z.preprocess(emptyToUndefined, z.enum(NEED_CATEGORIES, `loại hỗ trợ phải là một trong: ${NEED_CATEGORIES.join(", ")}`).optional()),
});
const CsvQuery = FilterQuery.extend({
  view: z.preprocess(emptyToUndefined, z.enum(["needs", "communes", "categories", "donors"], "view phải là needs, communes, categories hoặc donors").default("needs")),
});
/** A pledge code as printed (UH-2026-000123) followed by .png. */
const QrFile = z.string().regex(/^(UH-\d{4}-\d{6,9})\.png$/, "mã ủng hộ không hợp lệ");

const reasonOf = (e: z.ZodError): string => e.issues.map((i) => `${i.path.join(".") || "tham số"}: ${i.message}`).join("; ");


async function provinces(prisma: PrismaClient): Promise<Province[]> {
  const rows = await prisma.administrativeUnit.findMany({ where: { level: "province" }, select: { code: true, name: true } });
  return rows.sort((a, b) => a.name.localeCompare(b.name, "vi"));
}

/** Parses the filter; on a bad value answers 400 (HTML or text) and returns null. */
async function readFilter<T extends z.ZodType>(schema: T, req: Request, res: Response, list: Province[], as: "html" | "text", back: string): Promise<z.infer<T> | null> {
  const parsed = schema.safeParse(req.query);
  let reason: string | null = parsed.success ? null : reasonOf(parsed.error);
  if (parsed.success) {
    const tinh = (parsed.data as { tinh?: string }).tinh;
    if (tinh && !list.some((p) => p.code === tinh)) reason = `tinh: không có tỉnh/thành phố mã "${tinh}"`;
  }
  if (reason === null && parsed.success) return parsed.data;
  res.status(400);
  if (as === "html") res.type("html").send(errorPage({ title: "Yêu cầu không hợp lệ", reason: `Bộ lọc không hợp lệ — ${reason}.`, back }).toString());
  else res.type("text/plain; charset=utf-8").send(`Yêu cầu không hợp lệ: ${reason}\n`);
  return null;
}

const toFilter = (q: { tinh?: string | undefined; loai?: string | undefined }): Filter => ({ ...(q.tinh ? { provinceCode: q.tinh } : {}), ...(q.loai ? { category: q.loai } : {}) });

/** The public router (needs board, transparency page and CSV, VietQR images, the pages' stylesheet). */
export function publicRouter(deps: PublicRouterDeps): Router {
  const r = Router();
  const headers = strictPageHeaders(deps.config.publicBaseUrl);
  // totals change with every statement import: browsers revalidate, shared caches may keep a minute
  const fresh: RequestHandler = (_req, res, next) => {
    res.set("Cache-Control", "public, max-age=60, must-revalidate");
    next();
  };

  r.get("/cong-khai.css", headers, (_req, res) => {
    res.set("Cache-Control", "public, max-age=3600").type("text/css; charset=utf-8").send(PUBLIC_CSS);
  });

  r.get("/nhu-cau", headers, fresh, async (req, res) => {
    const list = await provinces(deps.prisma);
    const q = await readFilter(FilterQuery, req, res, list, "html", "/nhu-cau");
    if (!q) return;
    const filter = toFilter(q);
    const needs = await deps.port.listPublished({ ...filter, limit: BOARD_LIMIT });
    res.type("html").send(needsBoardPage({ needs, provinces: list, filter, limit: BOARD_LIMIT }).toString());
  });

  r.get("/minh-bach", headers, fresh, async (req, res) => {
    const list = await provinces(deps.prisma);
    const q = await readFilter(FilterQuery, req, res, list, "html", "/minh-bach");
    if (!q) return;
    const filter = toFilter(q);
    const report = await transparencyReport(deps.prisma, { ...filter, now: deps.clock.now() });
    res.type("html").send(transparencyPage({ report, provinces: list, filter }).toString());
  });

  r.get("/minh-bach.csv", headers, fresh, async (req, res) => {
    const list = await provinces(deps.prisma);
    const q = await readFilter(CsvQuery, req, res, list, "text", "/minh-bach");
    if (!q) return;
    const report = await transparencyReport(deps.prisma, { ...toFilter(q), now: deps.clock.now() });
    res
      .type("text/csv; charset=utf-8")
      .set("Content-Disposition", `attachment; filename="minh-bach-${q.view}.csv"`)
      .send(toCsv(report, q.view));
  });

  r.get("/qr/pledges/:file", headers, async (req, res) => {
    res.set({ "Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex" });
    const file = QrFile.safeParse(req.params.file);
    if (!file.success) return void res.status(400).type("text/plain; charset=utf-8").send(`Yêu cầu không hợp lệ: ${reasonOf(file.error)}\n`);
    const code = file.data.slice(0, -".png".length);
    const notFound = () => void res.status(404).type("text/plain; charset=utf-8").send("Không tìm thấy mã QR cho khoản ủng hộ này.\n");
    const account = deps.config.vietqr;
    if (!account) return notFound();
    const p = await findPledgeByCode(deps.prisma, code);
    // only a money promise still waiting for its transfer has a QR: a paid or cancelled one must not invite another payment
    if (!p || p.kind !== "money" || p.amountVnd === null || !oneOf(AWAITING_MONEY_STATUSES, p.status)) return notFound();
    const { payload } = buildVietQr({ bankBin: account.bankBin, accountNumber: account.accountNumber, amountVnd: vndToNumber(p.amountVnd), pledgeCode: p.code });
    res.type("image/png").send(await renderQrPng(payload));
  });

  return r;
}
