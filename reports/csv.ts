/**
 * The comparison's rows as CSV (RFC 4180): one row per beneficiary, program and period with both amounts,
 * in fen and in yuan, and the district it is counted under. The columns are in docs/compare.md § CSV.
 */
import { fenToYuan } from "../shared/money";
import { type Comparison, differenceFen } from "../shared/simulate/compare";

export const CSV_COLUMNS = [
  "beneficiary_kind",
  "beneficiary_id",
  "beneficiary_name",
  "program",
  "period",
  "district",
  "baseline_fen",
  "reform_fen",
  "difference_fen",
  "baseline_yuan",
  "reform_yuan",
  "difference_yuan",
] as const;

/**
 * Starts with a byte order mark: without it a spreadsheet opened by double-click reads the UTF-8 names as
 * its local code page. Lines end in CRLF, as RFC 4180 has them.
 */
export function comparisonCsv(comparison: Comparison): string {
  const lines = comparison.rows.map((row) => {
    const difference = differenceFen(row);
    return [
      row.beneficiary.kind,
      text(row.beneficiary.id),
      text(row.beneficiary.name),
      row.program,
      String(row.period),
      row.district,
      String(row.baselineFen),
      String(row.reformFen),
      String(difference),
      fenToYuan(row.baselineFen),
      fenToYuan(row.reformFen),
      fenToYuan(difference),
    ];
  });
  return `\uFEFF${[[...CSV_COLUMNS], ...lines].map((cells) => cells.map(quoted).join(",")).join("\r\n")}\r\n`;
}

/**
 * A registry's text as a spreadsheet must not run it: a name starting `=`, `+`, `-`, `@` (or a tab or
 * return) would be read as a formula, so it gets a leading apostrophe (OWASP, CSV injection).
 */
function text(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function quoted(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
