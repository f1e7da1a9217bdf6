/**
 * /console/directory: the 2025 provinces and communes (search with the shared fuzzy matcher, old names included),
 * the escalation recipients of each commune and province with their notification channels, the escalation timeouts
 * (read-only, from config), the recipient form (directory.edit) and one-time chat link codes. Changes are audited
 * with field names and codes only (never display names or chat ids).
 */
import type { Request, Response } from "express";
import { z } from "zod";
import { loadDirectory } from "../../directory/load-units.js";
import { createDirectory } from "../../directory/match-units.js";
import { UNUSABLE_PASSWORD_HASH } from "../../directory/seed-recipients.js";
import { AppError } from "../../errors.js";
import { createLinkCode } from "../../escalation/create-link-code.js";
import { parseNotifyChannels } from "../../escalation/types.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { CHANNELS } from "../../messaging/channels.js";
import { assertPermission, hasPermission, notFound } from "../../staff/permissions.js";
import { isValidUsername, normaliseUsername } from "../../staff/sign-in.js";
import { consoleContext, currentSession, currentStaff } from "./context.js";
import { audit } from "./middleware.js";
import { renderPage } from "./render.js";
import type { ConsoleSectionSpec } from "./router.js";
import { communePage, directoryHome, provincePage, RECIPIENT_ROLES, staffPage, type RecipientRow, type UnitRow } from "./views/directory.js";

export interface DirectorySectionDeps {
  /** ESCALATION_TIMEOUT_*_MIN, shown read-only. */
  timeoutsMin: { immediate: number; high: number; other: number };
}

const RECIPIENT_SELECT = { id: true, username: true, displayName: true, role: true, escalationLevel: true, provinceCodes: true, communeCodes: true, active: true, notifyChannels: true } as const;
type StaffRowDb = Prisma.StaffGetPayload<{ select: typeof RECIPIENT_SELECT }>;
const toRow = (s: StaffRowDb): RecipientRow => ({ ...s, channels: parseNotifyChannels(s.notifyChannels) });

const UUID = z.uuid();
const LEVEL_OF_ROLE = { commune_worker: "commune", province_officer: "province", hotline: "hotline" } as const;

const codes = (s: string): string[] => [...new Set(s.split(/[\s,;]+/).map((c) => c.trim()).filter((c) => c !== ""))];

const RecipientForm = z.object({
  username: z.string().optional(),
  displayName: z.string().transform((s) => s.normalize("NFC").trim()).pipe(z.string().min(1, "Cần họ tên.").max(120, "Họ tên quá dài.")),
  role: z.enum(RECIPIENT_ROLES, { error: "Vai trò không hợp lệ." }),
  escalationLevel: z.preprocess((v) => (v === "" ? null : v), z.enum(["commune", "province", "hotline"]).nullable()),
  provinceCodes: z.string().max(400).default(""),
  communeCodes: z.string().max(2000).default(""),
  notifyChannels: z.string().max(2000).default(""),
  active: z.string().optional(),
});

interface RecipientValues {
  displayName: string;
  role: (typeof RECIPIENT_ROLES)[number];
  escalationLevel: "commune" | "province" | "hotline" | null;
  provinceCodes: string[];
  communeCodes: string[];
  notifyChannels: { channel: string; userId: string }[];
  active: boolean;
}

/** Validates the recipient form against the 2025 directory; problems in Vietnamese. */
function readRecipientForm(body: unknown): { ok: true; v: RecipientValues } | { ok: false; problems: string[] } {
  const p = RecipientForm.safeParse(body);
  if (!p.success) return { ok: false, problems: p.error.issues.map((i) => i.message) };
  const f = p.data;
  const dir = loadDirectory();
  const problems: string[] = [];
  const provinceCodes = codes(f.provinceCodes);
  const communeCodes = codes(f.communeCodes);
  for (const c of provinceCodes) if (!dir.provinceByCode.has(c)) problems.push(`Mã tỉnh ${c} không có trong danh mục 2025.`);
  for (const c of communeCodes) if (!dir.communeByCode.has(c)) problems.push(`Mã xã ${c} không có trong danh mục 2025.`);
  if (f.role === "commune_worker" && communeCodes.length === 0) problems.push("Cán bộ cấp xã cần ít nhất một mã xã.");
  if (f.role === "province_officer" && provinceCodes.length === 0) problems.push("Cán bộ cấp tỉnh cần ít nhất một mã tỉnh.");
  if (f.escalationLevel !== null && LEVEL_OF_ROLE[f.role] !== f.escalationLevel) problems.push("Cấp nhận báo phải khớp vai trò (cán bộ xã → cấp xã, cán bộ tỉnh → cấp tỉnh, tổng đài → 111).");
  const notifyChannels: { channel: string; userId: string }[] = [];
  for (const line of f.notifyChannels.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "")) {
    const m = /^([a-z]+)\s*:\s*(\S{1,200})$/.exec(line);
    if (!m || !(CHANNELS as readonly string[]).includes(m[1]!)) {
      problems.push(`Kênh thông báo "${line.slice(0, 40)}" không hợp lệ (dạng kênh:mã, kênh là ${CHANNELS.join(", ")}).`);
      continue;
    }
    if (!notifyChannels.some((c) => c.channel === m[1] && c.userId === m[2])) notifyChannels.push({ channel: m[1]!, userId: m[2]! });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, v: { displayName: f.displayName, role: f.role, escalationLevel: f.escalationLevel, provinceCodes, communeCodes, notifyChannels, active: f.active === "on" } };
}

function formValues(body: unknown): Partial<Record<string, string>> {
  const out: Record<string, string> = {};
  if (typeof body === "object" && body !== null) for (const [k, v] of Object.entries(body)) if (typeof v === "string" && k !== "_csrf") out[k] = v;
  if (out.activePresent && out.active === undefined) out.active = "off";
  return out;
}

async function showHome(req: Request, res: Response, deps: DirectorySectionDeps): Promise<void> {
  const ctx = consoleContext(req);
  const staff = currentStaff(req);
  const q = typeof req.query.q === "string" ? req.query.q.normalize("NFC").trim().slice(0, 120) : "";
  const dir = loadDirectory();
  const port = createDirectory();
  const officers = await ctx.prisma.staff.findMany({ where: { active: true, escalationLevel: "province" }, select: { provinceCodes: true } });
  const provinces: UnitRow[] = dir.provinces.map((p) => ({ code: p.code, name: p.name, fullName: p.fullName, type: p.type, recipients: officers.filter((o) => o.provinceCodes.includes(p.code)).length }));
  renderPage(req, res, {
    title: "Danh bạ",
    current: "directory",
    body: directoryHome({
      q,
      provinceHits: q ? port.findProvince(q).slice(0, 5) : [],
      communeHits: q ? port.findCommune(null, q).slice(0, 12) : [],
      provinces,
      timeouts: deps.timeoutsMin,
      canEdit: hasPermission(staff, "directory.edit"),
      selfId: staff.id,
      csrf: currentSession(req).csrfToken,
    }),
  });
}

async function showProvince(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const dir = loadDirectory();
  const p = dir.provinceByCode.get(String(req.params.code));
  if (!p) throw notFound();
  const communes = dir.communesByProvince.get(p.code) ?? [];
  const workers = await ctx.prisma.staff.findMany({ where: { active: true, escalationLevel: "commune", communeCodes: { hasSome: communes.map((c) => c.code) } }, select: { communeCodes: true } });
  const officers = await ctx.prisma.staff.findMany({ where: { role: "province_officer", provinceCodes: { has: p.code } }, orderBy: { displayName: "asc" }, select: RECIPIENT_SELECT });
  renderPage(req, res, {
    title: p.fullName,
    current: "directory",
    body: provincePage({
      province: { code: p.code, name: p.name, fullName: p.fullName, type: p.type, recipients: officers.length },
      communes: communes.map((c) => ({ code: c.code, name: c.name, fullName: c.fullName, type: c.type, recipients: workers.filter((w) => w.communeCodes.includes(c.code)).length })),
      officers: officers.map(toRow),
      canEdit: hasPermission(currentStaff(req), "directory.edit"),
    }),
  });
}

async function showCommune(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const dir = loadDirectory();
  const c = dir.communeByCode.get(String(req.params.code));
  if (!c) throw notFound();
  const p = dir.provinceByCode.get(c.provinceCode);
  const workers = await ctx.prisma.staff.findMany({ where: { role: "commune_worker", communeCodes: { has: c.code } }, orderBy: { displayName: "asc" }, select: RECIPIENT_SELECT });
  const officers = await ctx.prisma.staff.findMany({ where: { role: "province_officer", provinceCodes: { has: c.provinceCode } }, orderBy: { displayName: "asc" }, select: RECIPIENT_SELECT });
  renderPage(req, res, {
    title: c.fullName,
    current: "directory",
    body: communePage({
      commune: { code: c.code, name: c.name, fullName: c.fullName, type: c.type, recipients: workers.length },
      provinceName: p?.fullName ?? c.provinceCode,
      provinceCode: c.provinceCode,
      formedFrom: c.formedFrom,
      workers: workers.map(toRow),
      officers: officers.map(toRow),
      canEdit: hasPermission(currentStaff(req), "directory.edit"),
    }),
  });
}

async function loadStaff(req: Request): Promise<StaffRowDb> {
  const id = UUID.safeParse(req.params.id);
  if (!id.success) throw notFound();
  const s = await consoleContext(req).prisma.staff.findUnique({ where: { id: id.data }, select: RECIPIENT_SELECT });
  if (!s) throw notFound();
  return s;
}

const isRecipientRole = (role: string): boolean => (RECIPIENT_ROLES as readonly string[]).includes(role);

function renderStaff(req: Request, res: Response, s: StaffRowDb | null, extra: { problems?: string[]; values?: Partial<Record<string, string>>; linkCode?: { command: string; expiresAt: Date }; saved?: boolean; status?: number } = {}): void {
  const me = currentStaff(req);
  const canEdit = hasPermission(me, "directory.edit");
  renderPage(req, res, {
    status: extra.status,
    title: s ? s.displayName : "Thêm cán bộ",
    current: "directory",
    body: staffPage({
      staff: s ? toRow(s) : null,
      canEdit,
      // Only alert recipients are managed here; admins and donations officers are managed with staff accounts.
      editable: s === null || isRecipientRole(s.role),
      canLink: s !== null && (canEdit || s.id === me.id),
      csrf: currentSession(req).csrfToken,
      ...extra,
    }),
  });
}

async function createRecipient(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const me = currentStaff(req);
  assertPermission(me, "directory.edit");
  const form = readRecipientForm(req.body);
  const rawUser = typeof req.body?.username === "string" ? normaliseUsername(req.body.username) : "";
  const problems = form.ok ? [] : [...form.problems];
  if (!isValidUsername(rawUser)) problems.unshift("Tên đăng nhập chỉ gồm a-z, 0-9, dấu chấm, gạch ngang, gạch dưới (3–64 ký tự).");
  else if (await ctx.prisma.staff.findUnique({ where: { username: rawUser }, select: { id: true } })) problems.unshift(`Tên đăng nhập "${rawUser}" đã tồn tại.`);
  if (!form.ok || problems.length > 0) return renderStaff(req, res, null, { problems, values: formValues(req.body), status: 400 });
  const v = form.v;
  const now = ctx.now();
  const created = await ctx.prisma.$transaction(async (tx) => {
    const s = await tx.staff.create({ data: { username: rawUser, passwordHash: UNUSABLE_PASSWORD_HASH, displayName: v.displayName, role: v.role, escalationLevel: v.escalationLevel, provinceCodes: v.provinceCodes, communeCodes: v.communeCodes, notifyChannels: v.notifyChannels, active: v.active }, select: { id: true } });
    await tx.auditLog.create({ data: { actor: `staff:${me.id}`, action: "directory.recipient_create", entity: "staff", entityId: s.id, at: now, ip: req.ip ?? null, details: { role: v.role, escalationLevel: v.escalationLevel, provinceCodes: v.provinceCodes, communeCodes: v.communeCodes, channels: v.notifyChannels.map((c) => c.channel), active: v.active } } });
    return s;
  });
  res.redirect(303, `/console/directory/staff/${created.id}?saved=1`);
}

async function updateRecipient(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const me = currentStaff(req);
  assertPermission(me, "directory.edit");
  const s = await loadStaff(req);
  if (!isRecipientRole(s.role)) throw new AppError("forbidden", "Vai trò này không quản lý ở danh bạ.");
  const form = readRecipientForm(req.body);
  if (!form.ok) return renderStaff(req, res, s, { problems: form.problems, values: formValues(req.body), status: 400 });
  const v = form.v;
  const before = toRow(s);
  const changed: string[] = [];
  if (before.displayName !== v.displayName) changed.push("displayName");
  if (before.role !== v.role) changed.push("role");
  if (before.escalationLevel !== v.escalationLevel) changed.push("escalationLevel");
  if (before.provinceCodes.join(",") !== v.provinceCodes.join(",")) changed.push("provinceCodes");
  if (before.communeCodes.join(",") !== v.communeCodes.join(",")) changed.push("communeCodes");
  if (JSON.stringify(before.channels) !== JSON.stringify(v.notifyChannels)) changed.push("notifyChannels");
  if (before.active !== v.active) changed.push("active");
  const now = ctx.now();
  await ctx.prisma.$transaction(async (tx) => {
    await tx.staff.update({ where: { id: s.id }, data: { displayName: v.displayName, role: v.role, escalationLevel: v.escalationLevel, provinceCodes: v.provinceCodes, communeCodes: v.communeCodes, notifyChannels: v.notifyChannels, active: v.active } });
    // A role or scope change must not leave old sessions with the old rights.
    if (changed.includes("role") || changed.includes("provinceCodes") || changed.includes("communeCodes") || (changed.includes("active") && !v.active)) await tx.staffSession.deleteMany({ where: { staffId: s.id } });
    await tx.auditLog.create({ data: { actor: `staff:${me.id}`, action: "directory.recipient_update", entity: "staff", entityId: s.id, at: now, ip: req.ip ?? null, details: { changed, role: v.role, escalationLevel: v.escalationLevel, provinceCodes: v.provinceCodes, communeCodes: v.communeCodes, channels: v.notifyChannels.map((c) => c.channel), active: v.active } } });
  });
  res.redirect(303, `/console/directory/staff/${s.id}?saved=1`);
}

async function newLinkCode(req: Request, res: Response): Promise<void> {
  const ctx = consoleContext(req);
  const me = currentStaff(req);
  const s = await loadStaff(req);
  if (s.id !== me.id) assertPermission(me, "directory.edit");
  if (!s.active) throw new AppError("conflict", "Tài khoản đang tạm dừng: không tạo được mã liên kết.");
  // createLinkCode writes its own audit row (staff.link_code_created) in this transaction.
  const link = await ctx.prisma.$transaction((tx) => createLinkCode(tx, { staffId: s.id, actor: `staff:${me.id}`, now: ctx.now() }));
  renderStaff(req, res, s, { linkCode: { command: link.command, expiresAt: link.expiresAt } });
}

/** The directory section (id "directory", permission directory.view; edits need directory.edit). */
export function directorySection(deps: DirectorySectionDeps): ConsoleSectionSpec {
  return {
    id: "directory",
    routes: ({ pages }) => {
      pages.get("/", (req, res) => showHome(req, res, deps));
      pages.get("/provinces/:code", showProvince);
      pages.get("/communes/:code", showCommune);
      pages.get("/staff/new", (req, res) => {
        assertPermission(currentStaff(req), "directory.edit");
        renderStaff(req, res, null);
      });
      pages.get("/staff/:id", async (req, res) => renderStaff(req, res, await loadStaff(req), { saved: req.query.saved === "1" }));
      pages.post("/staff", createRecipient);
      pages.post("/staff/:id", updateRecipient);
      pages.post("/staff/:id/link-code", newLinkCode);
    },
  };
}
