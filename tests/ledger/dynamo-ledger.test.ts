import { join } from "node:path";
import { DeleteTableCommand, QueryCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createLedgerTable } from "../../local/provision";
import { cityTemplate } from "../../local/template";
import type { BudgetItem, Writes } from "../../shared/decisions/items";
import { keyId, keys } from "../../shared/decisions/keys";
import type { PaymentInstructionMessage } from "../../shared/decisions/lifecycle/messages";
import type { PayoutMessage } from "../../shared/decisions/payouts";
import { DynamoLedger } from "../../shared/ledger/dynamo-ledger";
import { LedgerContentionError } from "../../shared/ledger/errors";
import { periodBudget } from "../../shared/policy/budgets";
import { readCity } from "../../shared/policy/files";
import { MemoryLedger } from "../../shared/simulate/memory-ledger";
import { simulate } from "../../shared/simulate/simulate";
import { dynamoClient, uniqueName } from "../support/engines";
import { loadLifecycleScenarios } from "../support/lifecycle";
import { certification, type ScenarioEvent, toLine, voucher } from "../support/scenarios";
import { parseAsSent } from "../support/sent";

const client = dynamoClient();
const SCENARIOS = join(import.meta.dirname, "..", "scenarios");
const NOW = () => "2026-01-01T00:00:00.000Z";
/** Transactions sent, counted by client middleware as the bench meters them (not by the ledger). */
const sent = { transactions: 0 };
client.middlewareStack.add(
  (next, context) => async (args) => {
    if (context.commandName === "TransactWriteItemsCommand") sent.transactions++;
    return next(args);
  },
  { step: "initialize", name: "countTransactions" },
);

const tables: string[] = [];
afterAll(async () => {
  // Stream records left on a shared DynamoDB Local slow every later write: leave nothing behind.
  await Promise.all(tables.map((TableName) => client.send(new DeleteTableCommand({ TableName }))));
});

/** Chongqing's carrier-hte-bonus 2018 payout items awaiting budget, as finance's index lists them. */
async function awaitingBudget(stored: DynamoLedger) {
  const held = await client.send(
    new QueryCommand({
      TableName: stored.table,
      IndexName: "byPeriodStatus",
      KeyConditionExpression: "gsi1pk = :pk AND begins_with(gsi1sk, :program)",
      ExpressionAttributeValues: {
        ":pk": { S: "2018#awaiting-budget" },
        ":program": { S: "carrier-hte-bonus#" },
      },
    }),
  );
  return held.Items ?? [];
}

/** Applies a budget.allocated of `amount` yuan to Chongqing's carrier-hte-bonus 2018; its writes. */
async function allocate(stored: DynamoLedger, amount: string): Promise<Writes> {
  const [allocation] = messages("chongqing", [
    {
      type: "budget.allocated",
      id: "alloc-1",
      source: "staff/workbench",
      data: {
        allocationId: "ALLOC-1",
        policyVersion: "chongqing-2017",
        program: "carrier-hte-bonus",
        period: 2018,
        amount,
        actor: "approver",
      },
    },
  ]);
  if (!allocation) throw new Error("no allocation");
  const { decision } = await stored.apply(allocation, NOW);
  if (decision.outcome !== "applied") throw new Error(`allocation ${decision.outcome}`);
  return decision.writes;
}

/** Every item of the ledger's table (a consistent scan). */
async function itemsIn(stored: DynamoLedger) {
  const scanned = await client.send(new ScanCommand({ TableName: stored.table, ConsistentRead: true }));
  return scanned.Items ?? [];
}

async function ledgerFor(cityId: string) {
  const table = uniqueName(`ledger-${cityId}`);
  await createLedgerTable(await cityTemplate(cityId), client, table);
  tables.push(table);
  return new DynamoLedger(client, table, readCity(cityId));
}

function messages(cityId: string, events: ScenarioEvent[]) {
  const city = readCity(cityId);
  return events.map((e, i) => {
    const parsed = parseAsSent(toLine(e, i, cityId), { city: cityId, districtIds: city.districtIds });
    if (!parsed.ok) throw new Error(parsed.rejection.detail);
    return parsed.message;
  });
}

async function payoutsIn(ledger: DynamoLedger): Promise<PayoutMessage[]> {
  return (await itemsIn(ledger))
    .filter((i) => i.entity?.S === "payout")
    .map((i) => JSON.parse(i.message?.S ?? "{}"));
}

/** A fact that loses every race is left for its queue to redeliver; here the test redelivers it. */
async function applyUntilDecided(
  ledger: DynamoLedger,
  message: Parameters<DynamoLedger["apply"]>[0],
  redeliveries: { count: number },
): Promise<Awaited<ReturnType<DynamoLedger["apply"]>>> {
  try {
    return await ledger.apply(message, NOW);
  } catch (error) {
    if (!(error instanceof LedgerContentionError)) throw error;
    redeliveries.count++;
    // As SQS would: after a visibility timeout, not at once (a herd retrying together only collides again).
    await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 750));
    return applyUntilDecided(ledger, message, redeliveries);
  }
}

const sum = (payouts: PayoutMessage[]) => payouts.reduce((total, p) => total + BigInt(p.amountFen), 0n);

describe("DynamoLedger on DynamoDB Local", () => {
  let ledger: DynamoLedger;
  beforeAll(async () => {
    ledger = await ledgerFor("jinan");
  });

  test("the worked example, fact by fact, writes what the in-memory ledger writes", async () => {
    const events: ScenarioEvent[] = [
      { type: "district.target.set", data: { district: "370102", year: 2024, target: 1 } },
      {
        type: "hte.certification.granted",
        data: {
          certificateNo: "W0",
          enterprise: "W0",
          kind: "first",
          scale: "below",
          district: "370102",
          issuedOn: "2024-03-01",
        },
      },
      {
        type: "hte.certification.granted",
        data: {
          certificateNo: "W1",
          enterprise: "W1",
          kind: "first",
          scale: "above",
          district: "370102",
          incubator: "qilu-incubator",
          issuedOn: "2024-11-20",
        },
      },
      {
        type: "hte.certification.revoked",
        data: { certificateNo: "W1", revokedOn: "2025-03-01", reason: "撤销" },
      },
    ];
    const stored = await ledgerFor("jinan");
    for (const message of messages("jinan", events)) await stored.apply(message, NOW);
    const reference = simulate(
      events.map((e, i) => toLine(e, i, "jinan")),
      readCity("jinan"),
      NOW,
    );
    const key = (p: PayoutMessage) => `${p.payoutId} ${p.amount}`;
    expect((await payoutsIn(stored)).map(key).sort()).toEqual(
      (reference.messages as PayoutMessage[]).map(key).sort(),
    );
  });

  test("a redelivered fact is recognised from its receipt and writes nothing", async () => {
    const [message] = messages("jinan", [
      {
        type: "innovation-center.accredited",
        id: "ic-1",
        data: { enterprise: "R1", level: "national", accreditedOn: "2024-09-01" },
      },
    ]);
    if (!message) throw new Error("no message");
    const first = await ledger.apply(message, NOW);
    const before = sent.transactions;
    const again = await ledger.apply(message, NOW);
    expect(first.decision.outcome).toBe("applied");
    expect(again.decision.outcome).toBe("duplicate");
    expect(sent.transactions).toBe(before);
  });

  test("contention: 20 concurrent vouchers for one enterprise passing the cap by 0.01 — the cap holds to the fen", async () => {
    const stored = await ledgerFor("jinan");
    const events = Array.from({ length: 20 }, (_, i) =>
      voucher(`cap-${i}`, "CAPPED", i === 0 ? "50000.01" : "50000"),
    );
    const redeliveries = { count: 0 };
    const results = await Promise.all(
      messages("jinan", events).map((m) => applyUntilDecided(stored, m, redeliveries)),
    );
    const payouts = await payoutsIn(stored);
    expect(results.every((r) => r.decision.outcome === "applied")).toBe(true);
    expect(sum(payouts)).toBe(50_000_000n); // 500,000.00: 50% of 1,000,000.01 capped
    const retries = results.reduce((n, r) => n + r.attempts - 1, 0);
    console.log(`cap contention: 20 facts, ${retries} conflict retries, ${redeliveries.count} redeliveries`);
  });

  test("contention: 50 concurrent payouts against a budgeted program never exceed the budget", async () => {
    const stored = await ledgerFor("chongqing");
    const program = stored.city.program("chongqing-2017", "carrier-hte-bonus");
    const budget = program && periodBudget(program, 2018)?.allocatedFen;
    expect(budget).toBeDefined();
    const events = Array.from({ length: 50 }, (_, i) =>
      certification(i, "2018-06-01", { district: "500112", incubator: "cq-incubator" }),
    );
    const redeliveries = { count: 0 };
    const results = await Promise.all(
      messages("chongqing", events).map((m) => applyUntilDecided(stored, m, redeliveries)),
    );
    expect(results.every((r) => r.decision.outcome === "applied")).toBe(true);
    const bonus = (await payoutsIn(stored)).filter((p) => p.program === "carrier-hte-bonus");
    const payable = bonus.filter((p) => p.status === "payable");
    expect(bonus).toHaveLength(50);
    // The first awards are funded 40/60 (payouts.md § Funders): stored with their lines, which sum to them.
    const awards = (await payoutsIn(stored)).filter((p) => p.program === "hte-first-award");
    expect(awards).toHaveLength(50);
    for (const award of awards) {
      expect(award.funders?.map((f) => [f.funder, f.amount])).toEqual([
        ["city", "60000.00"],
        ["district", "90000.00"],
      ]);
    }
    expect(sum(payable)).toBeLessThanOrEqual(budget ?? 0n);
    expect(sum(payable) + 5_000_000n).toBeGreaterThan(budget ?? 0n); // filled up to the last whole payout
    expect(await awaitingBudget(stored)).toHaveLength(50 - payable.length);
    const retries = results.reduce((n, r) => n + r.attempts - 1, 0);
    // Allocating 3 more payouts' worth releases the three oldest held payouts (in commit order, as the
    // budget item keeps them), in order.
    const budgetKey = keys.budget("chongqing-2017", "carrier-hte-bonus", 2018);
    const budgetOf = async () => (await stored.load([budgetKey])).items.get(keyId(budgetKey)) as BudgetItem;
    const heldOldest = (await budgetOf()).held ?? [];
    expect(heldOldest).toHaveLength(50 - payable.length);
    // budget.allocated, a staff fact like any other (payments.md § Budget): 150,000 more.
    const writes = await allocate(stored, "150000");
    const after = await budgetOf();
    const releaseOutbox = writes.outbox.filter((o) => o.kind === "releases");
    const releases = releaseOutbox.flatMap((o) => o.messages as { payoutId: string }[]);
    expect(releases.map((r) => r.payoutId)).toEqual(heldOldest.slice(0, 3).map((p) => p.payoutId));
    expect(after.committedFen).toBeLessThanOrEqual(after.allocatedFen);
    expect(after.committedFen).toBe(sum(payable) + 15_000_000n);
    // The release messages are in the table, for the relay to send.
    const releaseKeys = releaseOutbox.map((o) => keyId(o.key));
    const releaseItems = (await itemsIn(stored)).filter((i) =>
      releaseKeys.includes(keyId({ pk: i.pk?.S ?? "", sk: i.sk?.S ?? "" })),
    );
    expect(releaseKeys).toHaveLength(1);
    expect(releaseItems).toHaveLength(1);
    console.log(
      `budget contention: 50 facts, ${payable.length} payable, ${50 - payable.length} held, ` +
        `${retries} conflict retries, ${redeliveries.count} redeliveries`,
    );
  }, 180_000);

  test("contention by funder: 12 concurrent subsidies never pass a funder's budget; the district's allocation releases the oldest", async () => {
    // Chongqing rd-subsidy 2018 (payments.md § Budget): city 1,000,000.00, district 500,000.00, 40/60. Each
    // subsidy is 100,000.00 (city 40,000.00, district 60,000.00): the district takes eight, the city twelve.
    const stored = await ledgerFor("chongqing");
    const events = Array.from({ length: 12 }, (_, i) => ({
      type: "rd.expense.verified",
      id: `rd-${i}`,
      data: { enterprise: `E${i + 1}`, fiscalYear: 2018, category: "hte", rdExpense: "5000000" },
    }));
    const redeliveries = { count: 0 };
    const results = await Promise.all(
      messages("chongqing", events).map((m) => applyUntilDecided(stored, m, redeliveries)),
    );
    expect(results.every((r) => r.decision.outcome === "applied")).toBe(true);
    const subsidies = (await payoutsIn(stored)).filter((p) => p.program === "rd-subsidy");
    expect(subsidies.filter((p) => p.status === "payable")).toHaveLength(8);
    const budgetKey = keys.budget("chongqing-2017", "rd-subsidy", 2018);
    const budgetOf = async () => (await stored.load([budgetKey])).items.get(keyId(budgetKey)) as BudgetItem;
    const before = await budgetOf();
    const byFunder = (b: BudgetItem) => b.funders?.map((f) => [f.funder, f.committedFen, f.heldFen]);
    expect(byFunder(before)).toEqual([
      ["city", 32_000_000n, 16_000_000n],
      ["district", 48_000_000n, 24_000_000n],
    ]);
    expect(before.held?.map((h) => h.funders?.map((l) => l.fen))).toEqual(
      Array.from({ length: 4 }, () => [4_000_000n, 6_000_000n]),
    );
    // 120,000.00 more for the district (620,000.00): the two oldest held subsidies fit, the third would not.
    const [allocation] = messages("chongqing", [
      {
        type: "budget.allocated",
        id: "alloc-district",
        source: "staff/workbench",
        data: {
          allocationId: "ALLOC-DISTRICT-1",
          policyVersion: "chongqing-2017",
          program: "rd-subsidy",
          period: 2018,
          amount: "120000",
          funder: "district",
          actor: "approver",
        },
      },
    ]);
    if (!allocation) throw new Error("no allocation");
    const { decision } = await stored.apply(allocation, NOW);
    if (decision.outcome !== "applied") throw new Error(`allocation ${decision.outcome}`);
    const released = decision.writes.outbox
      .filter((o) => o.kind === "releases")
      .flatMap((o) => o.messages as { payoutId: string }[]);
    expect(released.map((r) => r.payoutId)).toEqual(before.held?.slice(0, 2).map((h) => h.payoutId));
    const after = await budgetOf();
    expect(byFunder(after)).toEqual([
      ["city", 40_000_000n, 8_000_000n],
      ["district", 60_000_000n, 12_000_000n],
    ]);
    expect(after.funders?.map((f) => f.allocatedFen)).toEqual([100_000_000n, 62_000_000n]);
    expect(after.allocatedFen).toBe(162_000_000n);
    console.log(`funder budget contention: 12 facts, ${redeliveries.count} redeliveries`);
  }, 180_000);

  test("by funder through the lifecycle: the stored ledger instructs what memory does, with the same funder lines", async () => {
    const stored = await ledgerFor("chongqing");
    const memory = new MemoryLedger(readCity("chongqing"));
    const scenario = loadLifecycleScenarios(join(SCENARIOS, "chongqing", "lifecycle"))
      .flatMap((f) => f.cases)
      .find((c) => c.name.startsWith("the same, then the district allocates"));
    if (!scenario) throw new Error("no scenario");
    const sentBy = { stored: [] as unknown[], memory: [] as unknown[] };
    for (const message of messages("chongqing", scenario.events)) {
      for (const [name, ledger] of [
        ["stored", stored],
        ["memory", memory],
      ] as const) {
        const { decision } = await ledger.apply(message, NOW);
        if (decision.outcome !== "applied") throw new Error(`${name}: ${decision.outcome}`);
        sentBy[name].push(
          ...decision.writes.outbox.filter((o) => o.kind === "instructions").flatMap((o) => o.messages),
        );
      }
    }
    expect(sentBy.stored).toEqual(sentBy.memory);
    expect(
      (sentBy.stored as PaymentInstructionMessage[]).map((m) => [m.amount, m.funders?.map((f) => f.amount)]),
    ).toEqual([
      ["400000.00", ["160000.00", "240000.00"]],
      ["500000.00", ["200000.00", "300000.00"]],
    ]);
  }, 180_000);
});
