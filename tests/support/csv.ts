import { parse } from "csv-parse/sync";

/** Parses a CSV export (UTF-8 BOM, quoted cells, CRLF) into rows of cells, with the library the import uses. */
export function parseCsv(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
}
