import ExcelJS from "exceljs";
import { z } from "zod";
import { keyId, keys, ledgerPartition } from "../../../shared/decisions/keys";
import type {
  OutboxItem,
  PaymentInstructionMessage,
  PublicityListMessage,
} from "../../../shared/decisions/lifecycle/messages";
import { type Fen, fenToSafeNumber, fenToYuan } from "../../../shared/money";
import type { CityPolicy } from "../../../shared/policy/city";
import { BENEFICIARY_KIND_NAMES } from "../../../shared/policy/parties";
import type { RouteContext, RouteHandler } from "../app";
import { NotFoundError } from "../errors";
import { download, parsePart } from "../http";
import { batchId, batchOfPath, pathOf, period, programId, programOf, query } from "./params";

/** A table to export: its header, its rows (text, or fen for the two amount columns) and the total. */
interface Sheet {
  title: string;
  header: string[];
  rows: { cells: string[]; fen: Fen }[];
}

/** The batch's outbox lists of one kind, as the relay sent them (program-period partition, consistent). */
async function sentMessages<T>(context: RouteContext, path: Path, kind: "publicity" | "instructions") {
  const items = await context.deps.reader.query({
    pk: ledgerPartition(path.period, path.program),
    skPrefix: `outbox#${kind}#`,
  });
  return (items as OutboxItem[])
    .flatMap((item) => item.messages)
    .filter((m) => "batchId" in m && m.batchId === path.batchId) as T[];
}

function publicitySheet(lists: PublicityListMessage[], city: CityPolicy): Sheet {
  const ordered = [...lists].sort((a, b) => a.part - b.part);
  const rows = ordered.flatMap((list) =>
    list.lines.map((line) => ({
      cells: [
        list.batchId,
        list.listId,
        BENEFICIARY_KIND_NAMES[line.beneficiary.kind],
        line.beneficiary.id,
        line.beneficiary.name,
        line.district ?? "",
        (line.district && city.districtName(line.district)) ?? "",
        list.program,
        list.clause,
      ],
      fen: BigInt(line.amountFen),
    })),
  );
  const header = [
    "公示批次",
    "公示编号",
    "对象类型",
    "统一社会信用代码/编号",
    "名称",
    "区县代码",
    "区县",
    "项目",
    "条款",
  ];
  return { title: "公示名单", header, rows };
}

function paymentsSheet(instructions: PaymentInstructionMessage[]): Sheet {
  const ordered = [...instructions].sort((a, b) => (a.instructionId < b.instructionId ? -1 : 1));
  const rows = ordered.map((m) => ({
    cells: [
      m.instructionId,
      m.lineId,
      String(m.attempt),
      BENEFICIARY_KIND_NAMES[m.beneficiary.kind],
      m.beneficiary.id,
      m.beneficiary.name,
      m.accountRef ?? "",
      m.instructedOn,
      m.program,
      m.clause,
    ],
    fen: BigInt(m.amountFen),
  }));
  const header = [
    "指令编号",
    "支付行",
    "第几次",
    "对象类型",
    "统一社会信用代码/编号",
    "名称",
    "收款账户",
    "指令日期",
    "项目",
    "条款",
  ];
  return { title: "支付批次", header, rows };
}

const AMOUNT_HEADER = ["金额（元）", "金额（分）"];
const total = (sheet: Sheet) => sheet.rows.reduce((sum, row) => sum + row.fen, 0n);

/**
 * OWASP CSV injection: a cell a spreadsheet could read as a formula gets a leading `'`. A cell that is exactly
 * a decimal number (our amounts, counts) is read as a number, never a formula, and stays as it is.
 */
export function defused(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) && !/^-?[0-9]+(\.[0-9]+)?$/.test(cell) ? `'${cell}` : cell;
}

const quoted = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

/** UTF-8 with a BOM (Excel then reads the names), CRLF, RFC 4180 quoting, formula-defused. */
export function csvOf(sheet: Sheet): string {
  const lines = [
    ["序号", ...sheet.header, ...AMOUNT_HEADER],
    ...sheet.rows.map((row, i) => [String(i + 1), ...row.cells, fenToYuan(row.fen), row.fen.toString()]),
    [
      "合计",
      `${sheet.rows.length}`,
      ...sheet.header.slice(1).map(() => ""),
      fenToYuan(total(sheet)),
      total(sheet).toString(),
    ],
  ];
  return `\uFEFF${lines.map((cells) => cells.map((c) => quoted(defused(c))).join(",")).join("\r\n")}\r\n`;
}

/**
 * Yuan as a text cell, fen as an integer numeric cell: a numeric yuan cell is already rounded in binary and
 * SUM over many can drift a fen; integer fen is exact in a double below 2^53 (checked) and sums exactly.
 */
export async function xlsxOf(sheet: Sheet): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const ws = workbook.addWorksheet(sheet.title);
  ws.addRow(["序号", ...sheet.header, ...AMOUNT_HEADER]).font = { bold: true };
  sheet.rows.forEach((row, i) => {
    ws.addRow([i + 1, ...row.cells, fenToYuan(row.fen), fenToSafeNumber(row.fen)]);
  });
  const sum = total(sheet);
  ws.addRow([
    "合计",
    sheet.rows.length,
    ...sheet.header.slice(1).map(() => ""),
    fenToYuan(sum),
    fenToSafeNumber(sum),
  ]).font = { bold: true };
  const yuanColumn = ws.getColumn(sheet.header.length + 2);
  yuanColumn.numFmt = "@";
  yuanColumn.alignment = { horizontal: "right" };
  ws.getColumn(sheet.header.length + 3).numFmt = "0";
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

interface Path {
  period: number;
  program: string;
  batchId: string;
}

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

function exportRoute(what: "publicity" | "payments", format: "xlsx" | "csv"): RouteHandler {
  return async (context) => {
    const path = parsePart(
      "path",
      z.strictObject({ period, program: programId, batchId }),
      pathOf(context.event),
    );
    parsePart("query", z.strictObject({}), query(context.event));
    programOf(context.deps.city, path.period, path.program);
    const ref = batchOfPath(path);
    const batchKey = keys.batch(path.period, path.program, ref.seq);
    const found = await context.deps.reader.readItems([batchKey]);
    if (!found.has(keyId(batchKey)))
      throw new NotFoundError(`${path.batchId} is not closed: it has no list yet`);
    const sheet =
      what === "publicity"
        ? publicitySheet(await sentMessages(context, path, "publicity"), context.deps.city)
        : paymentsSheet(await sentMessages(context, path, "instructions"));
    const name = `${path.batchId}-${what}.${format}`;
    return format === "csv"
      ? download({ name, type: "text/csv; charset=utf-8", body: csvOf(sheet) })
      : download({ name, type: XLSX, body: await xlsxOf(sheet) });
  };
}

export const exportRoutes: Record<string, RouteHandler> = {
  publicityXlsx: exportRoute("publicity", "xlsx"),
  publicityCsv: exportRoute("publicity", "csv"),
  paymentsXlsx: exportRoute("payments", "xlsx"),
  paymentsCsv: exportRoute("payments", "csv"),
};
