/**
 * The workbench API over simulate's in-memory ledger (MemoryLedgerReader), on the whole Jinan sample: the
 * overview's totals are simulate's, to the fen, and reconciliation is the command's report for the period.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { createWorkbenchHandler } from "../../functions/workbench/app";
import { reconcileLedger } from "../../shared/decisions/lifecycle/reconcile";
import type { PayoutMessage } from "../../shared/decisions/payouts";
import { MemoryLedgerReader } from "../../shared/ledger/memory-reader";
import { readCity } from "../../shared/policy/files";
import { simulate } from "../../shared/simulate/simulate";
import { summarise } from "../../shared/simulate/summary";
import { type Call, callWith } from "../support/workbench";

const city = readCity("jinan");
const SAMPLE = join(import.meta.dirname, "..", "..", "examples", "jinan-2024.ndjson");
const lines = readFileSync(SAMPLE, "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "");
const result = simulate(lines, city, () => "2025-01-31T00:00:00Z");
const auditor = { role: "jinan-workbench-approver-auditor", login: "chen.jing" };
let call: Call;

beforeAll(() => {
  const staff = { send: async () => Promise.reject(new Error("this suite publishes nothing")) };
  const reader = new MemoryLedgerReader(result.ledger);
  call = callWith(createWorkbenchHandler({ city, reader, staff, now: () => "2025-01-31T00:00:00Z" }));
});

describe("on the sample, replayed in memory", () => {
  const payouts = result.messages.filter((m): m is PayoutMessage => m.kind !== "release");
  const periods = [...new Set(payouts.map((m) => m.period))].sort();

  test.each(periods)("the %s overview's totals per program are simulate's, to the fen", async (period) => {
    const overview = await call("GET", `/periods/${period}/overview`, { as: auditor });
    expect(overview.status).toBe(200);
    const expected = summarise(
      payouts.filter((m) => m.period === period),
      [],
      [],
    );
    const got = new Map(
      overview.json.byProgram.map((p: { program: string; net: { amountFen: string } }) => [
        p.program,
        BigInt(p.net.amountFen),
      ]),
    );
    expect(got).toEqual(new Map([...expected.programs].map(([program, t]) => [program, t.netFen])));
    const total = [...expected.programs.values()].reduce((sum, t) => sum + t.netFen, 0n);
    expect(BigInt(overview.json.totals.net.amountFen)).toBe(total);
    for (const view of ["byDistrict", "byMonth"]) {
      const sum = overview.json[view].reduce(
        (s: bigint, r: { net: { amountFen: string } }) => s + BigInt(r.net.amountFen),
        0n,
      );
      expect(sum, view).toBe(total);
    }
  });

  test("the reconciliation of a period is the command's, unit for unit", async () => {
    const period = periods.at(-1) ?? 2024;
    const report = await call("GET", `/periods/${period}/reconciliation`, { as: auditor });
    const expected = await reconcileLedger(result.ledger, city);
    const units = expected.units.filter((u) => u.period === period);
    expect(report.json.units).toBe(units.length);
    expect(report.json.balanced).toBe(expected.unbalanced.length === 0);
  });

  test("payouts by status page through the index in order and end", async () => {
    const period = periods.at(-1) ?? 2024;
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call("GET", `/periods/${period}/payouts`, {
        as: auditor,
        query: { status: "payable", limit: "100", ...(cursor ? { cursor } : {}) },
      });
      expect(page.status).toBe(200);
      seen.push(...page.json.items.map((p: { payoutId: string }) => p.payoutId));
      cursor = page.json.nextCursor ?? undefined;
    } while (cursor);
    const expected = payouts
      .filter((m) => m.period === period && m.status === "payable")
      .map((m) => m.payoutId);
    expect(seen.sort()).toEqual(expected.sort());
  });
});
