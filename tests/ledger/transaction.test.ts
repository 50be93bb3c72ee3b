import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describe, expect, test } from "vitest";
import { type Decision, MAX_TRANSACTION_ACTIONS, transactionActions } from "../../shared/decisions/items";
import { DynamoLedger } from "../../shared/ledger/dynamo-ledger";
import { TransactionTooLargeError } from "../../shared/ledger/errors";
import { transactionFor } from "../../shared/ledger/transaction";
import { readCity } from "../../shared/policy/files";
import { MemoryLedger } from "../../shared/simulate/memory-ledger";
import { formatOversized } from "../../shared/simulate/summary";
import { usccFor } from "../support/parties";
import { replaySample } from "../support/sample";
import { toLine } from "../support/scenarios";
import { parseAsSent } from "../support/sent";

const city = readCity("jinan");
const context = { city: "jinan", districtIds: city.districtIds };
const NOW = "2024-11-20T01:30:02.114Z";

function applyAll(ledger: MemoryLedger, events: Parameters<typeof toLine>[0][]): Decision[] {
  return events.map((event, i) => {
    const parsed = parseAsSent(toLine(event, i, "jinan"), context);
    if (!parsed.ok) throw new Error(parsed.rejection.detail);
    return ledger.applyNow(parsed.message, NOW);
  });
}

const target = { type: "district.target.set", data: { district: "370102", year: 2024, target: 0 } };
const grant = {
  type: "hte.certification.granted",
  id: "CERT-2024-370102-00017",
  time: "2024-11-20T09:30:00+08:00",
  data: {
    certificateNo: "GR1",
    enterprise: "E1",
    kind: "first",
    scale: "above",
    district: "370102",
    incubator: "qilu",
    issuedOn: "2024-11-20",
  },
};

describe("the transaction a fact produces (built, not sent)", () => {
  test("a certification: receipt, fact, three units, three payouts — each conditioned", () => {
    const decisions = applyAll(new MemoryLedger(city), [target, grant]);
    const decision = decisions[1];
    if (decision?.outcome !== "applied") throw new Error("expected applied");
    const { TransactItems = [] } = transactionFor("ledger-jinan", decision.writes);
    const summary = TransactItems.map((t) => {
      const op = t.Put ?? t.ConditionCheck;
      const entity = t.Put ? t.Put.Item?.entity?.S : t.ConditionCheck?.Key?.sk?.S;
      return [t.Put ? "Put" : "ConditionCheck", entity, op?.ConditionExpression];
    });
    const absent = "attribute_not_exists(pk)";
    expect(summary).toEqual([
      ["Put", "receipt", absent],
      ["Put", "fact", absent],
      ["Put", "unit", absent],
      ["Put", "unit", absent],
      ["Put", "unit", "#version = :version"],
      // Each payout opens a line dated by the clock (payments.md, "Which batch"), and its beneficiary's index.
      ...["carrier-hte-bonus", "hte-first-award", "hte-district-bonus"].flatMap(() => [
        ["Put", "line", absent],
        ["Put", "beneficiary", absent],
      ]),
      // The day the lines were opened on must still be the clock's when they commit: a close racing them
      // would otherwise miss a line it should hold. No clock day yet, so the check is that there is none.
      ["ConditionCheck", "clock", absent],
      ["Put", "payout", absent],
      ["Put", "payout", absent],
      ["Put", "payout", absent],
      // What the fact did to each beneficiary (enterprise, incubator, district): written once, never replaced.
      ["Put", "history", absent],
      ["Put", "history", absent],
      ["Put", "history", absent],
    ]);
    // Payouts live in their period's partition, where reconciliation reads them.
    expect(TransactItems.slice(12, 15).map((t) => t.Put?.Item?.pk?.S)).toEqual([
      "ledger#2024#carrier-hte-bonus",
      "ledger#2024#hte-first-award",
      "ledger#2024#hte-district-bonus",
    ]);
    // History lives in each beneficiary's partition, beside its beneficiary item, by the fact's time.
    expect(
      TransactItems.slice(15).map((t) => [t.Put?.Item?.pk?.S, t.Put?.Item?.sk?.S?.split("#")[1]]),
    ).toEqual([
      ["beneficiary#carrier#qilu", "2024-11-20T01:30:00.000000000Z"],
      [`beneficiary#enterprise#${usccFor("E1")}`, "2024-11-20T01:30:00.000000000Z"],
      ["beneficiary#district#370102", "2024-11-20T01:30:00.000000000Z"],
    ]);
    // The district unit existed (the target made it): its write is conditioned on the version read.
    expect(TransactItems[4]?.Put?.ExpressionAttributeValues).toEqual({ ":version": { N: "1" } });
    expect(TransactItems.every((t) => (t.Put ?? t.ConditionCheck)?.TableName === "ledger-jinan")).toBe(true);
  });

  test("a recovery checks the standing default it was judged against", () => {
    const decisions = applyAll(new MemoryLedger(city), [
      {
        type: "loan.filed",
        data: { loanId: "L1", bank: "B1", borrower: "E1", principal: "5000000", filedOn: "2024-02-01" },
      },
      {
        type: "loan.defaulted",
        data: { loanId: "L1", nonPerformingPrincipal: "2000000", confirmedOn: "2025-01-15" },
      },
      { type: "loan.recovered", data: { loanId: "L1", recovered: "500000", recoveredOn: "2025-06-30" } },
    ]);
    const decision = decisions[2];
    if (decision?.outcome !== "applied") throw new Error("expected applied");
    const checks = transactionFor("t", decision.writes).TransactItems?.filter((t) => t.ConditionCheck);
    expect(
      checks?.map((c) => [c.ConditionCheck?.Key?.pk?.S, c.ConditionCheck?.ExpressionAttributeValues]),
    ).toEqual([["fact#loan.defaulted#L1", { ":version": { N: "1" } }]]);
  });

  test("a duplicate is recognised without a transaction", () => {
    const decisions = applyAll(new MemoryLedger(city), [grant, grant]);
    expect(decisions.map((d) => d.outcome)).toEqual(["applied", "duplicate"]);
  });

  test("more than 100 actions is refused before sending", () => {
    const decision = applyAll(new MemoryLedger(city), [grant])[0];
    if (decision?.outcome !== "applied") throw new Error("expected applied");
    const [payout] = decision.writes.payouts;
    if (!payout) throw new Error("expected a payout");
    const payouts = Array.from({ length: MAX_TRANSACTION_ACTIONS }, () => payout);
    expect(() => transactionFor("t", { ...decision.writes, payouts })).toThrow(TransactionTooLargeError);
    expect(() => transactionFor("t", { ...decision.writes, payouts })).toThrow(
      /touching \d+ items exceeds DynamoDB's 100-action limit/,
    );
  });
});

test("a lifecycle fact's messages are written in its transaction, for the relay to send", () => {
  const decisions = applyAll(new MemoryLedger(city), [
    { type: "clock.day", data: { date: "2025-01-10" } },
    {
      type: "hte.certification.granted",
      data: { ...grant.data, certificateNo: "GR2", issuedOn: "2025-01-10", incubator: undefined },
    },
    { type: "clock.day", data: { date: "2025-01-24" } },
    {
      type: "batch.closed",
      source: "staff/workbench",
      data: { batchId: "hte-first-award-2025-1", actor: "preparer" },
    },
  ]);
  const closed = decisions[3];
  if (closed?.outcome !== "applied") throw new Error(`expected applied, got ${closed?.outcome}`);
  const { TransactItems = [] } = transactionFor("ledger-jinan", closed.writes);
  const lists = TransactItems.filter((t) => t.Put?.Item?.entity?.S === "outbox");
  // The 公示 list of the batch: one outbox item, put only if absent (a redelivery commits nothing).
  expect(lists).toHaveLength(1);
  expect(lists[0]?.Put?.Item?.sk?.S).toMatch(/^outbox#/);
  expect(lists[0]?.Put?.ConditionExpression).toBe("attribute_not_exists(pk)");
  expect(lists[0]?.Put?.Item?.body?.S).toContain("publicity-list");
});

describe("transaction size (payments.md § Transaction size)", () => {
  const limit = 20;
  const { result, applied } = replaySample(city, NOW, { transactionLimit: limit });

  test("the count of actions is the transaction's, for every fact the sample applies", () => {
    const counted = applied.map((d) => transactionActions(d.writes));
    const built = applied.map((d) => transactionFor("t", d.writes).TransactItems?.length);
    expect(counted).toEqual(built);
    expect(Math.max(...counted)).toBeGreaterThan(limit);
  });

  test("a replay reports exactly the facts above the limit, with their actions", () => {
    const above = applied
      .map((d) => ({ ...d.message, actions: transactionFor("t", d.writes).TransactItems?.length ?? 0 }))
      .filter((f) => f.actions > limit);
    expect(above.length).toBeGreaterThan(0);
    expect(result.oversized).toEqual(above);
  });

  test("simulate's warning names how many and the largest; none, no warning", () => {
    const largest = result.oversized.reduce((a, b) => (b.actions > a.actions ? b : a));
    const warning = formatOversized(result.oversized);
    expect(warning).toContain(`warning: ${result.oversized.length} facts need more than 100 actions`);
    expect(warning).toContain(`${largest.type} ${largest.source} ${largest.id}, ${largest.actions} actions.`);
    expect(formatOversized([])).toBe("");
  });

  test("the stored ledger refuses an oversized fact before sending, as itself, not as an outage", async () => {
    const paying = applied.find((d) => d.writes.payouts.length > 0);
    const payout = paying?.writes.payouts[0];
    if (!paying || !payout) throw new Error("expected a fact that pays");
    const writes = {
      ...paying.writes,
      payouts: Array.from({ length: MAX_TRANSACTION_ACTIONS }, () => payout),
    };
    // No endpoint answers here: a request sent would fail as LedgerUnavailableError.
    const client = new DynamoDBClient({
      endpoint: "http://127.0.0.1:9",
      region: "us-east-1",
      maxAttempts: 1,
    });
    const ledger = new DynamoLedger(client, "t", city);
    await expect(ledger.commit(writes)).rejects.toBeInstanceOf(TransactionTooLargeError);
  });
});
