import { expect, test } from "vitest";
import { partitionsOf, reconcileLedger } from "../../shared/decisions/lifecycle/reconcile";
import type { PayoutMessage } from "../../shared/decisions/payouts";
import { readCity } from "../../shared/policy/files";

const city = readCity("jinan");

/**
 * A province's five years put 200,000 beneficiaries in one program-period: reconciliation once spread a
 * partition's units into one call's arguments and overflowed the stack after a 1.48-million-fact replay.
 */
test("reconciliation balances a partition of 200,000 units", async () => {
  const [first] = partitionsOf(city);
  if (!first) throw new Error("expected a partition");
  const count = 200_000;
  // Payout sums only (what a lean replay keeps): each unit is owed its amount, no line holds it yet.
  const sums = Array.from(
    { length: count },
    (_, i) =>
      ({ kind: "payout", beneficiary: { kind: "enterprise", id: `E${i}` }, amountFen: 1 }) as PayoutMessage,
  );
  const source = {
    partition: async (period: number, program: string) =>
      period === first.period && program === first.program ? sums : [],
    readItems: async () => new Map(),
  };
  const reconciled = await reconcileLedger(source, city);
  expect(reconciled.units.length).toBe(count);
  expect(reconciled.unbalanced.length).toBe(count);
  expect(new Set(reconciled.units.map((u) => u.beneficiary)).size).toBe(count);
  expect(reconciled.units.every((u) => u.entitlementFen === 1n && u.differenceFen === 1n)).toBe(true);
});
