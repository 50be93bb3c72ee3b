/**
 * The lifecycle on the local stack: clock days, a batch closed and approved after its notice window, and
 * registry facts between them, sent by four workers. The clock and the approval are order-dependent, so
 * the publisher lets what came before them be decided first (stack.ts); the line states then equal
 * simulate's, line for line and fen for fen, and every unit balances.
 */
import { expect, test } from "vitest";
import { reconcileLedger } from "../../shared/decisions/lifecycle/reconcile";
import { readCity } from "../../shared/policy/files";
import { formatLineStates } from "../../shared/simulate/summary";
import { certification, type ScenarioEvent, toLine } from "../support/scenarios";
import { reference, throughStack } from "./support";

const city = readCity("jinan");
// Spread over districts, so no district's bonus unit is one hot item every grant contends for: a fact that
// loses its race on every attempt twice is taken for a waiting one (stack.ts, publish) and may land late.
const DISTRICTS = ["370102", "370103", "370104", "370105", "370112", "370113", "370114", "370115"];
const grant = (n: number, day: string): ScenarioEvent => {
  const event = certification(n, day);
  return { ...event, data: { ...event.data, district: DISTRICTS[n % DISTRICTS.length] } };
};
const staff = (type: string, id: string, batchId: string, actor: string): ScenarioEvent => ({
  type,
  id,
  source: "staff/workbench",
  data: { batchId, actor },
});
const events: ScenarioEvent[] = [
  { type: "clock.day", id: "d1", data: { date: "2024-09-02" } },
  ...Array.from({ length: 24 }, (_, i) => grant(i + 1, "2024-09-02")),
  { type: "clock.day", id: "d2", data: { date: "2024-09-03" } },
  staff("batch.closed", "close-1", "hte-first-award-2024-1", "preparer"),
  // Opened on the day the batch closed: the next batch's.
  ...Array.from({ length: 12 }, (_, i) => grant(i + 41, "2024-09-03")),
  {
    type: "hte.certification.revoked",
    id: "rev-7",
    data: { certificateNo: "GR7", revokedOn: "2024-09-03", reason: "撤销" },
  },
  { type: "clock.day", id: "d3", data: { date: "2024-09-11" } },
  staff("batch.approved", "approve-1", "hte-first-award-2024-1", "approver"),
  ...Array.from({ length: 6 }, (_, i) => grant(i + 61, "2024-09-11")),
];

test("lines on the local stack reach the states simulate gives them, fen for fen", async () => {
  const lines = events.map((e, i) => toLine(e, i, "jinan"));
  const expected = await reconcileLedger(reference(lines, city).ledger, city);
  expect(expected.unbalanced).toEqual([]);
  expect([...expected.states.keys()].length).toBeGreaterThan(2);

  // Nothing here waits or is meant to be redelivered: a visibility (and function timeout) long enough that a
  // loaded machine's batches finish in one delivery, so the barriers never wait on a batch stopped midway.
  const got = await throughStack(lines, {
    city,
    workers: 4,
    prefix: "lifecycle",
    visibilityTimeoutSeconds: 10,
  });

  expect(formatLineStates(got.reconciliation)).toEqual(formatLineStates(expected));
  expect(got.reconciliation.units).toEqual(expected.units);
}, 120_000);
