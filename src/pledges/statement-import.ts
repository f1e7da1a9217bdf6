/**
 * Bank statement import: staff upload the CSV their bank exports; transfers whose note carries a pledge code and
 * whose amount equals the pledge are marked received. Re-importing the same (or an overlapping) statement changes
 * nothing, because every line has a stable key (the bank's transaction id, else a hash of date|amount|note).
 *
 * Statement notes are private (they usually contain the sender's name): they are never logged, and are stored
 * encrypted (see encodeStatementNote) because StatementLine.note is a plain text column.
 */
import { createHash, randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { decryptText, encryptText } from "../crypto/index.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { oneOf } from "../needs/types.js";
import { foldDiacritics } from "../text/index.js";
import { confirmPledgeReceipt } from "./confirm-pledge-receipt.js";
import { MAX_PLEDGE_VND, vndToNumber } from "./money.js";
import { type Db, findPledgeByCode, insertAudit, insertStatementLine, needCodes, statementLineExists } from "./repository.js";
import { AWAITING_MONEY_STATUSES } from "./types.js";

/** Largest statement we take in one go (a month of a busy campaign account is far below this). */
export const MAX_STATEMENT_BYTES = 5_000_000;

export interface StatementRow {
  /** 1-based line of the CSV file the row starts on. */
  line: number;
  lineKey: string;
  bookedAt: Date;
  amountVnd: number;
  note: string;
  reference: string | null;
}

export interface RowError {
  line: number;
  reason: string;
}

type Column = "date" | "amount" | "note" | "reference";

// Header spellings seen in Vietnamese bank exports, folded (no diacritics, no spaces/punctuation).
const HEADERS: Record<Column, string[]> = {
  date: ["ngay", "date", "ngaygiaodich", "ngayhachtoan", "ngaygd", "thoigian", "thoigiangiaodich", "transactiondate", "bookingdate", "valuedate", "ngayhieuluc"],
  amount: ["sotien", "amount", "sotienghico", "ghico", "credit", "creditamount", "sotienvao", "tienvao", "sotiengiaodich", "psco", "phatsinhco"],
  note: ["noidung", "description", "note", "diengiai", "noidunggiaodich", "noidungchuyenkhoan", "memo", "remark", "remarks", "details", "mota", "chitiet"],
  reference: ["magiaodich", "sothamchieu", "reference", "ref", "transactionid", "txnid", "mgd", "sogiaodich", "mathamchieu", "referenceno", "sobuttoan", "id"],
};

const foldHeader = (h: string): string => foldDiacritics(h).replace(/[^a-z0-9]/g, "");

/** Reads a statement amount ("1.000.000", "1,000,000", "1000000", "1.000.000 VND", "+500.000", "1.000.000,00") as integer đồng. */
export function parseStatementAmount(raw: string): { ok: true; vnd: number } | { ok: false; reason: string } {
  const s = raw.trim().replace(/\s+/g, "").replace(/(vnđ|vnd|đ|₫|d)$/i, "").replace(/^\+/, "");
  if (s === "") return { ok: false, reason: "thiếu số tiền" };
  if (s.startsWith("-") || s.startsWith("(")) return { ok: false, reason: "số tiền âm (tiền ra), không phải tiền ủng hộ" };
  let digits: string | null = null;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?$/.exec(s))) digits = m[2] && /[1-9]/.test(m[2]) ? null : (m[1] ?? "").replace(/\./g, "");
  else if ((m = /^(\d{1,3}(?:,\d{3})+)(?:\.(\d+))?$/.exec(s))) digits = m[2] && /[1-9]/.test(m[2]) ? null : (m[1] ?? "").replace(/,/g, "");
  else if ((m = /^(\d+)(?:[.,](0+))?$/.exec(s))) digits = m[1] ?? null;
  if (digits === null) return { ok: false, reason: `số tiền "${raw.trim().slice(0, 30)}" không hợp lệ (cần số đồng chẵn, ví dụ 1.000.000)` };
  const n = Number(digits);
  if (!Number.isSafeInteger(n) || n <= 0) return { ok: false, reason: "số tiền phải lớn hơn 0" };
  if (n > MAX_PLEDGE_VND) return { ok: false, reason: "số tiền lớn hơn 10 tỷ đồng" };
  return { ok: true, vnd: n };
}

/** Reads a statement date ("23/11/2026", "23/11/2026 14:05:09", "2026-11-23", ISO) as a Vietnam-time instant. */
export function parseStatementDate(raw: string): Date | null {
  const s = raw.trim();
  let y: number, mo: number, d: number, h = 0, mi = 0, se = 0;
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) {
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    [h, mi, se] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  } else if ((m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s))) {
    if (m[7]) {
      const t = Date.parse(s.replace(" ", "T"));
      return Number.isNaN(t) ? null : new Date(t);
    }
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    [h, mi, se] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  } else {
    return null;
  }
  // banks print local time (UTC+7, no daylight saving)
  const t = Date.UTC(y, mo - 1, d, h - 7, mi, se);
  const check = new Date(t + 7 * 3_600_000);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return null;
  return new Date(t);
}

const RowSchema = z.object({
  date: z.string().transform((s, ctx) => {
    const d = parseStatementDate(s);
    if (!d) {
      ctx.addIssue({ code: "custom", message: `ngày "${s.trim().slice(0, 30)}" không hợp lệ (cần dạng 23/11/2026 hoặc 2026-11-23)` });
      return z.NEVER;
    }
    return d;
  }),
  amount: z.string().transform((s, ctx) => {
    const r = parseStatementAmount(s);
    if (!r.ok) {
      ctx.addIssue({ code: "custom", message: r.reason });
      return z.NEVER;
    }
    return r.vnd;
  }),
  note: z.string().max(1000, "nội dung quá dài (tối đa 1000 ký tự)"),
  reference: z
    .string()
    .max(100, "mã giao dịch quá dài")
    .transform((s) => (s.trim() === "" ? null : s.trim())),
});

function pickDelimiter(firstLine: string): string {
  // Excel in Vietnamese locale exports ";" because "," is the decimal separator
  const count = (d: string) => firstLine.split(d).length - 1;
  const cands = [",", ";", "\t"].map((d) => [d, count(d)] as const).sort((a, b) => b[1] - a[1]);
  return cands[0] && cands[0][1] > 0 ? cands[0][0] : ",";
}

const ParsedRecords = z.array(z.object({ record: z.array(z.string()), info: z.object({ lines: z.number() }) }));

const canonNote = (s: string): string => s.normalize("NFC").replace(/\s+/g, " ").trim();

/** Parses a statement CSV into validated rows with stable line keys, and per-line errors for rows that cannot be used. */
export function parseStatementCsv(csvText: string): { rows: StatementRow[]; errors: RowError[] } {
  const errors: RowError[] = [];
  if (csvText.length > MAX_STATEMENT_BYTES) return { rows: [], errors: [{ line: 0, reason: "tệp quá lớn (tối đa 5 MB), hãy chia theo tháng" }] };
  const text = csvText.replace(/^\uFEFF/, "");
  if (text.trim() === "") return { rows: [], errors: [{ line: 0, reason: "tệp trống" }] };
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse's types do not model `info: true`; check the shape instead of casting
    const raw: unknown = parse(text, { delimiter: pickDelimiter(firstLine), info: true, skip_empty_lines: true, relax_column_count: true, trim: true });
    records = ParsedRecords.parse(raw);
  } catch (err) {
    const line = typeof err === "object" && err !== null && "lines" in err && typeof err.lines === "number" ? err.lines : 0;
    const code = typeof err === "object" && err !== null && "code" in err ? String(err.code) : "";
    const why = code === "CSV_QUOTE_NOT_CLOSED" ? "dấu ngoặc kép mở mà không đóng" : code === "CSV_INVALID_CLOSING_QUOTE" ? "dấu ngoặc kép đặt sai chỗ" : "định dạng CSV không đọc được";
    return { rows: [], errors: [{ line, reason: `tệp CSV lỗi: ${why}` }] };
  }
  const header = records[0];
  if (!header) return { rows: [], errors: [{ line: 0, reason: "tệp trống" }] };
  const index: Partial<Record<Column, number>> = {};
  header.record.forEach((h, i) => {
    const f = foldHeader(h);
    for (const col of Object.keys(HEADERS) as Column[]) if (index[col] === undefined && HEADERS[col].includes(f)) index[col] = i;
  });
  const missing = (["date", "amount", "note"] as const).filter((c) => index[c] === undefined);
  if (missing.length > 0) {
    const names = { date: "ngày (Ngày/Date)", amount: "số tiền (Số tiền/Amount)", note: "nội dung (Nội dung/Description)" };
    return { rows: [], errors: [{ line: header.info.lines, reason: `thiếu cột ${missing.map((c) => names[c]).join(", ")} ở dòng tiêu đề` }] };
  }
  const rows: StatementRow[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const cell = (c: Column) => (index[c] === undefined ? "" : (record[index[c]] ?? ""));
    if (record.every((v) => v.trim() === "")) continue;
    const r = RowSchema.safeParse({ date: cell("date"), amount: cell("amount"), note: cell("note"), reference: cell("reference") });
    if (!r.success) {
      errors.push({ line, reason: r.error.issues.map((i) => i.message).join("; ") });
      continue;
    }
    const note = canonNote(r.data.note);
    let lineKey: string;
    if (r.data.reference) {
      lineKey = `ref:${r.data.reference}`;
    } else {
      const base = `${r.data.date.toISOString()}|${r.data.amount}|${note}`;
      // two identical transfers on one statement are two gifts: number repeats so both keep distinct, stable keys
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      lineKey = `sha256:${createHash("sha256").update(n === 1 ? base : `${base}|${n}`).digest("hex")}`;
    }
    rows.push({ line, lineKey, bookedAt: r.data.date, amountVnd: r.data.amount, note, reference: r.data.reference });
  }
  return { rows, errors };
}

/** Pledge codes in a transfer note, tolerating lost dashes/spaces and case ("uh2026000123", "UH 2026 000123"). */
export function findPledgeCodes(note: string): string[] {
  const folded = foldDiacritics(note).toUpperCase();
  const out = new Set<string>();
  for (const m of folded.matchAll(/(?<![A-Z])UH[\s._-]*(20\d{2})[\s._-]*(\d{6,9})(?!\d)/g)) out.add(`UH-${m[1]}-${m[2]}`);
  return [...out];
}

/** Statement notes go into a plain text column: store them encrypted ("enc:" + base64) so sender names stay private. */
export function encodeStatementNote(note: string): string {
  return `enc:${encryptText(note).toString("base64")}`;
}

/** Reads a note stored by encodeStatementNote (for the staff reconciliation view). */
export function decodeStatementNote(stored: string): string {
  return stored.startsWith("enc:") ? decryptText(Buffer.from(stored.slice(4), "base64")) : stored;
}

export type UnmatchedReason = "no_code" | "unknown_code" | "multiple_codes" | "amount_mismatch" | "not_money_pledge" | "pledge_not_pending";

export interface MatchedLine {
  line: number;
  lineKey: string;
  pledgeCode: string;
  needCode: string | null;
  amountVnd: number;
}

export interface UnmatchedLine {
  line: number;
  lineKey: string;
  amountVnd: number;
  bookedAt: Date;
  reason: UnmatchedReason;
  /** The code found in the note, when there was one. */
  pledgeCode: string | null;
  /** The pledged amount, for amount_mismatch. */
  expectedVnd: number | null;
  /** The transfer note, for the person reconciling by hand. Private: never log it. */
  note: string;
}

export interface DuplicateLine {
  line: number;
  lineKey: string;
}

export interface ImportResult {
  matched: MatchedLine[];
  unmatched: UnmatchedLine[];
  duplicates: DuplicateLine[];
  errors: RowError[];
}

type Match = { kind: "matched"; pledgeId: string; pledgeCode: string; needId: string | null } | { kind: "unmatched"; reason: UnmatchedReason; pledgeCode: string | null; expectedVnd: number | null };

async function matchRow(tx: Db, row: StatementRow): Promise<Match> {
  const codes = findPledgeCodes(row.note);
  if (codes.length === 0) return { kind: "unmatched", reason: "no_code", pledgeCode: null, expectedVnd: null };
  if (codes.length > 1) return { kind: "unmatched", reason: "multiple_codes", pledgeCode: codes.join(" "), expectedVnd: null };
  const code = codes[0] ?? "";
  const p = await findPledgeByCode(tx, code);
  if (!p) return { kind: "unmatched", reason: "unknown_code", pledgeCode: code, expectedVnd: null };
  const expected = p.amountVnd === null ? null : vndToNumber(p.amountVnd);
  if (p.kind !== "money") return { kind: "unmatched", reason: "not_money_pledge", pledgeCode: code, expectedVnd: null };
  if (!oneOf(AWAITING_MONEY_STATUSES, p.status)) return { kind: "unmatched", reason: "pledge_not_pending", pledgeCode: code, expectedVnd: expected };
  // a different amount is for a person to look at (typo, partial payment, two pledges in one transfer)
  if (expected !== row.amountVnd) return { kind: "unmatched", reason: "amount_mismatch", pledgeCode: code, expectedVnd: expected };
  return { kind: "matched", pledgeId: p.id, pledgeCode: code, needId: p.needId };
}

/** Imports a statement CSV in one transaction: stores new lines, marks matched pledges received, audits every change. */
export async function importStatement(prisma: PrismaClient, csvText: string, actorStaffId: string, opts: { now?: Date } = {}): Promise<ImportResult> {
  const { rows, errors } = parseStatementCsv(csvText);
  const now = opts.now ?? new Date();
  const actor = `staff:${actorStaffId}`;
  const result: ImportResult = { matched: [], unmatched: [], duplicates: [], errors };
  if (rows.length === 0) return result;
  return prisma.$transaction(
    async (tx) => {
      for (const row of rows) {
        if (await statementLineExists(tx, row.lineKey)) {
          result.duplicates.push({ line: row.line, lineKey: row.lineKey });
          continue;
        }
        const m = await matchRow(tx, row);
        const id = randomUUID();
        const inserted = await insertStatementLine(tx, {
          id,
          lineKey: row.lineKey,
          amountVnd: BigInt(row.amountVnd),
          note: encodeStatementNote(row.note),
          bookedAt: row.bookedAt,
          pledgeId: m.kind === "matched" ? m.pledgeId : null,
          importedBy: actorStaffId,
          createdAt: now,
        });
        if (!inserted) {
          // same key twice in this file (a repeated bank reference), or a concurrent import got there first
          result.duplicates.push({ line: row.line, lineKey: row.lineKey });
          continue;
        }
        await insertAudit(tx, {
          actor,
          action: "statement_line.import",
          entity: "statement_line",
          entityId: id,
          details: { line: row.line, matched: m.kind === "matched", pledgeCode: m.pledgeCode, reason: m.kind === "unmatched" ? m.reason : null },
          at: now,
        });
        if (m.kind === "matched") {
          await confirmPledgeReceipt(tx, { pledgeCode: m.pledgeCode, actor, now, receivedAmountVnd: row.amountVnd, via: "statement", statementLineId: id });
          const needCode = m.needId ? ((await needCodes(tx, [m.needId])).get(m.needId) ?? null) : null;
          result.matched.push({ line: row.line, lineKey: row.lineKey, pledgeCode: m.pledgeCode, needCode, amountVnd: row.amountVnd });
        } else {
          result.unmatched.push({ line: row.line, lineKey: row.lineKey, amountVnd: row.amountVnd, bookedAt: row.bookedAt, reason: m.reason, pledgeCode: m.pledgeCode, expectedVnd: m.expectedVnd, note: row.note });
        }
      }
      return result;
    },
    { timeout: 120_000, maxWait: 20_000 },
  );
}
