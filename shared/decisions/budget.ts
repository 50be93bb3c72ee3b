import type { Fen } from "../money";
import type { BudgetItem, VersionedPut } from "./items";
import { type PayoutMessage, type ReleaseMessage, releaseIdOf } from "./payouts";

/**
 * More budget for a program's period: held payouts become payable oldest first, each through a
 * `release` message, while they fit. Strictly in order: a large old payout is not jumped by newer ones.
 */
export function allocateBudget(
  budget: BudgetItem,
  addedFen: Fen,
  heldOldestFirst: readonly PayoutMessage[],
  releasedAt: string,
): { budget: VersionedPut<BudgetItem>; releases: ReleaseMessage[] } {
  if (addedFen <= 0n) throw new RangeError("budget can only be added: the amount must be positive");
  const next: BudgetItem = {
    ...budget,
    allocatedFen: budget.allocatedFen + addedFen,
    version: budget.version + 1,
  };
  const releases: ReleaseMessage[] = [];
  for (const held of heldOldestFirst) {
    const amountFen = BigInt(held.amountFen);
    if (next.committedFen + amountFen > next.allocatedFen) break;
    next.committedFen += amountFen;
    next.heldFen -= amountFen;
    releases.push({
      kind: "release",
      releaseId: releaseIdOf(held.payoutId),
      payoutId: held.payoutId,
      city: held.city,
      program: held.program,
      beneficiary: held.beneficiary,
      period: held.period,
      releasedAt,
    });
  }
  return { budget: { item: next, expectedVersion: budget.version }, releases };
}
