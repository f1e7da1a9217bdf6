/**
 * CSV for staff downloads: UTF-8 with a BOM (Excel then shows Vietnamese correctly), CRLF rows, RFC 4180 quoting,
 * and formula-injection-safe text cells (a cell starting with = + - @ TAB or CR gets a leading apostrophe, so a
 * spreadsheet shows it as text instead of running it). Numbers are written as plain integers.
 */

export type CsvCell = string | number | null;

/** One CSV cell: numbers as-is, text neutralised against formulas and quoted when needed. */
export function csvCell(v: CsvCell): string {
  if (v === null) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV document with BOM: header row then data rows. */
export function toCsvDocument(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return "\uFEFF" + [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
