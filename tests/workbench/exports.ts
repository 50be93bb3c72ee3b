/** The API's exports as a spreadsheet user gets them: downloaded by the browser, read back cell by cell. */
import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import type { Page } from "playwright-core";

/** Clicks the link and returns the bytes the browser saved. */
export async function download(page: Page, selector: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: readFileSync(path) };
}

/** Every row of the first sheet as text cells. */
export async function xlsxRows(bytes: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  const rows: string[][] = [];
  sheet?.eachRow((row) => {
    const values = (row.values as unknown[]).slice(1);
    rows.push(values.map((v) => (v === null || v === undefined ? "" : String(v))));
  });
  return rows;
}

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF); the BOM must lead. */
export function csvRows(bytes: Buffer): string[][] {
  const text = bytes.toString("utf8");
  if (!text.startsWith("\uFEFF")) throw new Error("the CSV does not start with a UTF-8 BOM");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      rows.push([...row, field]);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** The rows between the header and the 合计 row, and the 合计 row. */
export function body(rows: string[][]): { header: string[]; lines: string[][]; total: string[] } {
  const [header = [], ...rest] = rows;
  const total = rest.at(-1) ?? [];
  if (total[0] !== "合计") throw new Error(`the last row is not 合计: ${total.join(",")}`);
  return { header, lines: rest.slice(0, -1), total };
}
