/**
 * The finance workbench in a real browser (issue 15): the local stack on a small stream with lifecycle facts
 * (./stream.ts), the workbench API's handler behind the local HTTP adapter, the console in headless
 * Chromium. Each person signs in through the development login; every figure checked is the API's, and
 * each is compared with `simulate` on the same stream, or with what the stack sent, to the fen.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { drainQueue } from "../../local/drain";
import type { WorkbenchServer } from "../../local/http";
import type { LocalStack } from "../../local/stack";
import type {
  PaymentInstructionMessage,
  PublicityListMessage,
} from "../../shared/decisions/lifecycle/messages";
import { fenToGroupedYuan, fenToYuan } from "../../shared/money";
import { readCity } from "../../shared/policy/files";
import { streamOf } from "../../shared/simulate/lines";
import { Replay } from "../../shared/simulate/simulate";
import { summarise } from "../../shared/simulate/summary";
import { usccFor } from "../support/parties";
import { SCREENSHOTS } from "./browser";
import { body, csvRows, download, xlsxRows } from "./exports";
import { devLogin, signedCall } from "./signed";
import { CLOSED_BATCH, CONFIRMED, REVOKED, VOUCHER_BATCH, workbenchStream } from "./stream";
import { Workbench } from "./workbench";

/** What the test reads of the page's globals (the project compiles without the DOM library). */
interface PageGlobals {
  document: { fonts: { check(font: string, text: string): boolean } };
}
const CJK_FONT = '16px "WenQuanYi Micro Hei"';
const city = readCity("jinan");
const lines = workbenchStream();
let bench: Workbench;
let stack: LocalStack;
let server: WorkbenchServer;

/** simulate on the same stream: the reference every total is checked against. */
const reference = (() => {
  const replay = new Replay(city, () => "2024-12-31T00:00:00Z");
  for (const line of streamOf(lines)) replay.push(line);
  const result = replay.result();
  const summary = summarise(result.messages, result.rejections, result.deadLetters);
  const netFen = [...summary.programs.values()].reduce((sum, p) => sum + p.netFen, 0n);
  const lists = result.lifecycle.flatMap((item) => item.messages).filter((m) => m.kind === "publicity-list");
  return { summary, netFen, list: lists.find((m) => m.batchId === CLOSED_BATCH) as PublicityListMessage };
})();

beforeAll(async () => {
  bench = await Workbench.open({ city, lines, prefix: "workbench" });
  ({ stack, server } = bench);
}, 90_000);

afterAll(() => bench?.close());

const desk = (login: string, role: string) => bench.desk(login, role);
const workbenchFacts = () => bench.facts();

describe("the workbench console", () => {
  test("the overview shows the period's net total exactly as simulate sums it, with its charts drawn", async () => {
    const { page, requests, errors } = await desk("liu.yang", "viewer");
    await page.goto(`${server.origin}/#overview`);
    const net = page.locator("#total-net");
    await net.waitFor();
    expect(await net.getAttribute("data-fen")).toBe(String(reference.netFen));
    expect(await net.textContent()).toBe(fenToGroupedYuan(reference.netFen));
    const programs = page.locator("#by-program tbody tr");
    expect(await programs.count()).toBe(reference.summary.programs.size);
    await page.locator("#chart-months svg path").first().waitFor({ state: "attached" });
    expect(await page.locator("#chart-programs svg path").count()).toBeGreaterThan(
      reference.summary.programs.size,
    );
    // The Chinese face is there, so 汉字 are glyphs, not boxes.
    expect(
      await page.evaluate(
        (font) => (globalThis as unknown as PageGlobals).document.fonts.check(font, "概览"),
        CJK_FONT,
      ),
    ).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, "overview.png"), fullPage: true });
    expect(requests.every((url) => url.startsWith(server.origin))).toBe(true);
    expect(errors).toEqual([]);
  });

  test("budgets: the table is the API's figures, cell for cell (Jinan budgets none of its programs)", async () => {
    const { page } = await desk("liu.yang", "viewer");
    await page.goto(`${server.origin}/#budgets`);
    await page.locator("#budget-table table thead th").first().waitFor();
    const viewer = await devLogin(server.origin, "liu.yang", "viewer");
    const read = await signedCall(server.origin, viewer, { method: "GET", path: "/periods/2024/budgets" });
    const api = (await read.json()) as {
      budgets: { program: string; allocated: { amount: string } }[];
    };
    // cities/jinan.json names no budgetsYuan: the API lists none, and the console shows none.
    expect(api.budgets.map((b) => b.program)).toEqual(
      city.file.policyVersions.flatMap((v) => v.programs.filter((p) => "budgetsYuan" in p).map((p) => p.id)),
    );
    const rows = page.locator("#budget-table tbody tr");
    expect(await rows.count()).toBe(api.budgets.length);
    for (const [i, budget] of api.budgets.entries()) {
      const cells = await rows.nth(i).locator("td").allTextContents();
      expect([cells[0], cells[3]?.replaceAll(",", "")]).toEqual([budget.program, budget.allocated.amount]);
    }
    await page.screenshot({ path: join(SCREENSHOTS, "budgets.png"), fullPage: true });
  });

  test("the preparer closes a batch; the clock moves a day; her approval is refused 403 and publishes nothing", async () => {
    const { page } = await desk("wang.min", "preparer");
    await page.goto(`${server.origin}/#queue?program=innovation-voucher`);
    const voucherBatch = page.locator(`#batches tr[data-batch="${VOUCHER_BATCH}"]`);
    await voucherBatch.locator(".action-close").click();
    await page.locator("#action-result .accepted").waitFor();
    await page.locator(`#batches tr[data-batch="${VOUCHER_BATCH}"][data-phase="in-publicity"]`).waitFor();

    await page.click("#dev-advance");
    await page.locator("#dev-today", { hasText: "2024-09-11" }).waitFor();
    await page.goto(`${server.origin}/#queue?program=hte-first-award`);
    const closed = page.locator(`#batches tr[data-batch="${CLOSED_BATCH}"][data-phase="awaiting-approval"]`);
    await closed.waitFor();
    await stack.quiet();
    const before = workbenchFacts();
    await closed.locator(".action-approve").click();
    const refused = page.locator('#action-result .problem[data-status="403"]');
    await refused.waitFor();
    expect(await refused.getAttribute("data-type")).toBe("urn:autogrant:problem:forbidden");
    await stack.quiet();
    expect(workbenchFacts()).toBe(before);
    expect(await closed.locator(".approved-by").textContent()).toBe("—");
  });

  test("an approver approves the batch: the ledger shows it approved by 张强", async () => {
    const { page } = await desk("zhang.qiang", "approver");
    await page.goto(`${server.origin}/#queue?program=hte-first-award`);
    const row = page.locator(`#batches tr[data-batch="${CLOSED_BATCH}"]`);
    await row.locator(".action-approve").click();
    await page.locator("#action-result .accepted").waitFor();
    const approved = page.locator(`#batches tr[data-batch="${CLOSED_BATCH}"][data-phase="approved"]`);
    await approved.waitFor();
    expect(await approved.locator(".approved-by").textContent()).toBe("张强");
    await page.screenshot({ path: join(SCREENSHOTS, "queue.png"), fullPage: true });
  });

  test("both exports of the approved batch: rows and totals to the fen, XLSX and CSV alike", async () => {
    const { page } = await desk("liu.yang", "viewer");
    await page.goto(`${server.origin}/#queue?program=hte-first-award`);
    const row = `#batches tr[data-batch="${CLOSED_BATCH}"][data-phase="approved"]`;
    await page.locator(row).waitFor();
    await stack.quiet();
    const queueUrl = stack.resources.queueEnv.INSTRUCTIONS_QUEUE_URL ?? "";
    const sent = (await drainQueue(stack.sqs, queueUrl))
      .map((text) => JSON.parse(text) as PaymentInstructionMessage)
      .filter((m) => m.batchId === CLOSED_BATCH);
    expect(sent.map((m) => m.beneficiary.id).sort()).toEqual(CONFIRMED.map(usccFor).sort());

    const list = reference.list;
    for (const format of ["xlsx", "csv"] as const) {
      const file = await download(page, `${row} .export-publicity-${format}`);
      expect(file.name).toBe(`${CLOSED_BATCH}-publicity.${format}`);
      const { lines, total } = body(format === "xlsx" ? await xlsxRows(file.bytes) : csvRows(file.bytes));
      expect(
        lines.map((cells) => [cells[4], cells[10]]),
        format,
      ).toEqual(list.lines.map((l) => [l.beneficiary.id, l.amount]));
      expect(lines.reduce((sum, cells) => sum + BigInt(cells[11] ?? "x"), 0n)).toBe(
        BigInt(list.total.amountFen),
      );
      expect(total[10]).toBe(list.total.amount);

      const payments = await download(page, `${row} .export-payments-${format}`);
      const paid = body(format === "xlsx" ? await xlsxRows(payments.bytes) : csvRows(payments.bytes));
      const byId = (rows: string[][]) => rows.map((cells) => [cells[1], cells[12]]).sort();
      expect(byId(paid.lines)).toEqual(sent.map((m) => [m.instructionId, String(m.amountFen)]).sort());
      const sentFen = sent.reduce((sum, m) => sum + BigInt(m.amountFen), 0n);
      expect(paid.lines.reduce((sum, cells) => sum + BigInt(cells[12] ?? "x"), 0n)).toBe(sentFen);
      expect(paid.total[11]).toBe(fenToYuan(sentFen));
    }
  });

  // The trace route (branch wb-trace) is mounted by the workbench router once wb-api adds its spec.
  test("the auditor traces a beneficiary: why the revoked enterprise has nothing, fact by fact", async () => {
    const { page } = await desk("chen.jing", "auditor");
    await page.goto(`${server.origin}/#trace?id=${usccFor(REVOKED)}`);
    const trace = page.locator(`#trace-result[data-id="${usccFor(REVOKED)}"]`);
    await trace.waitFor();
    // E3 was certified below scale: 200,000.00 awarded, then clawed back in full during publicity.
    expect(await page.getAttribute("#trace-entitlement", "data-fen")).toBe("0");
    expect(await page.textContent("#trace-payouts")).toBe("0.00");
    const events = await page.locator("#trace-events tbody tr").allTextContents();
    expect(events).toHaveLength(2);
    expect(events[0]).toContain("hte.certification.granted");
    expect(events[0]).toContain("0.00 → 200,000.00");
    expect(events[1]).toContain("hte.certification.revoked");
    expect(events[1]).toContain("-200,000.00");
    expect(await page.textContent("#trace-why-nothing")).toContain("GR3");
    await page.screenshot({ path: join(SCREENSHOTS, "trace.png"), fullPage: true });
  });

  test("reconciliation: the auditor sees the period balance; a viewer is refused", async () => {
    const { page } = await desk("chen.jing", "auditor");
    await page.goto(`${server.origin}/#reconciliation`);
    const status = page.locator('#reconciliation-status[data-balanced="true"]');
    await status.waitFor();
    expect(await page.locator("#reconciliation-states tbody tr").count()).toBeGreaterThan(1);
    await page.screenshot({ path: join(SCREENSHOTS, "reconciliation.png"), fullPage: true });

    const viewer = await desk("liu.yang", "viewer");
    await viewer.page.goto(`${server.origin}/#reconciliation`);
    await viewer.page.locator('.problem[data-status="403"]').waitFor();
  });

  test("English is one click away, and the figures do not change with the words", async () => {
    const { page } = await desk("liu.yang", "viewer");
    await page.goto(`${server.origin}/#overview`);
    await page.locator("#total-net").waitFor();
    const zh = await page.locator("#total-net").textContent();
    await page.click("#language");
    await page.locator("nav a", { hasText: "Overview" }).waitFor();
    expect(await page.locator("#total-net").textContent()).toBe(zh);
    for (const d of bench.desks) expect(d.errors, d.page.url()).toEqual([]);
  });
});
