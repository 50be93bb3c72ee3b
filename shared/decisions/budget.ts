import type { Fen } from "../money";
import type { BudgetItem, VersionedPut } from "./items";
import { keys } from "./keys";
import { type PayoutMessage, type ReleaseMessage, releaseIdOf } from "./payouts";

/**
 * A program's budget for a period as it stands: the item read, or — the first time a period draws on
 * it — opened at the city file's allocation for that period (`budgetsFen`). The one place a budget opens.
 */
export function openBudget(
  before: BudgetItem | null,
  at: { policyVersion: string; programId: string; period: number; allocatedFen: Fen },
): BudgetItem {
  return (
    before ?? {
      entity: "budget",
      key: keys.budget(at.policyVersion, at.programId, at.period),
      policyVersion: at.policyVersion,
      programId: at.programId,
      period: at.period,
      allocatedFen: at.allocatedFen,
      committedFen: 0n,
      heldFen: 0n,
      version: 0,
    }
  );
}

/** The next version of a budget, to be written conditioned on the version read (`null`: absent). */
export function nextBudget(budget: BudgetItem, existed: boolean): VersionedPut<BudgetItem> {
  return {
    item: { ...budget, version: budget.version + 1 },
    expectedVersion: existed ? budget.version : null,
  };
}

/**
 * More budget for a program's period: held payouts become payable oldest first, each through a
 * `release` message, while they fit. Strictly in order: a large old payout is not jumped by newer ones.
 */
export function allocateBudget(
  budget: BudgetItem,
  existed: boolean,
  addedFen: Fen,
  heldOldestFirst: readonly PayoutMessage[],
  releasedAt: string,
): { budget: VersionedPut<BudgetItem>; releases: ReleaseMessage[] } {
  if (addedFen <= 0n) throw new RangeError("budget can only be added: the amount must be positive");
  const next = nextBudget({ ...budget, allocatedFen: budget.allocatedFen + addedFen }, existed);
  const releases: ReleaseMessage[] = [];
  for (const held of heldOldestFirst) {
    const amountFen = BigInt(held.amountFen);
    if (next.item.committedFen + amountFen > next.item.allocatedFen) break;
    next.item.committedFen += amountFen;
    next.item.heldFen -= amountFen;
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
  return { budget: next, releases };
}
