import { expect, test } from "vitest";
import type { BudgetItem } from "../shared/decisions/items";
import { keys } from "../shared/decisions/keys";
import type { PayoutMessage } from "../shared/decisions/payouts";
import { readCity } from "../shared/policy/files";
import { Replay } from "../shared/simulate/simulate";
import { runLifecycle } from "./support/lifecycle";
import { certification, type ScenarioEvent, toLine } from "./support/scenarios";

/**
 * budget.allocated as a fact (payments.md § Budget): a held payout keeps its line at the budget gate;
 * an allocation releases held payouts strictly oldest first, each through a release message as before,
 * and their lines go on. Chongqing (illustrative) budgets carrier-hte-bonus at 2,000,000 a year: forty
 * awards of 50,000 fit, the forty-first and forty-second are held.
 */
const city = readCity("chongqing");
const grant = (i: number): ScenarioEvent => ({
  ...certification(i, "2018-06-01", { scale: "below", district: "500103", incubator: "c1" }),
  id: `g${i}`,
  time: `2018-06-01T09:${String(i % 60).padStart(2, "0")}:00+08:00`,
});
const staff = (type: string, id: string, data: Record<string, unknown>): ScenarioEvent => ({
  type,
  id,
  source: "staff/workbench",
  data,
});

test("allocating budget releases the oldest held payouts and lets their lines go on", () => {
  const events: ScenarioEvent[] = [
    { type: "clock.day", data: { date: "2018-06-01" } },
    {
      type: "payee.confirmed",
      source: "portal/payee",
      data: { beneficiary: { kind: "carrier", id: "c1" }, accountRef: "ACCT-C1", confirmedOn: "2018-06-01" },
    },
    ...Array.from({ length: 42 }, (_, i) => grant(i + 1)),
    // A batch holds the lines opened before the day it closes (payments.md § Batches).
    { type: "clock.day", data: { date: "2018-06-04" } },
    staff("batch.closed", "close", { batchId: "carrier-hte-bonus-2018-1", actor: "preparer" }),
    { type: "clock.day", data: { date: "2018-06-20" } },
    staff("batch.approved", "approve", { batchId: "carrier-hte-bonus-2018-1", actor: "approver" }),
    staff("budget.allocated", "alloc-1", {
      allocationId: "ALLOC-1",
      policyVersion: "chongqing-2017",
      program: "carrier-hte-bonus",
      period: 2018,
      amount: "60000",
      actor: "approver",
    }),
  ];
  const run = runLifecycle({ name: "budget", events }, city);
  expect(run.unbalanced).toEqual([]);
  expect(run.outcomes.filter((o) => o !== "applied")).toEqual([]);
  const held = run.result.messages.filter(
    (m): m is PayoutMessage => m.kind === "payout" && m.status === "awaiting-budget",
  );
  expect(held.map((m) => m.cause.id)).toEqual(["g41", "g42"]);
  const releases = run.result.messages.filter((m) => m.kind === "release");
  // 60,000 releases the oldest held payout (50,000) and not the next, which would not fit.
  expect(releases.map((r) => r.payoutId)).toEqual([held[0]?.payoutId]);
  const states = run.lines
    .filter(([program]) => program === "carrier-hte-bonus")
    .map(([, , , state]) => state);
  expect(states.filter((s) => s === "instructed")).toHaveLength(41);
  expect(states.filter((s) => s === "awaiting-budget")).toHaveLength(1);
  const instructions = run.result.lifecycle
    .flatMap((o) => o.messages)
    .filter((m) => m.kind === "payment-instruction");
  expect(instructions.filter((m) => m.program === "carrier-hte-bonus")).toHaveLength(41);
});

test("an allocation names its funder exactly when the city file budgets the period by funder", () => {
  const details: string[] = [];
  const replay = new Replay(
    city,
    () => "2026-01-01T00:00:00.000Z",
    (o) => {
      if (o.outcome === "rejected") details.push(o.rejection.detail);
    },
  );
  const allocate = (i: number, program: string, funder?: string): ScenarioEvent =>
    staff("budget.allocated", `alloc-${i}`, {
      allocationId: `ALLOC-${i}`,
      policyVersion: "chongqing-2017",
      program,
      period: 2018,
      amount: "1000",
      ...(funder ? { funder } : {}),
      actor: "approver",
    });
  const events = [
    { type: "clock.day", data: { date: "2018-06-01" } },
    allocate(1, "rd-subsidy"),
    allocate(2, "rd-subsidy", "park"),
    allocate(3, "hte-first-award", "city"),
    allocate(4, "rd-subsidy", "district"),
    allocate(5, "hte-first-award"),
  ];
  for (const [i, e] of events.entries()) replay.push({ line: i + 1, text: toLine(e, i, "chongqing") });
  expect(details).toEqual([
    "data.funder: rd-subsidy 2018 is budgeted by funder in chongqing-2017 (city, district); an allocation must name its funder",
    "data.funder: park is not a funder of rd-subsidy (its funders: city, district)",
    "data.funder: hte-first-award 2018 has one budget for all its funders in chongqing-2017; an allocation cannot name a funder",
  ]);
  const budget = replay.ledger.get(keys.budget("chongqing-2017", "rd-subsidy", 2018)) as BudgetItem;
  // The district's 500,000.00 and 1,000.00 more; the city's untouched; the program's their sum.
  expect(budget.funders?.map((f) => [f.funder, f.allocatedFen])).toEqual([
    ["city", 100_000_000n],
    ["district", 50_100_000n],
  ]);
  expect(budget.allocatedFen).toBe(150_100_000n);
});
