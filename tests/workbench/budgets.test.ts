/**
 * Budget allocation in the console (issue 15: the lifecycle's budget fact), on Chongqing — the city whose
 * file budgets programs, one of them by funder. An approver allocates through the form and sees the ledger's
 * figure move by the typed amount, to the fen; a typed amount that is not a contract yuan string is refused in
 * the page; a viewer has no form, and the API refuses the viewer's POST with 403, publishing nothing.
 */

import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { WorkbenchServer } from "../../local/http";
import type { LocalStack } from "../../local/stack";
import { fenToGroupedYuan, yuanToFen } from "../../shared/money";
import { parseCityConfig } from "../../shared/policy/city";
import { CITIES_DIR } from "../../shared/policy/files";
import { toLine } from "../support/scenarios";
import { SCREENSHOTS } from "./browser";
import { devLogin, signedCall } from "./signed";
import { Workbench } from "./workbench";

const PERIOD = 2019;
// The development login's people are the contract's (Jinan's file names them); Chongqing's file names its own
// staff, so the function is given Chongqing's file with the development users' names added.
const raw = JSON.parse(readFileSync(join(CITIES_DIR, "chongqing.json"), "utf8"));
raw.workbench.names = { ...raw.workbench.names, "zhang.qiang": "张强", "liu.yang": "刘洋" };
const city = parseCityConfig(raw, "cities/chongqing.json + development users");
let bench: Workbench;
let stack: LocalStack;
let server: WorkbenchServer;

beforeAll(async () => {
  // One clock day, so the console opens on the budgeted period.
  const day = toLine(
    { type: "clock.day", id: "day-0601", data: { date: `${PERIOD}-06-01` } },
    0,
    "chongqing",
  );
  bench = await Workbench.open({
    city,
    lines: [day],
    prefix: "budgets",
    beforeServe: () => {
      process.env.AUTOGRANT_CITY_CONFIG = JSON.stringify(raw);
    },
  });
  ({ stack, server } = bench);
}, 90_000);

afterAll(async () => {
  await bench?.close();
  delete process.env.AUTOGRANT_CITY_CONFIG;
});

const desk = (login: string, role: string) => bench.desk(login, role);
const workbenchFacts = () => bench.facts();

/** The city file's figure for a program's period (a funder's part where it is budgeted by funder), in fen. */
function configuredFen(program: string, funder?: string): bigint {
  const programs = raw.policyVersions[0].programs as { id: string; budgetsYuan?: Record<string, unknown> }[];
  const budget = programs.find((p) => p.id === program)?.budgetsYuan?.[PERIOD];
  const yuan = typeof budget === "string" ? budget : (budget as Record<string, string>)[funder ?? ""];
  return yuanToFen(yuan ?? "x") ?? -1n;
}

describe("budget allocation", () => {
  test("an approver allocates a single budget and a funder's part: the ledger's figure moves to the fen", async () => {
    const { page } = await desk("zhang.qiang", "approver");
    await page.goto(`${server.origin}/#budgets`);
    await page.locator("#allocate").waitFor();

    await page.selectOption("#allocate-program", "hte-first-award");
    expect(await page.locator("#allocate-funder").isVisible()).toBe(false);
    await page.fill("#allocate-amount", "1234.56");
    await page.click("#allocate-submit");
    await page.locator("#allocate-result .accepted").waitFor();
    const applied = page.locator('#allocate-applied[data-applied="true"]');
    await applied.waitFor();
    const single = configuredFen("hte-first-award") + 123456n;
    expect(await applied.getAttribute("data-fen")).toBe(String(single));
    // The table, read again: its 已安排 column (the fourth).
    const allocated = '#budget-table tbody tr:has(td:text-is("hte-first-award")) td:nth-child(4)';
    await page.locator(allocated, { hasText: fenToGroupedYuan(single) }).waitFor();

    await page.selectOption("#allocate-program", "rd-subsidy");
    await page.selectOption("#allocate-funder", "district");
    await page.fill("#allocate-amount", "200000.07");
    await page.click("#allocate-submit");
    const district = configuredFen("rd-subsidy", "district") + 20000007n;
    await page.locator(`#allocate-applied[data-applied="true"][data-fen="${district}"]`).waitFor();
    const funderRow = '#budget-funders tbody tr:has(td:text-is("rd-subsidy")):has(td:text-is("district"))';
    await page.locator(`${funderRow} td:nth-child(3)`, { hasText: fenToGroupedYuan(district) }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, "budget-allocation.png"), fullPage: true });
  });

  test("an amount that is not yuan to the fen is refused in the page and sends nothing", async () => {
    const { page } = await desk("zhang.qiang", "approver");
    await page.goto(`${server.origin}/#budgets`);
    await page.locator("#allocate").waitFor();
    await stack.quiet();
    const before = workbenchFacts();
    for (const typed of ["12.345", "1e5", "-5", "0.00", "1,000"]) {
      await page.fill("#allocate-amount", typed);
      await page.click("#allocate-submit");
      await page.locator("#allocate-result .problem.invalid").waitFor();
      expect(await page.locator("#allocate-result .accepted").count(), typed).toBe(0);
    }
    await stack.quiet();
    expect(workbenchFacts()).toBe(before);
  });

  test("a refusal is shown with the problem's detail: a session whose credentials were revoked", async () => {
    const { page } = await desk("zhang.qiang", "approver");
    await page.goto(`${server.origin}/#budgets`);
    await page.locator("#allocate").waitFor();
    const accessKeyId = await page.evaluate(() => {
      const store = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } })
        .sessionStorage;
      return (
        JSON.parse(store.getItem("autogrant-session") ?? "{}") as { credentials?: { accessKeyId: string } }
      ).credentials?.accessKeyId;
    });
    await fetch(`${server.origin}/dev/logout`, { method: "POST", body: JSON.stringify({ accessKeyId }) });
    await stack.quiet();
    const before = workbenchFacts();
    await page.fill("#allocate-amount", "10.00");
    await page.click("#allocate-submit");
    const refused = page.locator('#allocate-result .problem[data-status="403"]');
    await refused.waitFor();
    expect(await refused.locator(".detail").textContent()).toBe(
      "The security token included in the request is invalid.",
    );
    await stack.quiet();
    expect(workbenchFacts()).toBe(before);
  });

  test("a viewer sees the budgets but no form, and the API refuses the viewer's allocation 403", async () => {
    const { page } = await desk("liu.yang", "viewer");
    await page.goto(`${server.origin}/#budgets`);
    await page.locator("#budget-table tbody tr").first().waitFor();
    expect(await page.locator("#allocate").count()).toBe(0);
    await stack.quiet();
    const before = workbenchFacts();
    const body = {
      policyVersion: "chongqing-2017",
      program: "hte-first-award",
      period: PERIOD,
      amount: "1.00",
    };
    const viewer = await devLogin(server.origin, "liu.yang", "viewer");
    const refused = await signedCall(server.origin, viewer, {
      method: "POST",
      path: "/budgets",
      body: JSON.stringify(body),
      headers: { "idempotency-key": "viewer-try-1" },
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { type: string }).type).toBe("urn:autogrant:problem:forbidden");
    await stack.quiet();
    expect(workbenchFacts()).toBe(before);
    for (const d of bench.desks) expect(d.errors, d.page.url()).toEqual([]);
  });
});

describe("config.json, as the stack deploys it beside the console", () => {
  test("the console reads it at start and signs for its region (here the adapter's is another: refused)", async () => {
    const config = join(server.consoleDir, "config.json");
    const apiUrl = `${server.origin}/api`;
    writeFileSync(
      config,
      JSON.stringify({ city: "chongqing", apiUrl, region: "cn-north-1", partition: "aws-cn" }),
    );
    try {
      const { page } = await desk("zhang.qiang", "approver");
      await page.goto(`${server.origin}/#budgets`);
      const refused = page.locator('.problem[data-status="403"]');
      await refused.waitFor();
      expect(await refused.locator(".detail").textContent()).toMatch(/^Credential should be scoped to /);
    } finally {
      rmSync(config);
    }
    // Without it (development mode) the same console signs for the adapter's region again.
    const { page } = await desk("zhang.qiang", "approver");
    await page.goto(`${server.origin}/#budgets`);
    await page.locator("#allocate").waitFor();
  });
});
