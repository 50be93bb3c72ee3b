/**
 * The compare report as its reader gets it: `npm run compare` writes it from the sample and the example
 * reform, and headless Chromium (Debian's, at /usr/bin/chromium: no browser is ever downloaded) opens it
 * from disk. Its charts must be drawn with one bar per program and district, nothing may be fetched, and
 * the amounts shown must be the ledger's fen, formatted exactly.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readCity, readCityFile } from "../../shared/policy/files";
import { decodeStream } from "../../shared/simulate/lines";
import { simulate } from "../../shared/simulate/simulate";
import { tsx } from "../support/tsx";

const root = join(import.meta.dirname, "../..");
const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const REFORM = "examples/reforms/jinan-floor.json";
const CHART_IDS = ["chart-programs", "chart-districts", "chart-beneficiaries"];

/** What the test reads of the page's globals (the project compiles without the DOM library). */
interface PageGlobals {
  document: { getElementById(id: string): { querySelectorAll(selector: string): { length: number } } | null };
  echarts: {
    getInstanceByDom(element: unknown): { getOption(): { series?: { data: number[] }[] } } | undefined;
  };
}
const EVENTS = "examples/jinan-2024.ndjson";

/** Fen as yuan, thousands grouped, written here on its own (bigint only) to check the report's. */
function yuan(fen: bigint): string {
  const abs = fen < 0n ? -fen : fen;
  let whole = (abs / 100n).toString();
  for (let i = whole.length - 3; i > 0; i -= 3) whole = `${whole.slice(0, i)},${whole.slice(i)}`;
  return `${fen < 0n ? "-" : ""}${whole}.${(abs % 100n).toString().padStart(2, "0")}`;
}

/** Σ amountFen per program and in all of one side's ledger outbox, from its own simulate run. */
function ledger(city: ReturnType<typeof readCity>) {
  const lines = decodeStream(readFileSync(join(root, EVENTS)));
  const byProgram = new Map<string, bigint>();
  for (const m of simulate(lines, city, () => "2099-12-31T00:00:00Z").messages) {
    if (m.kind !== "release")
      byProgram.set(m.program, (byProgram.get(m.program) ?? 0n) + BigInt(m.amountFen));
  }
  const sorted = new Map([...byProgram].sort(([a], [b]) => a.localeCompare(b)));
  return { byProgram: sorted, totalFen: [...sorted.values()].reduce((a, b) => a + b, 0n) };
}

describe("the compare report in headless Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "compare-report-"));
  const html = join(dir, "report.html");
  let browser: Browser;
  let page: Page;
  let stdout = "";
  let baseline: ReturnType<typeof ledger>;
  let reform: ReturnType<typeof ledger>;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    const run = promisify(execFile)(
      ...tsx("scripts/compare.ts", ["--reform", REFORM, "--events", EVENTS, "--html", html]),
      {
        cwd: root,
        timeout: 60_000,
      },
    );
    baseline = ledger(readCity("jinan"));
    reform = ledger(readCityFile(join(root, REFORM)));
    stdout = (await run).stdout;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("request", (request) => requests.push(request.url()));
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("opens without fetching anything and without an error", () => {
    expect(requests).toEqual([pathToFileURL(html).href]);
    expect(errors).toEqual([]);
  });

  test("its charts are drawn: one bar per program and per district, in SVG with content", async () => {
    const charts = await page.evaluate((ids) => {
      const page = globalThis as unknown as PageGlobals;
      return ids.map((id) => {
        const element = page.document.getElementById(id);
        const option = element ? page.echarts.getInstanceByDom(element)?.getOption() : undefined;
        return {
          id,
          drawn: option !== undefined,
          series: (option?.series ?? []).map((s) => s.data),
          paths: element?.querySelectorAll("svg path").length ?? 0,
        };
      });
    }, CHART_IDS);
    const [programs, districts, beneficiaries] = charts;
    expect(charts.map((c) => c.drawn)).toEqual([true, true, true]);
    // The program chart's bars are the ledger's fen, program by program, on both sides.
    expect(programs?.series).toEqual([
      [...baseline.byProgram.values()].map(Number),
      [...reform.byProgram.values()].map(Number),
    ]);
    expect(programs?.series[0]).toHaveLength(baseline.byProgram.size);
    const districtRows = await page.locator("#chart-districts + table tbody tr").count();
    expect(districts?.series.map((s) => s.length)).toEqual([districtRows, districtRows]);
    expect(beneficiaries?.series[0]).toHaveLength(20);
    for (const chart of charts) expect(chart.paths, chart.id).toBeGreaterThan(chart.series[0]?.length ?? 0);
  });

  test("the totals shown are the ledgers' fen, formatted exactly, as the terminal prints them", async () => {
    expect(yuan(baseline.totalFen)).toBe("248,383,615.70");
    expect(await page.textContent("#total-baseline")).toBe(yuan(baseline.totalFen));
    expect(await page.textContent("#total-reform")).toBe(yuan(reform.totalFen));
    expect(await page.getAttribute("#total-baseline", "data-fen")).toBe(String(baseline.totalFen));
    expect(await page.textContent("#total-difference")).toBe(yuan(reform.totalFen - baseline.totalFen));
    expect(stdout).toContain(`total ¥${yuan(baseline.totalFen)} → ¥${yuan(reform.totalFen)}`);
  });

  test("it names the changed beneficiaries: 230 of 582, the largest change first", async () => {
    expect(await page.textContent("#changed-beneficiaries")).toBe("230 / 582");
    const first = page.locator("h2:text('受益方') ~ table tbody tr").first();
    const cells = await first.locator("td").allTextContents();
    expect(cells.slice(0, 3)).toEqual(["济南天海仪器技术有限公司", "企业", "91370100898437029T"]);
    expect(cells.slice(4, 7)).toEqual(["2,710,583.02", "1,210,583.02", "-1,500,000.00"]);
  });
});
